//! « Synchronisation élèves enseignants » (Paramétrage).

use crate::error::AppError;
use crate::wire::synchronisation::SyncReport;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Synchronises the bilans of the given classes of the current year (directeur only).
#[server(endpoint = "synchronise-bilans", input = Json)]
pub async fn synchronise_bilans(class_ids: Vec<i32>) -> Result<SyncReport, AppError> {
    use crate::domain::Role;
    use crate::services::synchronisation;
    use crate::{auth::RequestContext, time::today_in_paris};
    RequestContext::serve(async |request, actor| {
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        synchronisation::synchronise(
            &request.db,
            actor,
            establishment_id,
            &class_ids,
            today_in_paris(),
        )
        .await
    })
    .await
}
