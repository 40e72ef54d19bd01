//! Responsables légaux: attached one by one or from an ONDE extraction, and listed.

use super::guardians;
use crate::domain::{Civility, Password, PersonName, PostalAddress, Role};
use crate::entities::{guardian, role_grant, school_class, student, user};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::accounts::{AccountOutcome, NewAccount};
use crate::services::responsables_file::{ChildName, ResponsableRow};
use crate::services::{accounts, audit, bilans, passwords};
use crate::wire::families::{
    ImportedResponsable, PupilResponsables, ResponsablesReport, RowProblem,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};
use serde_json::json;
use std::collections::HashMap;

/// A responsable to attach to a pupil.
#[derive(Debug, Clone)]
pub struct NewResponsable {
    pub civility: Option<Civility>,
    pub last_name: PersonName,
    pub first_name: PersonName,
    pub email: Option<String>,
    pub address: Option<PostalAddress>,
}

/// A responsable attached to a pupil: their login, and the one-time activation code of a new
/// account (shown once, to print or send; the parent then chooses their password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    pub user_id: i32,
    pub login: String,
    pub name: String,
    pub activation_code: Option<String>,
}

/// A pupil has at most two responsables légaux in Livret, as in ONDE.
const MOST_RESPONSABLES: usize = 2;

/// Which account a responsable being attached is. People are never merged by name: two
/// parents may share one, and the first would then read the other family's bilans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// Not said: a responsable of the school with the same name and e-mail is the same
    /// person; one with the same name only is offered to the director (`Homonyms`), not taken.
    Unknown,
    /// A new account, whoever else has the same name.
    New,
    /// This responsable account of the school: the director said it is the same person.
    Existing(i32),
}

/// What attaching did, or why it waits for the director.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attachment {
    Done(Attached),
    /// Responsables of the school with the same name (and no e-mail telling them apart): the
    /// director says whether one of them is this person, or that it is someone else.
    Homonyms(Vec<Homonym>),
}

/// A responsable of the school with the same name as the one being attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Homonym {
    pub user_id: i32,
    pub login: String,
    pub name: String,
    /// Their children in the school, « NOM Prénom ».
    pub children: Vec<String>,
}

/// A pupil of the school `actor` directs; `Forbidden` for any other (or none).
pub async fn pupil_directed_by(
    db: &impl ConnectionTrait,
    actor: &Actor,
    student_id: i32,
) -> Result<student::Model> {
    let pupil = student::Entity::find_by_id(student_id)
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)?;
    actor.require_director_of(pupil.establishment_id)?;
    Ok(pupil)
}

/// Attaches a responsable to a pupil of the director's school (see `Identity`). A new account
/// gets a one-time activation code.
#[tracing::instrument(skip_all, fields(student_id = student_id, user = ?actor.user_id()))]
pub async fn attach(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    student_id: i32,
    who: NewResponsable,
    identity: Identity,
) -> Result<Attachment> {
    let pupil = pupil_directed_by(db, actor, student_id).await?;
    let (turn, txn) = crate::services::begin_write(db).await?;
    let school_responsables = responsables_of(&txn, pupil.establishment_id).await?;
    let same_name = |account: &&user::Model| {
        account.last_name.to_lowercase() == who.last_name.as_str().to_lowercase()
            && account.first_name.to_lowercase() == who.first_name.as_str().to_lowercase()
    };
    let existing = match identity {
        Identity::Existing(user_id) => Some(
            school_responsables
                .iter()
                .find(|account| account.id == user_id)
                .cloned()
                .ok_or_else(|| {
                    AppError::invalid(
                        "responsable",
                        "ce compte n'est pas celui d'un responsable de l'école",
                    )
                })?,
        ),
        Identity::New => None,
        Identity::Unknown => {
            let homonyms: Vec<&user::Model> =
                school_responsables.iter().filter(same_name).collect();
            let same_email = homonyms.iter().find(|account| {
                matches!((&account.email, &who.email),
                    (Some(theirs), Some(given)) if theirs.eq_ignore_ascii_case(given))
            });
            match (same_email, homonyms.is_empty()) {
                (Some(account), _) => Some((*account).clone()),
                (None, true) => None,
                (None, false) => {
                    let offered = describe(&txn, &homonyms).await?;
                    txn.rollback().await?;
                    return Ok(Attachment::Homonyms(offered));
                }
            }
        }
    };
    let (account, activation_code) = match existing {
        Some(account) => (account, None),
        None => {
            let one_time = passwords::one_time_password();
            let password = Password::parse(&one_time)
                .map_err(|e| AppError::internal("generated password", e))?;
            let login = accounts::free_login(&txn, &who.first_name, &who.last_name, &[]).await?;
            let (account, outcome) = accounts::grant_account(
                &txn,
                actor,
                NewAccount {
                    login,
                    civility: who.civility,
                    last_name: who.last_name.clone(),
                    first_name: Some(who.first_name.clone()),
                    password: Some(password),
                },
                Role::Responsable,
                Some(pupil.establishment_id),
            )
            .await?;
            if outcome != AccountOutcome::Created {
                // The login was taken meanwhile: never give someone else's account a child.
                return Err(AppError::invalid(
                    "responsable",
                    format!(
                        "l'identifiant « {} » vient d'être pris : rattachez à nouveau",
                        account.login
                    ),
                ));
            }
            let mut row: user::ActiveModel = account.into();
            row.must_change_password = Set(true);
            row.one_time_expires_at = Set(Some(accounts::one_time_expiry()));
            row.email = Set(who.email.clone());
            let address = who.address.clone().unwrap_or_default();
            row.address_line = Set(address.street);
            row.postal_code = Set(address.postal_code);
            row.city = Set(address.city);
            row.country = Set(address.country);
            (row.update(&txn).await?, Some(one_time))
        }
    };
    let links = guardian::Entity::find()
        .filter(guardian::Column::StudentId.eq(student_id))
        .all(&txn)
        .await?;
    if !links.iter().any(|link| link.user_id == account.id) {
        if links.len() >= MOST_RESPONSABLES {
            txn.rollback().await?;
            return Err(AppError::invalid(
                "responsable",
                format!(
                    "{} a déjà deux responsables légaux",
                    bilans::pupil_name(&pupil)
                ),
            ));
        }
        guardian::ActiveModel {
            student_id: Set(student_id),
            user_id: Set(account.id),
            created_at: Set(chrono::Utc::now()),
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            actor,
            Some(pupil.establishment_id),
            "responsable rattaché",
            &account.login,
            json!({ "élève": student_id }),
        )
        .await?;
    }
    crate::services::commit(txn, turn).await?;
    Ok(Attachment::Done(Attached {
        user_id: account.id,
        login: account.login.clone(),
        name: accounts::display_name(&account),
        activation_code,
    }))
}

