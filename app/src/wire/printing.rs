//! The data that the server functions of `api::printing` and the pages exchange: a class's bilans
//! printed in the background, with progress.

use serde::{Deserialize, Serialize};

/// A print under way or done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintJobView {
    pub id: u64,
    /// « CM2 M. Durand — Trimestre 1 ».
    pub label: String,
    pub file_name: String,
    pub printed: usize,
    pub total: usize,
    pub ready: bool,
    pub failed: bool,
    /// The pupils whose bilan is not in the file, each with why: « BAZIN Violetta : il manque … ».
    pub left_out: Vec<String>,
}

impl PrintJobView {
    /// Where the finished file is downloaded.
    pub fn href(&self) -> String {
        format!("/bilans/impression?travail={}", self.id)
    }

    pub fn running(&self) -> bool {
        !self.ready && !self.failed
    }
}
