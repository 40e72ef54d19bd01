//! « Saisie individuelle et recherche de bilans »: a class's bilans for a period, and creating,
//! locking or unlocking several at once.

use crate::domain::BilanStatus;
use crate::domain::bilan::ROWS_NEEDED_TO_PRINT;
use crate::entities::bilan;
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::audit::BilanChange;
use crate::services::bilans::Expected;
use crate::services::saisie;
use crate::services::{audit, bilan_content, bilans, families};
use crate::wire::bilans::{
    BilanAction, BilanActionReport, BilanActionRequest, BilanRow, BilansView,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ConnectionTrait, TransactionSession, TransactionTrait};
use serde_json::json;

/// The class's pupils for the period, in name order, with their bilan's status and lock.
#[tracing::instrument(skip_all, fields(class_id = class_id, period_id = period_id, user = ?actor.user_id()))]
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    class_id: i32,
    period_id: i32,
) -> Result<BilansView> {
    let context = saisie::class_period(db, actor, class_id, period_id).await?;
    let pupils = bilans::class_pupils(db, &context).await?;
    let found = bilans::bilans_of(db, &context, &pupils).await?;
    let standings = bilans::pupil_standings(db, &context, &pupils, &found).await?;
    let lockers = bilan_content::lockers(db, found.values()).await?;
    let mut visas = families::visas(db, &pupils, &found).await?;
    let rows = pupils
        .iter()
        .enumerate()
        .map(|(index, pupil)| {
            let bilan = found.get(&pupil.id);
            BilanRow {
                student_id: pupil.id,
                number: index + 1,
                last_name: bilans::pupil_last_name(pupil).to_uppercase(),
                first_names: pupil.first_names.clone(),
                level: bilans::pupil_level(pupil),
                status: bilan.map_or(BilanStatus::NonCree, |b| standings[&b.id].status),
                complete_rows: bilan
                    .map(|b| (standings[&b.id].complete_rows, standings[&b.id].rows)),
                missing: bilan
                    .map(|b| standings[&b.id].missing.clone())
                    .unwrap_or_default(),
                lock: bilan.and_then(|b| bilan_content::lock_view(b, &lockers)),
                published: bilan
                    .filter(|b| bilans::is_published(b))
                    .and_then(|b| b.published_at)
                    .map(|at| crate::time::format_date(at.date_naive())),
                visas: visas.remove(&pupil.id).unwrap_or_default(),
            }
        })
        .collect();
    Ok(BilansView {
        teachers: bilans::class_teachers(db, class_id).await?,
        levels: context.levels.clone(),
        rows,
        may_unlock: actor.require_director_of(context.establishment_id).is_ok(),
    })
}

