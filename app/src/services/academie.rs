//! The académie's view, for its administrateurs: the establishments with their year, pupils and
//! locked bilans; creating an establishment with its director; giving and taking away the
//! director's role; helping a school from inside (recorded). No pupil data is read here.

use crate::domain::Role;
use crate::entities::{
    bilan, establishment, period, role_grant, school_class, school_year, student, user,
};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::accounts::{self, NewStaff};
use crate::services::establishments::{self, NewEstablishment};
use crate::services::{audit, saisie};
use crate::wire::academie::{EstablishmentRow, EstablishmentStaff, PeriodLocks, StaffMember};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use serde_json::json;
use std::collections::HashMap;

/// Every establishment, by name, with its open year, its pupils and, per period of that year,
/// its bilans locked out of those made. A few grouped queries, whatever the number of schools.
#[tracing::instrument(skip_all, fields(user = ?actor.user_id()))]
pub async fn overview(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<EstablishmentRow>> {
    actor.require_administration()?;
    let schools = establishment::Entity::find()
        .order_by_asc(establishment::Column::Name)
        .all(db)
        .await?;
    // The open year of each school: its latest.
    let mut years: HashMap<i32, school_year::Model> = HashMap::new();
    for year in school_year::Entity::find().all(db).await? {
        match years.get(&year.establishment_id) {
            Some(kept) if kept.millesime >= year.millesime => {}
            _ => {
                years.insert(year.establishment_id, year);
            }
        }
    }
    let year_school: HashMap<i32, i32> = years
        .values()
        .map(|year| (year.id, year.establishment_id))
        .collect();
    let year_ids: Vec<i32> = year_school.keys().copied().collect();
    let class_school: HashMap<i32, i32> = school_class::Entity::find()
        .filter(school_class::Column::SchoolYearId.is_in(year_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|class| Some((class.id, *year_school.get(&class.school_year_id)?)))
        .collect();
    let mut pupils: HashMap<i32, u64> = HashMap::new();
    let enrolled: Vec<(Option<i32>, i64)> = student::Entity::find()
        .select_only()
        .column(student::Column::ClassId)
        .column_as(student::Column::Id.count(), "pupils")
        .filter(student::Column::LeftOn.is_null())
        .filter(student::Column::ClassId.is_in(class_school.keys().copied()))
        .group_by(student::Column::ClassId)
        .into_tuple()
        .all(db)
        .await?;
    for (class_id, count) in enrolled {
        if let Some(school) = class_id.and_then(|id| class_school.get(&id)) {
            *pupils.entry(*school).or_default() += u64::try_from(count).unwrap_or(0);
        }
    }
    let periods = period::Entity::find()
        .filter(period::Column::SchoolYearId.is_in(year_ids.iter().copied()))
        .order_by_asc(period::Column::Periodicity)
        .order_by_asc(period::Column::Position)
        .all(db)
        .await?;
    let counts: HashMap<i32, (i64, i64)> = bilan::Entity::find()
        .select_only()
        .column(bilan::Column::PeriodId)
        .column_as(bilan::Column::Id.count(), "total")
        .column_as(bilan::Column::LockedAt.count(), "locked")
        .filter(bilan::Column::PeriodId.is_in(periods.iter().map(|p| p.id)))
        .group_by(bilan::Column::PeriodId)
        .into_tuple::<(i32, i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(period_id, total, locked)| (period_id, (total, locked)))
        .collect();
    let directors = directors_of(db, None).await?;
    Ok(schools
        .into_iter()
        .map(|school| {
            let year = years.get(&school.id);
            let periods = year
                .map(|year| {
                    periods
                        .iter()
                        .filter(|p| p.school_year_id == year.id)
                        .map(|p| {
                            let (total, locked) = counts.get(&p.id).copied().unwrap_or_default();
                            PeriodLocks {
                                label: saisie::period_label(p),
                                locked: u64::try_from(locked).unwrap_or(0),
                                total: u64::try_from(total).unwrap_or(0),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            EstablishmentRow {
                id: school.id,
                uai: school.uai,
                name: school.name,
                city: school.city,
                year: year.map(|y| format!("{}/{}", y.millesime, y.millesime + 1)),
                pupils: pupils.get(&school.id).copied().unwrap_or(0),
                periods,
                directors: directors
                    .iter()
                    .filter(|(id, _)| *id == school.id)
                    .map(|(_, person)| person.name.clone())
                    .collect(),
            }
        })
        .collect())
}

/// The directors of one establishment (`Some`) or of all (`None`), with their establishment.
async fn directors_of(
    db: &impl ConnectionTrait,
    establishment_id: Option<i32>,
) -> Result<Vec<(i32, StaffMember)>> {
    let mut query =
        role_grant::Entity::find().filter(role_grant::Column::Role.eq(Role::Directeur.code()));
    if let Some(id) = establishment_id {
        query = query.filter(role_grant::Column::EstablishmentId.eq(id));
    }
    let grants = query.all(db).await?;
    let people: HashMap<i32, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(grants.iter().map(|g| g.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|person| (person.id, person))
        .collect();
    let mut directors: Vec<(i32, StaffMember)> = grants
        .iter()
        .filter_map(|grant| {
            let person = people.get(&grant.user_id)?;
            Some((
                grant.establishment_id?,
                StaffMember {
                    user_id: person.id,
                    name: accounts::display_name(person),
                    login: person.login.clone(),
                    second_factor: person.totp_enrolled_at.is_some(),
                },
            ))
        })
        .collect();
    directors.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    Ok(directors)
}

/// One establishment and its directors, for its page.
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user = ?actor.user_id()))]
pub async fn staff(
    db: &impl ConnectionTrait,
    actor: &Actor,
    establishment_id: i32,
) -> Result<EstablishmentStaff> {
    actor.require_administration()?;
    let school = find(db, establishment_id).await?;
    Ok(EstablishmentStaff {
        id: school.id,
        uai: school.uai,
        name: school.name,
        city: school.city,
        directors: directors_of(db, Some(establishment_id))
            .await?
            .into_iter()
            .map(|(_, person)| person)
            .collect(),
    })
}

async fn find(db: &impl ConnectionTrait, establishment_id: i32) -> Result<establishment::Model> {
    establishment::Entity::find_by_id(establishment_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Établissement"))
}

/// Creates an establishment and its director's account (one-time password, returned to be
/// shown once), in one transaction: neither exists without the other.
#[tracing::instrument(skip_all, fields(user = ?actor.user_id()))]
pub async fn create_with_director(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    new: NewEstablishment,
    director: NewStaff,
) -> Result<(establishment::Model, user::Model, String)> {
    actor.require_administration()?;
    let (turn, txn) = crate::services::begin_write(db).await?;
    let school = establishments::create(&txn, actor, new).await?;
    if accounts::find_by_login(&txn, &director.login)
        .await?
        .is_some()
    {
        return Err(AppError::invalid(
            "login",
            format!(
                "l'identifiant « {} » est déjà utilisé : choisissez-en un autre, ou créez \
                 l'établissement puis donnez le rôle à ce compte",
                director.login.as_str()
            ),
        ));
    }
    let (account, one_time) =
        accounts::new_staff_account(&txn, actor, school.id, director, Role::Directeur).await?;
    crate::services::commit(txn, turn).await?;
    Ok((school, account, one_time))
}

/// A new director's account for an establishment, with a one-time password.
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user = ?actor.user_id()))]
pub async fn add_director(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    establishment_id: i32,
    director: NewStaff,
) -> Result<(user::Model, String)> {
    actor.require_administration()?;
    find(db, establishment_id).await?;
    if accounts::find_by_login(db, &director.login)
        .await?
        .is_some()
    {
        return Err(AppError::invalid(
            "login",
            format!(
                "l'identifiant « {} » est déjà utilisé : pour donner le rôle à ce compte, \
                 utilisez « Donner le rôle à un compte existant »",
                director.login.as_str()
            ),
        ));
    }
    let (turn, txn) = crate::services::begin_write(db).await?;
    let created =
        accounts::new_staff_account(&txn, actor, establishment_id, director, Role::Directeur)
            .await?;
    crate::services::commit(txn, turn).await?;
    Ok(created)
}

/// Gives the director's role in an establishment to an existing account, named by its login.
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user = ?actor.user_id()))]
pub async fn grant_director(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    establishment_id: i32,
    login: &crate::domain::Login,
) -> Result<user::Model> {
    actor.require_administration()?;
    find(db, establishment_id).await?;
    let account = accounts::find_by_login(db, login).await?.ok_or_else(|| {
        AppError::invalid(
            "login",
            format!("aucun compte n'a l'identifiant « {} »", login.as_str()),
        )
    })?;
    let (turn, txn) = crate::services::begin_write(db).await?;
    accounts::add_role(
        &txn,
        actor,
        &account,
        Role::Directeur,
        Some(establishment_id),
        false,
    )
    .await?;
    crate::services::commit(txn, turn).await?;
    Ok(account)
}

