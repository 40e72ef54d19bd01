use crate::entities::audit_event;
use crate::error::Result;
use crate::services::access::Actor;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

/// Records who did what, in the same transaction as the change itself.
#[tracing::instrument(skip_all, fields(user = ?actor.user_id()))]
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    establishment_id: Option<i32>,
    action: &str,
    subject: &str,
    details: serde_json::Value,
) -> Result<()> {
    audit_event::ActiveModel {
        occurred_at: Set(Utc::now()),
        user_id: Set(actor.user_id()),
        establishment_id: Set(establishment_id),
        action: Set(action.to_owned()),
        subject: Set(subject.to_owned()),
        details: Set(details.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The subject under which a bilan's own history is kept.
pub fn bilan_subject(bilan_id: i32) -> String {
    format!("bilan:{bilan_id}")
}

/// The subject under which a bilan de fin de cycle's own history is kept.
pub fn cycle_bilan_subject(cycle_bilan_id: i32) -> String {
    format!("cycle:{cycle_bilan_id}")
}

/// The subject of the acquis grids' writes for a class and period: one event per save, with
/// each pupil's value (`élèves`: student id → value).
pub fn grid_subject(class_id: i32, period_id: i32) -> String {
    format!("acquis:{class_id}:{period_id}")
}

/// One change to a bilan (periodic or de fin de cycle) as its history shows it: the bilan, the field (« Appréciation
/// générale »), the value written (shortened).
pub struct BilanChange {
    /// `bilan_subject` or `cycle_bilan_subject`.
    pub subject: String,
    pub field: String,
    pub value: String,
}

/// Records changes to bilans, one event each, in one statement and in the same transaction as
/// the changes themselves.
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user = ?actor.user_id()))]
pub async fn record_bilan_changes(
    db: &impl ConnectionTrait,
    actor: &Actor,
    establishment_id: i32,
    action: &str,
    changes: Vec<BilanChange>,
) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let events = changes.into_iter().map(|change| audit_event::ActiveModel {
        occurred_at: Set(now),
        user_id: Set(actor.user_id()),
        establishment_id: Set(Some(establishment_id)),
        action: Set(action.to_owned()),
        subject: Set(change.subject),
        details: Set(
            serde_json::json!({ "champ": change.field, "valeur": change.value }).to_string(),
        ),
        ..Default::default()
    });
    audit_event::Entity::insert_many(events).exec(db).await?;
    Ok(())
}

/// A text as a history line shows it: at most 80 characters, cut with « … ».
pub fn shortened(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
