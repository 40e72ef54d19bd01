//! Pages and server functions under load, against a `livret serve` process.

use super::*;

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
            .env("LIVRET_SECRET_KEY_FILE", dir.path().join("livret.key"))
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
    let code = code_for(server::demo::DIRECTOR_TOTP_SECRET, chrono::Utc::now()).unwrap();
    let verified = director
        .post(url("/api/verify-code"))
        .form(&[("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert!(verified.status().is_success(), "{}", verified.status());
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
