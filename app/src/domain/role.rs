use serde::{Deserialize, Serialize};
use std::fmt;

/// What a person may do in an establishment (DOMAIN.md, « Roles »).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Directeur / directrice: everything in their school.
    Directeur,
    /// Enseignant(e): the classes assigned to them.
    Enseignant,
    /// Responsable légal: their own children's published bilans.
    Responsable,
    /// Académie level: creates schools and directors; sees no pupil data. Not tied to a school.
    Administrateur,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Directeur,
        Role::Enseignant,
        Role::Responsable,
        Role::Administrateur,
    ];

    /// The stable code stored in the database and used on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::Directeur => "directeur",
            Role::Enseignant => "enseignant",
            Role::Responsable => "responsable",
            Role::Administrateur => "administrateur",
        }
    }

    /// The label shown in the interface.
    pub fn label(self) -> &'static str {
        match self {
            Role::Directeur => "Direction",
            Role::Enseignant => "Enseignant",
            Role::Responsable => "Responsable légal",
            Role::Administrateur => "Administrateur",
        }
    }

    pub fn parse(input: &str) -> Result<Self, String> {
        let wanted = input.trim().to_lowercase();
        Self::ALL
            .into_iter()
            .find(|role| role.code() == wanted)
            .ok_or_else(|| {
                format!(
                    "rôle inconnu « {} » : choisissez parmi directeur, enseignant, responsable, administrateur",
                    input.trim()
                )
            })
    }

    /// Whether a grant of this role is tied to one establishment.
    pub fn is_per_establishment(self) -> bool {
        self != Role::Administrateur
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Ok(role));
        }
        assert_eq!(Role::parse(" Directeur "), Ok(Role::Directeur));
    }

    #[test]
    fn unknown_role_is_refused_in_french() {
        assert!(
            Role::parse("parent")
                .unwrap_err()
                .contains("rôle inconnu « parent »")
        );
    }

    #[test]
    fn only_administrateur_is_global() {
        assert!(!Role::Administrateur.is_per_establishment());
        assert!(Role::Enseignant.is_per_establishment());
    }
}
