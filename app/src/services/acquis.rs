//! « Saisie collective des acquis scolaires »: one domain row of a class and period, a value
//! per pupil, saved for the whole grid in one transaction without overwriting anyone.

use crate::domain::bilan::Merge;
use crate::domain::catalogue::DomainRow;
use crate::domain::{BilanStatus, Positionnement};
use crate::entities::{bilan, bilan_line, student};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::audit;
use crate::services::bilans;
use crate::services::saisie::{self, ClassPeriod};
use crate::wire::saisie::{
    AcquisChange, AcquisOutcome, AcquisRow, AcquisSaved, AcquisView, GridKey,
};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use serde_json::json;
use std::collections::HashMap;

/// The grid: every pupil of the class whose level has the row, by name, with their value and
/// the status of their bilan.
#[tracing::instrument(skip_all, fields(key = ?key, user = ?actor.user_id()))]
pub async fn grid(db: &impl ConnectionTrait, actor: &Actor, key: &GridKey) -> Result<AcquisView> {
    let context = saisie::class_period(db, actor, key.class_id, key.period_id).await?;
    let row = context.domain_row(&key.domain_code)?;
    let pupils = pupils_of(db, &context, row).await?;
    let bilans = bilans::bilans_of(db, &context, &pupils).await?;
    let lines = lines_of(db, &bilans, row).await?;
    let statuses = bilans::pupil_statuses(db, &context, &pupils, &bilans).await?;
    Ok(AcquisView {
        scale: context.scale,
        rows: pupils
            .iter()
            .map(|pupil| {
                let bilan = bilans.get(&pupil.id);
                AcquisRow {
                    student_id: pupil.id,
                    name: bilans::pupil_name(pupil),
                    level: bilans::pupil_level(pupil),
                    value: bilan.and_then(|bilan| value_of(lines.get(&bilan.id))),
                    status: bilan.map_or(BilanStatus::NonCree, |bilan| statuses[&bilan.id]),
                }
            })
            .collect(),
    })
}

