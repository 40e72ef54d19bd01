use crate::entities::audit_event;
use crate::error::Result;
use crate::services::access::Actor;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

/// Records who did what, in the same transaction as the change itself.
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
