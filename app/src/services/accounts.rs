use crate::domain::role::may_reissue_password;
use crate::domain::{Civility, Login, Password, PersonName, Role};
use crate::entities::{role_grant, session, user};
use crate::error::{AppError, Result};
use crate::services::access::{ActingUser, Actor, Grant};
use crate::services::login_throttle::{self, ThrottleKey};
use crate::services::{audit, passwords};
use crate::wire::accounts::AccountRow;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};
use serde_json::json;
use std::collections::BTreeMap;

/// A person to give an account to.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub login: Login,
    pub civility: Option<Civility>,
    pub last_name: PersonName,
    pub first_name: Option<PersonName>,
    /// `None` leaves the account to be activated later by its owner.
    pub password: Option<Password>,
}

/// What `grant_account` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountOutcome {
    Created,
    RoleAdded,
    AlreadyHadRole,
}

/// Gives an existing account a role, once (answers whether it had it already), recorded in the
/// audit trail; inside the caller's transaction. `created`: the account was just made for it.
pub async fn add_role(
    db: &impl ConnectionTrait,
    actor: &Actor,
    account: &user::Model,
    role: Role,
    establishment_id: Option<i32>,
    created: bool,
) -> Result<bool> {
    actor.require_may_grant(role, establishment_id)?;
    let already = role_grant::Entity::find()
        .filter(role_grant::Column::UserId.eq(account.id))
        .filter(role_grant::Column::Role.eq(role.code()))
        .filter(match establishment_id {
            Some(id) => role_grant::Column::EstablishmentId.eq(id),
            None => role_grant::Column::EstablishmentId.is_null(),
        })
        .one(db)
        .await?
        .is_some();
    if !already {
        role_grant::ActiveModel {
            user_id: Set(account.id),
            establishment_id: Set(establishment_id),
            role: Set(role.code().to_owned()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        audit::record(
            db,
            actor,
            establishment_id,
            "rôle attribué",
            &account.login,
            json!({ "rôle": role.code(), "compte créé": created }),
        )
        .await?;
    }
    Ok(already)
}

/// Gives a person a role: creates their account when the login is new, otherwise adds the role
/// to the existing account (its password is left untouched).
#[tracing::instrument(skip_all, fields(user = ?actor.user_id()))]
pub async fn grant_account(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    new: NewAccount,
    role: Role,
    establishment_id: Option<i32>,
) -> Result<(user::Model, AccountOutcome)> {
    if role.is_per_establishment() != establishment_id.is_some() {
        return Err(AppError::invalid(
            "uai",
            if role.is_per_establishment() {
                "ce rôle s'exerce dans un établissement : précisez son UAI"
            } else {
                "le rôle administrateur ne dépend d'aucun établissement : ne précisez pas d'UAI"
            },
        ));
    }
    actor.require_may_grant(role, establishment_id)?;
    let password_hash = match &new.password {
        Some(password) => Some(passwords::hash(password).await?.0),
        None => None,
    };

    // Also called inside a caller's transaction (a savepoint then): no writing turn of its own.
    let txn = db.begin().await?;
    let existing = user::Entity::find()
        .filter(user::Column::Login.eq(new.login.as_str()))
        .one(&txn)
        .await?;
    let (account, created) = match existing {
        Some(account) => (account, false),
        None => {
            let account = user::ActiveModel {
                login: Set(new.login.to_string()),
                civility: Set(new.civility.map(|c| c.code().to_owned())),
                last_name: Set(new.last_name.as_str().to_owned()),
                first_name: Set(new
                    .first_name
                    .map(|name| name.as_str().to_owned())
                    .unwrap_or_default()),
                password_hash: Set(password_hash),
                must_change_password: Set(false),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            (account, true)
        }
    };
    let already = add_role(&txn, actor, &account, role, establishment_id, created).await?;
    txn.commit().await?;
    let outcome = match (created, already) {
        (true, _) => AccountOutcome::Created,
        (false, false) => AccountOutcome::RoleAdded,
        (false, true) => AccountOutcome::AlreadyHadRole,
    };
    Ok((account, outcome))
}

pub async fn find_by_login(
    db: &impl ConnectionTrait,
    login: &Login,
) -> Result<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Login.eq(login.as_str()))
        .one(db)
        .await?)
}

