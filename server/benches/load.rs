//! Load generator: simulated teachers of a generated académie (`livret demo academie`) against a
//! running Livret. Each logs in, opens their class's acquis grid, then saves 1 to 3 changed cells
//! at a random pause around `--intervalle-ms`; a share of the actions (`--lectures`) opens a
//! pupil's bilan and asks for its PDF instead. At the end it prints saves per second, their
//! p50/p95/p99/max latency, errors and conflicts.
//!
//! ```sh
//! livret demo academie --ecoles 50 --eleves 10000      # on the server's database, once
//! livret serve                                         # the release build
//! cargo bench -p server --bench load -- --url http://127.0.0.1:3000 --enseignants 400 --duree 60
//! ```

use app::domain::Positionnement;
use app::wire::saisie::{
    AcquisChange, AcquisOutcome, AcquisSaved, AcquisView, GridKey, SaisiePage,
};
use clap::Parser;
use rand::Rng;
use server::demo::academie::{TEACHER_PASSWORD, teacher_login};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

#[derive(Parser, Debug)]
#[command(about = "Essai de charge : des enseignantes simulées enregistrent leurs grilles.")]
struct Args {
    /// Where Livret answers.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    url: String,
    /// Schools of the generated académie to use (`--ecoles` of `livret demo academie`).
    #[arg(long, default_value_t = 50)]
    ecoles: usize,
    /// Classes per school to use (8 for 10,000 pupils in 50 schools).
    #[arg(long, default_value_t = 8)]
    classes: usize,
    /// Simulated teachers, each with a session of their own (several share an account when
    /// there are more than ecoles × classes).
    #[arg(long, default_value_t = 400)]
    enseignants: usize,
    /// Seconds of saving, after everyone has logged in.
    #[arg(long, default_value_t = 60)]
    duree: u64,
    /// Mean pause between two actions of a teacher, in milliseconds.
    #[arg(long, default_value_t = 2_000)]
    intervalle_ms: u64,
    /// Share of actions that open a pupil's bilan and ask for its PDF instead of saving.
    #[arg(long, default_value_t = 0.01)]
    lectures: f64,
    /// Given by `cargo bench`.
    #[arg(long, hide = true)]
    bench: bool,
}

#[derive(Default)]
struct Counts {
    saves: AtomicU64,
    cells: AtomicU64,
    conflicts: AtomicU64,
    errors: AtomicU64,
    readings: AtomicU64,
    pdfs: AtomicU64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let counts = Arc::new(Counts::default());
    let latencies = Arc::new(Mutex::new(Vec::<u32>::new()));
    println!(
        "{} enseignantes simulées sur {} : connexion…",
        args.enseignants, args.url
    );
    let started = Instant::now();
    // Logins are deliberately slow (Argon2): they come first, a few at a time, then everyone
    // starts together.
    let logins = Arc::new(tokio::sync::Semaphore::new(8));
    let ready = Arc::new(tokio::sync::Barrier::new(args.enseignants + 1));
    let mut teachers = Vec::new();
    for number in 0..args.enseignants {
        let login = teacher_login(number % args.ecoles, (number / args.ecoles) % args.classes);
        let (url, counts, latencies, logins, ready) = (
            args.url.clone(),
            counts.clone(),
            latencies.clone(),
            logins.clone(),
            ready.clone(),
        );
        let (duration, interval, reading) = (
            Duration::from_secs(args.duree),
            args.intervalle_ms,
            args.lectures,
        );
        teachers.push(tokio::spawn(async move {
            let session = {
                let _turn = logins.acquire().await;
                Teacher::log_in(&url, &login).await
            };
            ready.wait().await;
            let mut teacher = session?;
            let deadline = Instant::now() + duration;
            while Instant::now() < deadline {
                let pause = rand::rng().random_range(interval / 2..=interval * 3 / 2);
                tokio::time::sleep(Duration::from_millis(pause)).await;
                if rand::rng().random_bool(reading) {
                    teacher.read_a_bilan(&counts).await;
                } else {
                    teacher.save(&counts, &latencies).await;
                }
            }
            anyhow::Ok(())
        }));
    }
    ready.wait().await;
    println!(
        "connectées en {:.1} s ; {} s d'enregistrements…",
        started.elapsed().as_secs_f64(),
        args.duree
    );
    let saving = Instant::now();
    for teacher in teachers {
        if let Err(error) = teacher.await? {
            counts.errors.fetch_add(1, Ordering::Relaxed);
            eprintln!("une enseignante n'a pas pu travailler : {error:#}");
        }
    }
    let elapsed = saving.elapsed().as_secs_f64();
    let mut latencies = latencies.lock().await.clone();
    latencies.sort_unstable();
    let quantile = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |micros| f64::from(*micros) / 1000.0)
    };
    let saves = counts.saves.load(Ordering::Relaxed);
    println!(
        "enregistrements : {saves} en {elapsed:.1} s, soit {:.0}/s ({} cases)",
        saves as f64 / elapsed,
        counts.cells.load(Ordering::Relaxed)
    );
    println!(
        "latence : p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        quantile(0.50),
        quantile(0.95),
        quantile(0.99),
        quantile(1.0)
    );
    println!(
        "erreurs : {} ; conflits : {} ; bilans ouverts : {} ; PDF demandés : {}",
        counts.errors.load(Ordering::Relaxed),
        counts.conflicts.load(Ordering::Relaxed),
        counts.readings.load(Ordering::Relaxed),
        counts.pdfs.load(Ordering::Relaxed)
    );
    Ok(())
}