/// Responsables as the director is asked about them: who, and whose parent.
async fn describe(db: &impl ConnectionTrait, people: &[&user::Model]) -> Result<Vec<Homonym>> {
    let links = guardian::Entity::find()
        .filter(guardian::Column::UserId.is_in(people.iter().map(|p| p.id)))
        .all(db)
        .await?;
    let children: HashMap<i32, student::Model> = student::Entity::find()
        .filter(student::Column::Id.is_in(links.iter().map(|l| l.student_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|pupil| (pupil.id, pupil))
        .collect();
    Ok(people
        .iter()
        .map(|person| Homonym {
            user_id: person.id,
            login: person.login.clone(),
            name: accounts::display_name(person),
            children: links
                .iter()
                .filter(|link| link.user_id == person.id)
                .filter_map(|link| children.get(&link.student_id))
                .map(bilans::pupil_name)
                .collect(),
        })
        .collect())
}

/// The responsable accounts of a school.
async fn responsables_of(
    db: &impl ConnectionTrait,
    establishment_id: i32,
) -> Result<Vec<user::Model>> {
    let ids: Vec<i32> = role_grant::Entity::find()
        .filter(role_grant::Column::EstablishmentId.eq(establishment_id))
        .filter(role_grant::Column::Role.eq(Role::Responsable.code()))
        .all(db)
        .await?
        .into_iter()
        .map(|grant| grant.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// The responsable of a pupil who bears this name, if any.
async fn guardian_named(
    db: &impl ConnectionTrait,
    student_id: i32,
    who: &NewResponsable,
) -> Result<Option<i32>> {
    let ids: Vec<i32> = guardian::Entity::find()
        .filter(guardian::Column::StudentId.eq(student_id))
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .find(|account| {
            account.last_name.to_lowercase() == who.last_name.as_str().to_lowercase()
                && account.first_name.to_lowercase() == who.first_name.as_str().to_lowercase()
        })
        .map(|account| account.id))
}

/// The school's pupils still there whose name (family or usage name, and first name or first
/// names) is the child's, and born on the given date when the file gives it.
fn matching<'a>(pupils: &'a [student::Model], child: &ChildName) -> Vec<&'a student::Model> {
    let same = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
    pupils
        .iter()
        .filter(|pupil| {
            let last = child.last_name.as_str();
            let first = child.first_name.as_str();
            (same(&pupil.last_name, last)
                || pupil
                    .usage_name
                    .as_deref()
                    .is_some_and(|usage| same(usage, last)))
                && (same(&pupil.first_names, first)
                    || pupil
                        .first_names
                        .split_whitespace()
                        .next()
                        .is_some_and(|given| same(given, first)))
                && child.birth_date.is_none_or(|born| born == pupil.birth_date)
        })
        .collect()
}

/// Attaches the responsables of an ONDE « responsables » extraction to the school's pupils.
/// A child is found by name (and birth date when the file has it); a child that matches no
/// pupil, or several, is reported with its line and left for the director to attach by hand,
/// never guessed. Importing the same file again attaches nobody twice.
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user = ?actor.user_id()))]
pub async fn import(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    establishment_id: i32,
    rows: &[ResponsableRow],
) -> Result<ResponsablesReport> {
    actor.require_director_of(establishment_id)?;
    let pupils = student::Entity::find()
        .filter(student::Column::EstablishmentId.eq(establishment_id))
        .filter(student::Column::LeftOn.is_null())
        .all(db)
        .await?;
    let mut report = ResponsablesReport::default();
    for row in rows {
        let who = NewResponsable {
            civility: row.civility,
            last_name: row.last_name.clone(),
            first_name: row.first_name.clone(),
            email: row.email.clone(),
            address: row.address.clone(),
        };
        let mut attached: Option<ImportedResponsable> = None;
        // The account this row's responsable got for an earlier child of the row.
        let mut this_person: Option<i32> = None;
        for child in &row.children {
            let child_name = format!("{} {}", child.last_name.as_str(), child.first_name.as_str());
            let pupil = match matching(&pupils, child).as_slice() {
                [one] => *one,
                [] => {
                    report.problems.push(RowProblem {
                        line: row.line,
                        message: format!("aucun élève de l'école ne s'appelle « {child_name} »"),
                    });
                    continue;
                }
                _ => {
                    report.problems.push(RowProblem {
                        line: row.line,
                        message: format!(
                            "plusieurs élèves s'appellent « {child_name} » : rattachez ce responsable à la main"
                        ),
                    });
                    continue;
                }
            };
            let identity = match this_person {
                Some(user_id) => Identity::Existing(user_id),
                // Already this child's responsable (the same file imported again).
                None => match guardian_named(db, pupil.id, &who).await? {
                    Some(user_id) => Identity::Existing(user_id),
                    None => Identity::Unknown,
                },
            };
            match attach(db, actor, pupil.id, who.clone(), identity).await {
                Ok(Attachment::Homonyms(homonyms)) => {
                    let named: Vec<String> = homonyms
                        .iter()
                        .map(|h| match h.children.as_slice() {
                            [] => format!("{} (identifiant {})", h.name, h.login),
                            children => format!(
                                "{} (identifiant {}, responsable de {})",
                                h.name,
                                h.login,
                                children.join(", ")
                            ),
                        })
                        .collect();
                    report.problems.push(RowProblem {
                        line: row.line,
                        message: format!(
                            "un responsable de l'école porte déjà ce nom : {}. Rattachez ce \
                             responsable à « {child_name} » à la main, pour dire s'il s'agit de \
                             la même personne",
                            named.join(" ; ")
                        ),
                    });
                }
                Ok(Attachment::Done(done)) => {
                    this_person = Some(done.user_id);
                    let entry = attached.get_or_insert_with(|| ImportedResponsable {
                        line: row.line,
                        name: done.name.clone(),
                        login: done.login.clone(),
                        activation_code: None,
                        children: Vec::new(),
                    });
                    entry.activation_code = entry.activation_code.take().or(done.activation_code);
                    entry.children.push(bilans::pupil_name(pupil));
                }
                Err(AppError::Invalid(errors)) => {
                    report
                        .problems
                        .extend(errors.into_iter().map(|error| RowProblem {
                            line: row.line,
                            message: error.message,
                        }))
                }
                Err(other) => return Err(other),
            }
        }
        report.attached.extend(attached);
    }
    Ok(report)
}

