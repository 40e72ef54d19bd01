use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "school_class")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub school_year_id: i32,
    /// ONDE « Identifiant classe » (LSU `id-be`).
    pub onde_id: Option<i64>,
    pub label: String,
    pub positionnement_type: String,
    /// The language the class learns, named on the « Langue vivante » row.
    pub language: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
