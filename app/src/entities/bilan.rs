use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bilan")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub student_id: i32,
    pub period_id: i32,
    pub class_id: i32,
    /// The pupil's identity as this bilan shows it (a copy, see the synchronisation).
    pub last_name: String,
    pub first_names: String,
    pub birth_date: Date,
    pub sex: Option<String>,
    /// The class's teachers as this bilan shows them: a JSON array of display names.
    pub teachers: Json,
    /// The parcours texts this bilan shows (JSON object, code → text), copied from the class
    /// at locking and dropped at unlocking; until then the class's texts apply.
    pub parcours: Option<Json>,
    /// The class's language as this bilan shows it, copied at locking like `parcours`.
    pub language: Option<String>,
    /// The pupil's own parcours texts (JSON object, code → text), shown beside the class's.
    pub own_parcours: Option<Json>,
    /// « Modalités spécifiques d'accompagnement »: a JSON array of codes (`PPRE`, `PAI`…).
    pub modalites: Option<Json>,
    /// The complement of a PPRE.
    pub ppre_complement: Option<String>,
    /// « Appréciation générale sur la progression de l'élève ».
    pub appreciation: Option<String>,
    pub locked_at: Option<DateTimeUtc>,
    pub locked_by: Option<i32>,
    /// The school's director when it was locked (whoever locked it): the LSU's `directeur`.
    pub director_id: Option<i32>,
    /// Set while the family can read the bilan (only a locked one is published).
    pub published_at: Option<DateTimeUtc>,
    pub published_by: Option<i32>,
    /// Grows with every write: a write made from an older version is a conflict.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
