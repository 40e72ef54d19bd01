//! `livret` run as a process of its own, on a database of the test's, as a deployment runs it.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A site root and a secret key file for `livret` processes, and the database they share.
pub struct Livret {
    dir: tempfile::TempDir,
    database_url: String,
}

impl Livret {
    /// On a SQLite file of its own.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let database_url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("livret.db").display()
        );
        Self { dir, database_url }
    }

    /// On this database.
    pub fn on(database_url: &str) -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            database_url: database_url.to_owned(),
        }
    }

    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// Where the processes keep their files; the test may put its own there.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `livret` with these arguments.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_livret"));
        command
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env("LEPTOS_SITE_ROOT", self.dir())
            .env("LEPTOS_OUTPUT_NAME", "livret")
            .env("LIVRET_SECRET_KEY_FILE", self.dir().join("livret.key"))
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    }

    /// `livret serve` on this port, once it answers.
    pub async fn serve(&self, port: u16) -> Child {
        self.serve_with(port, &[]).await
    }

    /// `livret serve` with these arguments (`--demo`), once it answers.
    pub async fn serve_with(&self, port: u16, args: &[&str]) -> Child {
        let child = self
            .command(&[&["serve"], args].concat())
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .spawn()
            .expect("livret starts");
        let deadline = Instant::now() + Duration::from_secs(60);
        while reqwest::get(format!("http://127.0.0.1:{port}/connexion"))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "livret answers within 60 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        child
    }
}

/// A port nobody listens on.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A client with a cookie jar, logged in as the demo teacher through `url`. Cookies go to a
/// host whatever its port: the session is sent to every process of the machine, as through a
/// proxy.
pub async fn demo_teacher(url: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = client
        .post(format!("{url}/api/login"))
        .form(&[
            ("login", "enseignant"),
            ("password", "demo-enseignant"),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert!(login.status().is_success(), "{}", login.status());
    client
}
