//! The data that the server functions of `api::academie` and the pages exchange: the académie's
//! establishments and their directors (administrateurs only).

use serde::{Deserialize, Serialize};

/// One period of an establishment's open year: its bilans locked, out of those made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodLocks {
    /// « Trimestre 1 ».
    pub label: String,
    pub locked: u64,
    pub total: u64,
}

/// An establishment as the académie's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EstablishmentRow {
    pub id: i32,
    pub uai: String,
    pub name: String,
    pub city: Option<String>,
    /// The open school year (`2026/2027`), if any.
    pub year: Option<String>,
    /// Pupils in the open year's classes (those who left are not counted).
    pub pupils: u64,
    pub periods: Vec<PeriodLocks>,
    /// Its directors' names.
    pub directors: Vec<String>,
}

/// A person with a role in an establishment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub user_id: i32,
    pub name: String,
    pub login: String,
    /// Whether their second factor is on (an administrateur may reset it).
    pub second_factor: bool,
}

/// One establishment and its directors, for its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EstablishmentStaff {
    pub id: i32,
    pub uai: String,
    pub name: String,
    pub city: Option<String>,
    pub directors: Vec<StaffMember>,
}

/// The « Nouvel établissement » form as posted (fields `ecole[…]`): the establishment and its
/// director.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEstablishmentForm {
    pub uai: String,
    pub name: String,
    pub city: String,
    pub civility: String,
    pub last_name: String,
    pub first_name: String,
    pub login: String,
}

/// The « Nouveau directeur » form as posted (fields `directeur[…]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDirectorForm {
    pub establishment_id: i32,
    pub civility: String,
    pub last_name: String,
    pub first_name: String,
    pub login: String,
}
