//! PDF downloads (« Éditer »): one pupil's bilan, or a whole class's, as one PDF to print or a
//! ZIP of one PDF per pupil, at once or printed in the background with progress shown in the
//! page (`PrintJobs`). Printing runs on blocking threads, at most one per core.

use crate::pdf;
use app::error::AppError;
use app::services::access::Actor;
use app::services::print_jobs::{PrintJobs, PrintOutcome, Printer};
use app::services::printed_bilan;
use app::time::today_in_paris;
use app::wire::bilan_document::BilanDocument;
use app::wire::bilan_editor::BilanKey;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use tower_sessions::Session;

/// `/bilans/pdf?eleve=…&periode=…`
#[derive(Debug, Deserialize)]
pub struct BilanQuery {
    eleve: i32,
    periode: i32,
}

/// `/bilans/pdf/classe?classe=…&periode=…&format=zip` (one PDF without `format`).
#[derive(Debug, Deserialize)]
pub struct ClassQuery {
    classe: i32,
    periode: i32,
    format: Option<String>,
}

/// One pupil's bilan, as `NOM_Prénom_Trimestre-1.pdf`; a bilan that cannot be printed yet
/// gets the reason instead.
pub async fn bilan(db: DatabaseConnection, session: Session, query: BilanQuery) -> Response {
    let key = BilanKey {
        student_id: query.eleve,
        period_id: query.periode,
    };
    let document = async {
        let actor = Actor::User(app::auth::acting_person(&db, &session).await?);
        printed_bilan::document(&db, &actor, key).await
    }
    .await;
    match document {
        Err(error) => refusal(error),
        Ok(document) => {
            let name = document.file_name.clone();
            let printed = tokio::task::spawn_blocking(move || pdf::render(&[document]));
            match printed.await {
                Ok(Ok(bytes)) => attachment(bytes, "application/pdf", &name),
                Ok(Err(error)) => failure(error),
                Err(error) => failure(error.into()),
            }
        }
    }
}

/// `/bilans/fin-de-cycle/pdf?eleve=…`
#[derive(Debug, Deserialize)]
pub struct CycleBilanQuery {
    eleve: i32,
}

/// One pupil's bilan de fin de cycle, as `NOM_Prénom_Fin-de-cycle-2.pdf`; one that cannot be
/// printed yet gets the reason instead.
pub async fn cycle_bilan(
    db: DatabaseConnection,
    session: Session,
    query: CycleBilanQuery,
) -> Response {
    use app::services::cycle_bilans::printed;
    let document = async {
        let actor = Actor::User(app::auth::acting_person(&db, &session).await?);
        printed::document(&db, &actor, query.eleve).await
    }
    .await;
    match document {
        Err(error) => refusal(error),
        Ok(document) => {
            let name = document.file_name.clone();
            let printed = tokio::task::spawn_blocking(move || pdf::render_cycle(&document));
            match printed.await {
                Ok(Ok(bytes)) => attachment(bytes, "application/pdf", &name),
                Ok(Err(error)) => failure(error),
                Err(error) => failure(error.into()),
            }
        }
    }
}

/// A class's printable bilans for a period: one PDF (each bilan from an odd page, to print
/// double-sided), or a ZIP of one PDF per pupil. Under the limits of the class prints
/// (`PrintJobs::print_now`).
pub async fn class(
    db: DatabaseConnection,
    jobs: PrintJobs,
    session: Session,
    query: ClassQuery,
) -> Response {
    let printed = async {
        let user = app::auth::acting_person(&db, &session).await?;
        let owner = user.id;
        let found =
            printed_bilan::class_documents(&db, &Actor::User(user), query.classe, query.periode)
                .await?;
        let print =
            printed_bilan::class_print(owner, found, query.format.as_deref() == Some("zip"))?;
        jobs.print_now(print).await
    }
    .await;
    // Without JavaScript the file is all the person gets: the pupils left out are in the list
    // page (their status, what is missing) and, for a bilan that failed, in the log.
    match printed {
        Ok(file) => attachment(file.bytes, file.content_type, &file.file_name),
        Err(error) => refusal(error),
    }
}

