use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cycle_bilan_component")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cycle_bilan_id: i32,
    /// LSU code of the component (`CPD_FRA`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    /// 1 to 4, 0 for « dispensé » (`Maitrise::level`).
    pub level: i16,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
