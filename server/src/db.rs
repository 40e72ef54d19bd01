use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use std::time::Duration;

/// The embedded default: `livret.db` in the working directory, created when missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://livret.db?mode=rwc";

/// Connections to a SQLite database: each has a thread of its own.
const SQLITE_CONNECTIONS: u32 = 8;

/// Opens the connection pool and brings the schema up to date.
///
/// SQLite gets WAL (readers never wait for the writer), foreign keys, and a busy timeout so
/// that concurrent writers queue instead of failing.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // A file of this machine: a pooled connection cannot have been dropped by a server
        // or a network, so none is pinged before use (a ping is one more trip to its thread,
        // for each statement outside a transaction).
        options.test_before_acquire(false);
        // Readers work side by side (WAL); writers take turns in the process for SQLite's one
        // write lock (`services::begin_write`). Sea-orm's default here is one connection,
        // which made every request of the process wait for every other's statements.
        options.max_connections(SQLITE_CONNECTIONS);
        options.map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                // Pages are read through a memory map: a connection whose cache another one's
                // write made stale reads the file again without a system call per page.
                .pragma("mmap_size", "268435456")
        });
    } else {
        // Only a connection idle for a while may have been dropped by the server, a proxy or a
        // firewall: the others are not pinged (a round trip per statement otherwise).
        options.test_before_acquire_if_idle_for(Duration::from_secs(30));
    }
    let db = Database::connect(options)
        .await
        .with_context(|| format!("connexion à la base de données {}", redact(url)))?;
    Migrator::up(&db, None)
        .await
        .context("mise à jour du schéma de la base de données")?;
    Ok(db)
}

/// The URL without its password, for messages: neither the one after the user name
/// (`user:secret@`) nor a `password=` parameter.
pub fn redact(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let base = match (base.find("://"), base.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &base[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => {
                    format!("{}{}:***{}", &base[..scheme_end + 3], user, &base[at..])
                }
                None => base.to_owned(),
            }
        }
        _ => base.to_owned(),
    };
    match query {
        None => base,
        Some(query) => {
            let parameters: Vec<String> = query
                .split('&')
                .map(|parameter| match parameter.split_once('=') {
                    Some((name, _)) if name.eq_ignore_ascii_case("password") => {
                        format!("{name}=***")
                    }
                    _ => parameter.to_owned(),
                })
                .collect();
            format!("{base}?{}", parameters.join("&"))
        }
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
        assert_eq!(
            redact("postgres://livret@db.example/livret?sslmode=require&password=secret"),
            "postgres://livret@db.example/livret?sslmode=require&password=***"
        );
        assert_eq!(
            redact("postgresql://livret:p%40ss@db:5432/livret?Password=x"),
            "postgresql://livret:***@db:5432/livret?Password=***"
        );
    }
}
