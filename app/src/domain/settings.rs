use serde::{Deserialize, Serialize};

/// The positionnement scale a class uses (« Paramétrage du type de positionnement »).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum PositionnementType {
    /// Non atteints · Partiellement atteints · Atteints · Dépassés (école default).
    #[default]
    ObjectifsApprentissage,
    /// The same four values shown as 1 to 4.
    Echelle1a4,
    /// A mark out of 20 (collège).
    Notes,
}

impl PositionnementType {
    pub const ALL: [PositionnementType; 3] = [
        PositionnementType::ObjectifsApprentissage,
        PositionnementType::Echelle1a4,
        PositionnementType::Notes,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PositionnementType::ObjectifsApprentissage => "objectifs",
            PositionnementType::Echelle1a4 => "echelle",
            PositionnementType::Notes => "notes",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PositionnementType::ObjectifsApprentissage => "Objectifs d'apprentissage",
            PositionnementType::Echelle1a4 => "Échelle de 1 à 4",
            PositionnementType::Notes => "Notes",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

/// How a class's year is divided into periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Periodicity {
    Trimestre,
    Semestre,
    Personnalisee,
}

impl Periodicity {
    pub const ALL: [Periodicity; 3] = [
        Periodicity::Trimestre,
        Periodicity::Semestre,
        Periodicity::Personnalisee,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Periodicity::Trimestre => "trimestre",
            Periodicity::Semestre => "semestre",
            Periodicity::Personnalisee => "personnalisee",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Periodicity::Trimestre => "Trimestre",
            Periodicity::Semestre => "Semestre",
            Periodicity::Personnalisee => "Personnalisée",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// What one of its periods is called: « Trimestre », « Semestre », « Période ».
    pub fn period_word(self) -> &'static str {
        match self {
            Periodicity::Trimestre => "Trimestre",
            Periodicity::Semestre => "Semestre",
            Periodicity::Personnalisee => "Période",
        }
    }

    /// The number of periods a predefined periodicity has.
    pub fn fixed_count(self) -> Option<u8> {
        match self {
            Periodicity::Trimestre => Some(3),
            Periodicity::Semestre => Some(2),
            Periodicity::Personnalisee => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Periodicity, PositionnementType};

    #[test]
    fn positionnement_codes_round_trip_and_default_is_objectifs() {
        for kind in PositionnementType::ALL {
            assert_eq!(PositionnementType::from_code(kind.code()), Some(kind));
        }
        assert_eq!(
            PositionnementType::default().label(),
            "Objectifs d'apprentissage"
        );
        assert_eq!(PositionnementType::from_code("lettres"), None);
    }

    #[test]
    fn periodicity_codes_round_trip_and_counts() {
        for kind in Periodicity::ALL {
            assert_eq!(Periodicity::from_code(kind.code()), Some(kind));
        }
        assert_eq!(Periodicity::Trimestre.fixed_count(), Some(3));
        assert_eq!(Periodicity::Semestre.fixed_count(), Some(2));
        assert_eq!(Periodicity::Personnalisee.fixed_count(), None);
    }
}