/// How long a one-time password or activation code opens its account: time enough to hand it
/// over, not long enough to lie forgotten in a drawer; « Nouveau mot de passe provisoire »
/// gives another.
pub const ONE_TIME_DAYS: i64 = 30;

/// Until when a one-time password given now opens its account.
pub fn one_time_expiry() -> DateTime<Utc> {
    Utc::now() + chrono::Duration::days(ONE_TIME_DAYS)
}

/// The longest password a login checks: anything longer is a wrong guess, refused before
/// it costs a hash.
pub const LONGEST_PASSWORD: usize = 1024;

/// Checks a login and password, under the rate limits of `login_throttle` (the account from
/// this address, and the address). Returns the account's id. A login that cannot exist is
/// refused before anything is counted or hashed; every failure is in the audit trail.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    login: &str,
    password: &str,
    client_address: &str,
    now: DateTime<Utc>,
) -> Result<i32> {
    let Ok(login) = Login::parse(login) else {
        return Err(AppError::InvalidCredentials);
    };
    let keys = [
        ThrottleKey::pair(&login, client_address),
        ThrottleKey::address(client_address),
    ];
    if let Err(refused) = login_throttle::ensure_allowed(db, &keys, now).await {
        record_refusal(db, &login, client_address, "connexion ralentie").await?;
        return Err(refused);
    }
    let account = user::Entity::find()
        .filter(user::Column::Login.eq(login.as_str()))
        .filter(user::Column::DisabledAt.is_null())
        .one(db)
        .await?;
    if password.len() > LONGEST_PASSWORD {
        login_throttle::record_failure(db, &keys, now).await?;
        record_refusal(db, &login, client_address, "échec de connexion").await?;
        return Err(AppError::InvalidCredentials);
    }
    let stored = account
        .as_ref()
        .and_then(|a| a.password_hash.clone())
        .map(passwords::StoredHash);
    if passwords::verify(password, stored.as_ref()).await? {
        let account = account.expect("a password only verifies against an existing account");
        login_throttle::forget(db, &keys[0]).await?;
        // Said only to whoever has the code: it exists, but is too old.
        if account.must_change_password
            && account
                .one_time_expires_at
                .is_some_and(|expiry| expiry <= now)
        {
            record_refusal(db, &login, client_address, "code expiré").await?;
            return Err(AppError::invalid(
                "password",
                "ce mot de passe provisoire a expiré : demandez-en un nouveau à l'école",
            ));
        }
        Ok(account.id)
    } else {
        login_throttle::record_failure(db, &keys, now).await?;
        record_refusal(db, &login, client_address, "échec de connexion").await?;
        Err(AppError::InvalidCredentials)
    }
}

/// A refused login in the audit trail: the login tried, and from where.
async fn record_refusal(
    db: &impl ConnectionTrait,
    login: &Login,
    client_address: &str,
    action: &str,
) -> Result<()> {
    audit::record(
        db,
        &Actor::System,
        None,
        action,
        login.as_str(),
        json!({ "adresse": client_address }),
    )
    .await
}

/// Loads the person behind a session with their current grants. The preferred establishment
/// (from the session) is kept when the person still works there; otherwise the first one.
pub async fn acting_user(
    db: &impl ConnectionTrait,
    user_id: i32,
    preferred_establishment: Option<i32>,
) -> Result<ActingUser> {
    let account = user::Entity::find_by_id(user_id)
        .filter(user::Column::DisabledAt.is_null())
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let rows = role_grant::Entity::find()
        .filter(role_grant::Column::UserId.eq(user_id))
        .order_by_asc(role_grant::Column::EstablishmentId)
        .all(db)
        .await?;
    let mut grants = Vec::with_capacity(rows.len());
    for row in rows {
        let role = Role::parse(&row.role).map_err(|e| AppError::internal("stored role", e))?;
        grants.push(Grant {
            establishment_id: row.establishment_id,
            role,
        });
    }
    let member_of = |id: i32| grants.iter().any(|g| g.establishment_id == Some(id));
    let current_establishment = preferred_establishment
        .filter(|id| member_of(*id))
        .or_else(|| grants.iter().find_map(|g| g.establishment_id));
    let must_enrol_second_factor = account.totp_enrolled_at.is_none()
        && grants.iter().any(|g| g.role.requires_second_factor());
    Ok(ActingUser {
        id: account.id,
        display_name: display_name(&account),
        login: account.login,
        grants,
        current_establishment,
        must_change_password: account.must_change_password,
        must_enrol_second_factor,
        assisting: None,
    })
}

