//! The bilan de fin de cycle: the eight components of the socle commun and the degree of
//! mastery a pupil is positioned on for each.

use serde::{Deserialize, Serialize};

/// The longest « Synthèse des acquis scolaires de l'élève en fin de cycle » (the LSU's limit).
pub const SYNTHESE_MAX: usize = 1500;

/// A synthèse as it is stored: not blank, at most `SYNTHESE_MAX` printable characters.
pub type Synthese = super::catalogue::BoundedText<SYNTHESE_MAX>;

/// The cycle a bilan de fin de cycle closes: cycle 2 ends with the CE2.
pub const CYCLE_2: i16 = 2;

/// One of the eight components of the socle commun, with its LSU code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Component {
    pub code: &'static str,
    pub label: &'static str,
}

/// The components in the order of the national bilan.
pub const COMPONENTS: [Component; 8] = [
    Component {
        code: "CPD_FRA",
        label: "Comprendre, s'exprimer en utilisant la langue française à l'oral et à l'écrit",
    },
    Component {
        code: "CPD_ETR",
        label: "Comprendre, s'exprimer en utilisant une langue étrangère et, le cas échéant, une langue régionale",
    },
    Component {
        code: "CPD_SCI",
        label: "Comprendre, s'exprimer en utilisant les langages mathématiques, scientifiques et informatiques",
    },
    Component {
        code: "CPD_ART",
        label: "Comprendre, s'exprimer en utilisant les langages des arts et du corps",
    },
    Component {
        code: "MET_APP",
        label: "Les méthodes et outils pour apprendre",
    },
    Component {
        code: "FRM_CIT",
        label: "La formation de la personne et du citoyen",
    },
    Component {
        code: "SYS_NAT",
        label: "Les systèmes naturels et les systèmes techniques",
    },
    Component {
        code: "REP_MND",
        label: "Les représentations du monde et l'activité humaine",
    },
];

/// The component with this code, if it is one.
pub fn component(code: &str) -> Option<&'static Component> {
    COMPONENTS.iter().find(|component| component.code == code)
}

/// A degree of mastery of a component, or « Dispensé ».
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Maitrise {
    Insuffisante,
    Fragile,
    Satisfaisante,
    TresBonne,
    Dispense,
}

impl Maitrise {
    /// The grid's columns, in order.
    pub const ALL: [Maitrise; 5] = [
        Maitrise::Insuffisante,
        Maitrise::Fragile,
        Maitrise::Satisfaisante,
        Maitrise::TresBonne,
        Maitrise::Dispense,
    ];

    /// The LSU's `positionnement`, also the stored value: 1 to 4, 0 for « dispensé ».
    pub fn level(self) -> i16 {
        match self {
            Maitrise::Insuffisante => 1,
            Maitrise::Fragile => 2,
            Maitrise::Satisfaisante => 3,
            Maitrise::TresBonne => 4,
            Maitrise::Dispense => 0,
        }
    }

    pub fn from_level(level: i16) -> Option<Self> {
        Self::ALL.into_iter().find(|value| value.level() == level)
    }

    /// The value of a choice in a page (`1` to `4`, `D` for « dispensé »).
    pub fn choice(self) -> &'static str {
        match self {
            Maitrise::Insuffisante => "1",
            Maitrise::Fragile => "2",
            Maitrise::Satisfaisante => "3",
            Maitrise::TresBonne => "4",
            Maitrise::Dispense => "D",
        }
    }

    /// Reads `choice`'s value back; none for anything else (an empty choice).
    pub fn from_choice(choice: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|value| value.choice() == choice)
    }

    pub fn label(self) -> &'static str {
        match self {
            Maitrise::Insuffisante => "Maîtrise insuffisante",
            Maitrise::Fragile => "Maîtrise fragile",
            Maitrise::Satisfaisante => "Maîtrise satisfaisante",
            Maitrise::TresBonne => "Très bonne maîtrise",
            Maitrise::Dispense => "Dispensé",
        }
    }
}

/// Whether a bilan de fin de cycle is complete (lockable, printable): every component
/// positioned and the synthèse written.
pub fn is_complete(positioned: usize, synthese: Option<&str>) -> bool {
    positioned == COMPONENTS.len() && synthese.is_some_and(|text| !text.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_choices_read_back() {
        for value in Maitrise::ALL {
            assert_eq!(Maitrise::from_level(value.level()), Some(value));
            assert_eq!(Maitrise::from_choice(value.choice()), Some(value));
        }
        assert_eq!(Maitrise::from_level(5), None);
        assert_eq!(Maitrise::from_choice(""), None);
    }

    #[test]
    fn complete_needs_eight_components_and_a_synthese() {
        assert!(is_complete(8, Some("Bon cycle.")));
        assert!(!is_complete(7, Some("Bon cycle.")));
        assert!(!is_complete(8, Some("  ")));
        assert!(!is_complete(8, None));
    }
}
