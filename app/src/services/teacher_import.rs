//! « Import des enseignants »: the school's list of teachers (CSV) creates the accounts that
//! are missing, with one-time passwords, and assigns each teacher to their classes of the open
//! year, in one transaction. A teacher already in the school is found by e-mail, else by name
//! among the school's teachers only (never another school's account); the preview names them.

use crate::domain::{Login, Role};
use crate::entities::{role_grant, school_class, teacher_assignment, user};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::accounts::{self, NewStaff};
use crate::services::pupil_import::Mode;
use crate::services::teachers_file::{CLASSES, TeacherRow};
use crate::services::{audit, classes, school_years};
use crate::wire::teacher_import::{ImportedTeacher, TeacherImportReport};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession, TransactionTrait,
};
use serde_json::json;
use std::collections::{BTreeSet, HashSet};

/// Brings the school's teachers and their assignments in line with the list: creates missing
/// accounts and adds missing assignments (none is removed). Importing the same list again
/// changes nothing. In `Preview` mode nothing is written and no password is made.
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user = ?actor.user_id()))]
pub async fn import_teachers(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    establishment_id: i32,
    rows: &[TeacherRow],
    mode: Mode,
) -> Result<TeacherImportReport> {
    actor.require_director_of(establishment_id)?;
    refuse_duplicates(rows)?;
    let (turn, txn) = crate::services::begin_write(db).await?;
    let year = school_years::current(&txn, establishment_id)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "fichier",
                "aucune année scolaire n'est ouverte : ouvrez-la, puis importez les élèves",
            )
        })?;
    let year_classes = school_class::Entity::find()
        .filter(school_class::Column::SchoolYearId.eq(year.id))
        .all(&txn)
        .await?;
    let teachers = school_teachers(&txn, establishment_id).await?;
    let assignments: HashSet<(i32, i32)> = teacher_assignment::Entity::find()
        .filter(teacher_assignment::Column::ClassId.is_in(year_classes.iter().map(|c| c.id)))
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| (a.class_id, a.user_id))
        .collect();

    let mut report = TeacherImportReport {
        applied: mode == Mode::Apply,
        teachers_in_file: rows.len(),
        ..Default::default()
    };
    let mut planned: Vec<Login> = Vec::new();
    for row in rows {
        let wanted = resolve_classes(row, &year_classes)?;
        let name = format!(
            "{} {} {}",
            row.civility.abbreviation(),
            row.first_name.as_str(),
            row.last_name.as_str()
        );
        match find_teacher(&teachers, row) {
            Some(account) => {
                let missing: Vec<&school_class::Model> = wanted
                    .into_iter()
                    .filter(|class| !assignments.contains(&(class.id, account.id)))
                    .collect();
                if missing.is_empty() {
                    report.unchanged.push(accounts::display_name(account));
                    continue;
                }
                if mode == Mode::Apply {
                    for class in &missing {
                        classes::assign_teacher(&txn, actor, class.id, account.id).await?;
                    }
                }
                report.assigned.push(ImportedTeacher {
                    name,
                    login: account.login.clone(),
                    classes: missing.iter().map(|class| class.label.clone()).collect(),
                    one_time_password: None,
                });
            }
            None => {
                let login =
                    accounts::free_login(&txn, &row.first_name, &row.last_name, &planned).await?;
                planned.push(login.clone());
                let one_time_password = match mode {
                    Mode::Preview => None,
                    Mode::Apply => {
                        let teacher = NewStaff {
                            login: login.clone(),
                            civility: row.civility,
                            last_name: row.last_name.clone(),
                            first_name: row.first_name.clone(),
                            email: row.email.clone(),
                        };
                        let (account, one_time) = accounts::new_staff_account(
                            &txn,
                            actor,
                            establishment_id,
                            teacher,
                            Role::Enseignant,
                        )
                        .await?;
                        for class in &wanted {
                            classes::assign_teacher(&txn, actor, class.id, account.id).await?;
                        }
                        Some(one_time)
                    }
                };
                report.created.push(ImportedTeacher {
                    name,
                    login: login.as_str().to_owned(),
                    classes: wanted.iter().map(|class| class.label.clone()).collect(),
                    one_time_password,
                });
            }
        }
    }
    match mode {
        Mode::Preview => txn.rollback().await?,
        Mode::Apply => {
            if !report.changes_nothing() {
                audit::record(
                    &txn,
                    actor,
                    Some(establishment_id),
                    "import des enseignants",
                    "enseignants",
                    json!({
                        "comptes créés": report.created.iter().map(|t| &t.login).collect::<Vec<_>>(),
                        "enseignants affectés": report.assigned.len(),
                    }),
                )
                .await?;
            }
            crate::services::commit(txn, turn).await?;
        }
    }
    Ok(report)
}

