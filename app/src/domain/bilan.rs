use super::PositionnementType;
use serde::{Deserialize, Serialize};

/// What a row of the recto records: one of the four levels of the scale, or « non évalué ».
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Positionnement {
    NonAtteints,
    PartiellementAtteints,
    Atteints,
    Depasses,
    NonEvalue,
}

impl Positionnement {
    /// The grid's columns, in order.
    pub const ALL: [Positionnement; 5] = [
        Positionnement::NonAtteints,
        Positionnement::PartiellementAtteints,
        Positionnement::Atteints,
        Positionnement::Depasses,
        Positionnement::NonEvalue,
    ];

    /// 1 to 4 (the LSU `positionnement`); none for « non évalué ».
    pub fn level(self) -> Option<i16> {
        match self {
            Positionnement::NonAtteints => Some(1),
            Positionnement::PartiellementAtteints => Some(2),
            Positionnement::Atteints => Some(3),
            Positionnement::Depasses => Some(4),
            Positionnement::NonEvalue => None,
        }
    }

    pub fn from_level(level: i16) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|value| value.level() == Some(level))
    }

    /// How a row stores a value (or none): its level 1 to 4, and whether it is « non évalué ».
    /// Stored, printed and read back the same way everywhere (`from_stored` undoes it).
    pub fn to_stored(value: Option<Self>) -> (Option<i16>, bool) {
        (
            value.and_then(Self::level),
            value == Some(Positionnement::NonEvalue),
        )
    }

    /// A stored row: its level, else « non évalué » when so marked, else nothing.
    pub fn from_stored(level: Option<i16>, not_evaluated: bool) -> Option<Self> {
        match level {
            Some(level) => Self::from_level(level),
            None if not_evaluated => Some(Positionnement::NonEvalue),
            None => None,
        }
    }

    /// The value of a choice in a page (`1` to `4`, `N` for « non évalué »).
    pub fn choice(self) -> &'static str {
        match self {
            Positionnement::NonAtteints => "1",
            Positionnement::PartiellementAtteints => "2",
            Positionnement::Atteints => "3",
            Positionnement::Depasses => "4",
            Positionnement::NonEvalue => "N",
        }
    }

    /// Reads `choice`'s value back; none for anything else (an empty choice).
    pub fn from_choice(choice: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|value| value.choice() == choice)
    }

    /// The value as the class's scale names it.
    pub fn label(self, scale: PositionnementType) -> &'static str {
        match (self, scale) {
            (Positionnement::NonEvalue, _) => "Non évalué",
            (_, PositionnementType::Echelle1a4) => match self {
                Positionnement::NonAtteints => "1",
                Positionnement::PartiellementAtteints => "2",
                Positionnement::Atteints => "3",
                _ => "4",
            },
            (Positionnement::NonAtteints, _) => "Non atteints",
            (Positionnement::PartiellementAtteints, _) => "Partiellement atteints",
            (Positionnement::Atteints, _) => "Atteints",
            (Positionnement::Depasses, _) => "Dépassés",
        }
    }
}

/// Where a pupil's bilan for a period stands, computed from its data, never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BilanStatus {
    NonCree,
    EnCours,
    /// Printable: at least three complete rows and the appréciation générale.
    Complet,
    Verrouille,
}

impl BilanStatus {
    /// Whether the bilan can be printed (« éditer »): complete, or locked (only a complete
    /// bilan is locked).
    pub fn is_printable(self) -> bool {
        matches!(self, BilanStatus::Complet | BilanStatus::Verrouille)
    }

    pub fn label(self) -> &'static str {
        match self {
            BilanStatus::NonCree => "Non créé",
            BilanStatus::EnCours => "En cours",
            BilanStatus::Complet => "Complet",
            BilanStatus::Verrouille => "Verrouillé",
        }
    }
}

/// Rows that must be complete before a bilan can be printed (« 3 domaines »).
pub const ROWS_NEEDED_TO_PRINT: usize = 3;

/// What the completeness of one row of the recto depends on.
#[derive(Debug, Clone, Copy, Default)]
pub struct RowFacts {
    /// The row has a level of the scale (« non évalué » is not one).
    pub positioned: bool,
    /// The row has at least one programme element (the pupil's own, or the class's).
    pub has_elements: bool,
    /// The row's domain has a comment.
    pub domain_commented: bool,
}

impl RowFacts {
    /// Complete: its domain has a comment, or it is positioned with at least one element.
    pub fn is_complete(self) -> bool {
        self.domain_commented || (self.positioned && self.has_elements)
    }
}

/// Where an existing bilan stands, from its lock, its rows and its appréciation générale: what
/// the lists, the grid, the editor and printing all say of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub status: BilanStatus,
    pub complete_rows: usize,
    pub rows: usize,
    /// What stands between an unlocked bilan and its printing, as the editor says it; empty
    /// when it can be printed (or is locked).
    pub missing: Vec<String>,
}

impl Standing {
    pub fn of(locked: bool, rows: &[RowFacts], has_appreciation: bool) -> Standing {
        let complete_rows = rows.iter().filter(|row| row.is_complete()).count();
        let enough = complete_rows >= ROWS_NEEDED_TO_PRINT;
        let status = match locked {
            true => BilanStatus::Verrouille,
            false if enough && has_appreciation => BilanStatus::Complet,
            false => BilanStatus::EnCours,
        };
        let mut missing = Vec::new();
        if !locked && !enough {
            let lacking = ROWS_NEEDED_TO_PRINT - complete_rows;
            missing.push(format!(
                "{lacking} domaine{s} complet{s} de plus ({complete_rows} sur les {ROWS_NEEDED_TO_PRINT} \
                 demandés) : un commentaire, ou un positionnement avec au moins un élément du programme",
                s = if lacking > 1 { "s" } else { "" },
            ));
        }
        if !locked && !has_appreciation {
            missing.push("l'appréciation générale sur la progression de l'élève".to_owned());
        }
        Standing {
            status,
            complete_rows,
            rows: rows.len(),
            missing,
        }
    }
}

