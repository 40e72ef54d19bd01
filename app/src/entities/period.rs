use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "period")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub school_year_id: i32,
    pub periodicity: String,
    /// LSU `indice`: 1 for the first period.
    pub position: i16,
    /// LSU `nb-periodes`.
    pub count: i16,
    pub starts_on: Date,
    pub ends_on: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
