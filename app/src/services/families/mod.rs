//! Families: the responsables légaux of pupils (`responsables`), the bilans published to them
//! (`publishing`), and what they read and acknowledge in their space (`space`).

mod publishing;
mod responsables;
mod space;

pub use publishing::publish;
pub use responsables::{
    Attached, Attachment, Homonym, Identity, NewResponsable, attach, import, pupil_directed_by,
    school_responsables,
};
pub use space::{acknowledge, acknowledge_cycle_bilan, read, space, visas};

use crate::domain::Role;
use crate::entities::{bilan, cycle_bilan, guardian, student, user};
use crate::error::{AppError, Result};
use crate::services::access::{ActingUser, Actor};
use crate::services::bilans;
use crate::wire::bilan_editor::BilanKey;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
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
#[tracing::instrument(skip_all, fields(key = ?key, user = ?actor.user_id()))]
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

/// The latest bilan de fin de cycle of the pupil as their family may read it, like
/// `family_bilan`: `Ok(None)` when the person is not the pupil's responsable, `Forbidden` when
/// none is published.
#[tracing::instrument(skip_all, fields(student_id = student_id, user = ?actor.user_id()))]
pub async fn family_cycle_bilan(
    db: &impl ConnectionTrait,
    actor: &Actor,
    student_id: i32,
) -> Result<Option<cycle_bilan::Model>> {
    let Actor::User(person) = actor else {
        return Ok(None);
    };
    if !children(db, person)
        .await?
        .iter()
        .any(|pupil| pupil.id == student_id)
    {
        return Ok(None);
    }
    cycle_bilan::Entity::find()
        .filter(cycle_bilan::Column::StudentId.eq(student_id))
        .filter(cycle_bilan::Column::LockedAt.is_not_null())
        .filter(cycle_bilan::Column::PublishedAt.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .max_by_key(|bilan| bilan.school_year_id)
        .map(Some)
        .ok_or(AppError::Forbidden)
}

/// The links from these pupils to their responsables, and the responsables' accounts by id.
pub async fn guardians(
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
