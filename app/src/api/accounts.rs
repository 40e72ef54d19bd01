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
