//! The director's set-up over HTTP: ONDE import and periods.

use super::*;

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
            { "starts_on": "2027-02-01", "ends_on": "2027-07-03" },
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
    assert_eq!(view.classes.len(), 3);
}

#[tokio::test]
async fn an_administrateur_helps_a_school_from_inside_and_leaves_it() {
    let app = TestApp::spawn().await;
    app::services::accounts::grant_account(
        &app.database.db,
        &app::services::access::Actor::System,
        app::services::accounts::NewAccount {
            login: app::domain::Login::parse("rectorat").unwrap(),
            civility: None,
            last_name: app::domain::PersonName::parse("Rectorat").unwrap(),
            first_name: None,
            password: Some(app::domain::Password::parse("un-secret-rectorat").unwrap()),
        },
        app::domain::Role::Administrateur,
        None,
    )
    .await
    .unwrap();
    let demo = crate::support::demo_school(&app.database.db).await;
    let establishment = demo.to_string();

    // Nobody but an administrateur enters a school this way.
    let teacher = app.client();
    login(&app, &teacher, "enseignant", "demo-enseignant").await;
    let refused = post_form(
        &app,
        &teacher,
        "/api/assist-establishment",
        &[("establishment_id", &establishment)],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(!session_of(&app, &teacher).await.assisting);

    let admin = app.client();
    login(&app, &admin, "rectorat", "un-secret-rectorat").await;
    enrol(&app, &admin).await;
    let classes = || admin.post(app.url("/api/school-classes")).send();
    assert_eq!(classes().await.unwrap().status(), StatusCode::FORBIDDEN);
    let overview = admin
        .post(app.url("/api/academie-establishments"))
        .send()
        .await
        .unwrap();
    assert_eq!(overview.status(), StatusCode::OK);

    let entered = post_form(
        &app,
        &admin,
        "/api/assist-establishment",
        &[("establishment_id", &establishment)],
    )
    .await;
    assert_eq!(entered.status(), StatusCode::OK);
    let session = session_of(&app, &admin).await;
    assert!(session.assisting);
    assert_eq!(session.current.map(|school| school.id), Some(demo));
    assert_eq!(classes().await.unwrap().status(), StatusCode::OK);

    let left = admin
        .post(app.url("/api/leave-assistance"))
        .send()
        .await
        .unwrap();
    assert_eq!(left.status(), StatusCode::OK);
    assert!(!session_of(&app, &admin).await.assisting);
    assert_eq!(classes().await.unwrap().status(), StatusCode::FORBIDDEN);
}
