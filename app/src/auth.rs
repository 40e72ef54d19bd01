//! The acting user of a server function: session, database and client address, taken from the
//! request context that the server provides.

use crate::error::{AppError, Result};
use crate::services::{access::ActingUser, accounts};
use axum::extract::ConnectInfo;
use leptos::prelude::*;
use sea_orm::DatabaseConnection;
use std::net::SocketAddr;
use tower_sessions::Session;

/// Session key holding the logged-in account's id.
pub const USER_KEY: &str = "user_id";
/// Session key holding the establishment the person is working in.
const ESTABLISHMENT_KEY: &str = "establishment_id";

/// The database pool provided to every server function and page by the server.
pub fn db() -> Result<DatabaseConnection> {
    use_context::<DatabaseConnection>()
        .ok_or_else(|| AppError::internal("request context", "no database connection"))
}

async fn session() -> Result<Session> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| AppError::internal("session layer", e))
}

fn session_error(error: tower_sessions::session::Error) -> AppError {
    AppError::internal("session store", error)
}

/// The account a session was opened for, if any.
pub async fn session_user_id(session: &Session) -> Result<Option<i32>> {
    session.get(USER_KEY).await.map_err(session_error)
}

/// The logged-in person, with their grants as they are now; `Unauthenticated` otherwise.
pub async fn acting_user() -> Result<ActingUser> {
    let session = session().await?;
    let user_id = session_user_id(&session)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let establishment: Option<i32> = session
        .get(ESTABLISHMENT_KEY)
        .await
        .map_err(session_error)?;
    accounts::acting_user(&db()?, user_id, establishment).await
}

/// Starts a session for a person who just proved who they are, under a new session id (so a
/// session id planted before login is worthless).
pub async fn start_session(user_id: i32) -> Result<()> {
    let session = session().await?;
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(USER_KEY, user_id)
        .await
        .map_err(session_error)
}

/// Remembers the establishment the person chose to work in.
pub async fn set_current_establishment(establishment_id: i32) -> Result<()> {
    let session = session().await?;
    session
        .insert(ESTABLISHMENT_KEY, establishment_id)
        .await
        .map_err(session_error)
}

/// Ends the session: deleted from the store, cookie expired.
pub async fn end_session() -> Result<()> {
    session().await?.flush().await.map_err(session_error)
}

/// The client's IP address, as seen by the server.
pub fn client_address() -> String {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ConnectInfo<SocketAddr>>().copied())
        .map(|ConnectInfo(address)| address.ip().to_string())
        .unwrap_or_else(|| "inconnue".to_owned())
}

/// Sends a server function's error with its HTTP status. A plain HTML form post (JavaScript
/// off) is left alone: Leptos answers it with a redirect that carries the error to the page.
pub fn reply<T>(result: Result<T>) -> Result<T> {
    if let Err(error) = &result {
        let from_form = use_context::<axum::http::request::Parts>().is_some_and(|parts| {
            parts
                .headers
                .get(axum::http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
        });
        if !from_form && let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(
                axum::http::StatusCode::from_u16(error.status())
                    .expect("AppError statuses are valid HTTP statuses"),
            );
        }
    }
    result
}
