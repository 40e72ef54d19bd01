use crate::domain::Password;
use crate::error::{AppError, Result};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use std::sync::OnceLock;

/// Hashes computed at once: each takes about 19 MiB and a core for a few tens of
/// milliseconds, so that unauthenticated requests (wrong guesses) cannot exhaust the memory or
/// the blocking pool; the others wait their turn.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// An Argon2id hash in PHC format. Not `Serialize`: it never leaves the server.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredHash(pub String);

/// Hashes a new password (Argon2id, default OWASP parameters) on a blocking thread.
pub async fn hash(password: &Password) -> Result<StoredHash> {
    let password = password.expose().to_owned();
    let _turn = HASHING
        .acquire()
        .await
        .map_err(|e| AppError::internal("password hashing turn", e))?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| StoredHash(hash.to_string()))
            .map_err(|e| AppError::internal("hashing a password", e))
    })
    .await
    .map_err(|e| AppError::internal("password hashing task", e))?
}

/// Letters and digits that cannot be mistaken for one another when read aloud or copied from
/// paper (no 0/O, 1/l/I).
const ONE_TIME_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A one-time password to hand to a new account's owner: three groups of four characters
/// (about 59 bits) from the system's cryptographic generator, e.g. `k7mp-qa3x-hn9e`.
pub fn one_time_password() -> String {
    use rand::seq::IndexedRandom;
    let mut rng = rand::rng();
    let groups: Vec<String> = (0..3)
        .map(|_| {
            (0..4)
                .map(|_| char::from(*ONE_TIME_ALPHABET.choose(&mut rng).expect("not empty")))
                .collect()
        })
        .collect();
    groups.join("-")
}

/// Checks a password against a stored hash, or against a fixed dummy hash when the account
/// does not exist, so that both cases take the same time.
pub async fn verify(candidate: &str, stored: Option<&StoredHash>) -> Result<bool> {
    let candidate = candidate.to_owned();
    let stored = stored.map(|s| s.0.clone());
    let _turn = HASHING
        .acquire()
        .await
        .map_err(|e| AppError::internal("password hashing turn", e))?;
    tokio::task::spawn_blocking(move || {
        let phc = stored.as_deref().unwrap_or_else(|| dummy_hash());
        let parsed =
            PasswordHash::new(phc).map_err(|e| AppError::internal("reading a password hash", e))?;
        let matches = Argon2::default()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok();
        Ok(matches && stored.is_some())
    })
    .await
    .map_err(|e| AppError::internal("password verification task", e))?
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"no account has this password", &salt)
            .expect("hashing a constant with default parameters cannot fail")
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let password = Password::parse("demo-direction").unwrap();
        let stored = hash(&password).await.unwrap();
        assert!(stored.0.starts_with("$argon2id$"));
        assert!(verify("demo-direction", Some(&stored)).await.unwrap());
        assert!(!verify("demo-directio", Some(&stored)).await.unwrap());
    }

    #[tokio::test]
    async fn a_missing_account_never_verifies() {
        assert!(!verify("no account has this password", None).await.unwrap());
    }
}
