//! A class's bilans de fin de cycle: their list with status, lock and visas; locking (complete
//! ones, by the class's teachers or the director), unlocking and publishing (the director's);
//! each bilan's history.

use crate::domain::BilanStatus;
use crate::entities::{audit_event, cycle_bilan, cycle_bilan_visa, user};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::audit::{self, BilanChange};
use crate::services::{accounts, bilan_content, bilans, families};
use crate::time::{format_date, format_moment};
use crate::wire::bilan_editor::TrailEntry;
use crate::wire::bilans::LockView;
use crate::wire::cycle_bilans::{
    CycleAction, CycleActionReport, CycleActionRequest, CycleListView, CycleRow,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde_json::json;
use std::collections::HashMap;

/// The class's pupils at the end of the cycle, in name order, with their bilan's status, lock,
/// publication and visas.
#[tracing::instrument(skip_all, fields(class_id = class_id, user = ?actor.user_id()))]
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    class_id: i32,
) -> Result<CycleListView> {
    let context = super::context(db, actor, class_id).await?;
    let pupils = super::pupils(db, &context).await?;
    let found = super::bilans_of(db, &context, &pupils).await?;
    let components = super::components_of(db, found.values().map(|b| b.id)).await?;
    let lockers = names(db, found.values().filter_map(|b| b.locked_by)).await?;
    let mut visas = visas(db, &pupils, &found).await?;
    Ok(CycleListView {
        year: context.year_label(),
        rows: pupils
            .iter()
            .map(|pupil| {
                let bilan = found.get(&pupil.id);
                CycleRow {
                    student_id: pupil.id,
                    name: bilans::pupil_name(pupil),
                    status: super::status(bilan, &components),
                    positioned: bilan
                        .and_then(|b| components.get(&b.id))
                        .map_or(0, HashMap::len),
                    has_synthese: bilan.is_some_and(|b| b.synthese.is_some()),
                    lock: bilan.and_then(|b| lock_of(b, &lockers)),
                    published: bilan.and_then(published_on),
                    visas: visas.remove(&pupil.id).unwrap_or_default(),
                }
            })
            .collect(),
        may_unlock: actor.require_director_of(context.establishment_id).is_ok(),
    })
}

/// Locks, unlocks, publishes or withdraws the selected pupils' bilans, in one transaction.
/// Each pupil left alone is reported with why.
#[tracing::instrument(skip_all, fields(request = ?request, user = ?actor.user_id()))]
pub async fn act(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    request: &CycleActionRequest,
) -> Result<CycleActionReport> {
    let (turn, txn) = crate::services::begin_write(db).await?;
    let context = super::context(&txn, actor, request.class_id).await?;
    context.require_open()?;
    if request.action != CycleAction::Lock {
        actor.require_director_of(context.establishment_id)?;
    }
    let pupils = super::pupils(&txn, &context).await?;
    if let Some(stranger) = request
        .student_ids
        .iter()
        .find(|id| !pupils.iter().any(|pupil| pupil.id == **id))
    {
        return Err(AppError::invalid(
            "eleve",
            format!("l'élève n° {stranger} n'a pas de bilan de fin de cycle dans cette classe"),
        ));
    }
    let found = super::bilans_of(&txn, &context, &pupils).await?;
    let components = super::components_of(&txn, found.values().map(|b| b.id)).await?;
    let now = chrono::Utc::now();
    let director = match request.action {
        CycleAction::Lock => {
            bilans::director_at_lock(&txn, actor, context.establishment_id).await?
        }
        _ => None,
    };
    let mut left_alone = Vec::new();
    let mut history = Vec::new();
    for pupil in pupils
        .iter()
        .filter(|p| request.student_ids.contains(&p.id))
    {
        let bilan = found.get(&pupil.id);
        let status = super::status(bilan, &components);
        let refusal = match (request.action, status, bilan) {
            (_, BilanStatus::NonCree, _) | (_, _, None) => Some("son bilan n'est pas commencé"),
            (CycleAction::Lock, BilanStatus::Complet, _) => None,
            (CycleAction::Lock, BilanStatus::Verrouille, _) => {
                Some("son bilan est déjà verrouillé")
            }
            (CycleAction::Lock, _, _) => {
                Some("son bilan est incomplet (il faut les huit composantes et la synthèse)")
            }
            (_, BilanStatus::Verrouille, _) => None,
            (_, _, _) => Some("son bilan n'est pas verrouillé"),
        };
        let (Some(bilan), None) = (bilan, refusal) else {
            left_alone.push((
                bilans::pupil_name(pupil),
                refusal.unwrap_or_default().to_owned(),
            ));
            continue;
        };
        let published = bilan.published_at.is_some();
        let update = cycle_bilan::Entity::update_many()
            .col_expr(
                cycle_bilan::Column::Version,
                Expr::col(cycle_bilan::Column::Version).add(1),
            )
            .col_expr(cycle_bilan::Column::UpdatedAt, Expr::value(now))
            .filter(cycle_bilan::Column::Id.eq(bilan.id))
            // As read: a bilan written or locked since (another tab) is left alone.
            .filter(cycle_bilan::Column::Version.eq(bilan.version));
        let update = match request.action {
            CycleAction::Lock => update
                .col_expr(cycle_bilan::Column::LockedAt, Expr::value(Some(now)))
                .col_expr(cycle_bilan::Column::LockedBy, Expr::value(actor.user_id()))
                .col_expr(cycle_bilan::Column::DirectorId, Expr::value(director)),
            CycleAction::Unlock => update
                .col_expr(
                    cycle_bilan::Column::LockedAt,
                    Expr::value(None::<chrono::DateTime<chrono::Utc>>),
                )
                .col_expr(cycle_bilan::Column::LockedBy, Expr::value(None::<i32>))
                .col_expr(cycle_bilan::Column::DirectorId, Expr::value(None::<i32>))
                // An unlocked bilan may change: its family no longer sees it.
                .col_expr(
                    cycle_bilan::Column::PublishedAt,
                    Expr::value(None::<chrono::DateTime<chrono::Utc>>),
                )
                .col_expr(cycle_bilan::Column::PublishedBy, Expr::value(None::<i32>)),
            CycleAction::Publish if published => continue,
            CycleAction::Publish => update
                .col_expr(cycle_bilan::Column::PublishedAt, Expr::value(Some(now)))
                .col_expr(
                    cycle_bilan::Column::PublishedBy,
                    Expr::value(actor.user_id()),
                ),
            CycleAction::Withdraw if !published => continue,
            CycleAction::Withdraw => update
                .col_expr(
                    cycle_bilan::Column::PublishedAt,
                    Expr::value(None::<chrono::DateTime<chrono::Utc>>),
                )
                .col_expr(cycle_bilan::Column::PublishedBy, Expr::value(None::<i32>)),
        };
        if update.exec(&txn).await?.rows_affected != 1 {
            left_alone.push((
                bilans::pupil_name(pupil),
                "son bilan a changé pendant l'opération : réessayez".to_owned(),
            ));
            continue;
        }
        history.push(BilanChange {
            subject: audit::cycle_bilan_subject(bilan.id),
            field: what(request.action).to_owned(),
            value: String::new(),
        });
    }
    let done = history.len();
    audit::record_bilan_changes(
        &txn,
        actor,
        context.establishment_id,
        what(request.action),
        history,
    )
    .await?;
    if done > 0 {
        audit::record(
            &txn,
            actor,
            Some(context.establishment_id),
            &format!(
                "bilans de fin de cycle : {}",
                what(request.action).to_lowercase()
            ),
            &context.class.label,
            json!({ "élèves": request.student_ids }),
        )
        .await?;
    }
    crate::services::commit(txn, turn).await?;
    Ok(CycleActionReport {
        action: request.action,
        done,
        left_alone,
    })
}

