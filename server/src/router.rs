//! The HTTP router: pages, server functions, static files, and the layers that guard them.

use crate::client_address::{self, TrustedProxies};
use crate::downloads;
use crate::sessions::DatabaseSessionStore;
use app::error::AppError;
use app::services::print_jobs::PrintJobs;
use app::services::second_factor::SecretKey;
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::{Query, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::MethodRouter;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use sea_orm::DatabaseConnection;
use tower_http::limit::RequestBodyLimitLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "livret_session";
/// Its name behind https: browsers keep a `__Host-` cookie only if it is `Secure`, for the
/// whole site (`Path=/`) and for this host alone (no `Domain`), so no other site under the
/// same domain can plant or read it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-livret_session";
/// A session ends after this long without a request.
const SESSION_IDLE_HOURS: i64 = 8;
/// Largest request body accepted: server-function arguments, and an ONDE extraction
/// (`MAX_FILE_BYTES`) with its multipart envelope.
const BODY_LIMIT_BYTES: usize = 2 * 1024 * 1024;

/// Everything the router needs.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// Class prints running in the background (see `downloads::printed`).
    pub print_jobs: PrintJobs,
    pub leptos: LeptosOptions,
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`LIVRET_TRUSTED_PROXIES`).
    pub trusted_proxies: TrustedProxies,
    /// The key of the second factors' secrets.
    pub secret_key: SecretKey,
}

pub fn build(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let db = state.db.clone();
    let jobs = state.print_jobs.clone();
    let secret_key = state.secret_key.clone();
    let provide_db = move || {
        provide_context(db.clone());
        provide_context(jobs.clone());
        provide_context(secret_key.clone());
    };
    let leptos = state.leptos.clone();

    let sessions = SessionManagerLayer::new(DatabaseSessionStore::new(state.db.clone()))
        .with_name(if state.secure_cookies {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        })
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(
            SESSION_IDLE_HOURS,
        )));

    let server_fns = {
        let provide_db = provide_db.clone();
        move |request: Request| {
            leptos_axum::handle_server_fns_with_context(provide_db.clone(), request)
        }
    };

    let mut router = Router::new().route(
        "/api/{*fn_name}",
        axum::routing::post(server_fns.clone()).get(server_fns),
    );
    for (path, route) in download_routes(&state) {
        router = router.route(path, route);
    }
    router
        .leptos_routes_with_context(&leptos, routes, provide_db.clone(), {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            provide_db, shell,
        ))
        .layer(middleware::from_fn(require_login))
        .layer(middleware::from_fn(refuse_cross_site))
        .layer(sessions)
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(middleware::from_fn({
            let https = state.secure_cookies;
            move |request: Request, next: Next| security_headers(https, request, next)
        }))
        .layer(middleware::from_fn({
            let trusted = state.trusted_proxies.clone();
            move |request: Request, next: Next| {
                client_address::resolve(trusted.clone(), request, next)
            }
        }))
        .with_state(leptos)
}

/// The files served outside server functions (PDFs, ZIPs), each behind its own access check:
/// every one is here, so that the access-matrix test goes through each.
pub fn download_routes(state: &AppState) -> Vec<(&'static str, MethodRouter<LeptosOptions>)> {
    let pdf_db = state.db.clone();
    let (class_pdf_db, class_pdf_jobs) = (state.db.clone(), state.print_jobs.clone());
    let (printed_db, printed_jobs) = (state.db.clone(), state.print_jobs.clone());
    let lsu_db = state.db.clone();
    let cycle_db = state.db.clone();
    vec![
        (
            "/bilans/pdf",
            axum::routing::get(
                move |session: Session, Query(query): Query<downloads::BilanQuery>| {
                    downloads::bilan(pdf_db.clone(), session, query)
                },
            ),
        ),
        (
            "/bilans/pdf/classe",
            axum::routing::get(
                move |session: Session, Query(query): Query<downloads::ClassQuery>| {
                    downloads::class(class_pdf_db.clone(), class_pdf_jobs.clone(), session, query)
                },
            ),
        ),
        (
            "/bilans/impression",
            axum::routing::get(
                move |session: Session, Query(query): Query<downloads::PrintedQuery>| {
                    downloads::printed(printed_db.clone(), printed_jobs.clone(), session, query)
                },
            ),
        ),
        (
            "/bilans/fin-de-cycle/pdf",
            axum::routing::get(
                move |session: Session, Query(query): Query<downloads::CycleBilanQuery>| {
                    downloads::cycle_bilan(cycle_db.clone(), session, query)
                },
            ),
        ),
        (
            "/export/lsu",
            axum::routing::get(
                move |session: Session, Query(query): Query<downloads::LsuQuery>| {
                    downloads::lsu(lsu_db.clone(), session, query)
                },
            ),
        ),
    ]
}

/// Pages need a session: a visitor who is not logged in goes to the login page, which brings
/// them back where they were going afterwards (through « Code de connexion » for an account
/// with a second factor). Server functions answer 401 themselves, and static files are public.
async fn require_login(session: Session, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.starts_with("/api/") || path.starts_with("/pkg/") {
        return next.run(request).await;
    }
    let login_page = path == "/connexion" || path == app::api::session::CODE_PAGE;
    match app::auth::session_user_id(&session).await {
        // Someone already logged in has nothing to do on the login page.
        Ok(Some(_)) if login_page => Redirect::to("/").into_response(),
        Ok(Some(_)) => next.run(request).await,
        Ok(None) if login_page => next.run(request).await,
        Ok(None) => {
            let wanted = request
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let target = if wanted == "/" {
                "/connexion".to_owned()
            } else {
                format!(
                    "/connexion?suivant={}",
                    form_urlencoded::byte_serialize(wanted.as_bytes()).collect::<String>()
                )
            };
            Redirect::to(&target).into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Server functions only answer requests made by Livret's own pages: browsers say where a
/// request comes from (`Sec-Fetch-Site`, or at least `Origin`), and another site's forms or
/// scripts are refused. Clients that are not browsers send neither header and are not
/// concerned (they have no cookie of someone else to ride on).
async fn refuse_cross_site(request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/api/") && is_cross_site(request.headers()) {
        let body =
            serde_json::to_string(&AppError::CrossSite).expect("an AppError always serializes");
        return Response::builder()
            .status(StatusCode::FORBIDDEN)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .expect("static response parts are valid");
    }
    next.run(request).await
}

fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, authority)| authority);
    origin_host.is_none() || origin_host != host
}

/// Headers that keep pages out of frames and stop content sniffing.
async fn security_headers(https: bool, request: Request, next: Next) -> Response {
    // Pages, server functions and PDFs carry pupil data or codes: a shared school computer's
    // cache must not keep them. Only the built JS, WASM and CSS may be kept.
    let static_asset = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !static_asset {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::is_cross_site;
    use axum::http::{HeaderMap, HeaderValue};

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn fetch_metadata_decides_first() {
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
    }

    #[test]
    fn origin_must_match_host_when_there_is_no_fetch_metadata() {
        let same = [
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ];
        assert!(!is_cross_site(&headers(&same)));
        let other = [
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000"),
        ];
        assert!(is_cross_site(&headers(&other)));
        assert!(is_cross_site(&headers(&[
            ("origin", "null"),
            ("host", "a")
        ])));
        assert!(!is_cross_site(&headers(&[("host", "127.0.0.1:3000")])));
    }
}