/// The school's pupils still there, in name order, with their responsables.
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user = ?actor.user_id()))]
pub async fn school_responsables(
    db: &impl ConnectionTrait,
    actor: &Actor,
    establishment_id: i32,
) -> Result<Vec<PupilResponsables>> {
    actor.require_director_of(establishment_id)?;
    let mut pupils = student::Entity::find()
        .filter(student::Column::EstablishmentId.eq(establishment_id))
        .filter(student::Column::LeftOn.is_null())
        .all(db)
        .await?;
    bilans::sort_pupils(&mut pupils);
    let classes: HashMap<i32, String> = school_class::Entity::find()
        .filter(school_class::Column::Id.is_in(pupils.iter().filter_map(|p| p.class_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|class| (class.id, class.label))
        .collect();
    let (links, people) = guardians(db, &pupils).await?;
    Ok(pupils
        .iter()
        .map(|pupil| PupilResponsables {
            student_id: pupil.id,
            name: bilans::pupil_name(pupil),
            class: pupil
                .class_id
                .and_then(|id| classes.get(&id).cloned())
                .unwrap_or_default(),
            responsables: links
                .iter()
                .filter(|link| link.student_id == pupil.id)
                .filter_map(|link| people.get(&link.user_id))
                .map(|person| format!("{} ({})", accounts::display_name(person), person.login))
                .collect(),
        })
        .collect())
}
