use crate::client_address::TrustedProxies;
use crate::db::DEFAULT_DATABASE_URL;
use anyhow::Context;
use app::services::second_factor::SecretKey;
use leptos::config::{LeptosOptions, get_configuration};
use std::path::{Path, PathBuf};

/// How a Livret server runs, read from the environment (README, « Configuration »).
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://…` (default `livret.db` here) or `postgres://…`.
    pub database_url: String,
    /// Site address and root, from `LEPTOS_SITE_ADDR` and `LEPTOS_SITE_ROOT`.
    pub leptos: LeptosOptions,
    /// Whether the session cookie is `Secure`: when `LIVRET_PUBLIC_URL` is an https address.
    pub secure_cookies: bool,
    /// `LIVRET_TRUSTED_PROXIES`: the reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: TrustedProxies,
    /// `LIVRET_SECRET_KEY`, else the file `LIVRET_SECRET_KEY_FILE` (default `livret.key`): the
    /// key of the second factors' secrets (see `secret_key`).
    secret_key: Option<String>,
    secret_key_file: PathBuf,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let mut leptos = get_configuration(None)
            .context("lecture de la configuration LEPTOS_*")?
            .leptos_options;
        if std::env::var_os("LEPTOS_SITE_ROOT").is_none() {
            leptos.site_root = "target/site".into();
        }
        let public_url = std::env::var("LIVRET_PUBLIC_URL").unwrap_or_default();
        Ok(Self {
            database_url: std::env::var("DATABASE_URL")
                .unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_owned()),
            leptos,
            secure_cookies: public_url.starts_with("https://"),
            trusted_proxies: TrustedProxies::parse(
                &std::env::var("LIVRET_TRUSTED_PROXIES").unwrap_or_default(),
            )
            .map_err(anyhow::Error::msg)?,
            secret_key: std::env::var("LIVRET_SECRET_KEY").ok(),
            secret_key_file: std::env::var_os("LIVRET_SECRET_KEY_FILE")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_SECRET_KEY_FILE)),
        })
    }

    /// The key of the second factors' secrets: `LIVRET_SECRET_KEY`, else the key file, made
    /// (readable by its owner only) and announced the first time. Every process serving one
    /// database needs the same key.
    pub fn secret_key(&self) -> anyhow::Result<SecretKey> {
        if let Some(text) = &self.secret_key {
            return SecretKey::parse(text).map_err(|e| anyhow::anyhow!("LIVRET_SECRET_KEY : {e}"));
        }
        let file = &self.secret_key_file;
        match std::fs::read_to_string(file) {
            Ok(text) => {
                SecretKey::parse(&text).map_err(|e| anyhow::anyhow!("{} : {e}", file.display()))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let (key, text) = SecretKey::generate();
                write_private(file, &text)?;
                eprintln!(
                    "Clé secrète de Livret créée dans {} : gardez ce fichier avec vos sauvegardes \
                     (sans lui, les directeurs devront réactiver leur double authentification), \
                     ou donnez sa valeur par LIVRET_SECRET_KEY.",
                    file.display()
                );
                Ok(key)
            }
            Err(error) => Err(error).with_context(|| format!("lecture de {}", file.display())),
        }
    }
}

/// Where the key is kept when `LIVRET_SECRET_KEY` is not given.
const DEFAULT_SECRET_KEY_FILE: &str = "livret.key";

/// Writes a new file that only its owner may read.
fn write_private(file: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options
        .open(file)
        .with_context(|| format!("création de {}", file.display()))?;
    writeln!(out, "{text}").with_context(|| format!("écriture de {}", file.display()))
}
