use crate::domain::ImportSummary;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};

/// Largest extraction accepted: a 2,000-pupil school weighs about 400 KB. Checked in the
/// browser before sending, by the server function, and by the parser.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// The ONDE extractions Livret reads: the school's pupils, and their responsables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OndeFile {
    Eleves,
    Responsables,
}

impl OndeFile {
    /// « l'extraction ONDE des élèves », as the messages name it.
    pub fn name(self) -> &'static str {
        match self {
            OndeFile::Eleves => "l'extraction ONDE des élèves",
            OndeFile::Responsables => "l'extraction ONDE des responsables",
        }
    }

    /// Why a file over `MAX_FILE_BYTES` is refused.
    pub fn too_big(self) -> String {
        format!(
            "le fichier dépasse {} Mo : est-ce bien {} ?",
            MAX_FILE_BYTES / (1024 * 1024),
            self.name()
        )
    }
}

/// Name of the form field carrying the extraction.
pub const FILE_FIELD: &str = "fichier";
/// Name of the form field saying whether to apply (`appliquer`) or only preview (`apercu`).
pub const MODE_FIELD: &str = "mode";

/// What the page shows after sending a file: the changes, and whether they were written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub applied: bool,
    /// Pupils listed in the file.
    pub pupils_in_file: usize,
    pub summary: ImportSummary,
}

/// Reads an ONDE extraction sent from « Import des élèves » and previews, or applies, it for
/// the current establishment (directeur only). A bad file is refused whole, before anything is
/// written, with the line and the column at fault.
#[server(endpoint = "import-onde", input = MultipartFormData)]
pub async fn import_onde(data: MultipartData) -> Result<ImportReport, AppError> {
    use crate::domain::Role;
    use crate::services::{access::Actor, onde_file, pupil_import};
    use crate::{auth::RequestContext, time::today_in_paris};

    let request = RequestContext::current()?;
    request.reply(
        async {
            let user = request.acting_user().await?;
            let establishment_id = user.require_current(&[Role::Directeur])?;
            let (bytes, mode) = read_form(data, OndeFile::Eleves).await?;
            let rows = onde_file::parse(&bytes)
                .map_err(|error| AppError::invalid(FILE_FIELD, error.to_string()))?;
            let summary = pupil_import::import_pupils(
                &request.db,
                &Actor::User(user),
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
        }
        .await,
    )
}

/// The file's bytes (at most `MAX_FILE_BYTES`) and the mode (preview when not sent), from the
/// multipart form.
#[cfg(feature = "ssr")]
pub(crate) async fn read_form(
    data: MultipartData,
    kind: OndeFile,
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
