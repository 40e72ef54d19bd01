//! Write transactions. SQLite lets one writer at a time hold its write lock; Livret's writers
//! take turns for it in the process, in the order they came, before they ask SQLite. Without
//! the turns, a writer that finds the lock taken sleeps in SQLite's busy handler (1, 2, 5 … up
//! to 100 ms at a time) holding a pooled connection, and the lock sits idle while the waiting
//! writers sleep. PostgreSQL has no such lock: there, each service guards its own rows.

use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionSession, TransactionTrait,
};
use tokio::sync::{Mutex, MutexGuard};

/// A writer waiting longer than this fails instead of waiting on (SQLite's busy timeout was
/// 5 s): a transaction that would wait for its own turn (begun inside another) fails too.
const LONGEST_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The turns of this process's SQLite writers: a fair (first come, first served) lock.
static SQLITE_TURNS: Mutex<()> = Mutex::const_new(());

/// The process's writing turn on SQLite (nothing on PostgreSQL), held until it is dropped.
pub struct WriteTurn {
    _held: Option<MutexGuard<'static, ()>>,
}

/// Starts a transaction that reads and then writes, on the pool (never inside another
/// transaction: it would wait for its own turn). On SQLite it waits for the process's writing
/// turn, then takes the write lock at once (BEGIN IMMEDIATE), so that it neither fails at its
/// first write nor sleeps in SQLite's busy handler. Finish it with `commit`, which passes the
/// turn on; dropped unfinished, the transaction is rolled back and the turn passes on too.
pub async fn begin_write<C>(db: &C) -> crate::error::Result<(WriteTurn, C::Transaction)>
where
    C: ConnectionTrait + TransactionTrait,
{
    let turn = match db.get_database_backend() {
        DbBackend::Sqlite => Some(
            tokio::time::timeout(LONGEST_WAIT, SQLITE_TURNS.lock())
                .await
                .map_err(|_| crate::error::AppError::internal("writing turn", "not given"))?,
        ),
        _ => None,
    };
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    Ok((WriteTurn { _held: turn }, txn))
}

/// Commits a write transaction, then passes the turn on.
pub async fn commit<T: TransactionSession>(txn: T, turn: WriteTurn) -> Result<(), DbErr> {
    let committed = txn.commit().await;
    drop(turn);
    committed
}
