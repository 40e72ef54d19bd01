//! What a server function takes from its request: the database, the session, the client's
//! address, and where to put the response status.
//!
//! Everything is taken at once, before the first `.await`: Leptos' context is only reliably
//! there while a server function starts (a resource's future rendered on the server is polled
//! again later without it).

use crate::error::{AppError, Result};
use crate::services::access::{ActingUser, Actor};
use crate::services::accounts;
use crate::services::print_jobs::PrintJobs;
use crate::services::second_factor::SecretKey;
use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use leptos::prelude::*;
use sea_orm::DatabaseConnection;
use std::net::SocketAddr;
use tower_sessions::Session;

/// Session key holding the logged-in account's id.
pub const USER_KEY: &str = "user_id";
/// Session key holding the establishment the person is working in.
const ESTABLISHMENT_KEY: &str = "establishment_id";
/// Session key holding when the session was last saved because it was used (Unix seconds).
const SEEN_KEY: &str = "seen_at";
/// A session in use is saved again at most this often: saving pushes its end 8 hours (of
/// inactivity) further. The session layer saves only changed sessions, so without this a
/// session ended 8 hours after the login, however busy its owner.
const SEEN_EVERY_SECONDS: i64 = 5 * 60;
/// Session key holding the school an administrateur is helping (`ActingUser::assist`).
const ASSISTING_KEY: &str = "assisting_establishment_id";
/// Session key holding the account whose password was right, while its second-factor code is
/// awaited, since when (Unix seconds), and where to go after: not a login yet.
const AWAITING_CODE_KEY: &str = "awaiting_code";
/// Session key holding the recovery codes of an enrolment confirmed without JavaScript, until
/// the next page shows them.
const FRESH_RECOVERY_CODES_KEY: &str = "fresh_recovery_codes";
/// How long a right password waits for its code.
const AWAITING_CODE_SECONDS: i64 = 5 * 60;

/// The client's address, put in each request by the server (through the reverse proxies it
/// trusts only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub std::net::IpAddr);

pub struct RequestContext {
    pub db: DatabaseConnection,
    session: Session,
    parts: Parts,
    response: Option<leptos_axum::ResponseOptions>,
    print_jobs: Option<PrintJobs>,
    secret_key: Option<SecretKey>,
}

fn session_error(error: tower_sessions::session::Error) -> AppError {
    AppError::internal("session store", error)
}

/// The account a session was opened for, if any.
pub async fn session_user_id(session: &Session) -> Result<Option<i32>> {
    session.get(USER_KEY).await.map_err(session_error)
}

/// The person a session was opened for, with their grants as they are now, even one who must
/// still change a one-time password; `Unauthenticated` without a session.
pub async fn session_person(db: &DatabaseConnection, session: &Session) -> Result<ActingUser> {
    let user_id = session_user_id(session)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let now = chrono::Utc::now().timestamp();
    let seen: Option<i64> = session.get(SEEN_KEY).await.map_err(session_error)?;
    if seen.is_none_or(|seen| now - seen >= SEEN_EVERY_SECONDS) {
        session.insert(SEEN_KEY, now).await.map_err(session_error)?;
    }
    let establishment: Option<i32> = session
        .get(ESTABLISHMENT_KEY)
        .await
        .map_err(session_error)?;
    let assisting: Option<i32> = session.get(ASSISTING_KEY).await.map_err(session_error)?;
    let mut user = accounts::acting_user(db, user_id, establishment).await?;
    if let Some(establishment_id) = assisting {
        user.assist(establishment_id);
    }
    Ok(user)
}

/// The person acting through a session outside a server function (a download), refused
/// while their one-time password is in use, or while they must still enrol a second factor.
pub async fn acting_person(db: &DatabaseConnection, session: &Session) -> Result<ActingUser> {
    let user = session_person(db, session).await?;
    if user.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    if user.must_enrol_second_factor {
        return Err(AppError::SecondFactorRequired);
    }
    Ok(user)
}

