//! The data that the server functions of `api::school_years` and the pages exchange: the open
//! school year, the next one to open, and what opening it removes.

use crate::wire::session::SchoolYearView;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The year « Année scolaire » offers to open, with the dates the national calendar proposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposedYear {
    pub millesime: i32,
    /// `2026/2027`
    pub label: String,
    #[serde(deserialize_with = "crate::time::deserialize_date")]
    pub starts_on: NaiveDate,
    #[serde(deserialize_with = "crate::time::deserialize_date")]
    pub ends_on: NaiveDate,
}

/// Unlocked periodic bilans of one class of the open year: not kept when the next year opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlockedInClass {
    pub class_label: String,
    pub count: u64,
}

/// What « Année scolaire » shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearSetupView {
    /// The open year, if any.
    pub current: Option<SchoolYearView>,
    /// The year to open next (the first one, or « l'année suivante »).
    pub next: ProposedYear,
    /// What opening `next` would remove, per class.
    pub unlocked: Vec<UnlockedInClass>,
}

/// The « Ouvrir l'année » form as posted (fields `annee[…]`): dates as typed (JJ/MM/AAAA) or as
/// a date input sends them; `suppression` is the number of unlocked bilans the director
/// confirmed removing (empty when there are none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenYearForm {
    pub millesime: String,
    pub debut: String,
    pub fin: String,
    #[serde(default)]
    pub suppression: String,
}

/// The « Dates de l'année » form as posted (fields `dates[…]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearDatesForm {
    pub debut: String,
    pub fin: String,
}