/// « Mme Claire Martin », or the login when no name is known.
pub fn display_name(account: &user::Model) -> String {
    let civility = account
        .civility
        .as_deref()
        .and_then(|c| Civility::parse(c).ok())
        .map(|c| format!("{} ", c.abbreviation()))
        .unwrap_or_default();
    let names = [account.first_name.as_str(), account.last_name.as_str()];
    let names: Vec<&str> = names.into_iter().filter(|n| !n.is_empty()).collect();
    format!("{civility}{}", names.join(" "))
}

/// The accounts of an establishment with their roles there (directeur only).
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user = ?actor.user_id()))]
pub async fn list_for_establishment(
    db: &impl ConnectionTrait,
    actor: &Actor,
    establishment_id: i32,
) -> Result<Vec<AccountRow>> {
    actor.require_director_of(establishment_id)?;
    let here: Vec<i32> = role_grant::Entity::find()
        .filter(role_grant::Column::EstablishmentId.eq(establishment_id))
        .all(db)
        .await?
        .iter()
        .map(|grant| grant.user_id)
        .collect();
    // Every role of these people, here and elsewhere: what may be done to an account depends
    // on all of them.
    let mut grants_by_user: BTreeMap<i32, Vec<(Option<i32>, Role)>> = BTreeMap::new();
    for grant in role_grant::Entity::find()
        .filter(role_grant::Column::UserId.is_in(here))
        .all(db)
        .await?
    {
        let role = Role::parse(&grant.role).map_err(|e| AppError::internal("stored role", e))?;
        grants_by_user
            .entry(grant.user_id)
            .or_default()
            .push((grant.establishment_id, role));
    }
    let accounts = user::Entity::find()
        .filter(user::Column::Id.is_in(grants_by_user.keys().copied()))
        .order_by_asc(user::Column::LastName)
        .order_by_asc(user::Column::FirstName)
        .all(db)
        .await?;
    Ok(accounts
        .into_iter()
        .map(|account| {
            let grants = grants_by_user.remove(&account.id).unwrap_or_default();
            let mut roles: Vec<Role> = grants
                .iter()
                .filter(|(school, _)| *school == Some(establishment_id))
                .map(|(_, role)| *role)
                .collect();
            roles.sort();
            AccountRow {
                display_name: display_name(&account),
                active: account.password_hash.is_some() && account.disabled_at.is_none(),
                one_time_password: account.must_change_password,
                one_time_expired: account.must_change_password
                    && account
                        .one_time_expires_at
                        .is_some_and(|expiry| expiry <= Utc::now()),
                may_reissue_password: may_reissue_password(&grants, establishment_id),
                login: account.login,
                roles,
            }
        })
        .collect())
}

