use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cycle_bilan")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub student_id: i32,
    pub school_year_id: i32,
    pub class_id: i32,
    /// 2 for the end of CE2.
    pub cycle: i16,
    /// The pupil's identity as this bilan shows it (a copy, see the synchronisation).
    pub last_name: String,
    pub first_names: String,
    pub birth_date: Date,
    pub sex: Option<String>,
    /// The class's teachers as this bilan shows them: a JSON array of display names.
    pub teachers: Json,
    /// « Synthèse des acquis scolaires de l'élève en fin de cycle ».
    pub synthese: Option<String>,
    pub locked_at: Option<DateTimeUtc>,
    pub locked_by: Option<i32>,
    /// The school's director when it was locked: the LSU's `directeur`.
    pub director_id: Option<i32>,
    /// Set while the family can read the bilan (only a locked one is published).
    pub published_at: Option<DateTimeUtc>,
    pub published_by: Option<i32>,
    /// Grows with every write.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