/// Takes the director's role in an establishment away from a person (their account and other
/// roles stay). The last director of a school keeps it: give the role to someone else first.
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user_id = user_id, user = ?actor.user_id()))]
pub async fn revoke_director(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    establishment_id: i32,
    user_id: i32,
) -> Result<()> {
    actor.require_administration()?;
    let (turn, txn) = crate::services::begin_write(db).await?;
    let directors = directors_of(&txn, Some(establishment_id)).await?;
    let Some((_, person)) = directors.iter().find(|(_, d)| d.user_id == user_id) else {
        return Err(AppError::invalid(
            "directeur",
            "cette personne n'est pas directrice ou directeur de l'établissement",
        ));
    };
    if directors.len() == 1 {
        return Err(AppError::invalid(
            "directeur",
            format!(
                "{} est la seule direction de l'établissement : donnez d'abord le rôle à une \
                 autre personne",
                person.name
            ),
        ));
    }
    role_grant::Entity::delete_many()
        .filter(role_grant::Column::UserId.eq(user_id))
        .filter(role_grant::Column::EstablishmentId.eq(establishment_id))
        .filter(role_grant::Column::Role.eq(Role::Directeur.code()))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        Some(establishment_id),
        "rôle retiré",
        &person.login,
        json!({ "rôle": Role::Directeur.code() }),
    )
    .await?;
    crate::services::commit(txn, turn).await?;
    Ok(())
}

/// Records that an administrateur starts (`true`) or stops helping a school from inside; the
/// session does the rest (`ActingUser::assist`).
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user = ?actor.user_id()))]
pub async fn record_assistance(
    db: &impl ConnectionTrait,
    actor: &Actor,
    establishment_id: i32,
    starting: bool,
) -> Result<()> {
    actor.require_administration()?;
    let school = find(db, establishment_id).await?;
    audit::record(
        db,
        actor,
        Some(establishment_id),
        if starting {
            "assistance commencée"
        } else {
            "assistance terminée"
        },
        &school.uai,
        json!({ "établissement": school.name }),
    )
    .await
}
