//! Several `livret serve` processes on one database, as behind a reverse proxy: a person logs
//! in through one and works through the other (the grid, a class print and its download), and
//! a class print whose process is killed with SIGKILL is reported failed through the other,
//! never left « en cours ». On PostgreSQL when `LIVRET_TEST_POSTGRES_URL` is set, else on one
//! SQLite file.

use crate::support::process::{Livret, demo_teacher, free_port};
use crate::support::test_db;
use app::domain::Positionnement;
use app::wire::printing::PrintJobView;
use app::wire::saisie::{AcquisChange, AcquisOutcome, AcquisSaved, GridKey};
use std::time::{Duration, Instant};

/// The person's prints, asked through `url`.
async fn prints(client: &reqwest::Client, url: &str) -> Vec<PrintJobView> {
    client
        .post(format!("{url}/api/print-jobs"))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The print `id` once it is no longer « en cours », asked through `url`.
async fn settled(client: &reqwest::Client, url: &str, id: u64, within: Duration) -> PrintJobView {
    let deadline = Instant::now() + within;
    loop {
        let job = prints(client, url)
            .await
            .into_iter()
            .find(|job| job.id == id)
            .expect("the print is in the list");
        if !job.running() {
            return job;
        }
        assert!(Instant::now() < deadline, "still « en cours »: {job:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn start_print(
    client: &reqwest::Client,
    url: &str,
    class: i32,
    period: i32,
    each: bool,
) -> PrintJobView {
    let answer = client
        .post(format!("{url}/api/start-class-print"))
        .json(&serde_json::json!({ "class_id": class, "period_id": period, "each": each }))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
    answer.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_logs_in_through_one_process_and_works_through_another() {
    let database = test_db().await;
    let livret = Livret::on(&database.url);
    let (one_port, other_port) = (free_port(), free_port());
    // The first process creates the demo school; the second starts on the same database.
    let mut one = livret.serve_with(one_port, &["--demo"]).await;
    let mut other = livret.serve(other_port).await;
    let (one_url, other_url) = (
        format!("http://127.0.0.1:{one_port}"),
        format!("http://127.0.0.1:{other_port}"),
    );
    let db = &database.db;
    let teacher = crate::support::actor(db, "enseignant").await;
    let cm2 = crate::support::demo_class(db, "CM2").await.id;
    let trimestres = crate::support::trimestres(db).await;

    // Logged in through the first process.
    let client = demo_teacher(&one_url).await;

    // The grid, through the other process.
    let key = GridKey {
        class_id: cm2,
        period_id: trimestres[1],
        domain_code: "FRA-LGO".to_owned(),
    };
    let grid = app::services::acquis::grid(db, &teacher, &key)
        .await
        .unwrap();
    let row = &grid.rows[0];
    let now = Some(match row.value {
        Some(Positionnement::Atteints) => Positionnement::Depasses,
        _ => Positionnement::Atteints,
    });
    let change = AcquisChange {
        student_id: row.student_id,
        was: row.value,
        now,
    };
    let saved: Vec<AcquisSaved> = client
        .post(format!("{other_url}/api/save-acquis"))
        .json(&serde_json::json!({ "key": key, "changes": [change] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(saved[0].outcome, AcquisOutcome::Saved);
    let grid = app::services::acquis::grid(db, &teacher, &key)
        .await
        .unwrap();
    assert_eq!(grid.rows[0].value, now);

    // A class print started through the other process is followed and downloaded through the
    // first.
    let started = start_print(&client, &other_url, cm2, trimestres[0], false).await;
    let job = settled(&client, &one_url, started.id, Duration::from_secs(120)).await;
    assert!(job.ready, "{job:?}");
    assert_eq!(job.printed, job.total);
    let file = client
        .get(format!("{one_url}{}", job.href()))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), reqwest::StatusCode::OK);
    assert_eq!(file.headers()["content-type"], "application/pdf");
    assert!(file.bytes().await.unwrap().starts_with(b"%PDF-"));

    // A print whose process is killed midway is reported failed through the first.
    let started = start_print(&client, &other_url, cm2, trimestres[0], true).await;
    other.kill().unwrap(); // SIGKILL
    other.wait().unwrap();
    let killed_midway = prints(&client, &one_url)
        .await
        .iter()
        .any(|job| job.id == started.id && job.running());
    assert!(killed_midway, "the kill landed while the ZIP was printed");
    let job = settled(&client, &one_url, started.id, Duration::from_secs(30)).await;
    assert!(job.failed, "{job:?}");
    // The person may print again at once, through the process that is left.
    let again = start_print(&client, &one_url, cm2, trimestres[0], true).await;
    let job = settled(&client, &one_url, again.id, Duration::from_secs(120)).await;
    assert!(job.ready, "{job:?}");
    one.kill().unwrap();
    one.wait().unwrap();
}