/// A teacher's session and their grid as they last saw it.
struct Teacher {
    url: String,
    client: reqwest::Client,
    key: GridKey,
    /// (pupil, value the server holds).
    cells: Vec<(i32, Option<Positionnement>)>,
}

impl Teacher {
    async fn log_in(url: &str, login: &str) -> anyhow::Result<Teacher> {
        let client = reqwest::Client::builder().cookie_store(true).build()?;
        let answer = client
            .post(format!("{url}/api/login"))
            .form(&[
                ("login", login),
                ("password", TEACHER_PASSWORD),
                ("next", ""),
            ])
            .send()
            .await?;
        anyhow::ensure!(
            answer.status().is_success(),
            "{login} : connexion {}",
            answer.status()
        );
        let page: SaisiePage<AcquisView> = client
            .post(format!("{url}/api/acquis-page"))
            .json(&serde_json::json!({ "query": {} }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let selection = page
            .selection
            .ok_or_else(|| anyhow::anyhow!("{login} : aucune classe"))?;
        let domain = selection
            .domain
            .ok_or_else(|| anyhow::anyhow!("{login} : aucun domaine"))?;
        let grid = page
            .content
            .ok_or_else(|| anyhow::anyhow!("{login} : aucune grille"))?;
        Ok(Teacher {
            url: url.to_owned(),
            client,
            key: GridKey {
                class_id: selection.class.id,
                period_id: selection.period.id,
                domain_code: domain.code,
            },
            cells: grid
                .rows
                .iter()
                .map(|row| (row.student_id, row.value))
                .collect(),
        })
    }

    /// Changes 1 to 3 cells, as the grid sends them.
    async fn save(&mut self, counts: &Counts, latencies: &Mutex<Vec<u32>>) {
        let changes: Vec<AcquisChange> = {
            let mut rng = rand::rng();
            let count = rng.random_range(1..=3).min(self.cells.len());
            rand::seq::index::sample(&mut rng, self.cells.len(), count)
                .into_iter()
                .map(|index| {
                    let (student_id, was) = self.cells[index];
                    let now = loop {
                        let value = Some(Positionnement::ALL[rng.random_range(0..5)]);
                        if value != was {
                            break value;
                        }
                    };
                    AcquisChange {
                        student_id,
                        was,
                        now,
                    }
                })
                .collect()
        };
        let sent = Instant::now();
        let answer = self
            .client
            .post(format!("{}/api/save-acquis", self.url))
            .json(&serde_json::json!({ "key": self.key, "changes": changes }))
            .send()
            .await;
        let saved: Option<Vec<AcquisSaved>> = match answer {
            Ok(answer) if answer.status().is_success() => answer.json().await.ok(),
            _ => None,
        };
        let took = sent.elapsed();
        let Some(saved) = saved else {
            counts.errors.fetch_add(1, Ordering::Relaxed);
            return;
        };
        latencies
            .lock()
            .await
            .push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
        counts.saves.fetch_add(1, Ordering::Relaxed);
        counts
            .cells
            .fetch_add(changes.len() as u64, Ordering::Relaxed);
        for (change, outcome) in changes.iter().zip(saved) {
            let cell = self
                .cells
                .iter_mut()
                .find(|(id, _)| *id == change.student_id);
            match (outcome.outcome, cell) {
                (AcquisOutcome::Saved, Some(cell)) => cell.1 = change.now,
                (AcquisOutcome::Conflict { current }, Some(cell)) => {
                    counts.conflicts.fetch_add(1, Ordering::Relaxed);
                    cell.1 = current;
                }
                _ => {}
            }
        }
    }

    /// Opens a pupil's bilan, and asks for its PDF (refused while the bilan is incomplete).
    async fn read_a_bilan(&mut self, counts: &Counts) {
        let pupil = self.cells[rand::rng().random_range(0..self.cells.len())].0;
        let key = serde_json::json!({ "student_id": pupil, "period_id": self.key.period_id });
        let opened = self
            .client
            .post(format!("{}/api/bilan-editor", self.url))
            .json(&serde_json::json!({ "key": key }))
            .send()
            .await;
        match opened {
            Ok(answer) if answer.status().is_success() => {
                counts.readings.fetch_add(1, Ordering::Relaxed)
            }
            _ => counts.errors.fetch_add(1, Ordering::Relaxed),
        };
        let pdf = self
            .client
            .get(format!(
                "{}/bilans/pdf?eleve={pupil}&periode={}",
                self.url, self.key.period_id
            ))
            .send()
            .await;
        match pdf {
            // A PDF, or « ne peut pas encore être édité » for an incomplete bilan.
            Ok(answer) if answer.status().is_success() || answer.status().as_u16() == 422 => {
                counts.pdfs.fetch_add(1, Ordering::Relaxed)
            }
            _ => counts.errors.fetch_add(1, Ordering::Relaxed),
        };
    }
}
