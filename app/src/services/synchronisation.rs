//! « Synchronisation élèves enseignants »: unlocked bilans of the chosen classes (periodic and
//! de fin de cycle) take up their pupils' current identity and their class's current teachers;
//! locked bilans keep theirs.

use crate::entities::{bilan, cycle_bilan, student};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::bilans::Expected;
use crate::services::{audit, bilans, classes};
use crate::wire::synchronisation::SyncReport;
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::json;
use std::collections::HashMap;

/// Brings the unlocked bilans of the given classes (of the current school year) in line with
/// the pupils and teachers as they are now, in one transaction (directeur only).
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, class_ids = ?class_ids, today = %today, user = ?actor.user_id()))]
pub async fn synchronise(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    establishment_id: i32,
    class_ids: &[i32],
    today: NaiveDate,
) -> Result<SyncReport> {
    let school_classes = classes::list(db, actor, establishment_id, today).await?;
    if let Some(stranger) = class_ids
        .iter()
        .find(|id| !school_classes.iter().any(|class| class.id == **id))
    {
        // Another school's class is not this director's business; one of a past year is.
        return Err(
            if classes::belongs_to(db, *stranger, establishment_id).await? {
                AppError::invalid(
                    "classes",
                    format!("la classe n° {stranger} n'est pas une classe de l'année en cours"),
                )
            } else {
                AppError::Forbidden
            },
        );
    }
    let (turn, txn) = super::begin_write(db).await?;
    let mut report = SyncReport::default();
    let mut class_ids = class_ids.to_vec();
    class_ids.sort_unstable();
    class_ids.dedup();
    for &class_id in &class_ids {
        let teachers = serde_json::json!(bilans::class_teachers(&txn, class_id).await?);
        let found = bilan::Entity::find()
            .filter(bilan::Column::ClassId.eq(class_id))
            .all(&txn)
            .await?;
        let pupils: HashMap<i32, student::Model> = student::Entity::find()
            .filter(student::Column::Id.is_in(found.iter().map(|bilan| bilan.student_id)))
            .all(&txn)
            .await?
            .into_iter()
            .map(|pupil| (pupil.id, pupil))
            .collect();
        for mut bilan in found {
            let pupil = &pupils[&bilan.student_id];
            let last_name = bilans::pupil_last_name(pupil).to_owned();
            let current = (
                last_name.as_str(),
                pupil.first_names.as_str(),
                pupil.birth_date,
                &pupil.sex,
                &teachers,
            );
            // A bilan written since it was read (an entry on PostgreSQL, where this transaction
            // does not keep others out) is read again: only its lock can keep it as it is.
            loop {
                if bilan.locked_at.is_some() {
                    report.locked_kept += 1;
                    break;
                }
                let shown = (
                    bilan.last_name.as_str(),
                    bilan.first_names.as_str(),
                    bilan.birth_date,
                    &bilan.sex,
                    &bilan.teachers,
                );
                if current == shown {
                    report.already_up_to_date += 1;
                    break;
                }
                let columns = vec![
                    (bilan::Column::LastName, Expr::value(last_name.clone())),
                    (
                        bilan::Column::FirstNames,
                        Expr::value(pupil.first_names.clone()),
                    ),
                    (bilan::Column::BirthDate, Expr::value(pupil.birth_date)),
                    (bilan::Column::Sex, Expr::value(pupil.sex.clone())),
                    (bilan::Column::Teachers, Expr::value(teachers.clone())),
                ];
                if bilans::write_guarded(&txn, &[&bilan], Expected::Unlocked, columns).await? {
                    report.updated += 1;
                    break;
                }
                bilan = bilan::Entity::find_by_id(bilan.id)
                    .one(&txn)
                    .await?
                    .ok_or_else(|| AppError::internal("synchronisation", "a bilan vanished"))?;
            }
        }
        synchronise_cycle_bilans(&txn, class_id, &teachers, &mut report).await?;
    }
    audit::record(
        &txn,
        actor,
        Some(establishment_id),
        "synchronisation élèves enseignants",
        "bilans",
        json!({
            "classes": class_ids,
            "mis à jour": report.updated,
            "verrouillés laissés": report.locked_kept,
        }),
    )
    .await?;
    crate::services::commit(txn, turn).await?;
    Ok(report)
}

/// The class's bilans de fin de cycle, like its periodic ones. The identity and the teachers are
/// written apart from the components and the synthèse, so only the lock, checked in the same
/// statement, can keep a bilan as it is.
async fn synchronise_cycle_bilans(
    db: &impl ConnectionTrait,
    class_id: i32,
    teachers: &serde_json::Value,
    report: &mut SyncReport,
) -> Result<()> {
    let found = cycle_bilan::Entity::find()
        .filter(cycle_bilan::Column::ClassId.eq(class_id))
        .all(db)
        .await?;
    let pupils: HashMap<i32, student::Model> = student::Entity::find()
        .filter(student::Column::Id.is_in(found.iter().map(|bilan| bilan.student_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|pupil| (pupil.id, pupil))
        .collect();
    for bilan in found {
        let pupil = &pupils[&bilan.student_id];
        let last_name = bilans::pupil_last_name(pupil);
        if bilan.locked_at.is_some() {
            report.locked_kept += 1;
            continue;
        }
        let current = (
            last_name,
            pupil.first_names.as_str(),
            pupil.birth_date,
            &pupil.sex,
            teachers,
        );
        let shown = (
            bilan.last_name.as_str(),
            bilan.first_names.as_str(),
            bilan.birth_date,
            &bilan.sex,
            &bilan.teachers,
        );
        if current == shown {
            report.already_up_to_date += 1;
            continue;
        }
        let written = cycle_bilan::Entity::update_many()
            .col_expr(cycle_bilan::Column::LastName, Expr::value(last_name))
            .col_expr(
                cycle_bilan::Column::FirstNames,
                Expr::value(pupil.first_names.clone()),
            )
            .col_expr(
                cycle_bilan::Column::BirthDate,
                Expr::value(pupil.birth_date),
            )
            .col_expr(cycle_bilan::Column::Sex, Expr::value(pupil.sex.clone()))
            .col_expr(cycle_bilan::Column::Teachers, Expr::value(teachers.clone()))
            .col_expr(
                cycle_bilan::Column::UpdatedAt,
                Expr::value(chrono::Utc::now()),
            )
            .filter(cycle_bilan::Column::Id.eq(bilan.id))
            .filter(cycle_bilan::Column::LockedAt.is_null())
            .exec(db)
            .await?;
        match written.rows_affected {
            1 => report.updated += 1,
            // Locked since it was read.
            _ => report.locked_kept += 1,
        }
    }
    Ok(())
}
