//! Publishing locked bilans to families, and withdrawing them.

use crate::entities::bilan;
use crate::error::Result;
use crate::services::access::Actor;
use crate::services::bilans::Expected;
use crate::services::{audit, bilans, saisie};
use crate::wire::families::PublishReport;
use sea_orm::sea_query::Expr;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;

/// Publishes to their families the locked bilans of a class for a period (`publish`), or
/// withdraws them. Director only. Bilans not locked are left alone, with why.
#[tracing::instrument(skip_all, fields(class_id = class_id, period_id = period_id, publish = publish, user = ?actor.user_id()))]
pub async fn publish(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    class_id: i32,
    period_id: i32,
    publish: bool,
) -> Result<PublishReport> {
    let (turn, txn) = crate::services::begin_write(db).await?;
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
    crate::services::commit(txn, turn).await?;
    Ok(PublishReport {
        publish,
        done,
        left_alone,
    })
}