/// What a save does with one field (or grid cell), from the value stored now, the one the
/// page read before its change, and the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merge<T> {
    /// The stored value already is the new one (another tab typed the same): nothing to write.
    AlreadySaved,
    /// Someone else wrote the field since the page read it: their value is kept and reported.
    Conflict { current: T },
    /// The field is as the page read it: the new value is written.
    Write,
}

impl<T: PartialEq> Merge<T> {
    pub fn of(current: T, was: &T, now: &T) -> Merge<T> {
        if current == *now {
            Merge::AlreadySaved
        } else if current != *was {
            Merge::Conflict { current }
        } else {
            Merge::Write
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_positionnement_is_stored_as_level_and_non_evalue_and_read_back() {
        for value in Positionnement::ALL.map(Some).into_iter().chain([None]) {
            let (level, not_evaluated) = Positionnement::to_stored(value);
            assert_eq!(Positionnement::from_stored(level, not_evaluated), value);
        }
        assert_eq!(
            Positionnement::to_stored(Some(Positionnement::NonEvalue)),
            (None, true)
        );
        assert_eq!(
            Positionnement::to_stored(Some(Positionnement::Atteints)),
            (Some(3), false)
        );
    }

    #[test]
    fn stored_rows_read_back_as_what_was_saved() {
        for value in Positionnement::ALL {
            let stored = (value.level(), value == Positionnement::NonEvalue);
            assert_eq!(Positionnement::from_stored(stored.0, stored.1), Some(value));
        }
        assert_eq!(Positionnement::from_stored(None, false), None);
        assert_eq!(Positionnement::from_level(5), None);
        for value in Positionnement::ALL {
            assert_eq!(Positionnement::from_choice(value.choice()), Some(value));
        }
        assert_eq!(Positionnement::from_choice(""), None);
    }

    #[test]
    fn the_scale_names_the_levels() {
        let objectifs = PositionnementType::ObjectifsApprentissage;
        assert_eq!(Positionnement::Depasses.label(objectifs), "Dépassés");
        assert_eq!(
            Positionnement::Depasses.label(PositionnementType::Echelle1a4),
            "4"
        );
        assert_eq!(
            Positionnement::NonEvalue.label(PositionnementType::Echelle1a4),
            "Non évalué"
        );
    }

    #[test]
    fn a_row_is_complete_with_a_comment_or_a_level_and_an_element() {
        let positioned = RowFacts {
            positioned: true,
            ..RowFacts::default()
        };
        assert!(!positioned.is_complete(), "a level alone is not enough");
        assert!(
            RowFacts {
                has_elements: true,
                ..positioned
            }
            .is_complete()
        );
        assert!(
            RowFacts {
                domain_commented: true,
                ..RowFacts::default()
            }
            .is_complete()
        );
    }

    #[test]
    fn three_complete_rows_and_the_appreciation_make_a_printable_bilan() {
        let complete = RowFacts {
            domain_commented: true,
            ..RowFacts::default()
        };
        let status = |locked, rows: &[RowFacts], appreciation| {
            Standing::of(locked, rows, appreciation).status
        };
        let two = [complete, complete, RowFacts::default()];
        assert_eq!(status(false, &two, true), BilanStatus::EnCours);
        let three = [complete, complete, complete];
        assert_eq!(status(false, &three, false), BilanStatus::EnCours);
        assert_eq!(status(false, &three, true), BilanStatus::Complet);
        assert_eq!(status(true, &two, false), BilanStatus::Verrouille);
        let standing = Standing::of(false, &two, true);
        assert_eq!((standing.complete_rows, standing.rows), (2, 3));
        assert!(BilanStatus::Complet.is_printable() && BilanStatus::Verrouille.is_printable());
        assert!(!BilanStatus::EnCours.is_printable() && !BilanStatus::NonCree.is_printable());
    }

    #[test]
    fn what_is_missing_before_printing_is_said() {
        let complete = RowFacts {
            domain_commented: true,
            ..RowFacts::default()
        };
        let missing_to_print =
            |rows: &[RowFacts], appreciation| Standing::of(false, rows, appreciation).missing;
        let one = [complete, RowFacts::default()];
        let missing = missing_to_print(&one, false);
        assert_eq!(missing.len(), 2, "{missing:?}");
        assert!(missing[0].starts_with("2 domaines complets de plus (1 sur les 3"));
        assert!(missing[1].contains("appréciation générale"));
        let two = [complete, complete];
        assert!(missing_to_print(&two, true)[0].starts_with("1 domaine complet de plus"));
        assert!(missing_to_print(&[complete; 3], true).is_empty());
        assert!(Standing::of(true, &one, false).missing.is_empty(), "locked");
    }

    #[test]
    fn a_field_is_written_only_if_it_is_as_the_page_read_it() {
        assert_eq!(Merge::of("b", &"a", &"b"), Merge::AlreadySaved);
        assert_eq!(Merge::of("c", &"a", &"b"), Merge::Conflict { current: "c" });
        assert_eq!(Merge::of("a", &"a", &"b"), Merge::Write);
    }
}
