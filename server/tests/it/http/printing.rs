//! Printing over HTTP: one bilan, a class, and class prints in the background.

use super::*;

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
