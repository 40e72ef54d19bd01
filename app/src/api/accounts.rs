use crate::domain::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One account of the establishment, as the director sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub login: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// Whether the person can log in (has a password and is not disabled).
    pub active: bool,
    /// The password is still the one-time one given at creation.
    pub one_time_password: bool,
}

/// A one-time password just given to an account: it is in this answer only (the server keeps a
/// hash), to be handed to the account's owner, who must replace it at first login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedPassword {
    pub name: String,
    pub login: String,
    pub one_time_password: String,
}

/// The accounts of the current establishment (directeur only).
#[server(endpoint = "establishment-accounts")]
pub async fn establishment_accounts() -> Result<Vec<AccountRow>, AppError> {
    use crate::{
        auth::RequestContext,
        services::{access::Actor, accounts},
    };
    let request = RequestContext::current()?;
    request.reply(
        async {
            let user = request.acting_user().await?;
            let establishment_id = user.require_current(&[Role::Directeur])?;
            accounts::list_for_establishment(&request.db, &Actor::User(user), establishment_id)
                .await
        }
        .await,
    )
}

/// Gives a teacher of the current establishment a new one-time password, when theirs is lost
/// or was never handed over; their sessions end (directeur only).
#[server(endpoint = "reissue-password")]
pub async fn reissue_password(login: String) -> Result<IssuedPassword, AppError> {
    use crate::{
        auth::RequestContext,
        services::{access::Actor, accounts},
    };
    let request = RequestContext::current()?;
    request.reply(
        async {
            let user = request.acting_user().await?;
            let establishment_id = user.require_current(&[Role::Directeur])?;
            let (account, one_time_password) = accounts::reissue_password(
                &request.db,
                &Actor::User(user),
                establishment_id,
                &login,
            )
            .await?;
            Ok(IssuedPassword {
                name: accounts::display_name(&account),
                login: account.login,
                one_time_password,
            })
        }
        .await,
    )
}