/// Replaces a person's password. The current password (or the one-time one) must be given, and
/// wrong guesses count against the login limits; the new one is typed twice and must differ.
/// Clears the one-time flag and ends every session of the account (the caller opens a fresh
/// one for the person at hand), in one transaction.
#[allow(clippy::too_many_arguments)]
pub async fn change_password(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &ActingUser,
    current: &str,
    new_password: &str,
    confirmation: &str,
    client_address: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let login = Login::parse(&user.login).map_err(|e| AppError::internal("stored login", e))?;
    let keys = [
        ThrottleKey::pair(&login, client_address),
        ThrottleKey::address(client_address),
    ];
    login_throttle::ensure_allowed(db, &keys, now).await?;
    let account = user::Entity::find_by_id(user.id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let stored = account.password_hash.clone().map(passwords::StoredHash);
    if !passwords::verify(current, stored.as_ref()).await? {
        login_throttle::record_failure(db, &keys, now).await?;
        return Err(AppError::invalid(
            "current",
            "le mot de passe actuel est incorrect",
        ));
    }
    let password = Password::parse(new_password)
        .map_err(|message| AppError::invalid("new_password", message))?;
    if new_password != confirmation {
        return Err(AppError::invalid(
            "confirmation",
            "les deux saisies du nouveau mot de passe diffèrent",
        ));
    }
    if new_password == current {
        return Err(AppError::invalid(
            "new_password",
            "choisissez un mot de passe différent de l'actuel",
        ));
    }
    let hash = passwords::hash(&password).await?;
    let (turn, txn) = crate::services::begin_write(db).await?;
    let mut row: user::ActiveModel = account.into();
    row.password_hash = Set(Some(hash.0));
    row.must_change_password = Set(false);
    row.one_time_expires_at = Set(None);
    row.update(&txn).await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user.id))
        .exec(&txn)
        .await?;
    login_throttle::forget(&txn, &keys[0]).await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        None,
        "mot de passe changé",
        &user.login,
        json!({}),
    )
    .await?;
    crate::services::commit(txn, turn).await?;
    Ok(())
}

fn login_taken(login: &str) -> AppError {
    AppError::invalid(
        "login",
        format!("l'identifiant « {login} » est déjà utilisé : choisissez-en un autre"),
    )
}

/// `prenom.nom` without accents or spaces, numbered when taken (in the database, or among
/// `planned`, the logins an import is about to create): what a person types at login.
pub async fn free_login(
    db: &impl ConnectionTrait,
    first_name: &PersonName,
    last_name: &PersonName,
    planned: &[Login],
) -> Result<Login> {
    use unicode_normalization::UnicodeNormalization;
    let plain = |name: &str| -> String {
        name.nfd()
            .filter(char::is_ascii)
            .map(|c| match c.to_ascii_lowercase() {
                c if c.is_ascii_alphanumeric() => c,
                _ => '-',
            })
            .collect()
    };
    let base = format!(
        "{}.{}",
        plain(first_name.as_str()),
        plain(last_name.as_str())
    );
    for number in 1.. {
        let candidate = match number {
            1 => base.clone(),
            n => format!("{base}{n}"),
        };
        let login = Login::parse(&candidate)
            .or_else(|_| Login::parse(&format!("compte{number}")))
            .map_err(|e| AppError::internal("generated login", e))?;
        if !planned.contains(&login) && find_by_login(db, &login).await?.is_none() {
            return Ok(login);
        }
    }
    unreachable!("some number is free")
}

/// A teacher's or a director's account to create, with a one-time password (« Classes », the
/// teachers' list, the académie's pages).
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub login: Login,
    pub civility: Civility,
    pub last_name: PersonName,
    pub first_name: PersonName,
    pub email: Option<String>,
}

impl NewStaff {
    /// The person as a form gives them (fields `civility`, `last_name`, `first_name`, `login`):
    /// every wrong field is named at once, in `errors`.
    pub fn from_form(
        errors: &mut Vec<crate::error::FieldError>,
        civility: &str,
        last_name: &str,
        first_name: &str,
        login: &str,
    ) -> Option<Self> {
        use crate::error::FieldError;
        let civility = FieldError::check(errors, "civility", Civility::parse(civility));
        let last_name = FieldError::check(errors, "last_name", PersonName::parse(last_name));
        let first_name = FieldError::check(errors, "first_name", PersonName::parse(first_name));
        let login = FieldError::check(errors, "login", Login::parse(login));
        Some(Self {
            login: login?,
            civility: civility?,
            last_name: last_name?,
            first_name: first_name?,
            email: None,
        })
    }
}

