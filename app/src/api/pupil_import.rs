use crate::error::AppError;
use crate::wire::pupil_import::ImportReport;
#[cfg(feature = "ssr")]
use crate::wire::pupil_import::{FILE_FIELD, ImportedFile, MAX_FILE_BYTES, MODE_FIELD};
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

/// Reads an ONDE extraction sent from « Import des élèves » and previews, or applies, it for
/// the current establishment (directeur only). A bad file is refused whole, before anything is
/// written, with the line and the column at fault.
#[server(endpoint = "import-onde", input = MultipartFormData)]
pub async fn import_onde(data: MultipartData) -> Result<ImportReport, AppError> {
    use crate::domain::Role;
    use crate::services::{onde_file, pupil_import};
    use crate::{auth::RequestContext, time::today_in_paris};

    RequestContext::serve(async |request, actor| {
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        let (bytes, mode) = read_form(data, ImportedFile::Eleves).await?;
        let rows = onde_file::parse(&bytes)
            .map_err(|error| AppError::invalid(FILE_FIELD, error.to_string()))?;
        let summary = pupil_import::import_pupils(
            &request.db,
            actor,
            establishment_id,
            &rows,
            mode,
            today_in_paris(),
        )
        .await?;
        Ok(ImportReport {
            applied: mode == pupil_import::Mode::Apply,
            pupils_in_file: rows.len(),
            summary,
        })
    })
    .await
}

/// The file's bytes (at most `MAX_FILE_BYTES`) and the mode (preview when not sent), from the
/// multipart form.
#[cfg(feature = "ssr")]
pub(crate) async fn read_form(
    data: MultipartData,
    kind: ImportedFile,
) -> Result<(Vec<u8>, crate::services::pupil_import::Mode), AppError> {
    use crate::services::pupil_import::Mode;
    fn unreadable(error: impl std::fmt::Display) -> AppError {
        tracing::warn!("unreadable ONDE upload: {error}");
        AppError::invalid(
            FILE_FIELD,
            "le fichier n'a pas pu être reçu en entier : envoyez-le à nouveau",
        )
    }
    let mut form = data
        .into_inner()
        .ok_or_else(|| AppError::internal("multipart", "client data on the server"))?;
    let mut bytes = None;
    let mut mode = Mode::Preview;
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        match field.name() {
            // A form sent without a chosen file still has the field, with no file name.
            Some(FILE_FIELD) if field.file_name().is_some_and(|name| !name.is_empty()) => {
                let mut content = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    if content.len() + chunk.len() > MAX_FILE_BYTES {
                        return Err(AppError::invalid(FILE_FIELD, kind.too_big()));
                    }
                    content.extend_from_slice(&chunk);
                }
                bytes = Some(content);
            }
            Some(MODE_FIELD) => {
                let text = field.text().await.map_err(unreadable)?;
                mode = if text == "appliquer" {
                    Mode::Apply
                } else {
                    Mode::Preview
                };
            }
            _ => {}
        }
    }
    let bytes = bytes.ok_or_else(|| {
        AppError::invalid(
            FILE_FIELD,
            format!("choisissez le fichier de {}", kind.name()),
        )
    })?;
    Ok((bytes, mode))
}
