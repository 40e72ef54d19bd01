//! HTTP tests through the real router, served on a free port: login, wrong password, rate
//! limit, unauthenticated and forbidden calls, cross-site refusal, cookie attributes.

use crate::support::{TestDb, test_db};
use app::error::AppError;
use app::wire::session::SessionView;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, LOCATION, ORIGIN, REFERER, SET_COOKIE};
use std::net::SocketAddr;

/// A Livret server on a free port of the loopback, with the demo school.
struct TestApp {
    address: SocketAddr,
    database: TestDb,
}

impl TestApp {
    async fn spawn() -> Self {
        let database = test_db().await;
        server::demo::seed(&database.db)
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
        let router = server::router::build(server::router::AppState {
            db: database.db.clone(),
            print_jobs: app::services::print_jobs::PrintJobs::new(server::downloads::TypstPrinter),
            leptos,
            secure_cookies: false,
        });
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .expect("the test server runs");
        });
        TestApp { address, database }
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

async fn login(
    app: &TestApp,
    client: &reqwest::Client,
    login: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/login"))
        .form(&[("login", login), ("password", password), ("next", "")])
        .send()
        .await
        .expect("the server answers")
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
        ("class_id", class_id.as_str()),
        ("period_id", period_id.as_str()),
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
        ("civility", civility),
        ("last_name", last_name),
        ("first_name", "Paul"),
        ("login", login),
        ("class_id", ""),
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

#[tokio::test]
async fn pages_send_visitors_to_the_login_page() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let home = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::SEE_OTHER);
    assert_eq!(home.headers()[LOCATION], "/connexion");
    let deep = client
        .get(app.url("/parametrage/comptes"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        deep.headers()[LOCATION],
        "/connexion?suivant=%2Fparametrage%2Fcomptes"
    );

    let page = client.get(app.url("/connexion")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = page.text().await.unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the policy names this response's nonce");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the loader carries it"
    );
    assert!(policy.contains("frame-ancestors 'none'"));
    assert!(html.contains("<html lang=\"fr\""));
    assert!(html.contains("Se connecter"));
}

#[tokio::test]
async fn a_teacher_logs_in_and_gets_a_safe_session_cookie() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let response = login(&app, &client, "enseignant", "demo-enseignant").await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("livret_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain HTTP here: {cookie}");

    let session = session_of(&app, &client).await;
    assert_eq!(session.display_name, "M. Marc Durand");
    assert_eq!(session.current.unwrap().uai, "0259999X");

    let home = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    assert!(
        home.text()
            .await
            .unwrap()
            .contains("École élémentaire Victor Hugo")
    );

    let login_page = client.get(app.url("/connexion")).send().await.unwrap();
    assert_eq!(login_page.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        login_page.headers()[LOCATION],
        "/",
        "no login page when logged in"
    );

    let logout = client.post(app.url("/api/logout")).send().await.unwrap();
    assert_eq!(logout.status(), StatusCode::OK);
    let after = client.post(app.url("/api/session")).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_wrong_password_is_a_401_in_french() {
    let app = TestApp::spawn().await;
    let response = login(&app, &app.client(), "enseignant", "pas-le-bon").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().get(SET_COOKIE).is_none());
    let error = error_of(response).await;
    assert_eq!(error, AppError::InvalidCredentials);
    assert_eq!(error.to_string(), "Identifiant ou mot de passe incorrect.");
}

#[tokio::test]
async fn repeated_failures_are_rate_limited() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for _ in 0..5 {
        let response = login(&app, &client, "direction", "devine").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let blocked = login(&app, &client, "direction", "demo-direction").await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(matches!(
        error_of(blocked).await,
        AppError::TooManyAttempts { .. }
    ));
    // Another account is not blocked by this one's failures.
    let other = login(&app, &client, "enseignant", "demo-enseignant").await;
    assert_eq!(other.status(), StatusCode::OK);
}

