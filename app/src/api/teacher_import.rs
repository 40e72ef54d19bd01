use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::wire::pupil_import::{FILE_FIELD, ImportedFile};
use crate::wire::teacher_import::TeacherImportReport;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

/// Reads the school's list of teachers sent from « Import des enseignants » and previews, or
/// applies, it for the current establishment (directeur only). A bad file is refused whole,
/// before anything is written, with the line and the column at fault.
#[server(endpoint = "import-teachers", input = MultipartFormData)]
pub async fn import_teachers(data: MultipartData) -> Result<TeacherImportReport, AppError> {
    use crate::api::pupil_import::read_form;
    use crate::auth::RequestContext;
    use crate::domain::Role;
    use crate::services::{teacher_import, teachers_file};
    RequestContext::serve(async |request, actor| {
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        let (bytes, mode) = read_form(data, ImportedFile::Enseignants).await?;
        let rows = teachers_file::parse(&bytes)
            .map_err(|error| AppError::invalid(FILE_FIELD, error.to_string()))?;
        teacher_import::import_teachers(&request.db, actor, establishment_id, &rows, mode).await
    })
    .await
}
