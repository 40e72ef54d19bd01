//! A class's bilans printed in the background: the page starts a print and follows its
//! progress, and the person may leave the page meanwhile; the file waits for them (in memory,
//! for a while) and only they can download it.
//!
//! Printing a class takes the server's cores for seconds, so it is bounded: one class print
//! per person at a time, at most `MAX_PRINTING` at once for everybody (the others wait their
//! turn), at most `MAX_WAITING` under way in all (more are refused, with a message), and a
//! print that panics fails with a message instead of staying « en cours ». Logins never wait
//! behind prints: password hashing has its own turns (`passwords`).

use crate::error::{AppError, Result};
use crate::wire::bilan_document::BilanDocument;
use crate::wire::printing::PrintJobView;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long a finished print waits for its download.
const KEPT_FOR: Duration = Duration::from_secs(30 * 60);
/// Class prints laid out at once (each uses every core).
pub const MAX_PRINTING: usize = 2;
/// Class prints under way (printing or waiting their turn) for everybody.
pub const MAX_WAITING: usize = 16;
/// Finished prints kept per person: the latest ones.
const KEPT_PER_PERSON: usize = 3;

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
    /// The people with a class print under way (in the background or downloaded at once).
    busy: Arc<Mutex<HashSet<i32>>>,
    /// Turns to lay out a class.
    turns: Arc<tokio::sync::Semaphore>,
}

/// A person's class print under way: they get no other until it is dropped.
struct Claim {
    busy: Arc<Mutex<HashSet<i32>>>,
    owner: i32,
}

impl Drop for Claim {
    fn drop(&mut self) {
        lock(&self.busy).remove(&self.owner);
    }
}

/// A lock whose holder panicked is still whole here: what it guards is updated in one step.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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
            busy: Arc::default(),
            turns: Arc::new(tokio::sync::Semaphore::new(MAX_PRINTING)),
        }
    }

    /// The prints of the last `KEPT_FOR`: older ones are forgotten here, whoever asks.
    fn jobs(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Job>>> {
        let mut jobs = lock(&self.jobs);
        jobs.retain(|_, job| job.started.elapsed() < KEPT_FOR);
        jobs
    }

    /// A class print for `owner`, refused while they have one under way or when the server
    /// has too many.
    fn claim(&self, owner: i32) -> Result<Claim> {
        let mut busy = lock(&self.busy);
        if busy.contains(&owner) {
            return Err(AppError::invalid(
                "impression",
                "une impression de classe est déjà en cours pour vous : attendez qu'elle soit \
                 prête",
            ));
        }
        if busy.len() >= MAX_WAITING {
            return Err(AppError::invalid(
                "impression",
                "le serveur imprime déjà beaucoup de classes : réessayez dans quelques minutes",
            ));
        }
        busy.insert(owner);
        Ok(Claim {
            busy: self.busy.clone(),
            owner,
        })
    }

    /// Prints at once, for a download without JavaScript: the same limits as `start`.
    pub async fn print_now(
        &self,
        owner: i32,
        documents: Vec<BilanDocument>,
        each: bool,
    ) -> Result<PrintOutcome> {
        let _claim = self.claim(owner)?;
        let _turn = self
            .turns
            .acquire()
            .await
            .map_err(|e| AppError::internal("print turn", e))?;
        let printer = self.printer.clone();
        tokio::task::spawn_blocking(move || print_safely(&*printer, &documents, each, &|| {}))
            .await
            .map_err(|e| AppError::internal("print task", e))?
            .map_err(|error| AppError::internal("printing bilans", error))
    }

    /// Starts a print in the background, once its turn comes; returns its id (random: ids are
    /// not guessable, and each is checked against its owner anyway).
    pub fn start(&self, request: PrintRequest) -> Result<PrintJobView> {
        let claim = self.claim(request.owner)?;
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
        {
            let mut jobs = self.jobs();
            // Only the person's latest finished prints wait for them.
            let mut finished: Vec<(u64, Instant)> = jobs
                .iter()
                .filter(|(_, old)| old.owner == job.owner && old.outcome.get().is_some())
                .map(|(id, old)| (*id, old.started))
                .collect();
            finished.sort_by_key(|(_, started)| std::cmp::Reverse(*started));
            for (old, _) in finished.into_iter().skip(KEPT_PER_PERSON - 1) {
                jobs.remove(&old);
            }
            jobs.insert(id, job.clone());
        }
        let (printer, turns) = (self.printer.clone(), self.turns.clone());
        let running = job.clone();
        let documents = request.documents;
        let each = request.each;
        tokio::spawn(async move {
            let _claim = claim;
            let outcome = match turns.acquire_owned().await {
                Err(error) => Err(format!("print turn: {error}")),
                Ok(turn) => {
                    let counting = running.clone();
                    let printed = tokio::task::spawn_blocking(move || {
                        let _turn = turn;
                        let printed = || {
                            counting.printed.fetch_add(1, Ordering::Relaxed);
                        };
                        print_safely(&*printer, &documents, each, &printed)
                    })
                    .await;
                    printed.unwrap_or_else(|error| Err(format!("print task: {error}")))
                }
            };
            let outcome = outcome
                .map(|(bytes, failed)| (Arc::new(bytes), failed.iter().map(left_out).collect()));
            if let Err(error) = &outcome {
                tracing::error!("printing bilans: {error}");
            }
            running.printed.store(running.total, Ordering::Relaxed);
            let _ = running.outcome.set(outcome);
        });
        Ok(view(id, &job))
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

/// Prints, turning a panic of the printer (Typst's, say) into a failure with a message.
fn print_safely(
    printer: &dyn Printer,
    documents: &[BilanDocument],
    each: bool,
    printed: &(dyn Fn() + Sync),
) -> std::result::Result<PrintOutcome, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        printer.print(documents, each, printed)
    }))
    .unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(format!("the printer panicked: {why}"))
    })
}

/// « BAZIN Violetta : il manque … ».
fn left_out((name, why): &(String, String)) -> String {
    format!("{name} : {why}")
}