#[tokio::test]
async fn unauthenticated_calls_get_401_and_no_data() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for endpoint in [
        "/api/session",
        "/api/establishment-accounts",
        "/api/switch-establishment",
        "/api/school-classes",
        "/api/set-positionnement",
        "/api/assign-teacher",
        "/api/unassign-teacher",
        "/api/create-teacher",
        "/api/change-password",
        "/api/reissue-password",
    ] {
        let response = client
            .post(app.url(endpoint))
            .form(&[
                ("establishment_id", "1"),
                ("class_id", "1"),
                ("positionnement", "notes"),
                ("teacher_id", "2"),
                ("civility", "M"),
                ("last_name", "Intrus"),
                ("first_name", "Paul"),
                ("login", "intrus"),
                ("current", "x"),
                ("new_password", "yyyyyyyy"),
                ("confirmation", "yyyyyyyy"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
        assert_eq!(
            error_of(response).await,
            AppError::Unauthenticated,
            "{endpoint}"
        );
    }
}

#[tokio::test]
async fn forbidden_calls_get_403_and_no_data() {
    let app = TestApp::spawn().await;
    for (account, password) in [("enseignant", "demo-enseignant"), ("parent", "demo-parent")] {
        let client = app.client();
        assert_eq!(
            login(&app, &client, account, password).await.status(),
            StatusCode::OK
        );
        let accounts = client
            .post(app.url("/api/establishment-accounts"))
            .send()
            .await
            .unwrap();
        assert_eq!(accounts.status(), StatusCode::FORBIDDEN, "{account}");
        assert_eq!(error_of(accounts).await, AppError::Forbidden);
        let positionnement = client
            .post(app.url("/api/set-positionnement"))
            .form(&[("class_id", "1"), ("positionnement", "notes")])
            .send()
            .await
            .unwrap();
        assert_eq!(positionnement.status(), StatusCode::FORBIDDEN, "{account}");
        let assignment = client
            .post(app.url("/api/assign-teacher"))
            .form(&[("class_id", "1"), ("teacher_id", "2")])
            .send()
            .await
            .unwrap();
        assert_eq!(assignment.status(), StatusCode::FORBIDDEN, "{account}");
        let new_account = post_form(
            &app,
            &client,
            "/api/create-teacher",
            &new_teacher("M", "Intrus", "intrus"),
        )
        .await;
        assert_eq!(new_account.status(), StatusCode::FORBIDDEN, "{account}");
        let reissued = post_form(
            &app,
            &client,
            "/api/reissue-password",
            &[("login", "enseignant")],
        )
        .await;
        assert_eq!(reissued.status(), StatusCode::FORBIDDEN, "{account}");
        let elsewhere = client
            .post(app.url("/api/switch-establishment"))
            .form(&[("establishment_id", "424242")])
            .send()
            .await
            .unwrap();
        assert_eq!(elsewhere.status(), StatusCode::FORBIDDEN, "{account}");
    }

    let director = app.client();
    login(&app, &director, "direction", "demo-direction").await;
    let accounts = director
        .post(app.url("/api/establishment-accounts"))
        .send()
        .await
        .unwrap();
    assert_eq!(accounts.status(), StatusCode::OK);
    let rows: Vec<app::wire::accounts::AccountRow> = accounts.json().await.unwrap();
    assert_eq!(rows.len(), 3);
}

#[tokio::test]
async fn cross_site_requests_are_refused() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let forged = client
        .post(app.url("/api/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("login", "direction"),
            ("password", "demo-direction"),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_of(forged).await, AppError::CrossSite);

    let other_origin = client
        .post(app.url("/api/session"))
        .header(ORIGIN, "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(other_origin.status(), StatusCode::FORBIDDEN);

    let same_origin = client
        .post(app.url("/api/login"))
        .header(ORIGIN, format!("http://{}", app.address))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("login", "direction"),
            ("password", "demo-direction"),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_plain_html_form_logs_in_without_javascript() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let response = client
        .post(app.url("/api/login"))
        .header(ACCEPT, "text/html")
        .header(
            REFERER,
            app.url("/connexion?suivant=%2Fparametrage%2Fcomptes"),
        )
        .form(&[
            ("login", "direction"),
            ("password", "demo-direction"),
            ("next", "/parametrage/comptes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()[LOCATION], "/parametrage/comptes");
    let page = client
        .get(app.url("/parametrage/comptes"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Comptes de l&#x27;établissement")
            || html.contains("Comptes de l'établissement")
    );
    assert!(html.contains("enseignant"));
}

#[tokio::test]
async fn a_person_in_two_schools_switches_between_them() {
    use app::domain::{Login, PersonName, Role, Uai};
    use app::services::{access::Actor, accounts, establishments};

    let app = TestApp::spawn().await;
    let db = &app.database.db;
    let second = establishments::create(
        db,
        &Actor::System,
        establishments::NewEstablishment {
            uai: Uai::parse("0251234A").unwrap(),
            name: "École Jules Ferry".into(),
        },
    )
    .await
    .unwrap();
    let new = accounts::NewAccount {
        login: Login::parse("direction").unwrap(),
        civility: None,
        last_name: PersonName::parse("Lefèvre").unwrap(),
        first_name: None,
        password: None,
    };
    accounts::grant_account(db, &Actor::System, new, Role::Directeur, Some(second.id))
        .await
        .unwrap();

    let client = app.client();
    login(&app, &client, "direction", "demo-direction").await;
    let session = session_of(&app, &client).await;
    assert_eq!(session.establishments.len(), 2);
    assert_eq!(session.current.unwrap().uai, "0259999X");

    let switched = client
        .post(app.url("/api/switch-establishment"))
        .form(&[("establishment_id", second.id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), StatusCode::OK);
    let session = session_of(&app, &client).await;
    let current = session.current.unwrap();
    assert_eq!(current.name, "École Jules Ferry");
    assert_eq!(current.school_year, None);

    let home = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("Changer d&#x27;établissement") || home.contains("Changer d'établissement")
    );
    assert!(home.contains("Aucune année scolaire ouverte"));
}

/// The demo's ONDE extraction, as a multipart form for `/api/import-onde`.
fn onde_form(bytes: Vec<u8>, mode: &str) -> reqwest::multipart::Form {
    let file = reqwest::multipart::Part::bytes(bytes)
        .file_name("extraction.csv")
        .mime_str("text/csv")
        .unwrap();
    reqwest::multipart::Form::new()
        .part("fichier", file)
        .text("mode", mode.to_owned())
}

/// Byte-for-byte text of a single-byte file (each byte one char), to edit it and write it back.
fn bytes_as_text(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

fn text_as_bytes(text: &str) -> Vec<u8> {
    text.chars().map(|c| c as u32 as u8).collect()
}

fn demo_extraction() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/demo/onde-extraction-eleves.csv"
    ))
    .unwrap()
}

#[tokio::test]
async fn only_the_director_imports_an_onde_file_and_bad_files_say_where() {
    use app::wire::pupil_import::ImportReport;
    let app = TestApp::spawn().await;
    let import = |client: reqwest::Client, bytes: Vec<u8>, mode: &'static str| {
        let url = app.url("/api/import-onde");
        async move {
            client
                .post(url)
                .multipart(onde_form(bytes, mode))
                .send()
                .await
                .unwrap()
        }
    };

    let visitor = import(app.client(), demo_extraction(), "appliquer").await;
    assert_eq!(visitor.status(), StatusCode::UNAUTHORIZED);
    for (account, password) in [("enseignant", "demo-enseignant"), ("parent", "demo-parent")] {
        let client = app.client();
        login(&app, &client, account, password).await;
        let refused = import(client, demo_extraction(), "appliquer").await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{account}");
    }

    let director = app.client();
    login(&app, &director, "direction", "demo-direction").await;
    let text = bytes_as_text(&demo_extraction());
    let bad_date = text_as_bytes(&text.replacen("14/03/2019", "31/02/2016", 1));
    let refused = import(director.clone(), bad_date, "appliquer").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        error_of(refused)
            .await
            .to_string()
            .contains("ligne 2, colonne « Date naissance » : date invalide « 31/02/2016 »")
    );
    let too_big = import(director.clone(), vec![b'a'; 1024 * 1024 + 1], "apercu").await;
    assert_eq!(too_big.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_of(too_big).await.to_string().contains("dépasse 1 Mo"));

    let without_adelle = text
        .split("\r\n")
        .filter(|line| !line.starts_with("ADELLE;"))
        .collect::<Vec<_>>()
        .join("\r\n");
    let bytes = text_as_bytes(&without_adelle);
    let preview = import(director.clone(), bytes.clone(), "apercu").await;
    assert_eq!(preview.status(), StatusCode::OK);
    let report: ImportReport = preview.json().await.unwrap();
    assert!(!report.applied);
    assert_eq!(report.summary.pupils_left, ["ADELLE Klara"]);
    let applied: ImportReport = import(director.clone(), bytes.clone(), "appliquer")
        .await
        .json()
        .await
        .unwrap();
    assert!(applied.applied);
    assert_eq!(applied.summary, report.summary);
    let again: ImportReport = import(director, bytes, "apercu")
        .await
        .json()
        .await
        .unwrap();
    assert!(again.summary.changes_nothing());
}

#[tokio::test]
async fn only_the_director_reads_and_saves_the_periods() {
    use app::wire::periods::PeriodsView;
    let app = TestApp::spawn().await;
    let semestres = serde_json::json!({
        "periodicity": "semestre",
        "periods": [
            { "starts_on": "2026-09-01", "ends_on": "2027-01-31" },
            { "starts_on": "2027-02-01", "ends_on": "2027-07-04" },
        ],
        "class_ids": [],
    });
    let call = |client: &reqwest::Client, endpoint: &str| {
        let request = client.post(app.url(endpoint));
        if endpoint == "/api/save-periods" {
            request.json(&semestres)
        } else {
            request
        }
    };
    for endpoint in ["/api/period-settings", "/api/save-periods"] {
        let visitor = call(&app.client(), endpoint).send().await.unwrap();
        assert_eq!(visitor.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
        for (account, password) in [("enseignant", "demo-enseignant"), ("parent", "demo-parent")] {
            let client = app.client();
            login(&app, &client, account, password).await;
            let refused = call(&client, endpoint).send().await.unwrap();
            assert_eq!(
                refused.status(),
                StatusCode::FORBIDDEN,
                "{account} {endpoint}"
            );
        }
    }
    let director = app.client();
    login(&app, &director, "direction", "demo-direction").await;
    let saved = call(&director, "/api/save-periods").send().await.unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    let view: PeriodsView = call(&director, "/api/period-settings")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        view.plans
            .iter()
            .all(|plan| plan.saved != plan.periods.is_empty())
    );
    assert_eq!(view.classes.len(), 2);
}

#[tokio::test]
async fn a_one_time_password_only_lets_its_owner_choose_a_new_one() {
    use app::wire::accounts::IssuedPassword;
    let app = TestApp::spawn().await;
    let director = app.client();
    login(&app, &director, "direction", "demo-direction").await;
    let created = director
        .post(app.url("/api/create-teacher"))
        .form(&[
            ("civility", "Mme"),
            ("last_name", "Roux"),
            ("first_name", "Anna"),
            ("login", "aroux"),
            ("class_id", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::OK);
    let created: IssuedPassword = created.json().await.unwrap();
    assert_eq!(created.name, "Mme Anna Roux");

    let teacher = app.client();
    let logged_in = login(&app, &teacher, "aroux", &created.one_time_password).await;
    assert_eq!(logged_in.status(), StatusCode::OK);
    let other_tab = app.client();
    login(&app, &other_tab, "aroux", &created.one_time_password).await;
    assert!(session_of(&app, &teacher).await.must_change_password);
    let refused = teacher
        .post(app.url("/api/switch-establishment"))
        .form(&[("establishment_id", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_of(refused).await, AppError::PasswordChangeRequired);

    let changed = teacher
        .post(app.url("/api/change-password"))
        .form(&[
            ("current", created.one_time_password.as_str()),
            ("new_password", "le-mien-enfin"),
            ("confirmation", "le-mien-enfin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert!(!session_of(&app, &teacher).await.must_change_password);
    let ended = other_tab
        .post(app.url("/api/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        ended.status(),
        StatusCode::UNAUTHORIZED,
        "a new password ends the account's other sessions"
    );

    // Field errors come back as 422 with the field named; a teacher creates no account.
    let invalid = post_form(
        &app,
        &director,
        "/api/create-teacher",
        &new_teacher("Dr", " ", "aroux"),
    )
    .await;
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let invalid = error_of(invalid).await;
    assert!(invalid.field_message("civility").is_some());
    assert!(invalid.field_message("last_name").is_some());
    let forbidden = post_form(
        &app,
        &teacher,
        "/api/create-teacher",
        &new_teacher("M", "Intrus", "intrus"),
    )
    .await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn collective_entries_answer_only_to_the_class_teachers_and_the_director() {
    use app::wire::saisie::{AcquisOutcome, AcquisSaved, AcquisView, ParcoursSaved, SaisiePage};
    let app = TestApp::spawn().await;
    let page_query = serde_json::json!({ "query": { "domaine": "FRA-LGO" } });

    let director = app.client();
    login(&app, &director, "direction", "demo-direction").await;
    let all: SaisiePage<AcquisView> =
        post_json(&app, &director, "/api/acquis-page", page_query.clone())
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(all.classes.len(), 2, "the director fills in every class");
    let cp = all
        .classes
        .iter()
        .find(|class| class.label.starts_with("CP"))
        .unwrap();
    let period_id = cp.periods[0].id;
    let cp_writes = [
        (
            "/api/save-acquis",
            serde_json::json!({ "class_id": cp.id, "period_id": period_id, "domain_code": "FRA-LGO", "changes": [] }),
        ),
        (
            "/api/save-programme-list",
            serde_json::json!({ "class_id": cp.id, "level": "Cp", "period_id": period_id, "domain_code": "FRA-LGO", "was": [], "items": ["Lire"] }),
        ),
    ];

    let visitor = app.client();
    for endpoint in [
        "/api/acquis-page",
        "/api/programme-page",
        "/api/parcours-page",
    ] {
        let response = post_json(&app, &visitor, endpoint, page_query.clone()).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    for (endpoint, body) in &cp_writes {
        let response = post_json(&app, &visitor, endpoint, body.clone()).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
    }

    let parent = app.client();
    login(&app, &parent, "parent", "demo-parent").await;
    let refused = post_json(&app, &parent, "/api/acquis-page", page_query.clone()).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // The teacher of the CM2 sees only the CM2 and cannot write to the CP.
    let teacher = app.client();
    login(&app, &teacher, "enseignant", "demo-enseignant").await;
    let own: SaisiePage<AcquisView> = post_json(&app, &teacher, "/api/acquis-page", page_query)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own.classes.len(), 1);
    let cm2 = own.selection.as_ref().unwrap().class.id;
    assert_ne!(cm2, cp.id);
    for (endpoint, body) in &cp_writes {
        let response = post_json(&app, &teacher, endpoint, body.clone()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{endpoint}");
    }
    let parcours = post_parcours(&app, &teacher, cp.id, period_id, "Intrusion").await;
    assert_eq!(parcours.status(), StatusCode::FORBIDDEN);
    // Their own class: the form's fields, as a browser without JavaScript posts them.
    let own_period = own.selection.as_ref().unwrap().period.id;
    let posted = post_parcours(&app, &teacher, cm2, own_period, "Conseil d'élèves").await;
    assert_eq!(posted.status(), StatusCode::OK);
    let saved: Vec<ParcoursSaved> = posted.json().await.unwrap();
    assert_eq!(saved[0].stored, "Conseil d'élèves");
    assert!(!saved[0].conflict);

    // Their own grid: one call saves the changed cells.
    let pupil = own.content.unwrap().rows[0].student_id;
    let saved: Vec<AcquisSaved> = post_json(
        &app,
        &teacher,
        "/api/save-acquis",
        serde_json::json!({
            "class_id": cm2,
            "period_id": own.selection.unwrap().period.id,
            "domain_code": "FRA-LGO",
            "changes": [{ "student_id": pupil, "was": null, "now": "Atteints" }],
        }),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(saved[0].outcome, AcquisOutcome::Saved);
}

#[tokio::test]
async fn bilan_actions_answer_only_to_the_class_teachers_and_unlocking_to_the_director() {
    use app::wire::bilans::BilansView;
    use app::wire::saisie::SaisiePage;
    let app = TestApp::spawn().await;
    let director = app.client();
    login(&app, &director, "direction", "demo-direction").await;
    let page: SaisiePage<BilansView> = post_json(
        &app,
        &director,
        "/api/bilans-page",
        serde_json::json!({ "query": {} }),
    )
    .await
    .json()
    .await
    .unwrap();
    let cp = page
        .classes
        .iter()
        .find(|class| class.label.starts_with("CP"))
        .unwrap();
    let action = |class_id: i32, action: &str| {
        serde_json::json!({
            "class_id": class_id,
            "period_id": cp.periods[0].id,
            "action": action,
            "student_ids": [],
        })
    };
    let visitor = app.client();
    for (endpoint, body) in [
        ("/api/bilans-page", serde_json::json!({ "query": {} })),
        ("/api/bilans-action", action(cp.id, "Create")),
    ] {
        let response = post_json(&app, &visitor, endpoint, body).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    let parent = app.client();
    login(&app, &parent, "parent", "demo-parent").await;
    let refused = post_json(&app, &parent, "/api/bilans-action", action(cp.id, "Create")).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let teacher = app.client();
    login(&app, &teacher, "enseignant", "demo-enseignant").await;
    let refused = post_json(
        &app,
        &teacher,
        "/api/bilans-action",
        action(cp.id, "Create"),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "not their class");
    let own: SaisiePage<BilansView> = post_json(
        &app,
        &teacher,
        "/api/bilans-page",
        serde_json::json!({ "query": {} }),
    )
    .await
    .json()
    .await
    .unwrap();
    let cm2 = own.selection.unwrap().class.id;
    let refused = post_json(&app, &teacher, "/api/bilans-action", action(cm2, "Unlock")).await;
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "only the director unlocks"
    );
    let created = post_json(&app, &teacher, "/api/bilans-action", action(cm2, "Create")).await;
    assert_eq!(created.status(), StatusCode::OK);
}

#[tokio::test]
async fn only_the_director_synchronises_bilans() {
    let app = TestApp::spawn().await;
    let body = serde_json::json!({ "class_ids": [] });
    let call = |client: &reqwest::Client| {
        client
            .post(app.url("/api/synchronise-bilans"))
            .json(&body)
            .send()
    };
    assert_eq!(
        call(&app.client()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    for (account, password) in [("enseignant", "demo-enseignant"), ("parent", "demo-parent")] {
        let client = app.client();
        login(&app, &client, account, password).await;
        assert_eq!(
            call(&client).await.unwrap().status(),
            StatusCode::FORBIDDEN,
            "{account}"
        );
    }
    let director = app.client();
    login(&app, &director, "direction", "demo-direction").await;
    assert_eq!(call(&director).await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn a_pupils_bilan_answers_only_to_the_class_teachers_and_the_director() {
    use app::wire::bilan_editor::{BilanEditorView, HistoryView};
    use app::wire::bilans::BilansView;
    use app::wire::saisie::SaisiePage;
    let app = TestApp::spawn().await;
    let teacher = app.client();
    login(&app, &teacher, "enseignant", "demo-enseignant").await;
    let page: SaisiePage<BilansView> = post_json(
        &app,
        &teacher,
        "/api/bilans-page",
        serde_json::json!({ "query": {} }),
    )
    .await
    .json()
    .await
    .unwrap();
    let period_id = page.selection.unwrap().period.id;
    let student_id = page.content.unwrap().rows[0].student_id;
    let key = serde_json::json!({ "student_id": student_id, "period_id": period_id });
    let save = serde_json::json!({
        "key": key,
        "changes": [{ "field": "Appreciation", "was": { "Text": "" }, "now": { "Text": "Très bien." } }],
    });
    let calls = [
        ("/api/bilan-editor", serde_json::json!({ "key": key })),
        ("/api/save-bilan", save.clone()),
        (
            "/api/bilan-history",
            serde_json::json!({ "student_id": student_id }),
        ),
    ];
    for (endpoint, body) in &calls {
        let response = post_json(&app, &app.client(), endpoint, body.clone()).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    let parent = app.client();
    login(&app, &parent, "parent", "demo-parent").await;
    for (endpoint, body) in &calls {
        let response = post_json(&app, &parent, endpoint, body.clone()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{endpoint}");
    }
    let saved = post_json(&app, &teacher, "/api/save-bilan", save).await;
    assert_eq!(saved.status(), StatusCode::OK);
    let view: BilanEditorView = post_json(
        &app,
        &teacher,
        "/api/bilan-editor",
        serde_json::json!({ "key": key }),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(view.appreciation, "Très bien.");
    let director = app.client();
    login(&app, &director, "direction", "demo-direction").await;
    let history: HistoryView = post_json(
        &app,
        &director,
        "/api/bilan-history",
        serde_json::json!({ "student_id": student_id }),
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(!history.bilans.is_empty());
}

#[tokio::test]
async fn bilans_print_for_the_class_teachers_and_say_why_they_cannot() {
    use app::wire::bilans::BilansView;
    use app::wire::saisie::SaisiePage;
    let app = TestApp::spawn().await;
    let teacher = app.client();
    login(&app, &teacher, "enseignant", "demo-enseignant").await;
    let page: SaisiePage<BilansView> = post_json(
        &app,
        &teacher,
        "/api/bilans-page",
        serde_json::json!({ "query": {} }),
    )
    .await
    .json()
    .await
    .unwrap();
    let selection = page.selection.clone().unwrap();
    let class_id = selection.class.id;
    let (first, second) = (selection.class.periods[0].id, selection.class.periods[1].id);
    let violetta = page
        .content
        .unwrap()
        .rows
        .iter()
        .find(|row| row.last_name == "BAZIN")
        .unwrap()
        .student_id;
    let bilan = |period: i32| format!("/bilans/pdf?eleve={violetta}&periode={period}");

    let visitor = app
        .client()
        .get(app.url(&bilan(first)))
        .send()
        .await
        .unwrap();
    assert!(visitor.status().is_redirection(), "{}", visitor.status());
    // The demo parent downloads their child's published bilan, and nothing unpublished.
    let parent = app.client();
    login(&app, &parent, "parent", "demo-parent").await;
    let theirs = parent.get(app.url(&bilan(first))).send().await.unwrap();
    assert_eq!(theirs.status(), StatusCode::OK);
    let refused = parent.get(app.url(&bilan(second))).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let pdf = teacher.get(app.url(&bilan(first))).send().await.unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let disposition = pdf.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("filename*=UTF-8''BAZIN_Violetta_Trimestre-1.pdf"),
        "{disposition}"
    );
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));

    let not_yet = teacher.get(app.url(&bilan(second))).send().await.unwrap();
    assert_eq!(not_yet.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        not_yet
            .text()
            .await
            .unwrap()
            .contains("ne peut pas encore être édité")
    );

    let zip = teacher
        .get(app.url(&format!(
            "/bilans/pdf/classe?classe={class_id}&periode={first}&format=zip"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(zip.status(), StatusCode::OK);
    assert_eq!(zip.headers()["content-type"], "application/zip");
    assert!(zip.bytes().await.unwrap().starts_with(b"PK"));
    let empty = teacher
        .get(app.url(&format!(
            "/bilans/pdf/classe?classe={class_id}&periode={second}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn families_reach_only_their_childrens_published_bilans_and_the_director_publishes() {
    use app::wire::bilans::BilansView;
    use app::wire::families::{FamilyBilanView, FamilySpaceView, PublishReport};
    use app::wire::saisie::SaisiePage;
    let app = TestApp::spawn().await;
    let director = app.client();
    login(&app, &director, "direction", "demo-direction").await;
    let teacher = app.client();
    login(&app, &teacher, "enseignant", "demo-enseignant").await;
    // The teacher's first class is the demo CM2.
    let page: SaisiePage<BilansView> = post_json(
        &app,
        &teacher,
        "/api/bilans-page",
        serde_json::json!({ "query": {} }),
    )
    .await
    .json()
    .await
    .unwrap();
    let selection = page.selection.unwrap();
    let class_id = selection.class.id;
    let first = selection.class.periods[0].id;
    let director_page: SaisiePage<BilansView> = post_json(
        &app,
        &director,
        "/api/bilans-page",
        serde_json::json!({ "query": { "classe": class_id, "periode": first } }),
    )
    .await
    .json()
    .await
    .unwrap();
    let rows = director_page.content.unwrap().rows;
    let id_of = |name: &str| {
        rows.iter()
            .find(|r| r.last_name == name)
            .unwrap()
            .student_id
    };
    let (violetta, henoler) = (id_of("BAZIN"), id_of("ANDRIES"));
    let key =
        |student: i32| serde_json::json!({ "key": { "student_id": student, "period_id": first } });
    let publish =
        |on: bool| serde_json::json!({ "class_id": class_id, "period_id": first, "publish": on });

    // A visitor gets 401 from every families call.
    let calls = [
        ("/api/family-space", serde_json::json!({})),
        ("/api/family-bilan", key(violetta)),
        ("/api/acknowledge-bilan", key(violetta)),
        ("/api/publish-bilans", publish(true)),
        ("/api/school-responsables", serde_json::json!({})),
    ];
    for (endpoint, body) in &calls {
        let response = post_json(&app, &app.client(), endpoint, body.clone()).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
    }

    let parent = app.client();
    login(&app, &parent, "parent", "demo-parent").await;
    let space: FamilySpaceView =
        post_json(&app, &parent, "/api/family-space", serde_json::json!({}))
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(space.children.len(), 1);
    assert_eq!(space.children[0].student_id, violetta);
    let read: FamilyBilanView = post_json(&app, &parent, "/api/family-bilan", key(violetta))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read.document.pupil.name, "BAZIN Violetta");
    // Another pupil's published bilan, by changing the id; and what is the director's.
    for (endpoint, body) in [
        ("/api/family-bilan", key(henoler)),
        ("/api/acknowledge-bilan", key(henoler)),
        ("/api/publish-bilans", publish(false)),
        ("/api/school-responsables", serde_json::json!({})),
    ] {
        let response = post_json(&app, &parent, endpoint, body).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{endpoint}");
    }
    let other_pdf = parent
        .get(app.url(&format!("/bilans/pdf?eleve={henoler}&periode={first}")))
        .send()
        .await
        .unwrap();
    assert_eq!(other_pdf.status(), StatusCode::FORBIDDEN);
    let attach = post_form(
        &app,
        &parent,
        "/api/attach-responsable",
        &[
            ("student_id", &henoler.to_string()),
            ("civility", "MME"),
            ("last_name", "Bazin"),
            ("first_name", "Sophie"),
            ("email", ""),
        ],
    )
    .await;
    assert_eq!(attach.status(), StatusCode::FORBIDDEN);
    let acknowledged = post_json(&app, &parent, "/api/acknowledge-bilan", key(violetta)).await;
    assert_eq!(acknowledged.status(), StatusCode::OK);

    // The teacher neither publishes nor lists responsables.
    for (endpoint, body) in [
        ("/api/publish-bilans", publish(true)),
        ("/api/school-responsables", serde_json::json!({})),
    ] {
        let response = post_json(&app, &teacher, endpoint, body).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{endpoint}");
    }

    // The director withdraws: the parent's bilan is gone, on screen and as a PDF.
    let report: PublishReport = post_json(&app, &director, "/api/publish-bilans", publish(false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report.done, 2);
    let gone = post_json(&app, &parent, "/api/family-bilan", key(violetta)).await;
    assert_eq!(gone.status(), StatusCode::FORBIDDEN);
    let gone_pdf = parent
        .get(app.url(&format!("/bilans/pdf?eleve={violetta}&periode={first}")))
        .send()
        .await
        .unwrap();
    assert_eq!(gone_pdf.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_class_prints_in_the_background_and_only_its_owner_downloads_it() {
    use app::wire::printing::PrintJobView;
    let app = TestApp::spawn().await;
    let teacher = app.client();
    login(&app, &teacher, "enseignant", "demo-enseignant").await;
    let selection = bilans_selection(&app, &teacher).await;
    let (class_id, first) = (selection.class.id, selection.class.periods[0].id);
    let start = |each: bool| {
        teacher
            .post(app.url("/api/start-class-print"))
            .json(&serde_json::json!({ "class_id": class_id, "period_id": first, "each": each }))
            .send()
    };
    let started: PrintJobView = start(true).await.unwrap().json().await.unwrap();
    assert_eq!(started.total, 6, "the demo CM2's six printable bilans");
    assert_eq!(started.file_name, "Bilans_CM2_M._Durand_Trimestre_1.zip");
    // Followed until done, as the page does.
    let mut done = None;
    for _ in 0..200 {
        let jobs: Vec<PrintJobView> = teacher
            .post(app.url("/api/print-jobs"))
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let job = jobs.into_iter().find(|job| job.id == started.id).unwrap();
        assert!(job.printed <= job.total);
        if job.ready {
            done = Some(job);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let done = done.expect("the print finishes");
    assert_eq!(done.printed, 6);
    let file = teacher.get(app.url(&done.href())).send().await.unwrap();
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(file.headers()["content-type"], "application/zip");
    assert!(file.bytes().await.unwrap().starts_with(b"PK"));

    // Someone else's print is not theirs to download, nor to see.
    let director = app.client();
    login(&app, &director, "direction", "demo-direction").await;
    let other = director.get(app.url(&done.href())).send().await.unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let theirs: Vec<PrintJobView> = director
        .post(app.url("/api/print-jobs"))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(theirs.is_empty());
    let visitor = app
        .client()
        .get(app.url(&done.href()))
        .send()
        .await
        .unwrap();
    assert!(visitor.status().is_redirection(), "{}", visitor.status());
    // A parent prints no class.
    let parent = app.client();
    login(&app, &parent, "parent", "demo-parent").await;
    let refused = parent
        .post(app.url("/api/start-class-print"))
        .json(&serde_json::json!({ "class_id": class_id, "period_id": first, "each": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    // A period with nothing printable says so.
    let second = selection.class.periods[1].id;
    let nothing = teacher
        .post(app.url("/api/start-class-print"))
        .json(&serde_json::json!({ "class_id": class_id, "period_id": second, "each": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(nothing.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// Every page renders on the server, many at once, without an error: what a server function
/// takes from its request is taken before its first `.await` (Leptos' context may be gone
/// after it), which once made the bilans page answer 500 now and then.
///
/// The load goes to a `livret serve --demo` process of its own, as in production: Leptos keeps
/// process-wide state, and a test server sharing the process with the other tests' servers now
/// and then left a page unanswered, which the real server never did. A request that does not
/// answer within 20 s fails the test, naming the page.
#[tokio::test]
async fn pages_and_server_functions_answer_under_load() {
    let dir = tempfile::tempdir().unwrap();
    let address = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let _server = ServerProcess(
        std::process::Command::new(env!("CARGO_BIN_EXE_livret"))
            .args(["serve", "--demo"])
            .env(
                "DATABASE_URL",
                format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("livret.db").display()
                ),
            )
            .env("LEPTOS_SITE_ADDR", address.to_string())
            .env("LEPTOS_OUTPUT_NAME", "livret")
            .env("RUST_LOG", "warn")
            .spawn()
            .expect("livret starts"),
    );
    let url = |path: &str| format!("http://{address}{path}");
    let director = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut ready = false;
    for _ in 0..300 {
        if director.get(url("/connexion")).send().await.is_ok() {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(ready, "livret serve answers within 30 s");
    let logged_in = director
        .post(url("/api/login"))
        .form(&[
            ("login", "direction"),
            ("password", "demo-direction"),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert!(logged_in.status().is_success(), "{}", logged_in.status());
    let page: app::wire::saisie::SaisiePage<app::wire::bilans::BilansView> = director
        .post(url("/api/bilans-page"))
        .json(&serde_json::json!({ "query": {} }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let selection = page.selection.unwrap();
    let (class, period) = (selection.class.id, selection.class.periods[0].id);
    let pages = [
        "/".to_owned(),
        format!("/bilans?classe={class}&periode={period}"),
        format!("/saisie/acquis?classe={class}&periode={period}"),
        format!("/saisie/parcours?classe={class}&periode={period}"),
        "/parametrage/classes".to_owned(),
        "/parametrage/periodes".to_owned(),
        "/parametrage/comptes".to_owned(),
    ];
    let within = |what: String, request: reqwest::RequestBuilder| async move {
        let response = tokio::time::timeout(std::time::Duration::from_secs(20), request.send())
            .await
            .unwrap_or_else(|_| panic!("{what} did not answer within 20 s"))
            .unwrap();
        (what, response.status())
    };
    for round in 0..6 {
        let requests = pages.iter().flat_map(|path| {
            [
                within(path.clone(), director.get(url(path))),
                within(
                    "/api/print-jobs".to_owned(),
                    director
                        .post(url("/api/print-jobs"))
                        .json(&serde_json::json!({})),
                ),
            ]
        });
        for (what, status) in futures::future::join_all(requests).await {
            assert_eq!(status, StatusCode::OK, "{what}, round {round}");
        }
    }
}

/// A `livret serve` process, stopped with the test that started it.
struct ServerProcess(std::process::Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
