//! The data that the server functions of `api::families` and the pages exchange: families: the
//! parent space, visas, publishing to families.

use super::bilan_document::BilanDocument;
use super::bilan_editor::BilanKey;
use serde::{Deserialize, Serialize};

/// A published bilan in a child's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedBilan {
    pub period_id: i32,
    /// « Trimestre 1 2026/2027 ».
    pub title: String,
    pub class: String,
    /// dd/mm/yyyy.
    pub published_on: String,
    /// When this person acknowledged it, if they did.
    pub acknowledged: Option<String>,
}

/// One child of the family and their published bilans, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildBilans {
    pub student_id: i32,
    /// « Violetta BAZIN ».
    pub name: String,
    pub class: String,
    pub bilans: Vec<PublishedBilan>,
    /// The published bilan de fin de cycle, if there is one.
    pub cycle_bilan: Option<PublishedCycleBilan>,
}

/// A published bilan de fin de cycle in a child's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedCycleBilan {
    /// « Bilan de fin de cycle 2 — 2026/2027 ».
    pub title: String,
    pub class: String,
    /// dd/mm/yyyy.
    pub published_on: String,
    /// When this person acknowledged it, if they did.
    pub acknowledged: Option<String>,
}

/// « Mes enfants ».
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilySpaceView {
    pub children: Vec<ChildBilans>,
}

/// A published bilan, to read on screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyBilanView {
    pub key: BilanKey,
    pub document: BilanDocument,
    pub acknowledged: Option<String>,
}

/// A responsable of a pupil, and their visa of the period's bilan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsableVisa {
    pub name: String,
    pub acknowledged: Option<String>,
}

/// What publishing (or withdrawing) did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishReport {
    pub publish: bool,
    pub done: usize,
    /// (pupil's name, reason).
    pub left_alone: Vec<(String, String)>,
}

/// A responsable the import attached: to whom, and the activation code of a new account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedResponsable {
    pub line: u64,
    pub name: String,
    pub login: String,
    /// Shown once: to print or send; the parent then chooses their password.
    pub activation_code: Option<String>,
    /// The children attached, « NOM Prénom ».
    pub children: Vec<String>,
}

/// A row of the file left for the director, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub line: u64,
    pub message: String,
}

/// What an import of responsables did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsablesReport {
    pub attached: Vec<ImportedResponsable>,
    pub problems: Vec<RowProblem>,
}

/// A pupil and their responsables, for « Responsables légaux ».
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PupilResponsables {
    pub student_id: i32,
    /// « NOM Prénoms ».
    pub name: String,
    pub class: String,
    /// « Mme Sophie Bazin (parent) ».
    pub responsables: Vec<String>,
}

/// The « Rattacher un responsable » form of a pupil as posted (fields
/// `responsable[civility]`…): checked by the server function, which names each field it
/// refuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewResponsableForm {
    pub student_id: i32,
    /// Empty: not given.
    pub civility: String,
    pub last_name: String,
    pub first_name: String,
    /// Empty: not given.
    pub email: String,
    /// Which account this is: empty when not said yet, `nouveau` for a new account whoever
    /// else has the name, or the id of the school's responsable the director says it is.
    #[serde(default)]
    pub account: String,
}

/// A responsable of the school with the same name as the one being attached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomonymView {
    pub user_id: i32,
    pub login: String,
    pub name: String,
    /// Their children in the school, « NOM Prénom ».
    pub children: Vec<String>,
}

/// The answer to « Rattacher »: done, or the question the director must answer first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttachAnswer {
    Attached(ImportedResponsable),
    /// Responsables of the school bear this name: is it one of them, or someone else? The form
    /// as it was sent, to send again with the answer.
    Homonyms {
        form: NewResponsableForm,
        homonyms: Vec<HomonymView>,
    },
}
