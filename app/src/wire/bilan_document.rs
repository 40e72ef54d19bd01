//! The data that the services and the pages exchange: a bilan as it prints and as a family reads
//! it.

use serde::{Deserialize, Serialize};

/// One bilan as the template prints it; every text is the person's, spaced in French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilanDocument {
    pub school: SchoolHeader,
    /// « 2026/2027 ».
    pub year: String,
    pub period: PeriodHeader,
    pub class: String,
    pub pupil: PupilHeader,
    /// The teachers the bilan shows, joined.
    pub teachers: String,
    pub director: String,
    /// The four levels as the class's scale names them.
    pub scale: Vec<String>,
    /// What « X » and « Non évalué » mean.
    pub legend: String,
    pub rows: Vec<PrintedRow>,
    pub parcours: Vec<PrintedParcours>,
    pub modalites: Vec<String>,
    pub ppre: String,
    pub appreciation: String,
    /// The lock, when the bilan is locked, and where it was made.
    pub footer: String,
    /// The end of the period: the printed document's date, so that the same bilan always
    /// gives the same file.
    pub date: DocumentDate,
    /// `NOM_Prénom_Trimestre-1.pdf`.
    #[serde(skip)]
    pub file_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolHeader {
    pub name: String,
    pub uai: String,
    /// Empty when unknown.
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodHeader {
    pub label: String,
    pub dates: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PupilHeader {
    pub name: String,
    pub birth_date: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// A row of the recto.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedRow {
    pub domain: String,
    pub label: String,
    /// A sub-domain (Français, Mathématiques), printed under its domain's name.
    pub sub_domain: bool,
    pub elements: Vec<String>,
    /// The domain's comment, on the row that holds it (`comment_span` > 0).
    pub comment: String,
    pub comment_span: usize,
    /// 1 to 4.
    pub level: Option<i16>,
    pub not_evaluated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedParcours {
    pub label: String,
    pub text: String,
}

/// A bilan de fin de cycle as the template prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleBilanDocument {
    pub school: SchoolHeader,
    /// « 2026/2027 ».
    pub year: String,
    pub class: String,
    pub pupil: PupilHeader,
    pub teachers: String,
    pub director: String,
    /// The four degrees of mastery, in order.
    pub scale: Vec<String>,
    pub components: Vec<PrintedComponent>,
    pub synthese: String,
    /// The lock, when the bilan is locked, and where it was made.
    pub footer: String,
    /// The end of the school year: the same bilan always gives the same file.
    pub date: DocumentDate,
    /// `NOM_Prénom_Fin-de-cycle-2.pdf`.
    #[serde(skip)]
    pub file_name: String,
}

/// A component of the socle and where the pupil stands: 1 to 4, 0 for « dispensé ».
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedComponent {
    pub label: String,
    pub level: i16,
}
