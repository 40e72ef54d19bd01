use crate::error::AppError;
use crate::wire::second_factor::{Enrolment, SecondFactorState as State};
use leptos::prelude::*;

/// The person's second factor: enrolled or not, required or not, recovery codes left. Open to
/// a director who must still enrol (that is what the answer is for).
#[server(endpoint = "second-factor")]
pub async fn second_factor_state() -> Result<State, AppError> {
    use crate::{auth::RequestContext, services::second_factor};
    RequestContext::answer(async |request| {
        let user = request.enrolling_user().await?;
        let mut state = second_factor::state(&request.db, &user).await?;
        state.fresh_recovery_codes = request.fresh_recovery_codes().await?;
        Ok(state)
    })
    .await
}

/// Starts (or shows again) the person's enrolment: the QR code and the secret to type.
#[server(endpoint = "begin-enrolment")]
pub async fn begin_enrolment() -> Result<Enrolment, AppError> {
    use crate::{auth::RequestContext, services::second_factor};
    RequestContext::answer(async |request| {
        let user = request.enrolling_user().await?;
        second_factor::begin_enrolment(&request.db, request.secret_key()?, &user).await
    })
    .await
}

/// Confirms the enrolment with a code from the app; answers the ten recovery codes, shown once.
/// A form posted without JavaScript goes to « Mot de passe et sécurité », which shows them.
#[server(endpoint = "confirm-enrolment")]
pub async fn confirm_enrolment(code: String) -> Result<Vec<String>, AppError> {
    use crate::{auth::RequestContext, services::second_factor};
    RequestContext::answer(async |request| {
        let user = request.enrolling_user().await?;
        let codes = second_factor::confirm_enrolment(
            &request.db,
            request.secret_key()?,
            &user,
            &code,
            chrono::Utc::now(),
        )
        .await?;
        if request.is_form_post() {
            request.keep_fresh_recovery_codes(&codes).await?;
            request.redirect(SECURITY_PAGE);
        }
        Ok(codes)
    })
    .await
}

/// « J'ai noté mes codes »: the recovery codes kept for a confirmation without JavaScript are
/// not shown any more.
#[server(endpoint = "forget-recovery-codes")]
pub async fn forget_recovery_codes() -> Result<(), AppError> {
    use crate::auth::RequestContext;
    RequestContext::answer(async |request| {
        request.session_user().await?;
        request.forget_fresh_recovery_codes().await
    })
    .await
}

/// « Mot de passe et sécurité ».
pub const SECURITY_PAGE: &str = "/mot-de-passe";

/// A teacher or a parent turns their second factor off, with a current code.
#[server(endpoint = "disable-second-factor")]
pub async fn disable_second_factor(code: String) -> Result<(), AppError> {
    use crate::{auth::RequestContext, services::second_factor};
    RequestContext::answer(async |request| {
        let user = request.acting_user().await?;
        second_factor::disable(
            &request.db,
            request.secret_key()?,
            &user,
            &code,
            &request.client_address(),
            chrono::Utc::now(),
        )
        .await
    })
    .await
}

/// « Réinitialiser la double authentification » of an account (administrateurs only).
#[server(endpoint = "reset-second-factor")]
pub async fn reset_second_factor(user_id: i32) -> Result<(), AppError> {
    use crate::{auth::RequestContext, services::second_factor};
    RequestContext::serve(async |request, actor| {
        second_factor::reset(&request.db, actor, user_id).await
    })
    .await
}
