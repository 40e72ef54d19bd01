//! The second factor (TOTP, RFC 6238): enrolment with a QR code, codes at login, one-time
//! recovery codes, reset by an administrateur.
//!
//! Directors and administrateurs must enrol (their accounts open the whole school or the whole
//! académie); teachers and parents may. The secret is stored encrypted with the server's key
//! (`SecretKey`, `LIVRET_SECRET_KEY`), bound to its account; recovery codes are stored hashed.

use crate::entities::{recovery_code, user};
use crate::error::{AppError, Result};
use crate::services::access::{ActingUser, Actor};
use crate::services::audit;
use crate::services::login_throttle::{self, ThrottleKey};
use crate::wire::second_factor::{Enrolment, SecondFactorState};
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, Set, TransactionTrait,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use totp_rs::{Builder, Secret, Totp};

/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;
/// The name authenticator apps show above the codes.
const ISSUER: &str = "Livret";
/// Bytes of a TOTP secret: 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
/// Bytes of a ChaCha20-Poly1305 nonce, stored before the ciphertext.
const NONCE_BYTES: usize = 12;

/// The server's key for secrets at rest: 32 bytes, written as 64 hexadecimal digits in
/// `LIVRET_SECRET_KEY`. Losing it loses the enrolments (an administrateur resets them), not
/// the data.
#[derive(Clone)]
pub struct SecretKey(ChaCha20Poly1305);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

impl SecretKey {
    /// Reads a key written by `generate`.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let bytes = hex::decode(text.trim())
            .map_err(|_| "la clé secrète doit s'écrire en chiffres hexadécimaux".to_owned())?;
        ChaCha20Poly1305::new_from_slice(&bytes)
            .map(SecretKey)
            .map_err(|_| "la clé secrète doit compter 64 chiffres hexadécimaux (32 octets)".into())
    }

    /// A new random key, and how it is written.
    pub fn generate() -> (Self, String) {
        let text = hex::encode(rand::random::<[u8; 32]>());
        let key = Self::parse(&text).expect("a generated key parses");
        (key, text)
    }

    /// Encrypts an account's secret; the account's id is authenticated with it, so that a
    /// secret copied to another account does not open.
    fn seal(&self, user_id: i32, secret: &[u8]) -> String {
        let nonce = Nonce::generate();
        let sealed = self
            .0
            .encrypt(
                &nonce,
                Payload {
                    msg: secret,
                    aad: &user_id.to_be_bytes(),
                },
            )
            .expect("encrypting a short secret cannot fail");
        format!("{}{}", hex::encode(nonce), hex::encode(sealed))
    }

    fn open(&self, user_id: i32, sealed: &str) -> Result<Vec<u8>> {
        let unreadable = || {
            AppError::internal(
                "second factor",
                "a TOTP secret does not open with LIVRET_SECRET_KEY (another key?)",
            )
        };
        let bytes = hex::decode(sealed).map_err(|_| unreadable())?;
        if bytes.len() <= NONCE_BYTES {
            return Err(unreadable());
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let nonce = Nonce::try_from(nonce).map_err(|_| unreadable())?;
        self.0
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad: &user_id.to_be_bytes(),
                },
            )
            .map_err(|_| unreadable())
    }
}

/// Whether a person must have a second factor: a directeur or an administrateur.
pub fn is_required(user: &ActingUser) -> bool {
    user.grants
        .iter()
        .any(|grant| grant.role.requires_second_factor())
}

/// The TOTP of a secret, for an account's login.
fn totp(secret: Vec<u8>, login: &str) -> Result<Totp> {
    Builder::new()
        .with_secret(Secret::from(secret))
        .with_issuer(Some(ISSUER))
        .with_account_name(login)
        .build()
        .map_err(|e| AppError::internal("second factor", format!("{e:?}")))
}

