use crate::error::AppError;
use crate::wire::lsu_export::{ExportChoices, ExportPrecheck, ExportRequest};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The periods of the open year that « Export vers le LSU » may send (directeur only).
#[server(endpoint = "lsu-export-choices", input = Json)]
pub async fn lsu_export_choices() -> Result<ExportChoices, AppError> {
    use crate::domain::Role;
    use crate::{auth::RequestContext, services::lsu_export};
    RequestContext::serve(async |request, actor| {
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        lsu_export::choices(&request.db, actor, establishment_id).await
    })
    .await
}

/// What stands in the way of sending these periods' locked bilans (and the bilans de fin de
/// cycle, when asked), and what is left out; the file itself downloads from `/export/lsu`
/// (directeur only).
#[server(endpoint = "lsu-precheck", input = Json)]
pub async fn lsu_precheck(choice: ExportRequest) -> Result<ExportPrecheck, AppError> {
    use crate::domain::Role;
    use crate::{auth::RequestContext, services::lsu_export, time::today_in_paris};
    RequestContext::serve(async |request, actor| {
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        let export = lsu_export::export(
            &request.db,
            actor,
            establishment_id,
            &choice,
            today_in_paris(),
        )
        .await?;
        Ok(export.precheck)
    })
    .await
}