/// Creates, locks or unlocks the bilans of the selected pupils, in one transaction. Locking
/// takes complete bilans (the class's teachers or the director); unlocking is the director's.
/// Each pupil left alone is reported with why.
#[tracing::instrument(skip_all, fields(request = ?request, user = ?actor.user_id()))]
pub async fn act(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    request: &BilanActionRequest,
) -> Result<BilanActionReport> {
    let BilanActionRequest {
        class_id,
        period_id,
        action,
        ref student_ids,
    } = *request;
    let (turn, txn) = super::begin_write(db).await?;
    let context = saisie::class_period(&txn, actor, class_id, period_id).await?;
    context.require_open()?;
    if action == BilanAction::Unlock {
        actor.require_director_of(context.establishment_id)?;
    }
    let pupils = bilans::class_pupils(&txn, &context).await?;
    if let Some(stranger) = student_ids
        .iter()
        .find(|id| !pupils.iter().any(|pupil| pupil.id == **id))
    {
        return Err(AppError::invalid(
            "eleve",
            format!("l'élève n° {stranger} n'est pas dans cette classe pour cette période"),
        ));
    }
    let selected: Vec<_> = pupils
        .iter()
        .filter(|pupil| student_ids.contains(&pupil.id))
        .collect();
    let found = bilans::bilans_of(&txn, &context, &pupils).await?;
    let statuses = bilans::pupil_statuses(&txn, &context, &pupils, &found).await?;
    let mut left_alone = Vec::new();
    let mut chosen = Vec::new();
    let incomplete = format!(
        "son bilan est incomplet (il faut {ROWS_NEEDED_TO_PRINT} domaines complets et l'appréciation générale)"
    );
    for pupil in &selected {
        let name = bilans::pupil_name(pupil);
        let status = found
            .get(&pupil.id)
            .map_or(BilanStatus::NonCree, |b| statuses[&b.id]);
        let elsewhere = found.get(&pupil.id).is_some_and(|b| b.class_id != class_id);
        let refusal = match (action, status) {
            _ if elsewhere => Some("son bilan de cette période est celui d'une autre classe"),
            (BilanAction::Create, BilanStatus::NonCree) => None,
            (BilanAction::Create, _) => Some("son bilan existe déjà"),
            (BilanAction::Lock, BilanStatus::Complet) => None,
            (BilanAction::Lock, BilanStatus::NonCree) => Some("son bilan n'est pas créé"),
            (BilanAction::Lock, BilanStatus::Verrouille) => Some("son bilan est déjà verrouillé"),
            (BilanAction::Lock, _) => Some(incomplete.as_str()),
            (BilanAction::Unlock, BilanStatus::Verrouille) => None,
            (BilanAction::Unlock, _) => Some("son bilan n'est pas verrouillé"),
        };
        match refusal {
            Some(reason) => left_alone.push((name, reason.to_owned())),
            None => chosen.push(*pupil),
        }
    }
    let done = match action {
        BilanAction::Create => {
            let teachers = bilans::class_teachers(&txn, class_id).await?;
            let mut created = 0;
            for pupil in &chosen {
                if bilans::create(&txn, pupil, class_id, period_id, &teachers)
                    .await?
                    .is_some()
                {
                    created += 1;
                }
            }
            created
        }
        BilanAction::Lock | BilanAction::Unlock => {
            let ids: Vec<i32> = chosen.iter().map(|pupil| found[&pupil.id].id).collect();
            let locking = action == BilanAction::Lock;
            match locking {
                true => {
                    let frozen: Vec<_> = chosen
                        .iter()
                        .map(|pupil| (&found[&pupil.id], bilans::pupil_level(pupil)))
                        .collect();
                    bilans::freeze_class_entries(&txn, &context, &frozen).await?;
                }
                false => bilans::thaw_class_entries(&txn, &ids).await?,
            }
            let (locked_at, locked_by, director) = match locking {
                true => (
                    Some(chrono::Utc::now()),
                    actor.user_id(),
                    bilans::director_at_lock(&txn, actor, context.establishment_id).await?,
                ),
                false => (None, None, None),
            };
            let mut columns = vec![
                (bilan::Column::LockedAt, Expr::value(locked_at)),
                (bilan::Column::LockedBy, Expr::value(locked_by)),
                (bilan::Column::DirectorId, Expr::value(director)),
            ];
            if !locking {
                // An unlocked bilan may change: its family no longer sees it until it is
                // locked and published again.
                columns.push((
                    bilan::Column::PublishedAt,
                    Expr::value(None::<chrono::DateTime<chrono::Utc>>),
                ));
                columns.push((bilan::Column::PublishedBy, Expr::value(None::<i32>)));
            }
            let read: Vec<&bilan::Model> = chosen.iter().map(|pupil| &found[&pupil.id]).collect();
            let expected = match locking {
                true => Expected::Unlocked,
                false => Expected::Locked,
            };
            // As read: a bilan written or locked since (another tab) is not locked unchecked.
            if !bilans::write_guarded(&txn, &read, expected, columns).await? {
                txn.rollback().await?;
                return Err(AppError::invalid(
                    "bilans",
                    "des bilans ont changé pendant l'opération : rien n'est fait, réessayez",
                ));
            }
            ids.len()
        }
    };
    if action != BilanAction::Create {
        let what = match action {
            BilanAction::Lock => "Verrouillage",
            _ => "Déverrouillage",
        };
        let history = chosen
            .iter()
            .map(|pupil| BilanChange {
                subject: audit::bilan_subject(found[&pupil.id].id),
                field: what.to_owned(),
                value: String::new(),
            })
            .collect();
        audit::record_bilan_changes(&txn, actor, context.establishment_id, what, history).await?;
    }
    if done > 0 {
        audit::record(
            &txn,
            actor,
            Some(context.establishment_id),
            match action {
                BilanAction::Create => "bilans créés",
                BilanAction::Lock => "bilans verrouillés",
                BilanAction::Unlock => "bilans déverrouillés",
            },
            &context.class.label,
            json!({
                "période": period_id,
                "élèves": chosen.iter().map(|pupil| pupil.id).collect::<Vec<_>>(),
            }),
        )
        .await?;
    }
    crate::services::commit(txn, turn).await?;
    Ok(BilanActionReport {
        action,
        done,
        left_alone,
    })
}
