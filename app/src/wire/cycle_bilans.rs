//! The data that the server functions of `api::cycle_bilans` and the pages exchange: bilans de
//! fin de cycle: a class's list, the grid of a component, one pupil's bilan.

use crate::domain::BilanStatus;
use crate::domain::socle::Maitrise;
use crate::wire::bilan_editor::TrailEntry;
use crate::wire::bilans::LockView;
use crate::wire::saisie::{CellChange, CellOutcome, CellSaved, GridRow};
use serde::{Deserialize, Serialize};

/// A class with pupils at the end of a cycle (CE2), that the person fills in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleClass {
    pub id: i32,
    pub label: String,
}

/// What the address of a cycle page asks for (`?classe=…&composante=…`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleQuery {
    pub classe: Option<i32>,
    pub composante: Option<String>,
}

/// A cycle page: the classes to choose from, the one chosen (none when the person has no class
/// with CE2 pupils) and what the page shows for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CyclePage<T> {
    pub classes: Vec<CycleClass>,
    pub class: Option<CycleClass>,
    pub content: Option<T>,
}

/// Which grid: a class and a component of the socle (`CPD_FRA`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleGridKey {
    pub class_id: i32,
    pub code: String,
}

/// The grid of one component: a row per CE2 pupil of the class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleGridView {
    pub code: String,
    pub label: String,
    pub rows: Vec<GridRow<Maitrise>>,
}

/// A changed cell of a component's grid, or of a pupil's bilan.
pub type MaitriseChange = CellChange<Maitrise>;
/// What became of it.
pub type MaitriseOutcome = CellOutcome<Maitrise>;
/// A changed cell once saved, with its pupil's status.
pub type MaitriseSaved = CellSaved<Maitrise>;

/// One pupil's row of a class's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleRow {
    pub student_id: i32,
    /// « NOM Prénoms ».
    pub name: String,
    pub status: BilanStatus,
    /// Components positioned, of eight.
    pub positioned: usize,
    pub has_synthese: bool,
    pub lock: Option<LockView>,
    /// The day it was published to the family (dd/mm/yyyy).
    pub published: Option<String>,
    /// « Vu par … le … », one per responsable who acknowledged it.
    pub visas: Vec<String>,
}

/// The bilans de fin de cycle of a class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleListView {
    /// « 2026/2027 ».
    pub year: String,
    pub rows: Vec<CycleRow>,
    /// The person may unlock and publish (directeur).
    pub may_unlock: bool,
}

/// What can be done to the selected bilans de fin de cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CycleAction {
    Lock,
    Unlock,
    Publish,
    Withdraw,
}

impl CycleAction {
    pub fn label(self) -> &'static str {
        match self {
            CycleAction::Lock => "verrouillé",
            CycleAction::Unlock => "déverrouillé",
            CycleAction::Publish => "publié aux familles",
            CycleAction::Withdraw => "retiré aux familles",
        }
    }
}

/// An action on the selected pupils' bilans de fin de cycle of a class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleActionRequest {
    pub class_id: i32,
    pub action: CycleAction,
    pub student_ids: Vec<i32>,
}

/// How many were done, and each one left alone with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleActionReport {
    pub action: CycleAction,
    pub done: usize,
    /// (pupil's name, reason), in list order.
    pub left_alone: Vec<(String, String)>,
}

/// One component of a pupil's bilan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentEntry {
    pub code: String,
    pub label: String,
    pub value: Option<Maitrise>,
}

/// One pupil's bilan de fin de cycle, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleBilanView {
    pub student_id: i32,
    pub class_id: i32,
    pub class_label: String,
    /// « 2026/2027 ».
    pub year: String,
    pub name: String,
    /// dd/mm/yyyy.
    pub birth_date: String,
    pub teachers: Vec<String>,
    pub components: Vec<ComponentEntry>,
    pub synthese: String,
    pub status: BilanStatus,
    pub lock: Option<LockView>,
    pub published: Option<String>,
    pub may_unlock: bool,
    /// Newest first.
    pub trail: Vec<TrailEntry>,
}

/// Which pupil's bilan de fin de cycle (`?eleve=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleBilanKey {
    pub eleve: i32,
}

/// A change to the synthèse: the text the page saw and the new one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SyntheseChange {
    pub was: String,
    pub now: String,
}

/// What a pupil's page sends: its changed components (`student_id` is the pupil's) and the
/// synthèse if it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleBilanChanges {
    pub student_id: i32,
    pub components: Vec<(String, Option<Maitrise>, Option<Maitrise>)>,
    pub synthese: Option<SyntheseChange>,
}

/// What became of a pupil's page's changes: conflicts name what is stored now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleBilanSaved {
    /// (component's code, outcome).
    pub components: Vec<(String, MaitriseOutcome)>,
    /// The synthèse as stored now, and whether someone else's was kept (a conflict).
    pub synthese: Option<(String, bool)>,
    pub status: BilanStatus,
}
