use crate::error::AppError;
use crate::wire::session::SessionView;
use leptos::prelude::*;

/// Only local paths are followed after login, so the login form cannot send people elsewhere:
/// a path that starts with one `/`, without backslash or control character (browsers drop a
/// tab or a line break, so `/\t/evil.example` would lead to `//evil.example`, and a line break
/// has no place in a header).
pub fn safe_next_path(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.chars().any(|c| c == '\\' || c.is_control());
    if local && !next.starts_with("/connexion") {
        next
    } else {
        "/"
    }
}

/// Checks the login and password and opens a session, then goes to `next` (a local path); an
/// account with a second factor goes to « Code de connexion » first (`verify_code`).
#[server(endpoint = "login")]
pub async fn login(login: String, password: String, next: String) -> Result<(), AppError> {
    use crate::{auth::RequestContext, services::accounts, services::second_factor};
    RequestContext::answer(async |request| {
        let now = chrono::Utc::now();
        let address = request.client_address();
        let user_id = accounts::authenticate(&request.db, &login, &password, &address, now).await?;
        if second_factor::is_enrolled(&request.db, user_id).await? {
            request.await_code(user_id, safe_next_path(&next)).await?;
            request.redirect(CODE_PAGE);
        } else {
            request.start_session(user_id).await?;
            request.redirect(safe_next_path(&next));
        }
        Ok(())
    })
    .await
}

/// « Code de connexion »: the second step of a login with a second factor.
pub const CODE_PAGE: &str = "/connexion/code";

/// The second step of a login: the code of the account's app (or a recovery code) after its
/// password, within 5 minutes; then the session opens, and goes where the login was going.
#[server(endpoint = "verify-code")]
pub async fn verify_code(code: String) -> Result<(), AppError> {
    use crate::{auth::RequestContext, services::second_factor};
    RequestContext::answer(async |request| {
        let (user_id, next) = request.awaiting_code().await?;
        second_factor::verify_login(
            &request.db,
            request.secret_key()?,
            user_id,
            &code,
            &request.client_address(),
            chrono::Utc::now(),
        )
        .await?;
        request.start_session(user_id).await?;
        request.redirect(safe_next_path(&next));
        Ok(())
    })
    .await
}

/// Ends the session and goes back to the login page.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::auth::RequestContext;
    RequestContext::answer(async |request| {
        request.end_session().await?;
        request.redirect("/connexion");
        Ok(())
    })
    .await
}

/// The logged-in person and the establishments they work in.
#[server(endpoint = "session")]
pub async fn current_session() -> Result<SessionView, AppError> {
    use crate::{auth::RequestContext, services::establishments};
    RequestContext::answer(async |request| {
        let user = request.session_user().await?;
        let establishments = establishments::choices_for(&request.db, &user).await?;
        let current = establishments
            .iter()
            .find(|e| Some(e.id) == user.current_establishment)
            .cloned();
        Ok(SessionView {
            display_name: user.display_name.clone(),
            is_administrator: user.is_administrator(),
            establishments,
            current,
            must_change_password: user.must_change_password,
            must_enrol_second_factor: user.must_enrol_second_factor,
            assisting: user.assisting.is_some(),
        })
    })
    .await
}

/// « Changer d'établissement »: works in another of the person's establishments.
#[server(endpoint = "switch-establishment")]
pub async fn switch_establishment(establishment_id: i32) -> Result<(), AppError> {
    use crate::{auth::RequestContext, services::establishments};
    RequestContext::answer(async |request| {
        let user = request.acting_user().await?;
        establishments::require_member(&user, establishment_id)?;
        request.set_current_establishment(establishment_id).await?;
        request.redirect("/");
        Ok(())
    })
    .await
}

/// Replaces the person's password: the current one (or the one-time one) proves it is them.
#[server(endpoint = "change-password")]
pub async fn change_password(
    current: String,
    new_password: String,
    confirmation: String,
) -> Result<(), AppError> {
    use crate::{auth::RequestContext, services::accounts};
    RequestContext::answer(async |request| {
        let user = request.session_user().await?;
        accounts::change_password(
            &request.db,
            &user,
            &current,
            &new_password,
            &confirmation,
            &request.client_address(),
            chrono::Utc::now(),
        )
        .await?;
        // Every session of the account was ended: this one goes on under a new id.
        request.start_session(user.id).await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::safe_next_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            safe_next_path("/parametrage/comptes"),
            "/parametrage/comptes"
        );
        assert_eq!(safe_next_path(""), "/");
        assert_eq!(safe_next_path("https://example.org/"), "/");
        assert_eq!(safe_next_path("//example.org/"), "/");
        assert_eq!(safe_next_path("/\\example.org"), "/");
        assert_eq!(safe_next_path("/connexion"), "/");
        assert_eq!(safe_next_path("/\t/evil.example"), "/");
        assert_eq!(safe_next_path("/\n/evil.example"), "/");
        assert_eq!(safe_next_path("/bilans\r\nSet-Cookie: x=1"), "/");
        assert_eq!(safe_next_path("/\u{7f}/evil.example"), "/");
    }
}