/// The same person twice in the list (by e-mail, or by name) is refused, naming both lines.
fn refuse_duplicates(rows: &[TeacherRow]) -> Result<()> {
    for (index, row) in rows.iter().enumerate() {
        if let Some(first) = rows[..index].iter().find(|other| {
            same_name(other, row) || (other.email.is_some() && other.email == row.email)
        }) {
            return Err(AppError::invalid(
                "fichier",
                format!(
                    "ligne {} : {} {} figure déjà à la ligne {} ; réunissez ses classes sur une \
                     seule ligne, séparées par des virgules",
                    row.line,
                    row.first_name.as_str(),
                    row.last_name.as_str(),
                    first.line
                ),
            ));
        }
    }
    Ok(())
}

fn same_name(a: &TeacherRow, b: &TeacherRow) -> bool {
    a.last_name.as_str().to_lowercase() == b.last_name.as_str().to_lowercase()
        && a.first_name.as_str().to_lowercase() == b.first_name.as_str().to_lowercase()
}

/// The classes of the open year a row names, by ONDE label or id; an unknown one is refused
/// with the row's line and the year's classes.
fn resolve_classes<'a>(
    row: &TeacherRow,
    year_classes: &'a [school_class::Model],
) -> Result<Vec<&'a school_class::Model>> {
    let mut found = Vec::new();
    let mut seen = BTreeSet::new();
    for wanted in &row.classes {
        let class = year_classes.iter().find(|class| {
            class.label.eq_ignore_ascii_case(wanted)
                || class
                    .onde_id
                    .is_some_and(|id| wanted.parse::<i64>() == Ok(id))
        });
        let Some(class) = class else {
            let mut labels: Vec<&str> = year_classes.iter().map(|c| c.label.as_str()).collect();
            labels.sort_unstable();
            let known = if labels.is_empty() {
                "aucune classe cette année : importez d'abord les élèves depuis ONDE".to_owned()
            } else {
                format!("les classes de l'année sont {}", labels.join(", "))
            };
            return Err(AppError::invalid(
                "fichier",
                format!(
                    "ligne {}, colonne « {CLASSES} » : classe inconnue « {wanted} » ({known})",
                    row.line
                ),
            ));
        };
        if seen.insert(class.id) {
            found.push(class);
        }
    }
    Ok(found)
}

/// The accounts with the role enseignant in the establishment.
async fn school_teachers(
    db: &impl ConnectionTrait,
    establishment_id: i32,
) -> Result<Vec<user::Model>> {
    let ids: Vec<i32> = role_grant::Entity::find()
        .filter(role_grant::Column::EstablishmentId.eq(establishment_id))
        .filter(role_grant::Column::Role.eq(Role::Enseignant.code()))
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

/// The school's teacher a row is: the one with its e-mail, else the only one with its name.
fn find_teacher<'a>(teachers: &'a [user::Model], row: &TeacherRow) -> Option<&'a user::Model> {
    if let Some(email) = &row.email
        && let Some(by_email) = teachers.iter().find(|t| {
            t.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        })
    {
        return Some(by_email);
    }
    let mut by_name = teachers.iter().filter(|t| {
        t.last_name.to_lowercase() == row.last_name.as_str().to_lowercase()
            && t.first_name.to_lowercase() == row.first_name.as_str().to_lowercase()
    });
    match (by_name.next(), by_name.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}