async fn account(db: &impl ConnectionTrait, user_id: i32) -> Result<user::Model> {
    user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// What « Mot de passe et sécurité » shows of a person's second factor.
pub async fn state(db: &impl ConnectionTrait, user: &ActingUser) -> Result<SecondFactorState> {
    let account = account(db, user.id).await?;
    let recovery_codes_left = recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user.id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(db)
        .await?;
    Ok(SecondFactorState {
        enrolled: account.totp_enrolled_at.is_some(),
        required: is_required(user),
        recovery_codes_left,
        fresh_recovery_codes: Vec::new(),
    })
}

/// Whether an account's login asks for a code.
pub async fn is_enrolled(db: &impl ConnectionTrait, user_id: i32) -> Result<bool> {
    Ok(account(db, user_id).await?.totp_enrolled_at.is_some())
}

/// Starts (or shows again) a person's enrolment: a secret kept until a code confirms it, as a
/// QR code and as text to type.
pub async fn begin_enrolment(
    db: &impl ConnectionTrait,
    key: &SecretKey,
    user: &ActingUser,
) -> Result<Enrolment> {
    let account = account(db, user.id).await?;
    if account.totp_enrolled_at.is_some() {
        return Err(AppError::invalid(
            "code",
            "la double authentification est déjà activée pour ce compte",
        ));
    }
    // A page shown again keeps the secret already scanned; two showings at once (a page and
    // its data, two tabs) keep the one written first.
    let sealed = match account.totp_secret {
        Some(sealed) => sealed,
        None => {
            let secret = rand::random::<[u8; SECRET_BYTES]>();
            user::Entity::update_many()
                .col_expr(
                    user::Column::TotpSecret,
                    Expr::value(key.seal(user.id, &secret)),
                )
                .filter(user::Column::Id.eq(user.id))
                .filter(user::Column::TotpSecret.is_null())
                .exec(db)
                .await?;
            self::account(db, user.id)
                .await?
                .totp_secret
                .ok_or_else(|| AppError::internal("second factor", "secret not kept"))?
        }
    };
    let secret = key.open(user.id, &sealed)?;
    let totp = totp(secret, &account.login)?;
    let url = totp
        .to_url()
        .map_err(|e| AppError::internal("second factor", format!("{e:?}")))?;
    let qr_svg = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| AppError::internal("second factor QR code", e))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // The SVG goes inside the page: without its XML declaration.
    let qr_svg = match qr_svg.find("<svg") {
        Some(start) => qr_svg[start..].to_owned(),
        None => qr_svg,
    };
    let base32 = totp.secret().to_base32();
    Ok(Enrolment {
        secret: grouped(&base32),
        qr_svg,
    })
}

/// `JBSW Y3DP …`: a secret to type, by groups of four.
fn grouped(base32: &str) -> String {
    base32
        .trim_end_matches('=')
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Confirms an enrolment with a code from the app: from then on the login asks for a code.
/// Answers the recovery codes, shown this once.
pub async fn confirm_enrolment(
    db: &(impl ConnectionTrait + TransactionTrait),
    key: &SecretKey,
    user: &ActingUser,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    let account = account(db, user.id).await?;
    let sealed = match (&account.totp_secret, account.totp_enrolled_at) {
        (_, Some(_)) => {
            return Err(AppError::invalid(
                "code",
                "la double authentification est déjà activée pour ce compte",
            ));
        }
        (None, None) => {
            return Err(AppError::invalid(
                "code",
                "affichez d'abord le code QR à scanner",
            ));
        }
        (Some(sealed), None) => sealed,
    };
    let totp = totp(key.open(user.id, sealed)?, &account.login)?;
    let Some(step) = totp.check(&digits_of(code), unix_seconds(now)) else {
        return Err(AppError::invalid(
            "code",
            "ce code ne correspond pas : vérifiez l'heure du téléphone et saisissez le code affiché",
        ));
    };
    let (turn, txn) = crate::services::begin_write(db).await?;
    user::ActiveModel {
        id: Set(user.id),
        totp_enrolled_at: Set(Some(now)),
        totp_last_step: Set(Some(step as i64)),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    let codes = replace_recovery_codes(&txn, user.id).await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        None,
        "double authentification activée",
        &account.login,
        json!({}),
    )
    .await?;
    crate::services::commit(txn, turn).await?;
    Ok(codes)
}

/// Ten new recovery codes for an account, replacing any it had.
async fn replace_recovery_codes(db: &impl ConnectionTrait, user_id: i32) -> Result<Vec<String>> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| crate::services::passwords::one_time_password())
        .collect();
    for code in &codes {
        recovery_code::ActiveModel {
            user_id: Set(user_id),
            code_hash: Set(recovery_hash(code)),
            used_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(codes)
}

/// A recovery code as typed (any case, with or without its dashes and spaces), hashed.
fn recovery_hash(code: &str) -> String {
    let normalized: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hex::encode(Sha256::digest(normalized.as_bytes()))
}

/// The digits of a code as typed (« 123 456 » is 123456).
fn digits_of(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace()).collect()
}

