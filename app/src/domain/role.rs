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

    /// Whether holding this role requires a second factor: a directeur opens a whole school, an
    /// administrateur the académie.
    pub fn requires_second_factor(self) -> bool {
        matches!(self, Role::Directeur | Role::Administrateur)
    }

    /// Whether a grant of this role is tied to one establishment.
    pub fn is_per_establishment(self) -> bool {
        self != Role::Administrateur
    }
}

/// Whether a director of `establishment_id` may give an account a new one-time password, from
/// every role the account holds (school, role): only an account that is nothing but a teacher,
/// or nothing but a responsable, and only in that school. A director, an administrator or
/// someone who also holds a role elsewhere gets theirs from whoever runs that.
pub fn may_reissue_password(grants: &[(Option<i32>, Role)], establishment_id: i32) -> bool {
    let only_here_as = |role: Role| {
        !grants.is_empty()
            && grants
                .iter()
                .all(|grant| *grant == (Some(establishment_id), role))
    };
    only_here_as(Role::Enseignant) || only_here_as(Role::Responsable)
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::{Role, may_reissue_password};

    #[test]
    fn only_a_plain_teacher_or_responsable_of_the_school_gets_a_new_one_time_password() {
        let here = Some(1);
        assert!(may_reissue_password(&[(here, Role::Enseignant)], 1));
        assert!(may_reissue_password(&[(here, Role::Responsable)], 1));
        assert!(!may_reissue_password(&[], 1));
        assert!(!may_reissue_password(&[(here, Role::Directeur)], 1));
        assert!(!may_reissue_password(&[(None, Role::Administrateur)], 1));
        assert!(!may_reissue_password(&[(Some(2), Role::Enseignant)], 1));
        assert!(
            !may_reissue_password(&[(here, Role::Enseignant), (Some(2), Role::Enseignant)], 1),
            "a teacher of another school too"
        );
        assert!(!may_reissue_password(
            &[(here, Role::Enseignant), (here, Role::Responsable)],
            1
        ));
    }

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
