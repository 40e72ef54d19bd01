#[cfg(feature = "ssr")]
use crate::domain::Role;
use crate::error::AppError;
use crate::wire::accounts::{AccountRow, IssuedPassword};
use leptos::prelude::*;

/// The accounts of the current establishment (directeur only).
#[server(endpoint = "establishment-accounts")]
pub async fn establishment_accounts() -> Result<Vec<AccountRow>, AppError> {
    use crate::{auth::RequestContext, services::accounts};
    RequestContext::serve(async |request, actor| {
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        accounts::list_for_establishment(&request.db, actor, establishment_id).await
    })
    .await
}

/// Gives a teacher of the current establishment a new one-time password, when theirs is lost
/// or was never handed over; their sessions end (directeur only).
#[server(endpoint = "reissue-password")]
pub async fn reissue_password(login: String) -> Result<IssuedPassword, AppError> {
    use crate::{auth::RequestContext, services::accounts};
    RequestContext::serve(async |request, actor| {
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        let (account, one_time_password) =
            accounts::reissue_password(&request.db, actor, establishment_id, &login).await?;
        Ok(IssuedPassword {
            name: accounts::display_name(&account),
            login: account.login,
            one_time_password,
        })
    })
    .await
}
