//! Class prints, with printers made for the test: one print per person at a time and a bounded
//! number for everybody, whichever process they reach; a printer that panics, or a process that
//! stops beating a print's heartbeat, fails the print instead of leaving it « en cours »; a
//! print started through one process is downloaded through another.

use crate::support::test_db;
use app::entities::{print_job, user};
use app::error::AppError;
use app::services::print_jobs::{
    MAX_WAITING, PrintJobs, PrintOutcome, PrintRequest, Printer, STALE_AFTER,
};
use app::wire::bilan_document::BilanDocument;
use app::wire::printing::PrintJobView;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::sync::{Arc, Barrier};
use std::time::Duration;

/// Holds every print until the test lets them go.
struct Held(Arc<Barrier>);

impl Printer for Held {
    fn print(
        &self,
        _: &[BilanDocument],
        _: bool,
        _: &(dyn Fn() + Sync),
    ) -> Result<PrintOutcome, String> {
        self.0.wait();
        Ok((b"%PDF-held".to_vec(), Vec::new()))
    }
}

/// Panics as a Typst bug would.
struct Panicking;

impl Printer for Panicking {
    fn print(
        &self,
        _: &[BilanDocument],
        _: bool,
        _: &(dyn Fn() + Sync),
    ) -> Result<PrintOutcome, String> {
        panic!("index out of bounds in the layout")
    }
}

/// Prints at once, naming a pupil whose bilan failed.
struct Quick;

impl Printer for Quick {
    fn print(
        &self,
        _: &[BilanDocument],
        each: bool,
        printed: &(dyn Fn() + Sync),
    ) -> Result<PrintOutcome, String> {
        printed();
        let failed = vec![("BAZIN Violetta".to_owned(), "texte illisible".to_owned())];
        Ok((format!("%PDF-quick each={each}").into_bytes(), failed))
    }
}

fn request(owner: i32) -> PrintRequest {
    PrintRequest {
        owner,
        label: "CM2 — Trimestre 1".into(),
        file_name: "Bilans.pdf".into(),
        each: false,
        documents: Vec::new(),
        left_out: vec![("ALBA Jean".into(), "il manque l'appréciation".into())],
    }
}

/// `count` accounts, for the prints' owners.
async fn people(db: &DatabaseConnection, count: usize) -> Vec<i32> {
    let mut ids = Vec::new();
    for n in 0..count {
        let person = user::ActiveModel {
            login: Set(format!("personne{n}")),
            last_name: Set(format!("Personne{n}")),
            first_name: Set("Test".into()),
            must_change_password: Set(false),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        };
        ids.push(
            user::Entity::insert(person)
                .exec(db)
                .await
                .unwrap()
                .last_insert_id,
        );
    }
    ids
}

