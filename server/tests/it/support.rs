//! A database of its own for each integration test.
//!
//! Every test gets a database of its own, migrated by the real migrator: a SQLite file in a
//! temporary directory, or, when `LIVRET_TEST_POSTGRES_URL` is set, a fresh PostgreSQL database
//! created for the test on that server (the role needs CREATEDB).
//!
//! With it, what finds the demo school's pieces (seeded by the test): its id, a class, its
//! trimestres, an account's acting user. The benches include it by path, too.

use app::domain::{Login, Uai};
use app::entities::period;
use app::services::access::Actor;
use app::services::{accounts, classes, establishments};
use app::wire::classes::ClassRow;
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use std::sync::atomic::{AtomicU32, Ordering};

/// The demo school's id.
pub async fn demo_school(db: &DatabaseConnection) -> i32 {
    establishments::find_by_uai(db, &Uai::parse("0259999X").unwrap())
        .await
        .unwrap()
        .expect("the demo school is seeded")
        .id
}

/// The demo school's class whose label starts so (« CM2 », « CP »), as on 28/11/2026.
pub async fn demo_class(db: &DatabaseConnection, label_start: &str) -> ClassRow {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    classes::list(db, &Actor::System, demo_school(db).await, today)
        .await
        .unwrap()
        .into_iter()
        .find(|class| class.label.starts_with(label_start))
        .expect("the demo has that class")
}

/// The ids of the demo's trimestres, in order.
pub async fn trimestres(db: &DatabaseConnection) -> Vec<i32> {
    period::Entity::find()
        .filter(period::Column::Periodicity.eq("trimestre"))
        .order_by_asc(period::Column::Position)
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect()
}

/// What an account, by login, acts as.
pub async fn actor(db: &DatabaseConnection, login: &str) -> Actor {
    let id = accounts::find_by_login(db, &Login::parse(login).unwrap())
        .await
        .unwrap()
        .expect("the account exists")
        .id;
    Actor::User(accounts::acting_user(db, id, None).await.unwrap())
}

pub struct TestDb {
    pub db: DatabaseConnection,
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
    TestDb { db, _dir: None }
}