/// A download, named in ASCII for old clients and in UTF-8 for the others.
fn attachment(bytes: Vec<u8>, mime: &'static str, name: &str) -> Response {
    let ascii: String = name
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '_' | '-' => c,
            _ => '_',
        })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// Why nothing was downloaded, as a page in French with its HTTP status.
fn refusal(error: AppError) -> Response {
    if let AppError::Internal = error {
        return failure(anyhow::anyhow!("bilan document"));
    }
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    page(status, &error.to_string())
}

fn failure(error: anyhow::Error) -> Response {
    tracing::error!("printing bilans: {error:#}");
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        &AppError::Internal.to_string(),
    )
}

fn page(status: StatusCode, message: &str) -> Response {
    let escaped = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    // Reached only through a typed or stale address (the pages offer a download only once it
    // can succeed): the app's stylesheet, a readable width on a phone, and a way back.
    let body = format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Téléchargement impossible — Livret</title><link rel=\"stylesheet\" href=\"/pkg/livret.css\"></head>\
         <body><main><h1>Téléchargement impossible</h1><p class=\"alerte\" role=\"alert\">{escaped}</p>\
         <p><a href=\"/\">Retour à l'accueil de Livret</a></p></main></body></html>"
    );
    (status, Html(body)).into_response()
}

/// `/bilans/impression?travail=…`
#[derive(Debug, Deserialize)]
pub struct PrintedQuery {
    pub travail: u64,
}

/// A class print of this person's, once finished (see `PrintJobs`); 404 for anyone else's.
pub async fn printed(
    db: DatabaseConnection,
    jobs: PrintJobs,
    session: Session,
    query: PrintedQuery,
) -> Response {
    let person = match app::auth::acting_person(&db, &session).await {
        Ok(person) => person,
        Err(error) => return refusal(error),
    };
    match jobs.file(person.id, query.travail).await {
        Ok(Some(file)) => attachment(file.bytes, file.content_type, &file.file_name),
        Ok(None) => refusal(AppError::not_found("Impression")),
        Err(error) => refusal(error),
    }
}

/// The server's Typst printer, for the class prints of the pages.
pub struct TypstPrinter;

impl Printer for TypstPrinter {
    fn print(
        &self,
        documents: &[BilanDocument],
        each: bool,
        printed: &(dyn Fn() + Sync),
    ) -> Result<PrintOutcome, String> {
        match each {
            true => pdf::zip_each(documents, printed),
            false => pdf::render_class(documents),
        }
        .map_err(|error| format!("{error:#}"))
    }
}

/// `/export/lsu?periodes=3,4&cycle=1`
#[derive(Debug, Deserialize)]
pub struct LsuQuery {
    #[serde(default)]
    periodes: String,
    /// `1` to send the open year's bilans de fin de cycle too.
    cycle: Option<String>,
}

/// « Export vers le LSU »: the file of the locked bilans of these periods (and of the bilans de
/// fin de cycle, with `cycle=1`), named
/// `LSU_<UAI>_<AAAAMMJJ>.xml`, or the precheck's problems (directeur only).
pub async fn lsu(db: DatabaseConnection, session: Session, query: LsuQuery) -> Response {
    use app::domain::Role;
    use app::services::lsu_export;
    use app::wire::lsu_export::ExportRequest;
    let export = async {
        let user = app::auth::acting_person(&db, &session).await?;
        let actor = Actor::User(user);
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        let period_ids = query
            .periodes
            .split(',')
            .filter(|id| !id.trim().is_empty())
            .map(|id| id.trim().parse::<i32>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| AppError::invalid("periodes", "périodes illisibles"))?;
        let request = ExportRequest {
            period_ids,
            cycle_bilans: query.cycle.as_deref() == Some("1"),
        };
        lsu_export::export(&db, &actor, establishment_id, &request, today_in_paris()).await
    }
    .await;
    match export {
        Err(error) => refusal(error),
        Ok(export) => match export.xml {
            Some(xml) => attachment(xml, "application/xml", &export.precheck.file_name),
            None => page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!(
                    "Le fichier n'est pas produit : {}",
                    export
                        .precheck
                        .problems
                        .iter()
                        .map(|problem| problem.message.as_str())
                        .collect::<Vec<_>>()
                        .join(" ; ")
                ),
            ),
        },
    }
}