impl RequestContext {
    /// A server function's body: takes the request's context before anything else, runs
    /// `body` with it, and replies with its answer (or its error and HTTP status).
    pub async fn answer<T>(body: impl AsyncFnOnce(&RequestContext) -> Result<T>) -> Result<T> {
        let request = Self::current()?;
        let result = body(&request).await;
        request.reply(result)
    }

    /// « Authenticate, call one service, reply »: as `answer`, the logged-in person (see
    /// `acting_user`) calling `service`.
    pub async fn serve<T>(
        service: impl AsyncFnOnce(&RequestContext, &Actor) -> Result<T>,
    ) -> Result<T> {
        Self::answer(async |request| {
            let actor = Actor::User(request.acting_user().await?);
            service(request, &actor).await
        })
        .await
    }

    /// Takes the request's context; call it first thing in a server function (`answer` and
    /// `serve` do).
    pub fn current() -> Result<Self> {
        let missing = |what| AppError::internal("request context", what);
        let parts = use_context::<Parts>().ok_or_else(|| missing("no request parts"))?;
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| missing("no session layer"))?;
        Ok(Self {
            db: use_context::<DatabaseConnection>().ok_or_else(|| missing("no database"))?,
            session,
            parts,
            response: use_context::<leptos_axum::ResponseOptions>(),
            print_jobs: use_context::<PrintJobs>(),
            secret_key: use_context::<SecretKey>(),
        })
    }

    /// The class prints under way, shared by every request.
    pub fn print_jobs(&self) -> Result<&PrintJobs> {
        self.print_jobs
            .as_ref()
            .ok_or_else(|| AppError::internal("request context", "no print jobs"))
    }

    /// The server's key for second-factor secrets.
    pub fn secret_key(&self) -> Result<&SecretKey> {
        self.secret_key
            .as_ref()
            .ok_or_else(|| AppError::internal("request context", "no secret key"))
    }

    /// The logged-in person, with their grants as they are now; `Unauthenticated` otherwise,
    /// and `PasswordChangeRequired` while the account still has its one-time password.
    pub async fn acting_user(&self) -> Result<ActingUser> {
        acting_person(&self.db, &self.session).await
    }

    /// The logged-in person, even one who must still enrol a second factor (not one who must
    /// still change a one-time password: that comes first): for the enrolment.
    pub async fn enrolling_user(&self) -> Result<ActingUser> {
        let user = self.session_user().await?;
        if user.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        Ok(user)
    }

    /// The logged-in person, even one who must still change a one-time password: for what such
    /// a person may do (see their session, change the password).
    pub async fn session_user(&self) -> Result<ActingUser> {
        session_person(&self.db, &self.session).await
    }

    /// Starts a session for a person who just proved who they are, under a new session id (so
    /// a session id planted before login is worthless).
    pub async fn start_session(&self, user_id: i32) -> Result<()> {
        self.session.cycle_id().await.map_err(session_error)?;
        self.session
            .remove_value(AWAITING_CODE_KEY)
            .await
            .map_err(session_error)?;
        self.session
            .insert(USER_KEY, user_id)
            .await
            .map_err(session_error)
    }

    /// Remembers an account whose password was right, until its code comes (`awaiting_code`),
    /// and the local path to go to then. Whatever session there was ends: this is not a login
    /// yet.
    pub async fn await_code(&self, user_id: i32, next: &str) -> Result<()> {
        self.session.flush().await.map_err(session_error)?;
        let since = chrono::Utc::now().timestamp();
        self.session
            .insert(AWAITING_CODE_KEY, (user_id, since, next))
            .await
            .map_err(session_error)
    }

    /// The account whose code is awaited (its password was right less than 5 minutes ago) and
    /// where it goes next; `Unauthenticated` otherwise.
    pub async fn awaiting_code(&self) -> Result<(i32, String)> {
        let awaiting: Option<(i32, i64, String)> = self
            .session
            .get(AWAITING_CODE_KEY)
            .await
            .map_err(session_error)?;
        match awaiting {
            Some((user_id, since, next))
                if chrono::Utc::now().timestamp() - since < AWAITING_CODE_SECONDS =>
            {
                Ok((user_id, next))
            }
            _ => Err(AppError::Unauthenticated),
        }
    }

    /// Remembers the establishment the person chose to work in.
    pub async fn set_current_establishment(&self, establishment_id: i32) -> Result<()> {
        self.session
            .insert(ESTABLISHMENT_KEY, establishment_id)
            .await
            .map_err(session_error)
    }

    /// Starts (`Some`) or ends (`None`) an administrateur's help to a school.
    pub async fn set_assisting(&self, establishment_id: Option<i32>) -> Result<()> {
        match establishment_id {
            Some(id) => self.session.insert(ASSISTING_KEY, id).await.map(|_| ()),
            None => self.session.remove::<i32>(ASSISTING_KEY).await.map(|_| ()),
        }
        .map_err(session_error)
    }

    /// Ends the session: deleted from the store, cookie expired.
    pub async fn end_session(&self) -> Result<()> {
        self.session.flush().await.map_err(session_error)
    }

    /// The client's IP address: as the server resolved it (`ClientAddress`: through trusted
    /// reverse proxies only), else the peer's.
    pub fn client_address(&self) -> String {
        match self.parts.extensions.get::<ClientAddress>() {
            Some(ClientAddress(address)) => address.to_string(),
            None => self
                .parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(address)| address.ip().to_string())
                .unwrap_or_else(|| "inconnue".to_owned()),
        }
    }

    /// Sends a server function's error with its HTTP status. A plain HTML form post
    /// (JavaScript off) is left alone: Leptos answers it with a redirect that carries the error
    /// to the page.
    pub fn reply<T>(&self, result: Result<T>) -> Result<T> {
        if let (Err(error), Some(response)) = (&result, &self.response)
            && !self.is_form_post()
        {
            response.set_status(
                axum::http::StatusCode::from_u16(error.status())
                    .expect("AppError statuses are valid HTTP statuses"),
            );
        }
        result
    }

    /// Sends the browser to `path` once the server function is done, as
    /// `leptos_axum::redirect` does, but from what `current` took: that one reads Leptos'
    /// context, which may be gone after an `.await`.
    pub fn redirect(&self, path: &str) {
        use axum::http::{HeaderName, HeaderValue, StatusCode, header};
        let (Some(response), Ok(location)) = (&self.response, HeaderValue::from_str(path)) else {
            return;
        };
        response.insert_header(header::LOCATION, location);
        if self.is_form_post() {
            response.set_status(StatusCode::FOUND);
        } else {
            // Leptos' client follows this header itself; a real 302 would lose the reply.
            response.insert_header(
                HeaderName::from_static(leptos::server_fn::redirect::REDIRECT_HEADER),
                HeaderValue::from_static(""),
            );
        }
    }

    /// Sends a plain HTML form post (JavaScript off) to `path`; with JavaScript, the page
    /// decides where to go (see `pages::frame::reload_after`).
    pub fn redirect_form_post(&self, path: &str) {
        if self.is_form_post() {
            self.redirect(path);
        }
    }

    /// Keeps an enrolment's recovery codes for the next page (a form posted without
    /// JavaScript cannot show the answer itself), until the person says they noted them
    /// (`forget_fresh_recovery_codes`) or the session ends.
    pub async fn keep_fresh_recovery_codes(&self, codes: &[String]) -> Result<()> {
        self.session
            .insert(FRESH_RECOVERY_CODES_KEY, codes)
            .await
            .map_err(session_error)
    }

    pub async fn fresh_recovery_codes(&self) -> Result<Vec<String>> {
        let codes: Option<Vec<String>> = self
            .session
            .get(FRESH_RECOVERY_CODES_KEY)
            .await
            .map_err(session_error)?;
        Ok(codes.unwrap_or_default())
    }

    pub async fn forget_fresh_recovery_codes(&self) -> Result<()> {
        self.session
            .remove_value(FRESH_RECOVERY_CODES_KEY)
            .await
            .map(|_| ())
            .map_err(session_error)
    }

    /// Whether the request is a plain HTML form post (JavaScript off).
    pub fn is_form_post(&self) -> bool {
        self.parts
            .headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    }
}
