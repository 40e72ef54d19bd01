//! The data that the server function of `api::teacher_import` and the page exchange: « Import
//! des enseignants » from the school's list (Paramétrage).

use serde::{Deserialize, Serialize};

/// A teacher of the list, as the report names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedTeacher {
    /// « Mme Claire Martin ».
    pub name: String,
    /// Their login (for a new account: the one it gets).
    pub login: String,
    /// The classes they are assigned to by this import (labels).
    pub classes: Vec<String>,
    /// A new account's one-time password, once the import is applied: shown once.
    pub one_time_password: Option<String>,
}

/// What the page shows after sending the list: what it creates and assigns, and whether it was
/// written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TeacherImportReport {
    pub applied: bool,
    pub teachers_in_file: usize,
    /// New accounts, with their classes.
    pub created: Vec<ImportedTeacher>,
    /// Teachers of the school already there, given more classes.
    pub assigned: Vec<ImportedTeacher>,
    /// Teachers of the school already there with all their classes (« M. Marc Durand »).
    pub unchanged: Vec<String>,
}

impl TeacherImportReport {
    pub fn changes_nothing(&self) -> bool {
        self.created.is_empty() && self.assigned.is_empty()
    }
}
