//! A class's bilans printed in the background: the page starts a print and follows its
//! progress, and the person may leave the page meanwhile; the file waits for them (in memory,
//! for a while) and only they can download it.

use crate::wire::bilan_document::BilanDocument;
use crate::wire::printing::PrintJobView;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long a finished print waits for its download.
const KEPT_FOR: Duration = Duration::from_secs(30 * 60);

/// A printed file, and the pupils whose bilan failed to print, each with why.
pub type PrintOutcome = (Vec<u8>, Vec<(String, String)>);

/// What prints bilans: the server's PDF engine (this crate has none).
pub trait Printer: Send + Sync + 'static {
    /// One PDF holding every bilan (each from an odd page), or, `each`, a ZIP of one PDF per
    /// bilan, with the pupils whose bilan failed to print and why; `printed` is told after each
    /// bilan laid out.
    fn print(
        &self,
        documents: &[BilanDocument],
        each: bool,
        printed: &(dyn Fn() + Sync),
    ) -> Result<PrintOutcome, String>;
}

/// A file ready to download.
pub struct Printed {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Arc<Vec<u8>>,
}

/// A finished print: the file, and « NOM Prénom : why » for each bilan that failed to print.
type Finished = (Arc<Vec<u8>>, Vec<String>);

struct Job {
    owner: i32,
    label: String,
    file_name: String,
    content_type: &'static str,
    total: usize,
    left_out: Vec<String>,
    printed: AtomicUsize,
    /// The file, and the pupils whose bilan failed to print.
    outcome: OnceLock<Result<Finished, String>>,
    started: Instant,
}

/// The prints under way and those waiting for their download, shared by every request.
#[derive(Clone)]
pub struct PrintJobs {
    printer: Arc<dyn Printer>,
    jobs: Arc<Mutex<HashMap<u64, Arc<Job>>>>,
}

/// What to print, and under which name.
pub struct PrintRequest {
    pub owner: i32,
    /// « CM2 M. Durand — Trimestre 1 ».
    pub label: String,
    pub file_name: String,
    pub each: bool,
    pub documents: Vec<BilanDocument>,
    /// The pupils left out, each with why.
    pub left_out: Vec<(String, String)>,
}

impl PrintJobs {
    pub fn new(printer: impl Printer) -> Self {
        Self {
            printer: Arc::new(printer),
            jobs: Arc::default(),
        }
    }

    /// The prints of the last `KEPT_FOR`: older ones are forgotten here, whoever asks.
    fn jobs(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Job>>> {
        // A panic while holding the lock leaves the map itself whole.
        let mut jobs = self
            .jobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        jobs.retain(|_, job| job.started.elapsed() < KEPT_FOR);
        jobs
    }

    /// Starts a print on a blocking thread; returns its id (random: ids are not guessable, and
    /// each is checked against its owner anyway).
    pub fn start(&self, request: PrintRequest) -> PrintJobView {
        let id = rand::random::<u64>() >> 11; // exact in a JavaScript number
        let job = Arc::new(Job {
            owner: request.owner,
            label: request.label,
            file_name: request.file_name,
            content_type: match request.each {
                true => "application/zip",
                false => "application/pdf",
            },
            total: request.documents.len(),
            left_out: request.left_out.iter().map(left_out).collect(),
            printed: AtomicUsize::new(0),
            outcome: OnceLock::new(),
            started: Instant::now(),
        });
        self.jobs().insert(id, job.clone());
        let printer = self.printer.clone();
        let running = job.clone();
        let documents = request.documents;
        let each = request.each;
        tokio::task::spawn_blocking(move || {
            let printed = || {
                running.printed.fetch_add(1, Ordering::Relaxed);
            };
            let outcome = printer
                .print(&documents, each, &printed)
                .map(|(bytes, failed)| (Arc::new(bytes), failed.iter().map(left_out).collect()));
            if let Err(error) = &outcome {
                tracing::error!("printing bilans: {error}");
            }
            running.printed.store(running.total, Ordering::Relaxed);
            let _ = running.outcome.set(outcome);
        });
        view(id, &job)
    }

    /// The person's prints, newest first.
    pub fn of(&self, owner: i32) -> Vec<PrintJobView> {
        let jobs = self.jobs();
        let mut theirs: Vec<(&u64, &Arc<Job>)> =
            jobs.iter().filter(|(_, job)| job.owner == owner).collect();
        theirs.sort_by_key(|(_, job)| std::cmp::Reverse(job.started));
        theirs.into_iter().map(|(id, job)| view(*id, job)).collect()
    }

    /// A finished print of this person's.
    pub fn file(&self, owner: i32, id: u64) -> Option<Printed> {
        let jobs = self.jobs();
        let job = jobs.get(&id).filter(|job| job.owner == owner)?;
        let bytes = job.outcome.get()?.as_ref().ok()?.0.clone();
        Some(Printed {
            file_name: job.file_name.clone(),
            content_type: job.content_type,
            bytes,
        })
    }
}

fn view(id: u64, job: &Job) -> PrintJobView {
    let outcome = job.outcome.get();
    PrintJobView {
        id,
        label: job.label.clone(),
        file_name: job.file_name.clone(),
        printed: job.printed.load(Ordering::Relaxed).min(job.total),
        total: job.total,
        ready: matches!(outcome, Some(Ok(_))),
        failed: matches!(outcome, Some(Err(_))),
        left_out: job
            .left_out
            .iter()
            .chain(
                outcome
                    .and_then(|o| o.as_ref().ok())
                    .into_iter()
                    .flat_map(|(_, failed)| failed),
            )
            .cloned()
            .collect(),
    }
}

/// « BAZIN Violetta : il manque … ».
fn left_out((name, why): &(String, String)) -> String {
    format!("{name} : {why}")
}
