//! HTTP tests through the real router, served on a free port: login, wrong password, rate
//! limit, unauthenticated and forbidden calls, cross-site refusal, cookie attributes.

mod access_matrix;
mod entries;
mod families;
mod load;
mod printing;
mod second_factor;
mod session;
mod setup;

use crate::support::{TestDb, test_db};
use app::error::AppError;
use app::services::second_factor::{SecretKey, code_for};
use app::wire::session::SessionView;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, LOCATION, ORIGIN, REFERER, SET_COOKIE};
use std::net::SocketAddr;

/// A Livret server on a free port of the loopback, with the demo school.
struct TestApp {
    address: SocketAddr,
    database: TestDb,
    /// What its router was built from.
    state: server::router::AppState,
}

impl TestApp {
    async fn spawn() -> Self {
        Self::spawn_behind(false).await
    }

    /// As `spawn`, as if its public address were https (`LIVRET_PUBLIC_URL`) when `https`.
    async fn spawn_behind(https: bool) -> Self {
        let database = test_db().await;
        let (secret_key, _) = SecretKey::generate();
        server::demo::seed(&database.db, &secret_key)
            .await
            .expect("demo seeding");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let address = listener.local_addr().expect("a bound address");
        let mut leptos = leptos::config::LeptosOptions::builder()
            .output_name("livret")
            .build();
        leptos.site_addr = address;
        let state = server::router::AppState {
            db: database.db.clone(),
            print_jobs: app::services::print_jobs::PrintJobs::new(
                database.db.clone(),
                server::downloads::TypstPrinter,
            ),
            leptos,
            secure_cookies: https,
            trusted_proxies: Default::default(),
            secret_key,
        };
        let router = server::router::build(state.clone());
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .expect("the test server runs");
        });
        TestApp {
            address,
            database,
            state,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// A client that keeps cookies, like a browser tab, and does not follow redirects (they
    /// are checked by hand).
    fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client")
    }
}

/// Logs in as the login form does; the demo director also gives the code of her second
/// factor, as « Code de connexion » asks. Answers the last response.
async fn login(
    app: &TestApp,
    client: &reqwest::Client,
    login: &str,
    password: &str,
) -> reqwest::Response {
    let response = client
        .post(app.url("/api/login"))
        .form(&[("login", login), ("password", password), ("next", "")])
        .send()
        .await
        .expect("the server answers");
    let awaits_code = response
        .headers()
        .get(LOCATION)
        .is_some_and(|to| to == app::api::session::CODE_PAGE);
    if awaits_code && login == "direction" {
        give_code(app, client, server::demo::DIRECTOR_TOTP_SECRET).await
    } else {
        response
    }
}

/// An account given `role` (in `establishment`; none for an administrateur), with the password
/// `mot-de-passe-sur`. Answers its id.
async fn account_with(
    app: &TestApp,
    login: &str,
    role: app::domain::Role,
    establishment: Option<i32>,
) -> i32 {
    use app::domain::{Login, Password, PersonName};
    use app::services::{access::Actor, accounts};
    let (account, _) = accounts::grant_account(
        &app.database.db,
        &Actor::System,
        accounts::NewAccount {
            login: Login::parse(login).unwrap(),
            civility: None,
            last_name: PersonName::parse("Morel").unwrap(),
            first_name: None,
            password: Some(Password::parse("mot-de-passe-sur").unwrap()),
        },
        role,
        establishment,
    )
    .await
    .unwrap();
    account.id
}

/// Enrols the logged-in person's second factor as a director must before anything else: the
/// secret shown, one code, the recovery codes. Answers the secret.
async fn enrol(app: &TestApp, client: &reqwest::Client) -> String {
    let enrolment: app::wire::second_factor::Enrolment =
        post_json(app, client, "/api/begin-enrolment", serde_json::json!({}))
            .await
            .json()
            .await
            .expect("an enrolment");
    let secret = enrolment.secret.replace(' ', "");
    let code = code_for(&secret, chrono::Utc::now()).unwrap();
    let confirmed = post_form(app, client, "/api/confirm-enrolment", &[("code", &code)]).await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    secret
}

/// Gives « Code de connexion » a code of `secret`'s app: the code of now, or of the next time
/// step when now's has opened a login already (a code opens one login only).
async fn give_code(app: &TestApp, client: &reqwest::Client, secret: &str) -> reqwest::Response {
    let mut last = None;
    for step in [0, 1] {
        let at = chrono::Utc::now() + chrono::Duration::seconds(30 * step);
        let code = code_for(secret, at).unwrap();
        let response = post_form(app, client, "/api/verify-code", &[("code", &code)]).await;
        if response.status().is_success() {
            return response;
        }
        last = Some(response);
    }
    last.expect("two tries")
}

/// Posts a form to a server function, as an HTML form or `ActionForm` does.
async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(endpoint))
        .form(fields)
        .send()
        .await
        .expect("the server answers")
}

/// The parcours form as a browser without JavaScript posts it: a citoyen text over an empty
/// one read, the other two left empty.
async fn post_parcours(
    app: &TestApp,
    client: &reqwest::Client,
    class_id: i32,
    period_id: i32,
    citoyen: &str,
) -> reqwest::Response {
    let (class_id, period_id) = (class_id.to_string(), period_id.to_string());
    let mut fields = vec![
        ("class[class_id]", class_id.as_str()),
        ("class[period_id]", period_id.as_str()),
        ("now[par_cit]", citoyen),
    ];
    for empty in [
        "was[par_cit]",
        "now[par_art]",
        "was[par_art]",
        "now[par_san]",
        "was[par_san]",
    ] {
        fields.push((empty, ""));
    }
    post_form(app, client, "/api/save-class-parcours", &fields).await
}

/// Posts JSON to a server function, as the hydrated app does.
async fn post_json(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    client
        .post(app.url(endpoint))
        .json(&body)
        .send()
        .await
        .expect("the server answers")
}

/// The fields of « Créer un compte enseignant ».
fn new_teacher<'a>(
    civility: &'a str,
    last_name: &'a str,
    login: &'a str,
) -> [(&'a str, &'a str); 5] {
    [
        ("teacher[civility]", civility),
        ("teacher[last_name]", last_name),
        ("teacher[first_name]", "Paul"),
        ("teacher[login]", login),
        ("teacher[class_id]", ""),
    ]
}

async fn session_of(app: &TestApp, client: &reqwest::Client) -> SessionView {
    let response = client.post(app.url("/api/session")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("a session view")
}

/// The class and period the « Bilans » page opens on for this person.
async fn bilans_selection(app: &TestApp, client: &reqwest::Client) -> app::wire::saisie::Selection {
    let page: app::wire::saisie::SaisiePage<app::wire::bilans::BilansView> = post_json(
        app,
        client,
        "/api/bilans-page",
        serde_json::json!({ "query": {} }),
    )
    .await
    .json()
    .await
    .unwrap();
    page.selection.unwrap()
}

async fn error_of(response: reqwest::Response) -> AppError {
    serde_json::from_str(&response.text().await.unwrap()).expect("errors are AppError JSON")
}