/// Saves the changed cells, written in one transaction. A cell is written only if its stored value is
/// still the one the page saw (`was`), by one conditional statement per cell, else it is
/// reported as a conflict with the stored value; a locked bilan is never written. Saves of
/// other cells, even of the same bilan, never stand in the way: the bilan itself is only
/// checked to be unlocked. A pupil without a bilan gets one (« en cours »).
#[tracing::instrument(skip_all, fields(key = ?key, user = ?actor.user_id()))]
pub async fn save(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    key: &GridKey,
    changes: &[AcquisChange],
) -> Result<Vec<AcquisSaved>> {
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = changes.iter().find(|c| !seen.insert(c.student_id)) {
        return Err(AppError::invalid(
            "eleve",
            format!("l'élève n° {} figure deux fois", twice.student_id),
        ));
    }
    // What the save needs to know is read before the write transaction, so that the write
    // lock (SQLite's writers take turns) is held only for the writes. Those are conditional on
    // what was read: a change in between is a conflict or a lock, never lost.
    let context = saisie::class_period(db, actor, key.class_id, key.period_id).await?;
    context.require_open()?;
    let row = context.domain_row(&key.domain_code)?;
    let pupils = pupils_of(db, &context, row).await?;
    let by_id: HashMap<i32, &student::Model> = pupils.iter().map(|p| (p.id, p)).collect();
    let mut bilans = bilans::bilans_of(db, &context, &pupils).await?;
    let mut lines = lines_of(db, &bilans, row).await?;
    let (turn, txn) = super::begin_write(db).await?;
    let mut outcomes = Vec::with_capacity(changes.len());
    // The cells to write: their outcome's index, the pupil, the value read and the new one.
    let mut writes = Vec::new();
    let mut teachers = None;
    for change in changes {
        let existing = bilans.get(&change.student_id);
        let outcome = if !by_id.contains_key(&change.student_id) {
            AcquisOutcome::NotInGrid
        } else if existing.is_some_and(|b| b.locked_at.is_some()) {
            AcquisOutcome::Locked
        } else {
            if existing.is_none() {
                let teachers = match &teachers {
                    Some(teachers) => teachers,
                    None => teachers.insert(bilans::class_teachers(&txn, context.class.id).await?),
                };
                let pupil = by_id[&change.student_id];
                let (class_id, period_id) = (context.class.id, context.period.id);
                let bilan = match bilans::create(&txn, pupil, class_id, period_id, teachers).await?
                {
                    Some(created) => created,
                    // Created meanwhile by another save: read with its line, if it has one.
                    None => {
                        let found =
                            bilans::bilans_of(&txn, &context, std::slice::from_ref(pupil)).await?;
                        let bilan = found.into_values().next().ok_or_else(|| {
                            AppError::internal("acquis grid", "a bilan created and gone")
                        })?;
                        lines.extend(
                            lines_of(&txn, &HashMap::from([(0, bilan.clone())]), row).await?,
                        );
                        bilan
                    }
                };
                bilans.insert(change.student_id, bilan);
            }
            let bilan = &bilans[&change.student_id];
            let current = value_of(lines.get(&bilan.id));
            match Merge::of(current, &change.was, &change.now) {
                Merge::AlreadySaved => AcquisOutcome::Saved,
                Merge::Conflict { current } => AcquisOutcome::Conflict { current },
                Merge::Write if bilan.locked_at.is_some() => AcquisOutcome::Locked,
                Merge::Write => {
                    writes.push((outcomes.len(), change.student_id, current, change.now));
                    AcquisOutcome::Saved
                }
            }
        };
        outcomes.push((change.student_id, outcome));
    }
    // The bilans written must still be unlocked: those locked since they were read are left.
    let unlocked =
        touch_unlocked(&txn, writes.iter().map(|(_, pupil, ..)| bilans[pupil].id)).await?;
    let mut written = Vec::with_capacity(writes.len());
    for (index, pupil, current, now) in writes {
        let bilan = &bilans[&pupil];
        if !unlocked.contains(&bilan.id) {
            outcomes[index].1 = AcquisOutcome::Locked;
            continue;
        }
        match write_cell(&txn, row, bilan.id, lines.get(&bilan.id), current, now).await? {
            None => written.push((pupil, now)),
            Some(stored) if stored == now => {}
            Some(stored) => outcomes[index].1 = AcquisOutcome::Conflict { current: stored },
        }
    }
    // One event for the whole grid (one row to write, not one per pupil): each bilan's
    // history finds its pupil's value in it.
    if !written.is_empty() {
        let values: serde_json::Map<String, serde_json::Value> = written
            .iter()
            .map(|(pupil, value)| {
                let label = value.map_or("(effacé)", |value| value.label(context.scale));
                (pupil.to_string(), json!(label))
            })
            .collect();
        audit::record(
            &txn,
            actor,
            Some(context.establishment_id),
            "acquis scolaires",
            &audit::grid_subject(context.class.id, context.period.id),
            json!({ "champ": format!("Positionnement — {}", row.label), "élèves": values }),
        )
        .await?;
    }
    let changed: Vec<student::Model> = pupils
        .iter()
        .filter(|pupil| changes.iter().any(|c| c.student_id == pupil.id))
        .cloned()
        .collect();
    super::commit(txn, turn).await?;
    let statuses = bilans::pupil_statuses(db, &context, &changed, &bilans).await?;
    Ok(outcomes
        .into_iter()
        .map(|(student_id, outcome)| AcquisSaved {
            student_id,
            status: bilans
                .get(&student_id)
                .map_or(BilanStatus::NonCree, |bilan| match &outcome {
                    AcquisOutcome::Locked => BilanStatus::Verrouille,
                    _ => statuses[&bilan.id],
                }),
            outcome,
        })
        .collect())
}

