use serde::{Deserialize, Serialize};

/// What « Export vers le LSU » found before producing anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportPrecheck {
    /// Each would make the national application refuse the file or lose data: none may stay.
    pub problems: Vec<ExportProblem>,
    /// Unlocked bilans, left out, per class and period.
    pub left_out: Vec<LeftOutClass>,
    /// Locked bilans that go in the file.
    pub bilans: usize,
    /// `LSU_<UAI>_<AAAAMMJJ>.xml`.
    pub file_name: String,
}

/// A problem and the page that fixes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportProblem {
    pub message: String,
    pub link: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOutClass {
    /// « CM2 M. Durand — Trimestre 1 ».
    pub class: String,
    pub count: usize,
    pub link: String,
}

/// The periods a director may send, for the page's choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportChoices {
    pub periods: Vec<PeriodToSend>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodToSend {
    pub id: i32,
    /// « Trimestre 1 (du 01/09/2026 au 28/11/2026) ».
    pub label: String,
}

/// What a director asks to send: periods' bilans and/or this year's bilans de fin de cycle.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRequest {
    pub period_ids: Vec<i32>,
    pub cycle_bilans: bool,
}
