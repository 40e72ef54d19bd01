use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bilan_line")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub bilan_id: i32,
    /// LSU code of the domain row (`FRA-LGO`).
    pub domain_code: String,
    /// 1 to 4 (Non atteints … Dépassés), when positioned.
    pub positionnement: Option<i16>,
    /// « Non évalué » (then `positionnement` is empty).
    pub not_evaluated: bool,
    /// The pupil's own programme elements (a JSON array), once edited for this pupil; until
    /// then the class's list applies.
    pub elements: Option<Json>,
    /// `elements` is the class's list copied at locking (dropped at unlocking), not the
    /// pupil's own.
    pub elements_frozen: bool,
    pub comment: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
