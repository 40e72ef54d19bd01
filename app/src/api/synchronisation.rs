//! « Synchronisation élèves enseignants » (Paramétrage).

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// What a synchronisation did to the bilans of the chosen classes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// Unlocked bilans that took up the current identity or teachers.
    pub updated: usize,
    /// Locked bilans, left as they are.
    pub locked_kept: usize,
    /// Unlocked bilans that already showed the current data.
    pub already_up_to_date: usize,
}

/// Synchronises the bilans of the given classes of the current year (directeur only).
#[server(endpoint = "synchronise-bilans", input = Json)]
pub async fn synchronise_bilans(class_ids: Vec<i32>) -> Result<SyncReport, AppError> {
    use crate::domain::Role;
    use crate::services::{access::Actor, synchronisation};
    use crate::{auth::RequestContext, time::today_in_paris};
    let request = RequestContext::current()?;
    request.reply(
        async {
            let user = request.acting_user().await?;
            let establishment_id = user.require_current(&[Role::Directeur])?;
            synchronisation::synchronise(
                &request.db,
                &Actor::User(user),
                establishment_id,
                &class_ids,
                today_in_paris(),
            )
            .await
        }
        .await,
    )
}
