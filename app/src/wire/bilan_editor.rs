//! The data that the server functions of `api::bilan_editor` and the pages exchange: one pupil's
//! bilan: the editor's content, its saving, the pupil's history.

use super::bilans::LockView;
use crate::domain::{BilanStatus, Level, Positionnement, PositionnementType};
use serde::{Deserialize, Serialize};

/// Which bilan: a pupil and a period (`/bilans/bilan?eleve=…&periode=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BilanKey {
    pub student_id: i32,
    pub period_id: i32,
}

/// A field of a bilan that the editor writes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BilanField {
    /// « Acquisitions, progrès et difficultés éventuelles » of the domain of this row (the
    /// domain's first row for Français and Mathématiques).
    Comment(String),
    /// The positionnement of this row.
    Positionnement(String),
    /// This pupil's own programme elements of this row (none: the class's).
    Elements(String),
    /// The pupil's own text for this parcours, beside the class's.
    Parcours(String),
    /// The modalités spécifiques d'accompagnement.
    Modalites,
    /// The complement of a PPRE.
    PpreComplement,
    /// « Appréciation générale sur la progression de l'élève ».
    Appreciation,
}

/// A field's value; empty texts stand for nothing entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldValue {
    Text(String),
    Level(Option<Positionnement>),
    /// The pupil's own list, or none when the class's applies.
    Elements(Option<Vec<String>>),
    /// Codes of modalités, in the catalogue's order.
    Codes(Vec<String>),
}

/// A changed field: the value the page saw (loaded or last saved) and the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: BilanField,
    pub was: FieldValue,
    pub now: FieldValue,
}

/// What became of a changed field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldOutcome {
    /// Stored, as the server keeps it (texts trimmed).
    Saved(FieldValue),
    /// Someone changed the field since the page saw it: nothing was written to it.
    Conflict { current: FieldValue },
    /// The value breaks a rule (too long, blank element…): nothing was written to it.
    Refused(String),
}

/// Where a bilan stands: its status, each row's completeness, what is missing to print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilanSummary {
    pub status: BilanStatus,
    /// (row code, complete), in the recto's order.
    pub rows: Vec<(String, bool)>,
    /// What stands between the bilan and its printing (empty: it can be printed).
    pub missing: Vec<String>,
}

/// The outcome of each change, in the order sent, and the bilan after the save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilanSaved {
    pub outcomes: Vec<FieldOutcome>,
    pub summary: BilanSummary,
}

/// One row of the recto.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RectoRow {
    pub code: String,
    pub label: String,
    pub domain: String,
    /// On the first row of a domain: how many rows its comment covers; 0 on the others.
    pub comment_span: usize,
    /// The domain's comment (on the row that holds it; empty elsewhere).
    pub comment: String,
    /// The class's list for the pupil's level and the period.
    pub class_elements: Vec<String>,
    /// The pupil's own list, once edited for them.
    pub own_elements: Option<Vec<String>>,
    pub positionnement: Option<Positionnement>,
}

/// A parcours éducatif on the verso.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersoParcours {
    pub code: String,
    pub label: String,
    /// The class's text (empty when none).
    pub class_text: String,
    /// This pupil's own text (empty when none).
    pub own_text: String,
}

/// A pupil before or after this one in the class, for « Bilan précédent / suivant ».
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Neighbour {
    pub student_id: i32,
    pub name: String,
}

/// A pupil's bilan for a period, as the editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilanEditorView {
    pub key: BilanKey,
    pub class_id: i32,
    pub class_label: String,
    /// « Trimestre 1 ».
    pub period_label: String,
    /// « du 01/09/2026 au 30/11/2026 ».
    pub period_dates: String,
    /// « NOM Prénoms », as the bilan shows them.
    pub pupil_name: String,
    pub birth_date: String,
    pub level: Option<Level>,
    pub teachers: Vec<String>,
    pub scale: PositionnementType,
    /// The bilan exists (a first save creates it).
    pub created: bool,
    pub lock: Option<LockView>,
    pub summary: BilanSummary,
    pub rows: Vec<RectoRow>,
    pub parcours: Vec<VersoParcours>,
    /// (code, label) of every modalité, and the codes chosen.
    pub modalites_offered: Vec<(String, String)>,
    pub modalites: Vec<String>,
    pub ppre_complement: String,
    pub appreciation: String,
    /// 1 for the first pupil of the class, and how many there are (0 and 0 for a bilan only
    /// read, from the pupil's history).
    pub position: usize,
    pub count: usize,
    pub previous: Option<Neighbour>,
    pub next: Option<Neighbour>,
    /// The person fills in the bilan's class; else they only read it, as a teacher of the
    /// pupil's class now (a bilan of another year or class, from the pupil's history).
    pub may_edit: bool,
    /// The person may unlock it (directeur).
    pub may_unlock: bool,
}

/// One entry of a bilan's audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailEntry {
    /// « 28/11/2026 à 14 h 05 » (Europe/Paris).
    pub at: String,
    pub by: String,
    /// « Appréciation générale », « Verrouillage »…
    pub what: String,
    /// The value written, as the bilan shows it (shortened).
    pub value: String,
}

/// One bilan of a pupil's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryBilan {
    pub key: BilanKey,
    /// « 2026/2027 ».
    pub year: String,
    pub period_label: String,
    pub class_label: String,
    pub status: BilanStatus,
    pub lock: Option<LockView>,
    /// Newest first.
    pub trail: Vec<TrailEntry>,
}

/// One bilan de fin de cycle of a pupil's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryCycleBilan {
    pub student_id: i32,
    /// « 2026/2027 ».
    pub year: String,
    /// « Bilan de fin de cycle 2 ».
    pub title: String,
    pub class_label: String,
    pub status: BilanStatus,
    pub lock: Option<LockView>,
    /// Newest first.
    pub trail: Vec<TrailEntry>,
}

/// « Consulter l'historique des bilans de l'élève »: every bilan, newest period first, and
/// the bilans de fin de cycle, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryView {
    pub pupil_name: String,
    pub bilans: Vec<HistoryBilan>,
    pub cycle_bilans: Vec<HistoryCycleBilan>,
}