fn unix_seconds(now: DateTime<Utc>) -> u64 {
    u64::try_from(now.timestamp()).unwrap_or(0)
}

/// Checks the code given at login (six digits from the app, or a recovery code), under the
/// account's code counter: a code opens one login only; a recovery code is used up.
pub async fn verify_login(
    db: &impl ConnectionTrait,
    key: &SecretKey,
    user_id: i32,
    code: &str,
    client_address: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let account = account(db, user_id).await?;
    let (Some(sealed), Some(_)) = (&account.totp_secret, account.totp_enrolled_at) else {
        return Err(AppError::Unauthenticated);
    };
    let keys = [ThrottleKey::second_factor(&account.login)];
    login_throttle::ensure_allowed(db, &keys, now).await?;
    let code = digits_of(code);
    let accepted = if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
        let totp = totp(key.open(user_id, sealed)?, &account.login)?;
        match totp.check(&code, unix_seconds(now)) {
            // One statement, so that the same code sent twice at once opens once.
            Some(step) => {
                user::Entity::update_many()
                    .col_expr(user::Column::TotpLastStep, Expr::value(step as i64))
                    .filter(user::Column::Id.eq(user_id))
                    .filter(
                        Condition::any()
                            .add(user::Column::TotpLastStep.is_null())
                            .add(user::Column::TotpLastStep.lt(step as i64)),
                    )
                    .exec(db)
                    .await?
                    .rows_affected
                    == 1
            }
            None => false,
        }
    } else {
        recovery_code::Entity::update_many()
            .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
            .filter(recovery_code::Column::UserId.eq(user_id))
            .filter(recovery_code::Column::CodeHash.eq(recovery_hash(&code)))
            .filter(recovery_code::Column::UsedAt.is_null())
            .exec(db)
            .await?
            .rows_affected
            == 1
    };
    let actor = Actor::System;
    if accepted {
        login_throttle::forget(db, &keys[0]).await?;
        if code.len() != 6 {
            audit::record(
                db,
                &actor,
                None,
                "code de secours utilisé",
                &account.login,
                json!({ "adresse": client_address }),
            )
            .await?;
        }
        Ok(())
    } else {
        login_throttle::record_failure(db, &keys, now).await?;
        audit::record(
            db,
            &actor,
            None,
            "code de connexion refusé",
            &account.login,
            json!({ "adresse": client_address }),
        )
        .await?;
        Err(AppError::invalid(
            "code",
            "code incorrect ou déjà utilisé : saisissez le code affiché maintenant par l'application",
        ))
    }
}

