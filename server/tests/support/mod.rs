//! Test databases and a running app for the integration tests.
//!
//! Every test gets a database of its own, migrated by the real migrator: a SQLite file in a
//! temporary directory, or, when `LIVRET_TEST_POSTGRES_URL` is set, a fresh PostgreSQL database
//! created for the test on that server (the role needs CREATEDB).

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct TestDb {
    pub db: DatabaseConnection,
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

/// A Livret server on a free port of the loopback, with the demo school.
pub struct TestApp {
    pub address: SocketAddr,
    pub db: DatabaseConnection,
    _database: TestDb,
}

impl TestApp {
    pub async fn spawn() -> Self {
        let database = test_db().await;
        server::demo::seed(&database.db)
            .await
            .expect("demo seeding");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let address = listener.local_addr().expect("a bound address");
        let mut leptos = leptos::config::LeptosOptions::builder()
            .output_name("livret")
            .build();
        leptos.site_addr = address;
        let router = server::router::build(server::router::AppState {
            db: database.db.clone(),
            leptos,
            secure_cookies: false,
        });
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .expect("the test server runs");
        });
        TestApp {
            address,
            db: database.db.clone(),
            _database: database,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// A client that keeps cookies and does not follow redirects, like a browser tab would
    /// keep cookies (redirects are checked by hand).
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client")
    }
}
