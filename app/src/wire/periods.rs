//! The data that the server functions of `api::periods` and the pages exchange: the periods of the
//! school year and the classes that follow them (Paramétrage).

use crate::domain::{PeriodDates, Periodicity};
use crate::wire::classes::ClassRow;
use crate::wire::session::SchoolYearView;
use serde::{Deserialize, Serialize};

/// The periods of one periodicity for the current year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanView {
    pub periodicity: Periodicity,
    /// Saved periods, else the usual dates to start from (none for personalised periods).
    pub periods: Vec<PeriodDates>,
    /// Whether these periods are saved (else they are a proposal).
    pub saved: bool,
}

/// What « Périodes » shows: the year, the periods of each periodicity, and the classes with
/// the periodicity each follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodsView {
    pub year: Option<SchoolYearView>,
    pub plans: Vec<PlanView>,
    pub classes: Vec<ClassRow>,
}