/// Removes an account's second factor: its secret and recovery codes.
async fn remove(db: &impl ConnectionTrait, user_id: i32) -> Result<()> {
    user::ActiveModel {
        id: Set(user_id),
        totp_secret: Set(None),
        totp_enrolled_at: Set(None),
        totp_last_step: Set(None),
        ..Default::default()
    }
    .update(db)
    .await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// « Réinitialiser la double authentification »: an administrateur clears a person's second
/// factor (a lost phone and lost codes); the person enrols again at their next login.
#[tracing::instrument(skip_all, fields(user = ?actor.user_id(), target = user_id))]
pub async fn reset(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    user_id: i32,
) -> Result<()> {
    actor.require_administration()?;
    let account = account(db, user_id)
        .await
        .map_err(|_| AppError::not_found("Compte"))?;
    let (turn, txn) = crate::services::begin_write(db).await?;
    remove(&txn, user_id).await?;
    audit::record(
        &txn,
        actor,
        None,
        "double authentification réinitialisée",
        &account.login,
        json!({}),
    )
    .await?;
    crate::services::commit(txn, turn).await?;
    Ok(())
}

/// A teacher or a parent turns their own second factor off, with a current code; directors and
/// administrateurs cannot.
pub async fn disable(
    db: &(impl ConnectionTrait + TransactionTrait),
    key: &SecretKey,
    user: &ActingUser,
    code: &str,
    client_address: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if is_required(user) {
        return Err(AppError::Forbidden);
    }
    if !is_enrolled(db, user.id).await? {
        return Err(AppError::invalid(
            "code",
            "la double authentification n'est pas activée pour ce compte",
        ));
    }
    verify_login(db, key, user.id, code, client_address, now).await?;
    let (turn, txn) = crate::services::begin_write(db).await?;
    remove(&txn, user.id).await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        None,
        "double authentification désactivée",
        &user.login,
        json!({}),
    )
    .await?;
    crate::services::commit(txn, turn).await?;
    Ok(())
}

/// The current code of a secret given as text (base32): for the demo's documented secret, and
/// for tests that log in as a director.
pub fn code_for(base32_secret: &str, now: DateTime<Utc>) -> Result<String> {
    let secret = Secret::try_from_base32(base32_secret)
        .map_err(|e| AppError::internal("second factor", format!("{e:?}")))?;
    let totp = Builder::new()
        .with_secret(secret)
        .build()
        .map_err(|e| AppError::internal("second factor", format!("{e:?}")))?;
    Ok(totp.generate(unix_seconds(now)).to_string())
}

/// Enrols an account with a given secret (base32), at once: the demo's director, whose secret
/// the README gives.
pub async fn enrol_with_secret(
    db: &impl ConnectionTrait,
    key: &SecretKey,
    user_id: i32,
    base32_secret: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let secret = Secret::try_from_base32(base32_secret)
        .map_err(|e| AppError::internal("second factor", format!("{e:?}")))?;
    user::ActiveModel {
        id: Set(user_id),
        totp_secret: Set(Some(key.seal(user_id, secret.as_ref()))),
        totp_enrolled_at: Set(Some(now)),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_with_its_key_and_account_only() {
        let (key, text) = SecretKey::generate();
        assert_eq!(text.len(), 64);
        let sealed = key.seal(7, b"twenty bytes secret!");
        assert_eq!(key.open(7, &sealed).unwrap(), b"twenty bytes secret!");
        assert!(key.open(8, &sealed).is_err(), "bound to its account");
        let (other, _) = SecretKey::generate();
        assert!(
            other.open(7, &sealed).is_err(),
            "another key does not open it"
        );
        assert!(SecretKey::parse("abcd").is_err());
        assert!(SecretKey::parse("zz").is_err());
    }

    #[test]
    fn recovery_codes_match_however_they_are_typed() {
        assert_eq!(
            recovery_hash("k7mp-qa3x-hn9e"),
            recovery_hash(" K7MP QA3X HN9E ")
        );
        assert_ne!(
            recovery_hash("k7mp-qa3x-hn9e"),
            recovery_hash("k7mp-qa3x-hn9f")
        );
    }

    #[test]
    fn codes_follow_rfc_6238() {
        // RFC 6238, appendix B: SHA-1, secret « 12345678901234567890 », T = 59 s → 94287082
        // (8 digits); with 6 digits, its last six.
        let secret = totp_rs::Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let at = DateTime::from_timestamp(59, 0).unwrap();
        assert_eq!(code_for(&secret, at).unwrap(), "287082");
        assert_eq!(grouped("JBSWY3DPEHPK3PXP"), "JBSW Y3DP EHPK 3PXP");
    }
}
