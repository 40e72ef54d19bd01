use crate::entities::login_throttle::{ActiveModel, Entity};
use crate::error::{AppError, Result};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

/// Failed logins counted over this window.
pub const WINDOW_MINUTES: i64 = 15;
/// Failures allowed per account in a window: guessing one person's password.
pub const ACCOUNT_LIMIT: i32 = 5;
/// Failures allowed per address in a window: spraying passwords over many accounts. Higher,
/// because a whole school may share one public address.
pub const ADDRESS_LIMIT: i32 = 30;

/// A counter of failed logins: per account, or per client address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleKey {
    key: String,
    limit: i32,
}

impl ThrottleKey {
    pub fn account(login: &str) -> Self {
        Self {
            key: format!("compte:{}", login.trim().to_lowercase()),
            limit: ACCOUNT_LIMIT,
        }
    }

    pub fn address(address: &str) -> Self {
        Self {
            key: format!("adresse:{address}"),
            limit: ADDRESS_LIMIT,
        }
    }
}

/// Refuses when one of the counters has reached its limit within the current window.
pub async fn ensure_allowed(
    db: &impl ConnectionTrait,
    keys: &[ThrottleKey],
    now: DateTime<Utc>,
) -> Result<()> {
    for key in keys {
        if let Some(row) = Entity::find_by_id(key.key.clone()).one(db).await? {
            let window_ends = row.window_started_at + Duration::minutes(WINDOW_MINUTES);
            if row.failures >= key.limit && window_ends > now {
                let seconds = (window_ends - now).num_seconds();
                return Err(AppError::TooManyAttempts {
                    minutes: (seconds + 59) / 60,
                });
            }
        }
    }
    Ok(())
}

/// Counts one failure on each key, starting a new window when the last one is over.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    keys: &[ThrottleKey],
    now: DateTime<Utc>,
) -> Result<()> {
    for key in keys {
        match Entity::find_by_id(key.key.clone()).one(db).await? {
            Some(row) => {
                let expired = row.window_started_at + Duration::minutes(WINDOW_MINUTES) <= now;
                let failures = if expired { 1 } else { row.failures + 1 };
                let started = if expired { now } else { row.window_started_at };
                let mut row: ActiveModel = row.into();
                row.failures = Set(failures);
                row.window_started_at = Set(started);
                row.update(db).await?;
            }
            None => {
                ActiveModel {
                    key: Set(key.key.clone()),
                    failures: Set(1),
                    window_started_at: Set(now),
                }
                .insert(db)
                .await?;
            }
        }
    }
    Ok(())
}

/// Forgets an account's failures after a successful login.
pub async fn forget(db: &impl ConnectionTrait, key: &ThrottleKey) -> Result<()> {
    Entity::delete_by_id(key.key.clone()).exec(db).await?;
    Ok(())
}
