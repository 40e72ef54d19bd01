use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "student")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub establishment_id: i32,
    pub ine: Option<String>,
    pub last_name: String,
    pub usage_name: Option<String>,
    pub first_names: String,
    pub birth_date: Date,
    pub sex: Option<String>,
    pub level: Option<String>,
    pub class_id: Option<i32>,
    pub entered_on: Option<Date>,
    /// Set when the pupil left the school (radiation); they keep their data.
    pub left_on: Option<Date>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
