//! The data that the server functions of `api::saisie` and the pages exchange: « Saisie collective
//! »: programme elements, acquis grid, parcours of a class.

use crate::domain::{BilanStatus, Level, Positionnement, PositionnementType};
use serde::{Deserialize, Serialize};

/// A period a class follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodChoice {
    pub id: i32,
    /// « Trimestre 1 ».
    pub label: String,
    /// Today falls within it: the one the entry pages open on.
    pub current: bool,
}

/// A domain row a class works on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainChoice {
    /// LSU code (`FRA-LGO`).
    pub code: String,
    pub label: String,
    /// The domain it belongs to (« Français »), itself for a whole domain.
    pub domain: String,
    /// The class's levels that have this row (a CE2-CM1 class: QLM only for the CE2).
    pub levels: Vec<Level>,
}

/// A class the person fills in, with what its entries are chosen from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeachingClass {
    pub id: i32,
    pub label: String,
    pub levels: Vec<Level>,
    pub periods: Vec<PeriodChoice>,
    pub domains: Vec<DomainChoice>,
    /// The language named on the « Langue vivante » row.
    pub language: Option<String>,
}

/// What the address of an entry page asks for (`?classe=…&periode=…&domaine=…&niveau=…`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaisieQuery {
    pub classe: Option<i32>,
    pub periode: Option<i32>,
    pub domaine: Option<String>,
    pub niveau: Option<String>,
}

/// What an entry page works on: what its address names when the person may fill it in, else
/// the first class, the current period, the first domain and its first level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    pub class: TeachingClass,
    pub period: PeriodChoice,
    pub domain: Option<DomainChoice>,
    pub level: Option<Level>,
}

impl Selection {
    pub fn resolve(classes: &[TeachingClass], query: &SaisieQuery) -> Option<Selection> {
        // A class without periods has nothing to fill in: the first class that has some.
        let has_periods = |class: &&TeachingClass| !class.periods.is_empty();
        let class = classes
            .iter()
            .filter(has_periods)
            .find(|class| query.classe == Some(class.id))
            .or_else(|| classes.iter().find(has_periods))?
            .clone();
        let period = class
            .periods
            .iter()
            .find(|period| query.periode == Some(period.id))
            .or_else(|| class.periods.iter().find(|period| period.current))
            .or_else(|| class.periods.first())?
            .clone();
        let domain = class
            .domains
            .iter()
            .find(|domain| query.domaine.as_deref() == Some(domain.code.as_str()))
            .or_else(|| class.domains.first())
            .cloned();
        let level = domain.as_ref().and_then(|domain| {
            domain
                .levels
                .iter()
                .find(|level| query.niveau.as_deref() == Some(level.code()))
                .or_else(|| domain.levels.first())
                .copied()
        });
        Some(Selection {
            class,
            period,
            domain,
            level,
        })
    }
}

/// An entry page: the classes to choose from, what is chosen (none when there is nothing to
/// fill in) and what the page shows for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaisiePage<T> {
    pub classes: Vec<TeachingClass>,
    pub selection: Option<Selection>,
    pub content: Option<T>,
}

/// One pupil's row of a grid (acquis scolaires, bilans de fin de cycle): their value for the
/// grid's row or component, and the status of their bilan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridRow<V> {
    pub student_id: i32,
    /// « NOM Prénoms ».
    pub name: String,
    pub level: Option<Level>,
    pub value: Option<V>,
    pub status: BilanStatus,
}

/// A changed cell: the value the page saw when it loaded (or last saved) and the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellChange<V> {
    pub student_id: i32,
    pub was: Option<V>,
    pub now: Option<V>,
}

/// What became of a changed cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CellOutcome<V> {
    /// Stored (or already the stored value).
    Saved,
    /// Someone else changed the value since the page saw it: nothing was written.
    Conflict { current: Option<V> },
    /// The bilan is locked: nothing was written.
    Locked,
    /// The pupil is no longer in this grid (moved to another class, left before the period):
    /// nothing was written.
    NotInGrid,
}

/// A changed cell's outcome and its pupil's bilan status after the save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellSaved<V> {
    pub student_id: i32,
    pub outcome: CellOutcome<V>,
    pub status: BilanStatus,
}

/// One pupil's row of the acquis grid.
pub type AcquisRow = GridRow<Positionnement>;
/// A changed cell of the acquis grid.
pub type AcquisChange = CellChange<Positionnement>;
/// What became of a changed cell of the acquis grid.
pub type AcquisOutcome = CellOutcome<Positionnement>;
/// A changed cell of the acquis grid once saved.
pub type AcquisSaved = CellSaved<Positionnement>;

/// The acquis grid of a class, period and domain row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcquisView {
    /// How the class's scale names the levels.
    pub scale: PositionnementType,
    pub rows: Vec<AcquisRow>,
}

/// One parcours éducatif of a class and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcoursEntry {
    /// `PAR_CIT`, `PAR_ART`, `PAR_SAN`.
    pub code: String,
    pub label: String,
    /// Empty when nothing is entered.
    pub text: String,
}

/// A parcours once saved: the text stored now (empty when there is none), and whether it is
/// someone else's, written after the page read it, and left as it was (a conflict).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcoursSaved {
    pub code: String,
    pub stored: String,
    pub conflict: bool,
}

/// The programme elements of a list with the national suggestions for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeList {
    pub items: Vec<String>,
    /// The aide à la saisie for the level's cycle and the domain row.
    pub suggestions: Vec<String>,
}

/// The three parcours' texts as a form sends them (`now[par_cit]`, `was[par_cit]`, …).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ParcoursTexts {
    pub par_cit: String,
    pub par_art: String,
    pub par_san: String,
}

/// Which grid: a class, a period it follows, a domain row it works on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridKey {
    pub class_id: i32,
    pub period_id: i32,
    pub domain_code: String,
}

/// Which list of programme elements: a class, one of its levels, a period it follows, a
/// domain row of that level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListKey {
    pub class_id: i32,
    pub level: Level,
    pub period_id: i32,
    pub domain_code: String,
}

/// A class and one of its periods, as a form posts them (`class[class_id]`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassPeriodKey {
    pub class_id: i32,
    pub period_id: i32,
}
