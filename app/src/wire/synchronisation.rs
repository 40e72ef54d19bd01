//! The data that the server functions of `api::synchronisation` and the pages exchange: «
//! Synchronisation élèves enseignants » (Paramétrage).

use serde::{Deserialize, Serialize};

/// What a synchronisation did to the bilans of the chosen classes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// Unlocked bilans that took up the current identity or teachers.
    pub updated: usize,
    /// Locked bilans, left as they are.
    pub locked_kept: usize,
    /// Unlocked bilans that already showed the current data.
    pub already_up_to_date: usize,
}
