//! The data that the server functions of `api::pupil_import` and the pages exchange: « Import des
//! élèves » from an ONDE extraction (Paramétrage).

use crate::domain::ImportSummary;
use serde::{Deserialize, Serialize};

/// Largest extraction accepted: a 2,000-pupil school weighs about 400 KB. Checked in the
/// browser before sending, by the server function, and by the parser.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// The files Livret reads: ONDE's extractions of the school's pupils and of their
/// responsables, and the school's list of teachers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportedFile {
    Eleves,
    Responsables,
    Enseignants,
}

impl ImportedFile {
    /// « l'extraction ONDE des élèves », as the messages name it.
    pub fn name(self) -> &'static str {
        match self {
            ImportedFile::Eleves => "l'extraction ONDE des élèves",
            ImportedFile::Responsables => "l'extraction ONDE des responsables",
            ImportedFile::Enseignants => "la liste des enseignants",
        }
    }

    /// Why a file over `MAX_FILE_BYTES` is refused.
    pub fn too_big(self) -> String {
        format!(
            "le fichier dépasse {} Mo : est-ce bien {} ?",
            MAX_FILE_BYTES / (1024 * 1024),
            self.name()
        )
    }
}

/// Name of the form field carrying the extraction.
pub const FILE_FIELD: &str = "fichier";

/// Name of the form field saying whether to apply (`appliquer`) or only preview (`apercu`).
pub const MODE_FIELD: &str = "mode";

/// What the page shows after sending a file: the changes, and whether they were written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub applied: bool,
    /// Pupils listed in the file.
    pub pupils_in_file: usize,
    pub summary: ImportSummary,
}
