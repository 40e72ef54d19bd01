use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_element")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub class_id: i32,
    /// Level code (`CM2`): a multi-level class has a list per level.
    pub level: String,
    pub period_id: i32,
    /// LSU code of the domain row (`FRA-LGO`).
    pub domain_code: String,
    /// 1 for the first element of the list.
    pub position: i16,
    pub text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