/// Marks these bilans as written (a new version) where they are still unlocked, in one
/// statement; answers those it marked.
async fn touch_unlocked(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<std::collections::HashSet<i32>> {
    let ids: Vec<i32> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(bilan::Entity::update_many()
        .col_expr(
            bilan::Column::Version,
            Expr::col(bilan::Column::Version).add(1),
        )
        .col_expr(bilan::Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(bilan::Column::Id.is_in(ids))
        .filter(bilan::Column::LockedAt.is_null())
        .exec_with_returning(db)
        .await?
        .into_iter()
        .map(|bilan| bilan.id)
        .collect())
}

/// Writes the row's value of a bilan from the value read (`current`), by one conditional
/// statement: `None` when written, else the value another save stored meanwhile.
async fn write_cell(
    db: &impl ConnectionTrait,
    row: &DomainRow,
    bilan_id: i32,
    line: Option<&bilan_line::Model>,
    current: Option<Positionnement>,
    now: Option<Positionnement>,
) -> Result<Option<Option<Positionnement>>> {
    let (level, not_evaluated) = Positionnement::to_stored(now);
    if line.is_none() {
        let inserted = bilan_line::Entity::insert(bilan_line::ActiveModel {
            bilan_id: Set(bilan_id),
            domain_code: Set(row.code.to_owned()),
            positionnement: Set(level),
            not_evaluated: Set(not_evaluated),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([bilan_line::Column::BilanId, bilan_line::Column::DomainCode])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        if inserted == 1 {
            return Ok(None);
        }
    }
    // The line exists (read, or inserted meanwhile by another write): written only if its
    // value is still the one read.
    let (read_level, read_not_evaluated) = Positionnement::to_stored(current);
    let updated = bilan_line::Entity::update_many()
        .col_expr(bilan_line::Column::Positionnement, Expr::value(level))
        .col_expr(bilan_line::Column::NotEvaluated, Expr::value(not_evaluated))
        .filter(bilan_line::Column::BilanId.eq(bilan_id))
        .filter(bilan_line::Column::DomainCode.eq(row.code))
        .filter(match read_level {
            Some(read) => bilan_line::Column::Positionnement.eq(read),
            None => bilan_line::Column::Positionnement.is_null(),
        })
        .filter(bilan_line::Column::NotEvaluated.eq(read_not_evaluated))
        .exec(db)
        .await?;
    if updated.rows_affected == 1 {
        return Ok(None);
    }
    let stored = bilan_line::Entity::find()
        .filter(bilan_line::Column::BilanId.eq(bilan_id))
        .filter(bilan_line::Column::DomainCode.eq(row.code))
        .one(db)
        .await?;
    Ok(Some(value_of(stored.as_ref())))
}

/// The pupils of the class for the period whose level has the row (all, for a pupil without a
/// level).
async fn pupils_of(
    db: &impl ConnectionTrait,
    context: &ClassPeriod,
    row: &DomainRow,
) -> Result<Vec<student::Model>> {
    let mut pupils = bilans::class_pupils(db, context).await?;
    pupils.retain(|pupil| match bilans::pupil_level(pupil) {
        Some(level) => crate::domain::catalogue::rows_for(level).any(|own| own == row),
        None => true,
    });
    Ok(pupils)
}

/// The row's line of each bilan, by bilan.
async fn lines_of(
    db: &impl ConnectionTrait,
    bilans: &HashMap<i32, bilan::Model>,
    row: &DomainRow,
) -> Result<HashMap<i32, bilan_line::Model>> {
    Ok(bilan_line::Entity::find()
        .filter(bilan_line::Column::BilanId.is_in(bilans.values().map(|bilan| bilan.id)))
        .filter(bilan_line::Column::DomainCode.eq(row.code))
        .all(db)
        .await?
        .into_iter()
        .map(|line| (line.bilan_id, line))
        .collect())
}

fn value_of(line: Option<&bilan_line::Model>) -> Option<Positionnement> {
    line.and_then(|line| Positionnement::from_stored(line.positionnement, line.not_evaluated))
}
