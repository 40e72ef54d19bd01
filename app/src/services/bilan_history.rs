//! « Consulter l'historique des bilans de l'élève »: every bilan of a pupil, all periods and
//! years, and each one's audit trail.

use crate::domain::Level;
use crate::entities::{
    audit_event, bilan, cycle_bilan, period, school_class, school_year, student, user,
};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::{accounts, audit, bilan_content, bilans, classes, cycle_bilans, saisie};
use crate::time::format_moment;
use crate::wire::bilan_editor::{
    BilanKey, HistoryBilan, HistoryCycleBilan, HistoryView, TrailEntry,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// The pupil's bilans, newest period first, for the teachers of the pupil's class and the
/// director of the school.
#[tracing::instrument(skip_all, fields(student_id = student_id, user = ?actor.user_id()))]
pub async fn history(
    db: &impl ConnectionTrait,
    actor: &Actor,
    student_id: i32,
) -> Result<HistoryView> {
    let pupil = student::Entity::find_by_id(student_id)
        .one(db)
        .await?
        // A pupil who does not exist is refused like someone else's pupil: which ids exist
        // is nobody's business.
        .ok_or(AppError::Forbidden)?;
    match pupil.class_id {
        Some(class_id) => {
            classes::class_taught_by(db, actor, class_id).await?;
        }
        None => actor.require_director_of(pupil.establishment_id)?,
    }
    let found = bilan::Entity::find()
        .filter(bilan::Column::StudentId.eq(pupil.id))
        .all(db)
        .await?;
    let periods: HashMap<i32, period::Model> = period::Entity::find()
        .filter(period::Column::Id.is_in(found.iter().map(|b| b.period_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|period| (period.id, period))
        .collect();
    let class_models: HashMap<i32, school_class::Model> = school_class::Entity::find()
        .filter(school_class::Column::Id.is_in(found.iter().map(|b| b.class_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|class| (class.id, class))
        .collect();
    let years: HashMap<i32, school_year::Model> = school_year::Entity::find()
        .filter(school_year::Column::Id.is_in(periods.values().map(|period| period.school_year_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|year| (year.id, year))
        .collect();
    let mut ordered: Vec<&bilan::Model> = found.iter().collect();
    ordered.sort_by_key(|b| std::cmp::Reverse(periods.get(&b.period_id).map(|p| p.starts_on)));
    let lockers = bilan_content::lockers(db, found.iter()).await?;
    let mut bilans_shown = Vec::with_capacity(ordered.len());
    for bilan in ordered {
        let period = periods
            .get(&bilan.period_id)
            .ok_or_else(|| AppError::internal("bilan history", "a bilan's period is missing"))?;
        let class = class_models
            .get(&bilan.class_id)
            .ok_or_else(|| AppError::internal("bilan history", "a bilan's class is missing"))?;
        let levels: Vec<Level> = bilans::pupil_level(&pupil).into_iter().collect();
        let status = bilans::statuses(db, &levels, &[(bilan, bilans::pupil_level(&pupil))]).await?
            [&bilan.id];
        bilans_shown.push(HistoryBilan {
            key: BilanKey {
                student_id: pupil.id,
                period_id: bilan.period_id,
            },
            year: years
                .get(&period.school_year_id)
                .map(|year| format!("{}/{}", year.millesime, year.millesime + 1))
                .unwrap_or_default(),
            period_label: saisie::period_label(period),
            class_label: class.label.clone(),
            status,
            lock: bilan_content::lock_view(bilan, &lockers),
            trail: trail(db, bilan).await?,
        });
    }
    Ok(HistoryView {
        pupil_name: bilans::pupil_name(&pupil),
        bilans: bilans_shown,
        cycle_bilans: cycle_history(db, &pupil).await?,
    })
}

/// The pupil's bilans de fin de cycle, newest first, each with its trail.
async fn cycle_history(
    db: &impl ConnectionTrait,
    pupil: &student::Model,
) -> Result<Vec<HistoryCycleBilan>> {
    let mut found = cycle_bilan::Entity::find()
        .filter(cycle_bilan::Column::StudentId.eq(pupil.id))
        .all(db)
        .await?;
    found.sort_by_key(|bilan| std::cmp::Reverse(bilan.school_year_id));
    let components = cycle_bilans::components_of(db, found.iter().map(|b| b.id)).await?;
    let mut shown = Vec::with_capacity(found.len());
    for bilan in &found {
        let year = school_year::Entity::find_by_id(bilan.school_year_id)
            .one(db)
            .await?;
        let class = school_class::Entity::find_by_id(bilan.class_id)
            .one(db)
            .await?;
        shown.push(HistoryCycleBilan {
            student_id: pupil.id,
            year: year
                .as_ref()
                .map(cycle_bilans::year_label)
                .unwrap_or_default(),
            title: format!("Bilan de fin de cycle {}", bilan.cycle),
            class_label: class.map(|class| class.label).unwrap_or_default(),
            status: cycle_bilans::status(Some(bilan), &components),
            lock: cycle_bilans::list::lock_view(db, bilan).await?,
            trail: cycle_bilans::list::trail(db, bilan.id).await?,
        });
    }
    Ok(shown)
}

/// The audit trail of a bilan, newest first: who changed which field to what, and when — its
/// own events, and the grid saves of its class and period that wrote its pupil's value.
pub async fn trail(db: &impl ConnectionTrait, bilan: &bilan::Model) -> Result<Vec<TrailEntry>> {
    let grid = audit::grid_subject(bilan.class_id, bilan.period_id);
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Subject.is_in([audit::bilan_subject(bilan.id), grid.clone()]))
        .order_by_desc(audit_event::Column::OccurredAt)
        .order_by_desc(audit_event::Column::Id)
        .all(db)
        .await?;
    let people: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(events.iter().filter_map(|event| event.user_id)))
        .all(db)
        .await?
        .iter()
        .map(|account| (account.id, accounts::display_name(account)))
        .collect();
    let pupil = bilan.student_id.to_string();
    Ok(events
        .into_iter()
        .filter_map(|event| {
            let details: serde_json::Value =
                serde_json::from_str(&event.details).unwrap_or_default();
            let value = match event.subject == grid {
                true => details["élèves"][pupil.as_str()].as_str()?.to_owned(),
                false => details["valeur"].as_str().unwrap_or_default().to_owned(),
            };
            let field = details["champ"].as_str().unwrap_or_default();
            Some(TrailEntry {
                at: format_moment(event.occurred_at),
                by: event
                    .user_id
                    .and_then(|id| people.get(&id).cloned())
                    .unwrap_or_else(|| "Livret".to_owned()),
                what: match field.is_empty() {
                    true => event.action.clone(),
                    false => field.to_owned(),
                },
                value,
            })
        })
        .collect())
}
