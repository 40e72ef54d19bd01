use crate::domain::Role;
use crate::error::{AppError, Result};

/// A role held by a person, in one establishment or (administrateur) everywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub establishment_id: Option<i32>,
    pub role: Role,
}

/// A logged-in person, with their grants as they are in the database right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActingUser {
    pub id: i32,
    pub login: String,
    pub display_name: String,
    pub grants: Vec<Grant>,
    /// The establishment the person is working in (« établissement courant »), if any.
    pub current_establishment: Option<i32>,
    /// The account still has a one-time password (see `RequestContext::acting_user`).
    pub must_change_password: bool,
    /// A directeur or administrateur without a second factor yet: they enrol before anything
    /// else (see `services::second_factor`).
    pub must_enrol_second_factor: bool,
    /// The school an administrateur is helping (« Aider cet établissement »), where they act as
    /// its directeur until they leave; recorded in the audit trail both ways.
    pub assisting: Option<i32>,
}

/// Whoever performs an action: a person, or the system (command line, demo seeding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    System,
    User(ActingUser),
}

impl ActingUser {
    /// An administrateur helping a school acts there as its directeur, and works in it. Anyone
    /// else is left as they are.
    pub fn assist(&mut self, establishment_id: i32) {
        if !self.is_administrator() {
            return;
        }
        self.grants.push(Grant {
            establishment_id: Some(establishment_id),
            role: Role::Directeur,
        });
        self.current_establishment = Some(establishment_id);
        self.assisting = Some(establishment_id);
    }

    pub fn is_administrator(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::Administrateur)
    }

    pub fn roles_in(&self, establishment_id: i32) -> Vec<Role> {
        let mut roles: Vec<Role> = self
            .grants
            .iter()
            .filter(|g| g.establishment_id == Some(establishment_id))
            .map(|g| g.role)
            .collect();
        roles.sort();
        roles
    }

    pub fn has_role(&self, establishment_id: i32, role: Role) -> bool {
        self.roles_in(establishment_id).contains(&role)
    }

    /// The current establishment, where the person must hold one of `roles`.
    pub fn require_current(&self, roles: &[Role]) -> Result<i32> {
        let establishment_id = self.current_establishment.ok_or(AppError::Forbidden)?;
        if roles
            .iter()
            .any(|role| self.has_role(establishment_id, *role))
        {
            Ok(establishment_id)
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl Actor {
    /// The person's current establishment, where they must hold one of `roles` (the system
    /// has none).
    pub fn require_current(&self, roles: &[Role]) -> Result<i32> {
        match self {
            Actor::System => Err(AppError::Forbidden),
            Actor::User(user) => user.require_current(roles),
        }
    }

    pub fn user_id(&self) -> Option<i32> {
        match self {
            Actor::System => None,
            Actor::User(user) => Some(user.id),
        }
    }

    /// Creating establishments and directors is for the system and administrators.
    pub fn require_administration(&self) -> Result<()> {
        match self {
            Actor::System => Ok(()),
            Actor::User(user) if user.is_administrator() => Ok(()),
            Actor::User(_) => Err(AppError::Forbidden),
        }
    }

    /// Running an establishment (its year, classes, accounts) is for its directeur.
    pub fn require_director_of(&self, establishment_id: i32) -> Result<()> {
        match self {
            Actor::System => Ok(()),
            Actor::User(user) if user.has_role(establishment_id, Role::Directeur) => Ok(()),
            Actor::User(_) => Err(AppError::Forbidden),
        }
    }

    /// The school year and the set-up of a school: its directeur, or an administrateur of the
    /// académie.
    pub fn require_running(&self, establishment_id: i32) -> Result<()> {
        self.require_director_of(establishment_id)
            .or_else(|_| self.require_administration())
    }

    /// Administrators grant any role; a directeur grants enseignant and responsable in their
    /// own school.
    pub fn require_may_grant(&self, role: Role, establishment_id: Option<i32>) -> Result<()> {
        if self.require_administration().is_ok() {
            return Ok(());
        }
        match (role, establishment_id) {
            (Role::Enseignant | Role::Responsable, Some(establishment_id)) => {
                self.require_director_of(establishment_id)
            }
            _ => Err(AppError::Forbidden),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(grants: Vec<Grant>) -> ActingUser {
        ActingUser {
            id: 7,
            login: "x".into(),
            display_name: "X".into(),
            grants,
            current_establishment: Some(1),
            must_change_password: false,
            must_enrol_second_factor: false,
            assisting: None,
        }
    }

    fn grant(establishment_id: Option<i32>, role: Role) -> Grant {
        Grant {
            establishment_id,
            role,
        }
    }

    #[test]
    fn a_director_runs_only_their_school() {
        let director = Actor::User(person(vec![grant(Some(1), Role::Directeur)]));
        assert_eq!(director.require_director_of(1), Ok(()));
        assert_eq!(director.require_director_of(2), Err(AppError::Forbidden));
        assert_eq!(
            director.require_may_grant(Role::Enseignant, Some(1)),
            Ok(())
        );
        assert_eq!(
            director.require_may_grant(Role::Directeur, Some(1)),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            director.require_may_grant(Role::Enseignant, Some(2)),
            Err(AppError::Forbidden)
        );
        assert_eq!(director.require_administration(), Err(AppError::Forbidden));
    }

    #[test]
    fn teachers_and_parents_administer_nothing() {
        for role in [Role::Enseignant, Role::Responsable] {
            let actor = Actor::User(person(vec![grant(Some(1), role)]));
            assert_eq!(actor.require_director_of(1), Err(AppError::Forbidden));
            assert_eq!(
                actor.require_may_grant(Role::Responsable, Some(1)),
                Err(AppError::Forbidden)
            );
        }
    }

    #[test]
    fn administrators_and_the_system_administer() {
        let admin = Actor::User(person(vec![grant(None, Role::Administrateur)]));
        assert_eq!(admin.require_administration(), Ok(()));
        assert_eq!(admin.require_may_grant(Role::Directeur, Some(3)), Ok(()));
        assert_eq!(Actor::System.require_director_of(9), Ok(()));
    }

    #[test]
    fn current_establishment_requires_one_of_the_roles() {
        let teacher = person(vec![grant(Some(1), Role::Enseignant)]);
        assert_eq!(
            teacher.require_current(&[Role::Enseignant, Role::Directeur]),
            Ok(1)
        );
        assert_eq!(
            teacher.require_current(&[Role::Directeur]),
            Err(AppError::Forbidden)
        );
        let nowhere = ActingUser {
            current_establishment: None,
            ..teacher
        };
        assert_eq!(
            nowhere.require_current(&[Role::Enseignant]),
            Err(AppError::Forbidden)
        );
    }
}
