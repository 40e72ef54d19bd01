//! The data that the server functions of `api::session` and the pages exchange: login, logout, the
//! current session and the establishment switch.

use crate::domain::Role;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An establishment the person works in, with their roles there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EstablishmentChoice {
    pub id: i32,
    pub uai: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub school_year: Option<SchoolYearView>,
}

/// The current school year of an establishment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolYearView {
    /// `2026/2027`
    pub label: String,
    #[serde(deserialize_with = "crate::time::deserialize_date")]
    pub starts_on: NaiveDate,
    #[serde(deserialize_with = "crate::time::deserialize_date")]
    pub ends_on: NaiveDate,
}

/// Who is logged in and where they are working: what every page's frame shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub display_name: String,
    pub is_administrator: bool,
    pub establishments: Vec<EstablishmentChoice>,
    pub current: Option<EstablishmentChoice>,
    /// The account has a one-time password: the frame asks for a new one before anything else.
    pub must_change_password: bool,
    /// A directeur or administrateur without a second factor: the frame has them enrol first.
    pub must_enrol_second_factor: bool,
    /// An administrateur helping the current establishment from inside (the frame says so).
    pub assisting: bool,
}

impl SessionView {
    /// Whether the person holds `role` in the establishment they are working in.
    pub fn has_current_role(&self, role: Role) -> bool {
        self.current
            .as_ref()
            .is_some_and(|current| current.roles.contains(&role))
    }
}
