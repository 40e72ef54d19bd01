//! A class's bilans printed in the background, with their progress shown in the page.

use crate::error::AppError;
use crate::wire::printing::PrintJobView;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Starts printing the printable bilans of a class for a period: one PDF, or (`each`) a ZIP of
/// one PDF per pupil.
#[server(endpoint = "start-class-print", input = Json)]
pub async fn start_class_print(
    class_id: i32,
    period_id: i32,
    each: bool,
) -> Result<PrintJobView, AppError> {
    use crate::auth::RequestContext;
    use crate::services::{access::Actor, printed_bilan};
    RequestContext::answer(async |request| {
        let user = request.acting_user().await?;
        let owner = user.id;
        let found =
            printed_bilan::class_documents(&request.db, &Actor::User(user), class_id, period_id)
                .await?;
        let print = printed_bilan::class_print(owner, found, each)?;
        request.print_jobs()?.start(print).await
    })
    .await
}

/// The person's prints, newest first.
#[server(endpoint = "print-jobs", input = Json)]
pub async fn print_jobs() -> Result<Vec<PrintJobView>, AppError> {
    use crate::auth::RequestContext;
    RequestContext::answer(async |request| {
        let user = request.acting_user().await?;
        request.print_jobs()?.of(user.id).await
    })
    .await
}
