//! The limits of class prints, with printers made for the test: one print per person at a
//! time, a bounded number for everybody, and a printer that panics fails its print instead of
//! leaving it « en cours ».

use app::error::AppError;
use app::services::print_jobs::{MAX_WAITING, PrintJobs, PrintOutcome, PrintRequest, Printer};
use app::wire::bilan_document::BilanDocument;
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
        Ok((b"%PDF-".to_vec(), Vec::new()))
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

fn request(owner: i32) -> PrintRequest {
    PrintRequest {
        owner,
        label: "CM2 — Trimestre 1".into(),
        file_name: "Bilans.pdf".into(),
        each: false,
        documents: Vec::new(),
        left_out: Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_class_print_per_person_and_a_bounded_number_for_everybody() {
    // Two prints lay out at once; the barrier lets them (and the test) go together.
    let barrier = Arc::new(Barrier::new(3));
    let jobs = PrintJobs::new(Held(barrier.clone()));
    jobs.start(request(1)).unwrap();
    let again = jobs.start(request(1)).unwrap_err();
    assert!(
        again.to_string().contains("déjà en cours pour vous"),
        "{again}"
    );
    for owner in 2..=MAX_WAITING as i32 {
        jobs.start(request(owner)).unwrap();
    }
    let crowded = jobs.start(request(1000)).unwrap_err();
    assert!(
        crowded
            .to_string()
            .contains("réessayez dans quelques minutes"),
        "{crowded}"
    );
    // A download without JavaScript is under the same limits.
    assert!(matches!(
        jobs.print_now(1, Vec::new(), false).await,
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
    for _ in 0..100 {
        if jobs.of(1).first().is_some_and(|job| job.ready) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(jobs.of(1)[0].ready);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_printer_that_panics_fails_its_print_with_a_message() {
    let jobs = PrintJobs::new(Panicking);
    let started = jobs.start(request(7)).unwrap();
    let mut job = jobs.of(7).remove(0);
    for _ in 0..100 {
        if job.failed {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        job = jobs.of(7).remove(0);
    }
    assert_eq!(job.id, started.id);
    assert!(job.failed, "the print stays « en cours »: {job:?}");
    // The person is free to print again, and a download at once fails cleanly too.
    jobs.start(request(7)).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        jobs.print_now(8, Vec::new(), true).await.unwrap_err(),
        AppError::Internal
    );
}
