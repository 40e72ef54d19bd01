use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use std::time::Duration;

/// The embedded default: `livret.db` in the working directory, created when missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://livret.db?mode=rwc";

/// Opens the connection pool and brings the schema up to date.
///
/// SQLite gets WAL (readers never wait for the writer), foreign keys, and a busy timeout so
/// that concurrent writers queue instead of failing.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        options.map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    }
    let db = Database::connect(options)
        .await
        .with_context(|| format!("connexion à la base de données {}", redact(url)))?;
    Migrator::up(&db, None)
        .await
        .context("mise à jour du schéma de la base de données")?;
    Ok(db)
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_hidden_from_messages() {
        assert_eq!(
            redact("postgres://livret:secret@127.0.0.1:5432/livret"),
            "postgres://livret:***@127.0.0.1:5432/livret"
        );
        assert_eq!(
            redact("sqlite://livret.db?mode=rwc"),
            "sqlite://livret.db?mode=rwc"
        );
    }
}
