//! The second factor: a director's login asks for a code; a new director enrols before
//! anything else; recovery codes; replayed codes; an administrateur's reset.

use super::*;
use app::domain::Role;
use app::entities::{audit_event, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

/// Posts the login form alone: the first step.
async fn password_step(app: &TestApp, client: &reqwest::Client, login: &str, password: &str) {
    let response = post_form(
        app,
        client,
        "/api/login",
        &[
            ("login", login),
            ("password", password),
            ("next", "/bilans"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[LOCATION],
        "/connexion/code",
        "a right password is only the first step"
    );
}

async fn verify(app: &TestApp, client: &reqwest::Client, code: &str) -> reqwest::Response {
    post_form(app, client, "/api/verify-code", &[("code", code)]).await
}

/// The secret an enrolment shows, as typed into an app.
fn typed(secret: &str) -> String {
    secret.replace(' ', "")
}

#[tokio::test]
async fn a_directors_login_asks_for_the_code_of_her_app() {
    let app = TestApp::spawn().await;
    let client = app.client();
    password_step(&app, &client, "direction", "demo-direction").await;
    // Not logged in yet: nothing but the code is open.
    let session = client.post(app.url("/api/session")).send().await.unwrap();
    assert_eq!(session.status(), StatusCode::UNAUTHORIZED);
    let page = client.get(app.url("/connexion/code")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Double authentification")
    );

    let wrong = verify(&app, &client, "000000").await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let code = code_for(server::demo::DIRECTOR_TOTP_SECRET, chrono::Utc::now()).unwrap();
    let right = verify(&app, &client, &code).await;
    assert_eq!(right.status(), StatusCode::OK);
    assert_eq!(
        right.headers()[LOCATION],
        "/bilans",
        "where the login was going"
    );
    assert_eq!(
        session_of(&app, &client).await.display_name,
        "Mme Hélène Lefèvre"
    );

    // The same code does not open a second login (someone who saw it over her shoulder).
    let other = app.client();
    password_step(&app, &other, "direction", "demo-direction").await;
    let replayed = verify(&app, &other, &code).await;
    assert_eq!(replayed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("code de connexion refusé"))
        .all(&app.database.db)
        .await
        .unwrap();
    assert_eq!(refused.len(), 2, "both refusals are in the audit trail");

    // Without a right password first, a code opens nothing.
    let stranger = app.client();
    let alone = verify(&app, &stranger, &code).await;
    assert_eq!(alone.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn guessing_codes_is_slowed_down() {
    let app = TestApp::spawn().await;
    let client = app.client();
    password_step(&app, &client, "direction", "demo-direction").await;
    for _ in 0..5 {
        assert_eq!(
            verify(&app, &client, "123456").await.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let slowed = verify(&app, &client, "654321").await;
    assert_eq!(slowed.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_new_director_enrols_before_anything_else_then_logs_in_with_codes() {
    let app = TestApp::spawn().await;
    let school = crate::support::demo_school(&app.database.db).await;
    account_with(&app, "c.morel", Role::Directeur, Some(school)).await;
    let client = app.client();
    // No second factor yet: the password opens a session, but only to enrol.
    let response = login(&app, &client, "c.morel", "mot-de-passe-sur").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(session_of(&app, &client).await.must_enrol_second_factor);
    let accounts_list = post_json(&app, &client, "/api/establishment-accounts", json!({})).await;
    assert_eq!(accounts_list.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        error_of(accounts_list).await,
        AppError::SecondFactorRequired
    );
    let pdf = client
        .get(app.url("/bilans/pdf?eleve=1&periode=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        pdf.status(),
        StatusCode::FORBIDDEN,
        "downloads are closed too"
    );

    let enrolment: app::wire::second_factor::Enrolment =
        post_json(&app, &client, "/api/begin-enrolment", json!({}))
            .await
            .json()
            .await
            .unwrap();
    assert!(enrolment.qr_svg.starts_with("<svg"), "a QR code made here");
    // Shown again (a reload), it is the same secret: the one already scanned still works.
    let again: app::wire::second_factor::Enrolment =
        post_json(&app, &client, "/api/begin-enrolment", json!({}))
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(again.secret, enrolment.secret);
    // Stored encrypted: the database alone does not give it.
    let stored = user::Entity::find()
        .filter(user::Column::Login.eq("c.morel"))
        .one(&app.database.db)
        .await
        .unwrap()
        .unwrap();
    let sealed = stored.totp_secret.unwrap();
    assert!(
        !sealed
            .to_uppercase()
            .contains(&typed(&enrolment.secret)[..16])
    );

    let secret = typed(&enrolment.secret);
    let wrong = post_form(
        &app,
        &client,
        "/api/confirm-enrolment",
        &[("code", "000000")],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let code = code_for(&secret, chrono::Utc::now()).unwrap();
    let codes: Vec<String> = post_form(&app, &client, "/api/confirm-enrolment", &[("code", &code)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(codes.len(), 10);
    assert!(!session_of(&app, &client).await.must_enrol_second_factor);
    let listed = post_json(&app, &client, "/api/establishment-accounts", json!({})).await;
    assert_eq!(listed.status(), StatusCode::OK);

    // From now on the login asks for a code; a recovery code opens once.
    let phone_lost = app.client();
    password_step(&app, &phone_lost, "c.morel", "mot-de-passe-sur").await;
    let typed_code = codes[3].to_uppercase().replace('-', " ");
    assert_eq!(
        verify(&app, &phone_lost, &typed_code).await.status(),
        StatusCode::OK
    );
    let twice = app.client();
    password_step(&app, &twice, "c.morel", "mot-de-passe-sur").await;
    assert_eq!(
        verify(&app, &twice, &codes[3]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a recovery code is used up"
    );
    let state: app::wire::second_factor::SecondFactorState =
        post_json(&app, &phone_lost, "/api/second-factor", json!({}))
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(state.recovery_codes_left, 9);
    assert!(state.required);
    // A director cannot turn it off.
    let code = code_for(&secret, chrono::Utc::now() + chrono::Duration::seconds(30)).unwrap();
    let off = post_form(
        &app,
        &phone_lost,
        "/api/disable-second-factor",
        &[("code", &code)],
    )
    .await;
    assert_eq!(off.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn only_an_administrateur_resets_a_directors_second_factor() {
    let app = TestApp::spawn().await;
    account_with(&app, "rectorat", Role::Administrateur, None).await;
    let director = user::Entity::find()
        .filter(user::Column::Login.eq("direction"))
        .one(&app.database.db)
        .await
        .unwrap()
        .unwrap();
    let teacher = app.client();
    login(&app, &teacher, "enseignant", "demo-enseignant").await;
    let refused = post_form(
        &app,
        &teacher,
        "/api/reset-second-factor",
        &[("user_id", &director.id.to_string())],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // The administrateur enrols first, as every administrateur must.
    let admin = app.client();
    login(&app, &admin, "rectorat", "mot-de-passe-sur").await;
    enrol(&app, &admin).await;
    let reset = post_form(
        &app,
        &admin,
        "/api/reset-second-factor",
        &[("user_id", &director.id.to_string())],
    )
    .await;
    assert_eq!(reset.status(), StatusCode::OK);
    let recorded = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("double authentification réinitialisée"))
        .one(&app.database.db)
        .await
        .unwrap()
        .expect("recorded");
    assert_eq!(recorded.subject, "direction");

    // Her next login asks for no code, and she enrols again before anything else.
    let client = app.client();
    let response = client
        .post(app.url("/api/login"))
        .form(&[
            ("login", "direction"),
            ("password", "demo-direction"),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()[LOCATION], "/");
    assert!(session_of(&app, &client).await.must_enrol_second_factor);
}

#[tokio::test]
async fn a_teacher_may_enrol_and_turn_it_off() {
    let app = TestApp::spawn().await;
    let client = app.client();
    login(&app, &client, "enseignant", "demo-enseignant").await;
    let state: app::wire::second_factor::SecondFactorState =
        post_json(&app, &client, "/api/second-factor", json!({}))
            .await
            .json()
            .await
            .unwrap();
    assert!(!state.enrolled && !state.required);
    let secret = enrol(&app, &client).await;
    let next = code_for(&secret, chrono::Utc::now() + chrono::Duration::seconds(30)).unwrap();
    let off = post_form(
        &app,
        &client,
        "/api/disable-second-factor",
        &[("code", &next)],
    )
    .await;
    assert_eq!(off.status(), StatusCode::OK);
    let again = app.client();
    let response = login(&app, &again, "enseignant", "demo-enseignant").await;
    assert_eq!(response.headers()[LOCATION], "/", "no code asked any more");
}

/// Without JavaScript the confirmation's answer cannot show the recovery codes: the form goes to
/// « Mot de passe et sécurité », which shows them until the director says she noted them.
#[tokio::test]
async fn without_javascript_the_recovery_codes_are_shown_on_the_next_page_once() {
    let app = TestApp::spawn().await;
    let school = crate::support::demo_school(&app.database.db).await;
    account_with(&app, "c.morel", Role::Directeur, Some(school)).await;
    let client = app.client();
    login(&app, &client, "c.morel", "mot-de-passe-sur").await;
    let page = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Activez la double authentification"),
        "forced enrolment"
    );
    let secret = page
        .split("id=\"cle-secrete\"")
        .nth(1)
        .and_then(|rest| rest.split('>').nth(1))
        .and_then(|rest| rest.split('<').next())
        .expect("the secret to type is on the page")
        .to_owned();
    let code = code_for(&typed(&secret), chrono::Utc::now()).unwrap();
    let posted = client
        .post(app.url("/api/confirm-enrolment"))
        .header(ACCEPT, "text/html")
        .form(&[("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::FOUND);
    assert_eq!(posted.headers()[LOCATION], "/mot-de-passe");
    let shown = client
        .get(app.url("/mot-de-passe"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        shown.contains("Voici vos codes de secours"),
        "{}",
        &shown[shown.find("<main").unwrap_or(0)..]
    );
    assert_eq!(shown.matches("<li><code>").count(), 10);
    let noted = client
        .post(app.url("/api/forget-recovery-codes"))
        .header(ACCEPT, "text/html")
        .header(REFERER, app.url("/mot-de-passe"))
        .send()
        .await
        .unwrap();
    assert_eq!(noted.status(), StatusCode::FOUND);
    let later = client
        .get(app.url("/mot-de-passe"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !later.contains("Voici vos codes de secours"),
        "never shown again"
    );
    assert!(later.contains("Codes de secours restants : 10"));
}
