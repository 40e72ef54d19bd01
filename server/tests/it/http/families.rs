//! The families' space and publishing over HTTP.

use super::*;

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
            ("responsable[student_id]", &henoler.to_string()),
            ("responsable[civility]", "MME"),
            ("responsable[last_name]", "Bazin"),
            ("responsable[first_name]", "Sophie"),
            ("responsable[email]", ""),
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
