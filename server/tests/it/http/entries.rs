//! Collective entries, bilan actions, synchronisation and a pupil's bilan over HTTP.

use super::*;

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
    assert_eq!(all.classes.len(), 3, "the director fills in every class");
    let cp = all
        .classes
        .iter()
        .find(|class| class.label.starts_with("CP"))
        .unwrap();
    let period_id = cp.periods[0].id;
    let cp_writes = [
        (
            "/api/save-acquis",
            serde_json::json!({ "key": { "class_id": cp.id, "period_id": period_id, "domain_code": "FRA-LGO" }, "changes": [] }),
        ),
        (
            "/api/save-programme-list",
            serde_json::json!({ "key": { "class_id": cp.id, "level": "Cp", "period_id": period_id, "domain_code": "FRA-LGO" }, "was": [], "items": ["Lire"] }),
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
            "key": {
                "class_id": cm2,
                "period_id": own.selection.unwrap().period.id,
                "domain_code": "FRA-LGO",
            },
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
        serde_json::json!({ "request": {
            "class_id": class_id,
            "period_id": cp.periods[0].id,
            "action": action,
            "student_ids": [],
        }})
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
    // A pupil who does not exist answers as someone else's does: ids cannot be probed (before,
    // « Élève introuvable » told them apart).
    let nobody = serde_json::json!({ "student_id": 999_999, "period_id": period_id });
    for (endpoint, body) in [
        ("/api/bilan-editor", serde_json::json!({ "key": nobody })),
        (
            "/api/bilan-history",
            serde_json::json!({ "student_id": 999_999 }),
        ),
    ] {
        let answers = [
            post_json(&app, &parent, endpoint, body.clone()).await,
            post_json(&app, &teacher, endpoint, body.clone()).await,
        ];
        for response in answers {
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{endpoint}");
            assert_eq!(error_of(response).await, AppError::Forbidden, "{endpoint}");
        }
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
