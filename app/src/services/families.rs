//! Families: the responsables légaux of pupils, the bilans published to them, and their visa
//! (« J'ai pris connaissance du bilan »).

use crate::domain::{Civility, Login, Password, PersonName, Role};
use crate::entities::{
    bilan, bilan_visa, guardian, period, role_grant, school_class, school_year, student, user,
};
use crate::error::{AppError, Result};
use crate::services::access::{ActingUser, Actor};
use crate::services::accounts::NewAccount;
use crate::services::bilans::Expected;
use crate::services::responsables_file::{ChildName, ResponsableRow};
use crate::services::{accounts, audit, bilans, passwords, printed_bilan, saisie};
use crate::time::{format_date, format_moment};
use crate::wire::bilan_document::BilanDocument;
use crate::wire::bilan_editor::BilanKey;
use crate::wire::families::{
    ChildBilans, FamilyBilanView, FamilySpaceView, ImportedResponsable, PublishReport,
    PublishedBilan, PupilResponsables, ResponsableVisa, ResponsablesReport, RowProblem,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};
use serde_json::json;
use std::collections::HashMap;

/// The person reading as a family: a logged-in person, whose children are those they are
/// the responsable of (in a school where they hold the role).
fn family(actor: &Actor) -> Result<&ActingUser> {
    match actor {
        Actor::User(user) => Ok(user),
        Actor::System => Err(AppError::Forbidden),
    }
}

/// The pupils this person is the responsable of.
async fn children(db: &impl ConnectionTrait, person: &ActingUser) -> Result<Vec<student::Model>> {
    let ids: Vec<i32> = guardian::Entity::find()
        .filter(guardian::Column::UserId.eq(person.id))
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.student_id)
        .collect();
    let mut pupils: Vec<student::Model> = student::Entity::find()
        .filter(student::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .filter(|pupil| person.has_role(pupil.establishment_id, Role::Responsable))
        .collect();
    bilans::sort_pupils(&mut pupils);
    Ok(pupils)
}

/// The bilan of `key` as its family may read it: the person is a responsable of the pupil and
/// the bilan is published. `Ok(None)` when the person is not the pupil's responsable (their
/// other rights decide), `Forbidden` for an unpublished bilan of their child.
pub async fn family_bilan(
    db: &impl ConnectionTrait,
    actor: &Actor,
    key: BilanKey,
) -> Result<Option<bilan::Model>> {
    let Actor::User(person) = actor else {
        return Ok(None);
    };
    if !children(db, person)
        .await?
        .iter()
        .any(|pupil| pupil.id == key.student_id)
    {
        return Ok(None);
    }
    bilan::Entity::find()
        .filter(bilan::Column::StudentId.eq(key.student_id))
        .filter(bilan::Column::PeriodId.eq(key.period_id))
        .filter(bilans::published())
        .one(db)
        .await?
        .map(Some)
        .ok_or(AppError::Forbidden)
}