/// The person's latest print once it is no longer « en cours ».
async fn settled(jobs: &PrintJobs, owner: i32) -> PrintJobView {
    for _ in 0..250 {
        let job = jobs.of(owner).await.unwrap().remove(0);
        if !job.running() {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the print stays « en cours »")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_class_print_per_person_and_a_bounded_number_for_everybody() {
    let database = test_db().await;
    let owners = people(&database.db, MAX_WAITING as usize + 1).await;
    // Two prints lay out at once; the barrier lets them (and the test) go together.
    let barrier = Arc::new(Barrier::new(3));
    let jobs = PrintJobs::new(database.db.clone(), Held(barrier.clone()));
    // Another process on the same database: the same limits.
    let other = PrintJobs::new(database.db.clone(), Quick);
    jobs.start(request(owners[0])).await.unwrap();
    let again = other.start(request(owners[0])).await.unwrap_err();
    assert!(
        again.to_string().contains("déjà en cours pour vous"),
        "{again}"
    );
    for &owner in &owners[1..MAX_WAITING as usize] {
        jobs.start(request(owner)).await.unwrap();
    }
    let crowded = other
        .start(request(owners[MAX_WAITING as usize]))
        .await
        .unwrap_err();
    assert!(
        crowded
            .to_string()
            .contains("réessayez dans quelques minutes"),
        "{crowded}"
    );
    // A download without JavaScript is under the same limits.
    assert!(matches!(
        jobs.print_now(request(owners[0])).await,
        Err(AppError::Invalid(_))
    ));
    // Let every print through, two at a time.
    let release = {
        let barrier = barrier.clone();
        std::thread::spawn(move || {
            for _ in 0..MAX_WAITING / 2 {
                barrier.wait();
            }
        })
    };
    release.join().unwrap();
    let job = settled(&other, owners[0]).await;
    assert!(job.ready, "{job:?}");
    // The file is there for its owner through either process, and for nobody else.
    let file = other.file(owners[0], job.id).await.unwrap().unwrap();
    assert_eq!(file.bytes, b"%PDF-held");
    assert!(other.file(owners[1], job.id).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_print_started_through_one_process_downloads_through_another() {
    let database = test_db().await;
    let owner = people(&database.db, 1).await[0];
    let (one, other) = (
        PrintJobs::new(database.db.clone(), Quick),
        PrintJobs::new(database.db.clone(), Panicking),
    );
    let started = one.start(request(owner)).await.unwrap();
    assert_eq!(started.total, 0);
    let job = settled(&other, owner).await;
    assert_eq!(job.id, started.id);
    assert!(job.ready, "{job:?}");
    assert_eq!(
        job.left_out,
        [
            "ALBA Jean : il manque l'appréciation",
            "BAZIN Violetta : texte illisible"
        ]
    );
    let file = other.file(owner, job.id).await.unwrap().unwrap();
    assert_eq!(file.bytes, b"%PDF-quick each=false");
    assert_eq!(file.content_type, "application/pdf");
    // A download at once is in the list too; only the latest prints are kept.
    for _ in 0..4 {
        let printed = one
            .print_now(PrintRequest {
                each: true,
                ..request(owner)
            })
            .await
            .unwrap();
        assert_eq!(printed.content_type, "application/zip");
    }
    assert_eq!(other.of(owner).await.unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_printer_that_panics_fails_its_print_with_a_message() {
    let database = test_db().await;
    let owners = people(&database.db, 2).await;
    let jobs = PrintJobs::new(database.db.clone(), Panicking);
    let started = jobs.start(request(owners[0])).await.unwrap();
    let job = settled(&jobs, owners[0]).await;
    assert_eq!(job.id, started.id);
    assert!(job.failed, "{job:?}");
    assert!(jobs.file(owners[0], job.id).await.unwrap().is_none());
    // The person is free to print again, and a download at once fails cleanly too.
    jobs.start(request(owners[0])).await.unwrap();
    assert_eq!(
        jobs.print_now(request(owners[1])).await.unwrap_err(),
        AppError::Internal
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_print_whose_process_stopped_is_failed_and_frees_its_owner() {
    let database = test_db().await;
    let owner = people(&database.db, 1).await[0];
    let barrier = Arc::new(Barrier::new(2));
    let jobs = PrintJobs::new(database.db.clone(), Held(barrier.clone()));
    let started = jobs.start(request(owner)).await.unwrap();
    assert!(jobs.of(owner).await.unwrap()[0].running());
    // As if its process had died: nobody beats its heartbeat any more.
    print_job::Entity::update_many()
        .col_expr(
            print_job::Column::HeartbeatAt,
            Expr::value(chrono::Utc::now() - STALE_AFTER * 2),
        )
        .filter(print_job::Column::Id.eq(started.id as i64))
        .exec(&database.db)
        .await
        .unwrap();
    let other = PrintJobs::new(database.db.clone(), Quick);
    let lost = other.of(owner).await.unwrap().remove(0);
    assert!(lost.failed, "{lost:?}");
    // Its owner may print again at once.
    other.start(request(owner)).await.unwrap();
    barrier.wait();
}
