//! A database of its own for each integration test.
//!
//! Every test gets a database of its own, migrated by the real migrator: a SQLite file in a
//! temporary directory, or, when `LIVRET_TEST_POSTGRES_URL` is set, a fresh PostgreSQL database
//! created for the test on that server (the role needs CREATEDB).
//!
//! With it, what finds the demo school's pieces (`demo`).

/// The demo school's id, a class, its trimestres, an account's acting user.
mod demo;
/// `livret` run as a process of its own.
pub mod process;

pub use demo::{actor, demo_class, demo_school, trimestres};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use std::sync::atomic::{AtomicU32, Ordering};

pub struct TestDb {
    pub db: DatabaseConnection,
    /// Where another connection, or a `livret` process, finds the same database.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

pub async fn test_db() -> TestDb {
    match std::env::var("LIVRET_TEST_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => postgres_db(&admin_url).await,
        _ => {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("livret.db").display()
            );
            let db = server::db::connect(&url)
                .await
                .expect("SQLite test database");
            TestDb {
                db,
                url,
                _dir: Some(dir),
            }
        }
    }
}

async fn postgres_db(admin_url: &str) -> TestDb {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "livret_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_micros()
    );
    let admin = Database::connect(admin_url)
        .await
        .expect("LIVRET_TEST_POSTGRES_URL must reach PostgreSQL");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("the test role may create databases");
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base)
        .expect("a PostgreSQL URL ends with /database");
    let url = format!("{base}/{name}");
    let db = server::db::connect(&url)
        .await
        .expect("PostgreSQL test database");
    TestDb {
        db,
        url,
        _dir: None,
    }
}