/// Creates a teacher account in an establishment with a one-time password, returned to be
/// shown once (only its hash is kept); the teacher chooses their own at first login. The
/// account may be assigned to a class at once. Directeur of the establishment only; a login
/// already taken is refused (the existing account can be assigned instead).
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user = ?actor.user_id()))]
pub async fn create_teacher(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    establishment_id: i32,
    teacher: NewStaff,
    class_id: Option<i32>,
) -> Result<(user::Model, String)> {
    actor.require_director_of(establishment_id)?;
    if find_by_login(db, &teacher.login).await?.is_some() {
        return Err(login_taken(teacher.login.as_str()));
    }
    let (turn, txn) = crate::services::begin_write(db).await?;
    let (account, one_time) =
        new_staff_account(&txn, actor, establishment_id, teacher, Role::Enseignant).await?;
    if let Some(class_id) = class_id {
        crate::services::classes::assign_teacher(&txn, actor, class_id, account.id).await?;
    }
    crate::services::commit(txn, turn).await?;
    Ok((account, one_time))
}

/// A new account with `role` in an establishment, with a one-time password (returned, to be
/// shown once), inside the caller's transaction. A login taken meanwhile is refused.
pub(crate) async fn new_staff_account(
    txn: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    establishment_id: i32,
    teacher: NewStaff,
    role: Role,
) -> Result<(user::Model, String)> {
    let one_time = passwords::one_time_password();
    let password =
        Password::parse(&one_time).map_err(|e| AppError::internal("generated password", e))?;
    let (account, outcome) = grant_account(
        txn,
        actor,
        NewAccount {
            login: teacher.login,
            civility: Some(teacher.civility),
            last_name: teacher.last_name,
            first_name: Some(teacher.first_name),
            password: Some(password),
        },
        role,
        Some(establishment_id),
    )
    .await?;
    if outcome != AccountOutcome::Created {
        // Taken in the meantime (two directors at once): never touch someone else's account.
        return Err(login_taken(&account.login));
    }
    let mut row: user::ActiveModel = account.into();
    row.must_change_password = Set(true);
    row.one_time_expires_at = Set(Some(one_time_expiry()));
    row.email = Set(teacher.email);
    Ok((row.update(txn).await?, one_time))
}

/// Gives a teacher or a responsable a new one-time password (theirs is lost, or the first, the
/// activation code, was never handed over): only its hash is kept, they must replace it at
/// their next login, and their sessions end. Directeur of the establishment only, and only for
/// the accounts `may_reissue_password` allows.
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user = ?actor.user_id()))]
pub async fn reissue_password(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    establishment_id: i32,
    login: &str,
) -> Result<(user::Model, String)> {
    actor.require_director_of(establishment_id)?;
    let account = match Login::parse(login) {
        Ok(login) => find_by_login(db, &login).await?,
        Err(_) => None,
    }
    // An account that does not exist is refused like another school's: which logins exist is
    // no director's business.
    .ok_or(AppError::Forbidden)?;
    let grants = role_grant::Entity::find()
        .filter(role_grant::Column::UserId.eq(account.id))
        .all(db)
        .await?
        .iter()
        .map(|grant| Ok((grant.establishment_id, Role::parse(&grant.role)?)))
        .collect::<Result<Vec<_>, String>>()
        .map_err(|e| AppError::internal("stored role", e))?;
    if !may_reissue_password(&grants, establishment_id) {
        return Err(AppError::Forbidden);
    }
    let one_time = passwords::one_time_password();
    let password =
        Password::parse(&one_time).map_err(|e| AppError::internal("generated password", e))?;
    let hash = passwords::hash(&password).await?;
    let (turn, txn) = crate::services::begin_write(db).await?;
    let mut row: user::ActiveModel = account.into();
    row.password_hash = Set(Some(hash.0));
    row.must_change_password = Set(true);
    row.one_time_expires_at = Set(Some(one_time_expiry()));
    let account = row.update(&txn).await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(account.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        Some(establishment_id),
        "mot de passe provisoire",
        &account.login,
        json!({}),
    )
    .await?;
    crate::services::commit(txn, turn).await?;
    Ok((account, one_time))
}
