use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "school_year")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub establishment_id: i32,
    pub millesime: i32,
    pub starts_on: Date,
    pub ends_on: Date,
    /// Set when the next year was opened: the year is history, read but never written.
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
