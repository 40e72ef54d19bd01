//! `livret backup` and `livret restore` for the embedded SQLite database. A backup is made from
//! the live database while the server runs (SQLite's `VACUUM INTO` reads one consistent
//! snapshot, whatever is written meanwhile) and checked before it is reported. PostgreSQL has
//! its own tools (`pg_dump`, `pg_restore`: see the README).

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use std::path::{Path, PathBuf};

const POSTGRES: &str = "la base est PostgreSQL : sauvegardez-la avec pg_dump et restaurez-la avec \
                        pg_restore (voir « Sauvegardes » dans le README)";

/// The file of a `sqlite:` database URL; `None` for another database.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    Some(PathBuf::from(path))
}

async fn open(url: &str) -> anyhow::Result<DatabaseConnection> {
    Database::connect(url)
        .await
        .with_context(|| format!("ouverture de {}", crate::db::redact(url)))
}

/// Whether a SQLite file is whole (`PRAGMA integrity_check`) and is a Livret database.
async fn check(file: &Path) -> anyhow::Result<()> {
    let db = open(&format!("sqlite://{}?mode=ro", file.display())).await?;
    let verdict = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await
        .with_context(|| format!("{} n'est pas une base SQLite lisible", file.display()))?
        .and_then(|row| row.try_get_by_index::<String>(0).ok());
    if verdict.as_deref() != Some("ok") {
        bail!(
            "{} est abîmé : {}",
            file.display(),
            verdict.unwrap_or_default()
        );
    }
    let livret = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'",
        ))
        .await?
        .is_some();
    if !livret {
        bail!("{} n'est pas une base de Livret", file.display());
    }
    db.close().await?;
    Ok(())
}

/// Copies the live database into `out` (a new file), then checks the copy.
pub async fn backup(database_url: &str, out: &Path) -> anyhow::Result<u64> {
    if sqlite_file(database_url).is_none() {
        bail!("{POSTGRES}");
    }
    if out.exists() {
        bail!(
            "{} existe déjà : choisissez un nouveau fichier",
            out.display()
        );
    }
    let db = open(database_url).await?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "VACUUM INTO ?",
        [out.display().to_string().into()],
    ))
    .await
    .with_context(|| format!("écriture de la sauvegarde {}", out.display()))?;
    db.close().await?;
    check(out).await?;
    Ok(std::fs::metadata(out)?.len())
}

/// Puts a backup in place of the database. The server must be stopped: a running one would
/// keep writing to the database it opened.
pub async fn restore(database_url: &str, from: &Path) -> anyhow::Result<()> {
    let Some(target) = sqlite_file(database_url) else {
        bail!("{POSTGRES}");
    };
    if !from.exists() {
        bail!("{} n'existe pas", from.display());
    }
    check(from).await?;
    // Copied next to the database, then renamed over it: the database is either the old one or
    // the whole backup, never half of each.
    let mut staged = target.clone().into_os_string();
    staged.push(".restauration");
    let staged = PathBuf::from(staged);
    std::fs::copy(from, &staged)
        .with_context(|| format!("copie de {} vers {}", from.display(), staged.display()))?;
    for suffix in ["-wal", "-shm"] {
        let mut companion = target.clone().into_os_string();
        companion.push(suffix);
        match std::fs::remove_file(PathBuf::from(&companion)) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                return Err(error).with_context(|| {
                    format!("suppression de {}", PathBuf::from(&companion).display())
                });
            }
            _ => {}
        }
    }
    std::fs::rename(&staged, &target)
        .with_context(|| format!("remplacement de {}", target.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::sqlite_file;
    use std::path::PathBuf;

    #[test]
    fn the_file_of_a_sqlite_url() {
        assert_eq!(
            sqlite_file("sqlite://livret.db?mode=rwc"),
            Some(PathBuf::from("livret.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:///var/lib/livret/livret.db"),
            Some(PathBuf::from("/var/lib/livret/livret.db"))
        );
        assert_eq!(sqlite_file("postgres://u:p@h/db"), None);
    }
}