/// « Mes enfants »: each child of the person, with their published bilans, newest first.
pub async fn space(db: &impl ConnectionTrait, actor: &Actor) -> Result<FamilySpaceView> {
    let person = family(actor)?;
    let pupils = children(db, person).await?;
    let published = bilan::Entity::find()
        .filter(bilan::Column::StudentId.is_in(pupils.iter().map(|pupil| pupil.id)))
        .filter(bilans::published())
        .all(db)
        .await?;
    let periods: HashMap<i32, period::Model> = period::Entity::find()
        .filter(period::Column::Id.is_in(published.iter().map(|b| b.period_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|period| (period.id, period))
        .collect();
    let years: HashMap<i32, school_year::Model> = school_year::Entity::find()
        .filter(school_year::Column::Id.is_in(periods.values().map(|p| p.school_year_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|year| (year.id, year))
        .collect();
    let classes: HashMap<i32, school_class::Model> = school_class::Entity::find()
        .filter(
            school_class::Column::Id.is_in(
                pupils
                    .iter()
                    .filter_map(|p| p.class_id)
                    .chain(published.iter().map(|b| b.class_id)),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|class| (class.id, class))
        .collect();
    let visas: HashMap<i32, bilan_visa::Model> = bilan_visa::Entity::find()
        .filter(bilan_visa::Column::UserId.eq(person.id))
        .filter(bilan_visa::Column::BilanId.is_in(published.iter().map(|b| b.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|visa| (visa.bilan_id, visa))
        .collect();
    let children = pupils
        .iter()
        .map(|pupil| {
            let mut own: Vec<&bilan::Model> = published
                .iter()
                .filter(|b| b.student_id == pupil.id)
                .collect();
            own.sort_by_key(|b| std::cmp::Reverse(periods.get(&b.period_id).map(|p| p.ends_on)));
            ChildBilans {
                student_id: pupil.id,
                name: format!("{} {}", pupil.first_names, bilans::pupil_last_name(pupil)),
                class: pupil
                    .class_id
                    .and_then(|id| classes.get(&id))
                    .map(|class| class.label.clone())
                    .unwrap_or_default(),
                bilans: own
                    .into_iter()
                    .filter_map(|b| {
                        let period = periods.get(&b.period_id)?;
                        let year = years.get(&period.school_year_id)?;
                        Some(PublishedBilan {
                            period_id: period.id,
                            title: format!(
                                "{} {}/{}",
                                saisie::period_label(period),
                                year.millesime,
                                year.millesime + 1
                            ),
                            class: classes
                                .get(&b.class_id)
                                .map(|class| class.label.clone())
                                .unwrap_or_default(),
                            published_on: b
                                .published_at
                                .map(|at| format_date(at.date_naive()))
                                .unwrap_or_default(),
                            acknowledged: visas
                                .get(&b.id)
                                .map(|visa| format_moment(visa.acknowledged_at)),
                        })
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(FamilySpaceView { children })
}

/// A published bilan of the person's child, to read on screen.
pub async fn read(
    db: &impl ConnectionTrait,
    actor: &Actor,
    key: BilanKey,
) -> Result<FamilyBilanView> {
    let person = family(actor)?;
    let bilan = family_bilan(db, actor, key)
        .await?
        .ok_or(AppError::Forbidden)?;
    let document: BilanDocument = printed_bilan::document(db, actor, key).await?;
    let visa = bilan_visa::Entity::find_by_id((bilan.id, person.id))
        .one(db)
        .await?;
    Ok(FamilyBilanView {
        key,
        document,
        acknowledged: visa.map(|visa| format_moment(visa.acknowledged_at)),
    })
}

/// « J'ai pris connaissance du bilan »: recorded once, with who and when; a second visa keeps
/// the first one's moment.
pub async fn acknowledge(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    key: BilanKey,
) -> Result<String> {
    let person = family(actor)?;
    let bilan = family_bilan(db, actor, key)
        .await?
        .ok_or(AppError::Forbidden)?;
    if let Some(visa) = bilan_visa::Entity::find_by_id((bilan.id, person.id))
        .one(db)
        .await?
    {
        return Ok(format_moment(visa.acknowledged_at));
    }
    let now = chrono::Utc::now();
    let txn = super::begin_write(db).await?;
    bilan_visa::ActiveModel {
        bilan_id: Set(bilan.id),
        user_id: Set(person.id),
        acknowledged_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let establishment = student::Entity::find_by_id(key.student_id)
        .one(&txn)
        .await?
        .map(|pupil| pupil.establishment_id);
    audit::record(
        &txn,
        actor,
        establishment,
        "visa de la famille",
        &audit::bilan_subject(bilan.id),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(format_moment(now))
}

/// Publishes to their families the locked bilans of a class for a period (`publish`), or
/// withdraws them. Director only. Bilans not locked are left alone, with why.
pub async fn publish(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    class_id: i32,
    period_id: i32,
    publish: bool,
) -> Result<PublishReport> {
    let txn = super::begin_write(db).await?;
    let context = saisie::class_period(&txn, actor, class_id, period_id).await?;
    actor.require_director_of(context.establishment_id)?;
    let pupils = bilans::class_pupils(&txn, &context).await?;
    let found = bilans::bilans_of(&txn, &context, &pupils).await?;
    let (at, by) = match publish {
        true => (Some(chrono::Utc::now()), actor.user_id()),
        false => (None, None),
    };
    let mut done = 0;
    let mut left_alone = Vec::new();
    for pupil in &pupils {
        let bilan = match found.get(&pupil.id) {
            Some(bilan) if bilan.locked_at.is_some() => bilan,
            _ if publish => {
                left_alone.push((
                    bilans::pupil_name(pupil),
                    "le bilan n'est pas verrouillé".to_owned(),
                ));
                continue;
            }
            _ => continue,
        };
        if bilans::is_published(bilan) == publish {
            continue;
        }
        let columns = vec![
            (bilan::Column::PublishedAt, Expr::value(at)),
            (bilan::Column::PublishedBy, Expr::value(by)),
        ];
        if !bilans::write_guarded(&txn, &[bilan], Expected::Locked, columns).await? {
            // Unlocked or changed since it was read: left as it is now.
            left_alone.push((
                bilans::pupil_name(pupil),
                "le bilan a changé pendant l'opération".to_owned(),
            ));
            continue;
        }
        done += 1;
        audit::record(
            &txn,
            actor,
            Some(context.establishment_id),
            match publish {
                true => "bilan publié aux familles",
                false => "publication retirée",
            },
            &audit::bilan_subject(bilan.id),
            json!({}),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(PublishReport {
        publish,
        done,
        left_alone,
    })
}

/// The links from these pupils to their responsables, and the responsables' accounts by id.
async fn guardians(
    db: &impl ConnectionTrait,
    pupils: &[student::Model],
) -> Result<(Vec<guardian::Model>, HashMap<i32, user::Model>)> {
    let links = guardian::Entity::find()
        .filter(guardian::Column::StudentId.is_in(pupils.iter().map(|pupil| pupil.id)))
        .all(db)
        .await?;
    let people = user::Entity::find()
        .filter(user::Column::Id.is_in(links.iter().map(|link| link.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|account| (account.id, account))
        .collect();
    Ok((links, people))
}

/// Each pupil's responsables and their visa of the period's bilan, by pupil: what the
/// director's list shows.
pub async fn visas(
    db: &impl ConnectionTrait,
    pupils: &[student::Model],
    found: &HashMap<i32, bilan::Model>,
) -> Result<HashMap<i32, Vec<ResponsableVisa>>> {
    let (links, people) = guardians(db, pupils).await?;
    let visas: HashMap<(i32, i32), bilan_visa::Model> = bilan_visa::Entity::find()
        .filter(bilan_visa::Column::BilanId.is_in(found.values().map(|b| b.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|visa| ((visa.bilan_id, visa.user_id), visa))
        .collect();
    let mut by_pupil: HashMap<i32, Vec<ResponsableVisa>> = HashMap::new();
    for link in &links {
        let Some(person) = people.get(&link.user_id) else {
            continue;
        };
        let visa = found
            .get(&link.student_id)
            .and_then(|bilan| visas.get(&(bilan.id, person.id)));
        by_pupil
            .entry(link.student_id)
            .or_default()
            .push(ResponsableVisa {
                name: accounts::display_name(person),
                acknowledged: visa.map(|visa| format_moment(visa.acknowledged_at)),
            });
    }
    for list in by_pupil.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(by_pupil)
}

/// A responsable to attach to a pupil.
#[derive(Debug, Clone)]
pub struct NewResponsable {
    pub civility: Option<Civility>,
    pub last_name: PersonName,
    pub first_name: PersonName,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// A responsable attached to a pupil: their login, and the one-time activation code of a new
/// account (shown once, to print or send; the parent then chooses their password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    pub login: String,
    pub name: String,
    pub activation_code: Option<String>,
}

/// A pupil has at most two responsables légaux in Livret, as in ONDE.
const MOST_RESPONSABLES: usize = 2;

/// Attaches a responsable to a pupil of the director's school. A responsable of the school
/// with the same name (and the same e-mail, when both have one) is the same person: a parent
/// of several children has one account. Otherwise an account is created, with a one-time
/// activation code.
pub async fn attach(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    student_id: i32,
    who: NewResponsable,
) -> Result<Attached> {
    let pupil = student::Entity::find_by_id(student_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Élève"))?;
    actor.require_director_of(pupil.establishment_id)?;
    let txn = super::begin_write(db).await?;
    let same = |account: &user::Model| {
        account.last_name.to_lowercase() == who.last_name.as_str().to_lowercase()
            && account.first_name.to_lowercase() == who.first_name.as_str().to_lowercase()
            && match (&account.email, &who.email) {
                (Some(theirs), Some(given)) => theirs.eq_ignore_ascii_case(given),
                _ => true,
            }
    };
    let existing = responsables_of(&txn, pupil.establishment_id)
        .await?
        .into_iter()
        .find(same);
    let (account, activation_code) = match existing {
        Some(account) => (account, None),
        None => {
            let one_time = passwords::one_time_password();
            let password = Password::parse(&one_time)
                .map_err(|e| AppError::internal("generated password", e))?;
            let (account, _) = accounts::grant_account(
                &txn,
                actor,
                NewAccount {
                    login: free_login(&txn, &who).await?,
                    civility: who.civility,
                    last_name: who.last_name.clone(),
                    first_name: Some(who.first_name.clone()),
                    password: Some(password),
                },
                Role::Responsable,
                Some(pupil.establishment_id),
            )
            .await?;
            let mut row: user::ActiveModel = account.into();
            row.must_change_password = Set(true);
            row.email = Set(who.email.clone());
            row.address = Set(who.address.clone());
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
    txn.commit().await?;
    Ok(Attached {
        login: account.login.clone(),
        name: accounts::display_name(&account),
        activation_code,
    })
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

/// `prenom.nom` without accents or spaces, numbered when taken: what a parent types at login.
async fn free_login(db: &impl ConnectionTrait, who: &NewResponsable) -> Result<Login> {
    use unicode_normalization::UnicodeNormalization;
    let plain = |name: &str| -> String {
        name.nfd()
            .filter(char::is_ascii)
            .map(|c| match c.to_ascii_lowercase() {
                c if c.is_ascii_alphanumeric() => c,
                _ => '-',
            })
            .collect()
    };
    let base = format!(
        "{}.{}",
        plain(who.first_name.as_str()),
        plain(who.last_name.as_str())
    );
    for number in 1.. {
        let candidate = match number {
            1 => base.clone(),
            n => format!("{base}{n}"),
        };
        let login = Login::parse(&candidate)
            .or_else(|_| Login::parse(&format!("responsable{number}")))
            .map_err(|e| AppError::internal("generated login", e))?;
        if accounts::find_by_login(db, &login).await?.is_none() {
            return Ok(login);
        }
    }
    unreachable!("some number is free")
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
            match attach(db, actor, pupil.id, who.clone()).await {
                Ok(done) => {
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
