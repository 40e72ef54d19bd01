//! Login, sessions, one-time passwords, and the answers to calls without the right session.

use super::*;

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

/// Behind https: a `__Host-` cookie, HSTS; and pages, server functions and PDFs never kept in
/// a shared computer's cache.
#[tokio::test]
async fn pages_with_pupil_data_are_never_cached_and_https_is_enforced() {
    let app = TestApp::spawn_behind(true).await;
    let client = app.client();
    let response = login(&app, &client, "direction", "demo-direction").await;
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-livret_session="), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let plain = TestApp::spawn().await;
    let page = plain
        .client()
        .get(plain.url("/connexion"))
        .send()
        .await
        .unwrap();
    assert!(page.headers().get("strict-transport-security").is_none());
    assert_eq!(page.headers()["cache-control"], "no-store");
    let session = client.post(app.url("/api/session")).send().await.unwrap();
    assert_eq!(session.headers()["cache-control"], "no-store");
}

/// A session in use stays alive: its end moves 8 hours past the last activity, not the login.
#[tokio::test]
async fn using_a_session_keeps_it_alive() {
    use app::entities::session;
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let app = TestApp::spawn().await;
    let client = app.client();
    login(&app, &client, "enseignant", "demo-enseignant").await;
    session_of(&app, &client).await;
    // Seven hours and a half later (as the store sees it): last seen long ago, ending soon.
    let stored = session::Entity::find()
        .one(&app.database.db)
        .await
        .unwrap()
        .unwrap();
    let mut data: serde_json::Value = serde_json::from_str(&stored.data).unwrap();
    let long_ago = chrono::Utc::now().timestamp() - 7 * 3600;
    data["seen_at"] = serde_json::json!(long_ago);
    let ending = chrono::Utc::now() + chrono::Duration::minutes(30);
    let mut row: session::ActiveModel = stored.into();
    row.data = Set(data.to_string());
    row.expires_at = Set(ending);
    row.update(&app.database.db).await.unwrap();
    // One more request: the session ends 8 hours from now.
    session_of(&app, &client).await;
    let stored = session::Entity::find()
        .one(&app.database.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        stored.expires_at > chrono::Utc::now() + chrono::Duration::hours(7),
        "{}",
        stored.expires_at
    );
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

/// 24 wrong passwords at once for one account: every one is answered « identifiants
/// incorrects » and counted. Before, they all passed the check before any was counted, the
/// counter ended far below 24, and one answered HTTP 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_guesses_are_all_counted() {
    use app::entities::login_throttle;
    use sea_orm::EntityTrait;
    let app = TestApp::spawn().await;
    let guesses = (0..24).map(|i| {
        let (app, client) = (&app, app.client());
        async move {
            login(app, &client, "direction", &format!("devine-{i}"))
                .await
                .status()
        }
    });
    let statuses = futures::future::join_all(guesses).await;
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let counted = login_throttle::Entity::find_by_id("paire:direction|127.0.0.1".to_owned())
        .one(&app.database.db)
        .await
        .unwrap()
        .expect("the failures are counted");
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(counted.failures as usize, refused, "{statuses:?}");
    assert!(refused >= 5, "{statuses:?}");
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
                ("teacher[civility]", "M"),
                ("teacher[last_name]", "Intrus"),
                ("teacher[first_name]", "Paul"),
                ("teacher[login]", "intrus"),
                ("teacher[class_id]", ""),
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
    assert_eq!(rows.len(), 4);
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
    assert_eq!(response.headers()[LOCATION], "/connexion/code");
    let code_page = client.get(app.url("/connexion/code")).send().await.unwrap();
    assert!(
        code_page
            .text()
            .await
            .unwrap()
            .contains("Code à six chiffres")
    );
    let code = code_for(server::demo::DIRECTOR_TOTP_SECRET, chrono::Utc::now()).unwrap();
    let response = client
        .post(app.url("/api/verify-code"))
        .header(ACCEPT, "text/html")
        .header(REFERER, app.url("/connexion/code"))
        .form(&[("code", code.as_str())])
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
async fn the_login_never_sends_people_to_another_site() {
    let app = TestApp::spawn().await;
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\\evil.example",
        "//evil.example",
    ] {
        let client = app.client();
        let response = client
            .post(app.url("/api/login"))
            .header(ACCEPT, "text/html")
            .header(REFERER, app.url("/connexion"))
            .form(&[
                ("login", "enseignant"),
                ("password", "demo-enseignant"),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FOUND, "{next:?}");
        assert_eq!(response.headers()[LOCATION], "/", "{next:?}");
    }
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
            city: None,
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

#[tokio::test]
async fn a_one_time_password_only_lets_its_owner_choose_a_new_one() {
    use app::wire::accounts::IssuedPassword;
    let app = TestApp::spawn().await;
    let director = app.client();
    login(&app, &director, "direction", "demo-direction").await;
    let created = director
        .post(app.url("/api/create-teacher"))
        .form(&[
            ("teacher[civility]", "Mme"),
            ("teacher[last_name]", "Roux"),
            ("teacher[first_name]", "Anna"),
            ("teacher[login]", "aroux"),
            ("teacher[class_id]", ""),
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
