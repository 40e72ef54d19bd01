//! Failed logins, counted so that guessing is slow and nobody can lock someone else out.
//!
//! Two counters per failure: the pair of account and client address, and the address alone.
//! A pair past `PAIR_FREE_FAILURES` waits a delay that doubles with each failure before its
//! next try (up to `LONGEST_DELAY_SECONDS`): the person hammering a login slows down only
//! themselves, and the account's owner, from their own place, still gets in. An address past
//! `ADDRESS_LIMIT` in a window is refused until the window ends (spraying passwords over many
//! accounts). Counting is one statement per counter, so concurrent guesses are all counted.

use crate::domain::Login;
use crate::entities::login_throttle::{ActiveModel, Column, Entity, Model};
use crate::error::{AppError, Result};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// Failures are counted over this window; a counter quiet for as long starts again.
pub const WINDOW_MINUTES: i64 = 15;
/// Failures of an account from one address before each try waits.
pub const PAIR_FREE_FAILURES: i32 = 5;
/// The longest wait between two tries of a pair.
pub const LONGEST_DELAY_SECONDS: i64 = 15 * 60;
/// Failures allowed per address in a window: spraying passwords over many accounts. Higher,
/// because a whole school may share one public address.
pub const ADDRESS_LIMIT: i32 = 30;

/// A counter of failed logins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThrottleKey {
    /// One account tried from one address: slowed down by growing delays.
    Pair(String),
    /// One address, whatever the accounts: refused past its limit in a window.
    Address(String),
}

impl ThrottleKey {
    /// The counter of an account (by its parsed login, never the raw text posted) from an
    /// address.
    pub fn pair(login: &Login, address: &str) -> Self {
        ThrottleKey::Pair(format!("paire:{}|{address}", login.as_str()))
    }

    /// The counter of an account's second-factor codes, whatever the address: only someone who
    /// has the password reaches it, and six digits must not be tried a million times.
    pub fn second_factor(login: &str) -> Self {
        ThrottleKey::Pair(format!("code:{login}"))
    }

    pub fn address(address: &str) -> Self {
        ThrottleKey::Address(format!("adresse:{address}"))
    }

    fn key(&self) -> &str {
        match self {
            ThrottleKey::Pair(key) | ThrottleKey::Address(key) => key,
        }
    }
}

/// How long a pair with `failures` failures waits after its last one.
pub fn delay_after(failures: i32) -> Duration {
    if failures < PAIR_FREE_FAILURES {
        return Duration::zero();
    }
    let over = u32::try_from(failures - PAIR_FREE_FAILURES).unwrap_or(u32::MAX);
    let seconds = 1_i64.checked_shl(Ord::min(over, 30)).unwrap_or(i64::MAX);
    Duration::seconds(Ord::min(seconds, LONGEST_DELAY_SECONDS))
}

/// Whether a try now is allowed; otherwise how long to wait, in seconds.
fn wait(key: &ThrottleKey, row: &Model, now: DateTime<Utc>) -> Option<i64> {
    let window_ends = row.window_started_at + Duration::minutes(WINDOW_MINUTES);
    if window_ends <= now {
        return None;
    }
    let until = match key {
        ThrottleKey::Address(_) if row.failures >= ADDRESS_LIMIT => window_ends,
        ThrottleKey::Address(_) => return None,
        ThrottleKey::Pair(_) if row.failures < PAIR_FREE_FAILURES => return None,
        ThrottleKey::Pair(_) => row.last_failure_at? + delay_after(row.failures),
    };
    (until > now).then(|| Ord::max((until - now).num_seconds(), 1))
}

/// Refuses a try that comes before its counters allow it, saying how long to wait.
pub async fn ensure_allowed(
    db: &impl ConnectionTrait,
    keys: &[ThrottleKey],
    now: DateTime<Utc>,
) -> Result<()> {
    for key in keys {
        if let Some(row) = Entity::find_by_id(key.key().to_owned()).one(db).await?
            && let Some(seconds) = wait(key, &row, now)
        {
            return Err(AppError::TooManyAttempts {
                minutes: (seconds + 59) / 60,
            });
        }
    }
    Ok(())
}

