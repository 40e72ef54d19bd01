//! One pupil's bilan for a period (« Saisie individuelle »): its recto and verso as the editor
//! shows them, the saving of changed fields, and the pupil's history of bilans.

use crate::error::AppError;
use crate::wire::bilan_editor::{BilanEditorView, BilanKey, BilanSaved, FieldChange, HistoryView};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The bilan editor's content for a pupil and period.
#[server(endpoint = "bilan-editor", input = Json)]
pub async fn bilan_editor(key: BilanKey) -> Result<BilanEditorView, AppError> {
    use crate::auth::RequestContext;
    use crate::services::bilan_editor;
    RequestContext::serve(async |request, actor| bilan_editor::open(&request.db, actor, key).await)
        .await
}

/// Saves the changed fields of a bilan, in one transaction (the first save creates it).
#[server(endpoint = "save-bilan", input = Json)]
pub async fn save_bilan(key: BilanKey, changes: Vec<FieldChange>) -> Result<BilanSaved, AppError> {
    use crate::auth::RequestContext;
    use crate::services::bilan_editor;
    RequestContext::serve(async |request, actor| {
        bilan_editor::save(&request.db, actor, key, &changes).await
    })
    .await
}

/// Every bilan of a pupil, all periods and years, with each one's audit trail.
#[server(endpoint = "bilan-history", input = Json)]
pub async fn bilan_history(student_id: i32) -> Result<HistoryView, AppError> {
    use crate::auth::RequestContext;
    use crate::services::bilan_history;
    RequestContext::serve(async |request, actor| {
        bilan_history::history(&request.db, actor, student_id).await
    })
    .await
}
