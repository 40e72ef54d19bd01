use crate::client_address::TrustedProxies;
use crate::db::DEFAULT_DATABASE_URL;
use anyhow::Context;
use leptos::config::{LeptosOptions, get_configuration};

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
        })
    }
}