/// How a bilan's history names the action.
fn what(action: CycleAction) -> &'static str {
    match action {
        CycleAction::Lock => "Verrouillage",
        CycleAction::Unlock => "Déverrouillage",
        CycleAction::Publish => "Publication aux familles",
        CycleAction::Withdraw => "Retrait aux familles",
    }
}

/// The day the bilan was published to the family, while it is.
pub fn published_on(bilan: &cycle_bilan::Model) -> Option<String> {
    bilan.locked_at?;
    bilan.published_at.map(|at| format_date(at.date_naive()))
}

/// Who locked the bilan and when.
pub async fn lock_view(
    db: &impl ConnectionTrait,
    bilan: &cycle_bilan::Model,
) -> Result<Option<LockView>> {
    let lockers = names(db, bilan.locked_by).await?;
    Ok(lock_of(bilan, &lockers))
}

fn lock_of(bilan: &cycle_bilan::Model, lockers: &HashMap<i32, String>) -> Option<LockView> {
    bilan_content::lock_of(bilan.locked_by, bilan.locked_at, lockers)
}

async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, String>> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .iter()
        .map(|account| (account.id, accounts::display_name(account)))
        .collect())
}

/// « Vu par M. X le 12/06/2027 », per pupil, for each responsable who acknowledged the bilan.
async fn visas(
    db: &impl ConnectionTrait,
    pupils: &[crate::entities::student::Model],
    found: &HashMap<i32, cycle_bilan::Model>,
) -> Result<HashMap<i32, Vec<String>>> {
    let (links, people) = families::guardians(db, pupils).await?;
    let seen: HashMap<(i32, i32), cycle_bilan_visa::Model> = cycle_bilan_visa::Entity::find()
        .filter(cycle_bilan_visa::Column::CycleBilanId.is_in(found.values().map(|b| b.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|visa| ((visa.cycle_bilan_id, visa.user_id), visa))
        .collect();
    let mut by_pupil: HashMap<i32, Vec<String>> = HashMap::new();
    for link in links {
        let (Some(person), Some(bilan)) = (people.get(&link.user_id), found.get(&link.student_id))
        else {
            continue;
        };
        if let Some(visa) = seen.get(&(bilan.id, person.id)) {
            by_pupil.entry(link.student_id).or_default().push(format!(
                "Vu par {} le {}",
                accounts::display_name(person),
                format_moment(visa.acknowledged_at)
            ));
        }
    }
    Ok(by_pupil)
}

/// The bilan's audit trail, newest first.
pub async fn trail(db: &impl ConnectionTrait, bilan_id: i32) -> Result<Vec<TrailEntry>> {
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Subject.eq(audit::cycle_bilan_subject(bilan_id)))
        .order_by_desc(audit_event::Column::OccurredAt)
        .order_by_desc(audit_event::Column::Id)
        .all(db)
        .await?;
    let people = names(db, events.iter().filter_map(|event| event.user_id)).await?;
    Ok(events
        .into_iter()
        .map(|event| {
            let details: serde_json::Value =
                serde_json::from_str(&event.details).unwrap_or_default();
            TrailEntry {
                at: format_moment(event.occurred_at),
                by: event
                    .user_id
                    .and_then(|id| people.get(&id).cloned())
                    .unwrap_or_else(|| "Livret".to_owned()),
                what: details["champ"]
                    .as_str()
                    .map_or_else(|| event.action.clone(), str::to_owned),
                value: details["valeur"].as_str().unwrap_or_default().to_owned(),
            }
        })
        .collect())
}