/// Counts one failure on each key, atomically (a window over is started again first), and
/// answers each counter's failures after it.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    keys: &[ThrottleKey],
    now: DateTime<Utc>,
) -> Result<Vec<i32>> {
    let window_start = now - Duration::minutes(WINDOW_MINUTES);
    let mut counts = Vec::with_capacity(keys.len());
    for key in keys {
        // A window that is over starts again at zero: one statement, whoever else counts.
        Entity::update_many()
            .col_expr(Column::Failures, Expr::value(0))
            .col_expr(Column::WindowStartedAt, Expr::value(now))
            .filter(Column::Key.eq(key.key()))
            .filter(Column::WindowStartedAt.lte(window_start))
            .exec(db)
            .await?;
        let counted = Entity::insert(ActiveModel {
            key: Set(key.key().to_owned()),
            failures: Set(1),
            window_started_at: Set(now),
            last_failure_at: Set(Some(now)),
        })
        .on_conflict(
            OnConflict::column(Column::Key)
                .value(
                    Column::Failures,
                    Expr::col((Entity, Column::Failures)).add(1),
                )
                .value(Column::LastFailureAt, Expr::value(now))
                .to_owned(),
        )
        .exec_with_returning(db)
        .await?;
        counts.push(counted.failures);
    }
    Ok(counts)
}

/// Forgets a pair's failures after a successful login.
pub async fn forget(db: &impl ConnectionTrait, key: &ThrottleKey) -> Result<()> {
    Entity::delete_by_id(key.key().to_owned()).exec(db).await?;
    Ok(())
}

/// Deletes the counters quiet for longer than a window (run with the expired sessions): the
/// table never grows beyond the failures of the last quarter of an hour.
pub async fn purge(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    let quiet_since = now - Duration::minutes(WINDOW_MINUTES);
    let deleted = Entity::delete_many()
        .filter(Column::WindowStartedAt.lte(quiet_since))
        .filter(
            Column::LastFailureAt
                .is_null()
                .or(Column::LastFailureAt.lte(quiet_since)),
        )
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_waits_longer_after_each_failure_up_to_a_quarter_of_an_hour() {
        assert_eq!(delay_after(0), Duration::zero());
        assert_eq!(delay_after(PAIR_FREE_FAILURES - 1), Duration::zero());
        assert_eq!(delay_after(PAIR_FREE_FAILURES), Duration::seconds(1));
        assert_eq!(delay_after(PAIR_FREE_FAILURES + 3), Duration::seconds(8));
        assert_eq!(delay_after(PAIR_FREE_FAILURES + 20), Duration::minutes(15));
        assert_eq!(delay_after(i32::MAX), Duration::minutes(15));
    }

    #[test]
    fn an_address_is_refused_only_past_its_limit_within_the_window() {
        let now = Utc::now();
        let row = |failures, started: DateTime<Utc>| Model {
            key: "adresse:1.2.3.4".into(),
            failures,
            window_started_at: started,
            last_failure_at: Some(now),
        };
        let address = ThrottleKey::address("1.2.3.4");
        assert_eq!(wait(&address, &row(ADDRESS_LIMIT - 1, now), now), None);
        let refused = wait(&address, &row(ADDRESS_LIMIT, now), now).unwrap();
        assert_eq!(refused, WINDOW_MINUTES * 60);
        let old = now - Duration::minutes(WINDOW_MINUTES);
        assert_eq!(wait(&address, &row(ADDRESS_LIMIT, old), now), None);
        let pair = ThrottleKey::pair(&Login::parse("marie.martin").unwrap(), "1.2.3.4");
        assert_eq!(wait(&pair, &row(PAIR_FREE_FAILURES + 3, now), now), Some(8));
        let later = now + Duration::seconds(8);
        assert_eq!(wait(&pair, &row(PAIR_FREE_FAILURES + 3, now), later), None);
    }
}
