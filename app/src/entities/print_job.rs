use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "print_job")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub owner_id: i32,
    /// « CM2 M. Durand — Trimestre 1 ».
    pub label: String,
    pub file_name: String,
    /// A ZIP of one PDF per pupil rather than one PDF.
    pub each: bool,
    pub total: i32,
    pub printed: i32,
    /// « NOM Prénom : why » for each pupil whose bilan is not in the file.
    pub left_out: Json,
    #[sea_orm(column_type = "VarBinary(StringLen::None)", nullable)]
    pub file: Option<Vec<u8>>,
    /// Why the print failed, for the log (the person is told it failed).
    #[sea_orm(column_type = "Text", nullable)]
    pub failure: Option<String>,
    pub started_at: DateTimeUtc,
    /// Beaten by the process printing it; a print whose heartbeat stopped has failed.
    pub heartbeat_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
