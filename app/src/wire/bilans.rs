//! The data that the server functions of `api::bilans` and the pages exchange: « Bilans »: a
//! class's list for a period; creating, locking, unlocking.

use crate::domain::{BilanStatus, Level};
use serde::{Deserialize, Serialize};

/// Who locked a bilan, and when (Europe/Paris, « 28/11/2026 à 14 h 05 »).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockView {
    pub by: String,
    pub at: String,
}

/// One pupil's row of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilanRow {
    pub student_id: i32,
    /// 1 for the first pupil, in name order.
    pub number: usize,
    pub last_name: String,
    pub first_names: String,
    pub level: Option<Level>,
    pub status: BilanStatus,
    /// (complete rows, rows) of an existing bilan.
    pub complete_rows: Option<(usize, usize)>,
    /// What is missing before the bilan can be printed.
    pub missing: Vec<String>,
    pub lock: Option<LockView>,
    /// When the bilan was published to the family (dd/mm/yyyy).
    pub published: Option<String>,
    /// The pupil's responsables and their visa of this bilan.
    pub visas: Vec<super::families::ResponsableVisa>,
}

/// A class's bilans for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilansView {
    pub teachers: Vec<String>,
    pub levels: Vec<Level>,
    pub rows: Vec<BilanRow>,
    /// The person may unlock (directeur).
    pub may_unlock: bool,
}

/// What can be done to the selected bilans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BilanAction {
    Create,
    Lock,
    Unlock,
}

/// An action on the selected pupils' bilans of a class and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilanActionRequest {
    pub class_id: i32,
    pub period_id: i32,
    pub action: BilanAction,
    pub student_ids: Vec<i32>,
}

/// What became of an action on the selected bilans: how many were done, and each one left
/// alone with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilanActionReport {
    pub action: BilanAction,
    pub done: usize,
    /// (pupil's name, reason), in list order.
    pub left_alone: Vec<(String, String)>,
}
