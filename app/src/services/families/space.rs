//! The parent space (« Mes enfants »), reading a published bilan, the visa, and the visas the
//! director's list shows.

use super::{children, family, family_bilan, guardians};
use crate::entities::{
    bilan, bilan_visa, cycle_bilan, cycle_bilan_visa, period, school_class, school_year, student,
};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::{accounts, audit, bilans, printed_bilan, saisie};
use crate::time::{format_date, format_moment};
use crate::wire::bilan_document::BilanDocument;
use crate::wire::bilan_editor::BilanKey;
use crate::wire::families::{
    ChildBilans, FamilyBilanView, FamilySpaceView, PublishedBilan, PublishedCycleBilan,
    ResponsableVisa,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use serde_json::json;
use std::collections::HashMap;

/// « Mes enfants »: each child of the person, with their published bilans, newest first.
#[tracing::instrument(skip_all, fields(user = ?actor.user_id()))]
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
    let mut cycle_bilans = published_cycle_bilans(db, person.id, &pupils).await?;
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
                cycle_bilan: cycle_bilans.remove(&pupil.id),
            }
        })
        .collect();
    Ok(FamilySpaceView { children })
}

/// The latest published bilan de fin de cycle of each child, with this person's visa.
async fn published_cycle_bilans(
    db: &impl ConnectionTrait,
    person_id: i32,
    pupils: &[student::Model],
) -> Result<HashMap<i32, PublishedCycleBilan>> {
    let mut published = cycle_bilan::Entity::find()
        .filter(cycle_bilan::Column::StudentId.is_in(pupils.iter().map(|pupil| pupil.id)))
        .filter(cycle_bilan::Column::LockedAt.is_not_null())
        .filter(cycle_bilan::Column::PublishedAt.is_not_null())
        .all(db)
        .await?;
    published.sort_by_key(|bilan| bilan.school_year_id);
    let visas: HashMap<i32, cycle_bilan_visa::Model> = cycle_bilan_visa::Entity::find()
        .filter(cycle_bilan_visa::Column::UserId.eq(person_id))
        .filter(cycle_bilan_visa::Column::CycleBilanId.is_in(published.iter().map(|b| b.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|visa| (visa.cycle_bilan_id, visa))
        .collect();
    let mut shown = HashMap::new();
    for bilan in published {
        let year = school_year::Entity::find_by_id(bilan.school_year_id)
            .one(db)
            .await?;
        let class = school_class::Entity::find_by_id(bilan.class_id)
            .one(db)
            .await?;
        shown.insert(
            bilan.student_id,
            PublishedCycleBilan {
                title: format!(
                    "Bilan de fin de cycle {} — {}",
                    bilan.cycle,
                    year.as_ref()
                        .map(crate::services::cycle_bilans::year_label)
                        .unwrap_or_default()
                ),
                class: class.map(|class| class.label).unwrap_or_default(),
                published_on: bilan
                    .published_at
                    .map(|at| format_date(at.date_naive()))
                    .unwrap_or_default(),
                acknowledged: visas
                    .get(&bilan.id)
                    .map(|visa| format_moment(visa.acknowledged_at)),
            },
        );
    }
    Ok(shown)
}

/// « J'ai pris connaissance du bilan » for a child's published bilan de fin de cycle: recorded
/// once, with who and when, also in the bilan's history.
#[tracing::instrument(skip_all, fields(student_id = student_id, user = ?actor.user_id()))]
pub async fn acknowledge_cycle_bilan(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    student_id: i32,
) -> Result<String> {
    let person = family(actor)?;
    let bilan = super::family_cycle_bilan(db, actor, student_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    if let Some(visa) = cycle_bilan_visa::Entity::find_by_id((bilan.id, person.id))
        .one(db)
        .await?
    {
        return Ok(format_moment(visa.acknowledged_at));
    }
    let now = chrono::Utc::now();
    let (turn, txn) = crate::services::begin_write(db).await?;
    cycle_bilan_visa::ActiveModel {
        cycle_bilan_id: Set(bilan.id),
        user_id: Set(person.id),
        acknowledged_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let establishment = student::Entity::find_by_id(student_id)
        .one(&txn)
        .await?
        .map(|pupil| pupil.establishment_id);
    audit::record(
        &txn,
        actor,
        establishment,
        "visa de la famille",
        &audit::cycle_bilan_subject(bilan.id),
        json!({ "champ": "Visa de la famille", "valeur": person.display_name }),
    )
    .await?;
    crate::services::commit(txn, turn).await?;
    Ok(format_moment(now))
}

/// A published bilan of the person's child, to read on screen.
#[tracing::instrument(skip_all, fields(key = ?key, user = ?actor.user_id()))]
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
#[tracing::instrument(skip_all, fields(key = ?key, user = ?actor.user_id()))]
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
    let (turn, txn) = crate::services::begin_write(db).await?;
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
    crate::services::commit(txn, turn).await?;
    Ok(format_moment(now))
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
