//! « Saisie collective des acquis scolaires »: one domain row of a class and period, a value
//! per pupil, saved for the whole grid in one transaction without overwriting anyone.

use crate::domain::bilan::Merge;
use crate::domain::catalogue::DomainRow;
use crate::domain::{BilanStatus, Positionnement};
use crate::entities::{bilan, bilan_line, student};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::audit;
use crate::services::bilans::{self, Expected};
use crate::services::saisie::{self, ClassPeriod};
use crate::wire::saisie::{
    AcquisChange, AcquisOutcome, AcquisRow, AcquisSaved, AcquisView, GridKey,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionSession,
    TransactionTrait,
};
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

/// Saves the changed cells in one transaction. A cell is written only if its stored value is
/// still the one the page saw (`was`), else it is reported as a conflict with the stored value;
/// a locked bilan is never written. A pupil without a bilan gets one (« en cours »).
#[tracing::instrument(skip_all, fields(key = ?key, user = ?actor.user_id()))]
pub async fn save(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    key: &GridKey,
    changes: &[AcquisChange],
) -> Result<Vec<AcquisSaved>> {
    // A save that crossed another write or a lock between its reads and its writes is rolled
    // back and made again from what is stored then (where that change is a conflict or a lock).
    for _ in 0..2 {
        if let Some(saved) = try_save(db, actor, key, changes).await? {
            return Ok(saved);
        }
    }
    try_save(db, actor, key, changes)
        .await?
        .ok_or_else(|| AppError::internal("acquis grid", "bilans kept changing during the save"))
}

/// One attempt at `save`: `None` when the bilan guard refused it (nothing is written).
async fn try_save(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    key: &GridKey,
    changes: &[AcquisChange],
) -> Result<Option<Vec<AcquisSaved>>> {
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = changes.iter().find(|c| !seen.insert(c.student_id)) {
        return Err(AppError::invalid(
            "eleve",
            format!("l'élève n° {} figure deux fois", twice.student_id),
        ));
    }
    let txn = super::begin_write(db).await?;
    let context = saisie::class_period(&txn, actor, key.class_id, key.period_id).await?;
    context.require_open()?;
    let row = context.domain_row(&key.domain_code)?;
    let pupils = pupils_of(&txn, &context, row).await?;
    let by_id: HashMap<i32, &student::Model> = pupils.iter().map(|p| (p.id, p)).collect();
    let mut bilans = bilans::bilans_of(&txn, &context, &pupils).await?;
    let lines = lines_of(&txn, &bilans, row).await?;
    let mut outcomes = Vec::with_capacity(changes.len());
    // The cells to write: bilan, its line for the row if any, new value.
    let mut writes = Vec::new();
    let mut teachers = None;
    for change in changes {
        let existing = bilans.get(&change.student_id);
        let current = existing.and_then(|bilan| value_of(lines.get(&bilan.id)));
        let outcome = if !by_id.contains_key(&change.student_id) {
            AcquisOutcome::NotInGrid
        } else if existing.is_some_and(|b| b.locked_at.is_some()) {
            AcquisOutcome::Locked
        } else {
            match Merge::of(current, &change.was, &change.now) {
                Merge::AlreadySaved => AcquisOutcome::Saved,
                Merge::Conflict { current } => AcquisOutcome::Conflict { current },
                Merge::Write => {
                    if existing.is_none() {
                        let teachers = match &teachers {
                            Some(teachers) => teachers,
                            None => teachers
                                .insert(bilans::class_teachers(&txn, context.class.id).await?),
                        };
                        let pupil = by_id[&change.student_id];
                        let (class_id, period_id) = (context.class.id, context.period.id);
                        let Some(created) =
                            bilans::create(&txn, pupil, class_id, period_id, teachers).await?
                        else {
                            txn.rollback().await?;
                            return Ok(None);
                        };
                        bilans.insert(change.student_id, created);
                    }
                    writes.push((change.student_id, change.now));
                    AcquisOutcome::Saved
                }
            }
        };
        outcomes.push((change.student_id, outcome));
    }
    let written: Vec<&bilan::Model> = writes.iter().map(|(pupil, _)| &bilans[pupil]).collect();
    if !bilans::write_guarded(&txn, &written, Expected::Unlocked, Vec::new()).await? {
        txn.rollback().await?;
        return Ok(None);
    }
    write_lines(
        &txn,
        row,
        writes.iter().map(|(pupil, value)| {
            let bilan = &bilans[pupil];
            (bilan.id, lines.get(&bilan.id), *value)
        }),
    )
    .await?;
    // One event for the whole grid (one row to write, not one per pupil): each bilan's
    // history finds its pupil's value in it.
    if !writes.is_empty() {
        let values: serde_json::Map<String, serde_json::Value> = writes
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
    let statuses = bilans::pupil_statuses(&txn, &context, &changed, &bilans).await?;
    txn.commit().await?;
    Ok(Some(
        outcomes
            .into_iter()
            .map(|(student_id, outcome)| AcquisSaved {
                student_id,
                status: bilans.get(&student_id).map_or(
                    BilanStatus::NonCree,
                    |bilan| match &outcome {
                        AcquisOutcome::Locked => BilanStatus::Verrouille,
                        _ => statuses[&bilan.id],
                    },
                ),
                outcome,
            })
            .collect(),
    ))
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

/// Writes the row's value of each bilan: the lines that exist are updated (one statement per
/// value), the others inserted together.
async fn write_lines<'a>(
    db: &impl ConnectionTrait,
    row: &DomainRow,
    cells: impl Iterator<Item = (i32, Option<&'a bilan_line::Model>, Option<Positionnement>)>,
) -> Result<()> {
    let mut updates: HashMap<Option<Positionnement>, Vec<i32>> = HashMap::new();
    let mut inserts = Vec::new();
    for (bilan_id, line, value) in cells {
        match line {
            Some(line) => updates.entry(value).or_default().push(line.id),
            None => {
                let (level, not_evaluated) = Positionnement::to_stored(value);
                inserts.push(bilan_line::ActiveModel {
                    bilan_id: Set(bilan_id),
                    domain_code: Set(row.code.to_owned()),
                    positionnement: Set(level),
                    not_evaluated: Set(not_evaluated),
                    ..Default::default()
                })
            }
        }
    }
    for (value, ids) in updates {
        let (level, not_evaluated) = Positionnement::to_stored(value);
        bilan_line::Entity::update_many()
            .col_expr(bilan_line::Column::Positionnement, Expr::value(level))
            .col_expr(bilan_line::Column::NotEvaluated, Expr::value(not_evaluated))
            .filter(bilan_line::Column::Id.is_in(ids))
            .exec(db)
            .await?;
    }
    if !inserts.is_empty() {
        bilan_line::Entity::insert_many(inserts).exec(db).await?;
    }
    Ok(())
}

fn value_of(line: Option<&bilan_line::Model>) -> Option<Positionnement> {
    line.and_then(|line| Positionnement::from_stored(line.positionnement, line.not_evaluated))
}
