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
    use crate::services::print_jobs::PrintRequest;
    use crate::services::{access::Actor, printed_bilan};
    RequestContext::answer(async |request| {
        let user = request.acting_user().await?;
        let owner = user.id;
        let (documents, left_out) =
            printed_bilan::class_documents(&request.db, &Actor::User(user), class_id, period_id)
                .await?;
        let first = documents
            .first()
            .ok_or_else(printed_bilan::nothing_printable)?;
        let label = format!("{} — {}", first.class, first.period.label);
        let file_name = format!(
            "{}.{}",
            printed_bilan::class_file_stem(first),
            if each { "zip" } else { "pdf" }
        );
        request.print_jobs()?.start(PrintRequest {
            owner,
            label,
            file_name,
            each,
            documents,
            left_out,
        })
    })
    .await
}

/// The person's prints, newest first.
#[server(endpoint = "print-jobs", input = Json)]
pub async fn print_jobs() -> Result<Vec<PrintJobView>, AppError> {
    use crate::auth::RequestContext;
    RequestContext::answer(async |request| {
        let user = request.acting_user().await?;
        Ok(request.print_jobs()?.of(user.id))
    })
    .await
}
