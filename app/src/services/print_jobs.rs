//! A class's bilans printed in the background: the page starts a print and follows its
//! progress, and the person may leave the page meanwhile; the file waits for them (for a while)
//! and only they can download it.
//!
//! The jobs, their progress and their files live in the database (`print_job`), not in one
//! process's memory: behind a reverse proxy, a print started through one app process is
//! followed and downloaded through another. The process printing a job beats its heartbeat; a
//! job whose heartbeat stopped (its process was killed or stopped) is reported failed, never
//! left « en cours ».
//!
//! Printing a class takes the server's cores for seconds, so it is bounded: one class print
//! per person at a time (the database refuses a second one, whichever process it reaches), at
//! most `MAX_PRINTING` at once per process (the others wait their turn), at most `MAX_WAITING`
//! under way in all (more are refused, with a message), and a print that panics fails with a
//! message instead of staying « en cours ». Logins never wait behind prints: password hashing
//! has its own turns (`passwords`).

use crate::entities::print_job::{self, Column, Entity};
use crate::error::{AppError, Result};
use crate::wire::bilan_document::BilanDocument;
use crate::wire::printing::PrintJobView;
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, SqlErr,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How long a print and its file wait for their download.
const KEPT_FOR: TimeDelta = TimeDelta::minutes(30);
/// Class prints laid out at once by one process (each uses every core).
pub const MAX_PRINTING: usize = 2;
/// Class prints under way (printing or waiting their turn) for everybody.
pub const MAX_WAITING: u64 = 16;
/// Finished prints kept per person: the latest ones.
const KEPT_PER_PERSON: usize = 3;
/// How often the process printing a job tells the database it is still at it, with its
/// progress.
const HEARTBEAT: Duration = Duration::from_secs(2);
/// A job not beaten for this long has lost its process.
pub const STALE_AFTER: TimeDelta = TimeDelta::seconds(15);

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
#[derive(Debug)]
pub struct Printed {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
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

/// Starts class prints and finds them, in the database; prints those started through this
/// process.
#[derive(Clone)]
pub struct PrintJobs {
    db: DatabaseConnection,
    printer: Arc<dyn Printer>,
    /// This process's turns to lay out a class.
    turns: Arc<tokio::sync::Semaphore>,
}

/// A job as the pages see it: everything but its file.
#[derive(Debug, FromQueryResult)]
struct JobRow {
    id: i64,
    label: String,
    file_name: String,
    total: i32,
    printed: i32,
    left_out: serde_json::Value,
    failure: Option<String>,
    heartbeat_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
}

fn content_type(each: bool) -> &'static str {
    match each {
        true => "application/zip",
        false => "application/pdf",
    }
}

impl PrintJobs {
    pub fn new(db: DatabaseConnection, printer: impl Printer) -> Self {
        Self {
            db,
            printer: Arc::new(printer),
            turns: Arc::new(tokio::sync::Semaphore::new(MAX_PRINTING)),
        }
    }

    /// Starts a print in the background, once its turn comes; returns it as the page shows it.
    /// Its id is random: ids are not guessable, and each is checked against its owner anyway.
    pub async fn start(&self, request: PrintRequest) -> Result<PrintJobView> {
        let (id, _) = self.spawn(request).await?;
        self.view(id).await
    }

    /// Prints at once, for a download without JavaScript: the same limits as `start`, and the
    /// print is in the person's list too.
    pub async fn print_now(&self, request: PrintRequest) -> Result<Printed> {
        let owner = request.owner;
        let (id, running) = self.spawn(request).await?;
        running
            .await
            .map_err(|error| AppError::internal("print task", error))?;
        match self.file(owner, id.unsigned_abs()).await? {
            Some(printed) => Ok(printed),
            None => Err(AppError::internal("printing bilans", "the print failed")),
        }
    }

    /// The person's prints of the last `KEPT_FOR`, newest first.
    pub async fn of(&self, owner: i32) -> Result<Vec<PrintJobView>> {
        let now = Utc::now();
        let rows = Self::rows()
            .filter(Column::OwnerId.eq(owner))
            .filter(Column::StartedAt.gt(now - KEPT_FOR))
            .order_by_desc(Column::StartedAt)
            .into_model::<JobRow>()
            .all(&self.db)
            .await
            .map_err(|e| AppError::internal("print jobs", e))?;
        Ok(rows.into_iter().map(|row| view(row, now)).collect())
    }

    /// A finished print of this person's.
    pub async fn file(&self, owner: i32, id: u64) -> Result<Option<Printed>> {
        let Ok(id) = i64::try_from(id) else {
            return Ok(None);
        };
        let job = Entity::find_by_id(id)
            .filter(Column::OwnerId.eq(owner))
            .filter(Column::StartedAt.gt(Utc::now() - KEPT_FOR))
            .filter(Column::Failure.is_null())
            .one(&self.db)
            .await
            .map_err(|e| AppError::internal("print file", e))?;
        Ok(job.and_then(|job| {
            Some(Printed {
                content_type: content_type(job.each),
                file_name: job.file_name,
                bytes: job.file?,
            })
        }))
    }

    /// The columns a page sees.
    fn rows() -> sea_orm::Select<Entity> {
        Entity::find().select_only().columns([
            Column::Id,
            Column::Label,
            Column::FileName,
            Column::Total,
            Column::Printed,
            Column::LeftOut,
            Column::Failure,
            Column::HeartbeatAt,
            Column::FinishedAt,
        ])
    }

    async fn view(&self, id: i64) -> Result<PrintJobView> {
        let row = Self::rows()
            .filter(Column::Id.eq(id))
            .into_model::<JobRow>()
            .one(&self.db)
            .await
            .map_err(|e| AppError::internal("print job", e))?
            .ok_or_else(|| AppError::not_found("Impression"))?;
        Ok(view(row, Utc::now()))
    }

    /// Records the job (refused while the person has one under way or when too many are),
    /// then prints it in the background: the handle ends when its outcome is stored.
    async fn spawn(&self, request: PrintRequest) -> Result<(i64, tokio::task::JoinHandle<()>)> {
        let id = self.claim(&request).await?;
        let jobs = self.clone();
        let (documents, each) = (request.documents, request.each);
        let running = tokio::spawn(async move { jobs.run(id, documents, each).await });
        Ok((id, running))
    }

    async fn claim(&self, request: &PrintRequest) -> Result<i64> {
        let db = &self.db;
        let now = Utc::now();
        let failed = |e| AppError::internal("claiming a print", e);
        // Jobs whose process died are failed (which frees their owner), old ones forgotten.
        Entity::update_many()
            .col_expr(
                Column::Failure,
                Expr::value("interrupted: its process stopped"),
            )
            .col_expr(Column::FinishedAt, Expr::value(now))
            .filter(Column::FinishedAt.is_null())
            .filter(Column::HeartbeatAt.lt(now - STALE_AFTER))
            .exec(db)
            .await
            .map_err(failed)?;
        Entity::delete_many()
            .filter(Column::StartedAt.lt(now - KEPT_FOR))
            .filter(Column::FinishedAt.is_not_null())
            .exec(db)
            .await
            .map_err(failed)?;
        // Only the person's latest finished prints wait for them.
        let older: Vec<i64> = Entity::find()
            .select_only()
            .column(Column::Id)
            .filter(Column::OwnerId.eq(request.owner))
            .filter(Column::FinishedAt.is_not_null())
            .order_by_desc(Column::StartedAt)
            .into_tuple()
            .all(db)
            .await
            .map_err(failed)?;
        let older: Vec<i64> = older.into_iter().skip(KEPT_PER_PERSON - 1).collect();
        if !older.is_empty() {
            Entity::delete_many()
                .filter(Column::Id.is_in(older))
                .exec(db)
                .await
                .map_err(failed)?;
        }
        let under_way = Entity::find()
            .filter(Column::FinishedAt.is_null())
            .count(db)
            .await
            .map_err(failed)?;
        if under_way >= MAX_WAITING {
            return Err(AppError::invalid(
                "impression",
                "le serveur imprime déjà beaucoup de classes : réessayez dans quelques minutes",
            ));
        }
        let id = i64::try_from(rand::random::<u64>() >> 11).unwrap_or_default(); // exact in a JavaScript number
        let left_out: Vec<String> = request.left_out.iter().map(left_out_line).collect();
        let job = print_job::ActiveModel {
            id: Set(id),
            owner_id: Set(request.owner),
            label: Set(request.label.clone()),
            file_name: Set(request.file_name.clone()),
            each: Set(request.each),
            total: Set(i32::try_from(request.documents.len()).unwrap_or(i32::MAX)),
            printed: Set(0),
            left_out: Set(serde_json::json!(left_out)),
            file: Set(None),
            failure: Set(None),
            started_at: Set(now),
            heartbeat_at: Set(now),
            finished_at: Set(None),
        };
        match Entity::insert(job).exec_without_returning(db).await {
            Ok(_) => Ok(id),
            Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                Err(AppError::invalid(
                    "impression",
                    "une impression de classe est déjà en cours pour vous : attendez qu'elle \
                     soit prête",
                ))
            }
            Err(error) => Err(failed(error)),
        }
    }

    /// Waits for a turn, prints, and stores the outcome; beats the job's heartbeat all along.
    async fn run(&self, id: i64, documents: Vec<BilanDocument>, each: bool) {
        let printed = Arc::new(AtomicUsize::new(0));
        let work = {
            let (printer, turns, printed) =
                (self.printer.clone(), self.turns.clone(), printed.clone());
            async move {
                let turn = turns
                    .acquire_owned()
                    .await
                    .map_err(|error| format!("print turn: {error}"))?;
                tokio::task::spawn_blocking(move || {
                    let _turn = turn;
                    let counted = || {
                        printed.fetch_add(1, Ordering::Relaxed);
                    };
                    print_safely(&*printer, &documents, each, &counted)
                })
                .await
                .unwrap_or_else(|error| Err(format!("print task: {error}")))
            }
        };
        tokio::pin!(work);
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        heartbeat.tick().await;
        let outcome = loop {
            tokio::select! {
                outcome = &mut work => break outcome,
                _ = heartbeat.tick() => {
                    let beat = Entity::update_many()
                        .col_expr(Column::HeartbeatAt, Expr::value(Utc::now()))
                        .col_expr(Column::Printed, Expr::value(count(&printed)))
                        .filter(Column::Id.eq(id))
                        .exec(&self.db)
                        .await;
                    if let Err(error) = beat {
                        tracing::warn!("print job {id}: heartbeat: {error}");
                    }
                }
            }
        };
        if let Err(error) = self.finish(id, outcome).await {
            tracing::error!("print job {id}: storing its outcome: {error}");
        }
    }

    async fn finish(
        &self,
        id: i64,
        outcome: std::result::Result<PrintOutcome, String>,
    ) -> std::result::Result<(), sea_orm::DbErr> {
        let Some(job) = Entity::find_by_id(id)
            .select_only()
            .columns([Column::Total, Column::LeftOut])
            .into_tuple::<(i32, serde_json::Value)>()
            .one(&self.db)
            .await?
        else {
            return Ok(());
        };
        let (total, mut left_out) = job;
        let done = Entity::update_many()
            .col_expr(Column::Printed, Expr::value(total))
            .col_expr(Column::HeartbeatAt, Expr::value(Utc::now()))
            .col_expr(Column::FinishedAt, Expr::value(Utc::now()))
            .filter(Column::Id.eq(id));
        let done = match outcome {
            Ok((bytes, failed)) => {
                if let Some(list) = left_out.as_array_mut() {
                    list.extend(failed.iter().map(|f| left_out_line(f).into()));
                }
                done.col_expr(Column::File, Expr::value(bytes))
                    .col_expr(Column::LeftOut, Expr::value(left_out))
            }
            Err(failure) => {
                tracing::error!("printing bilans: {failure}");
                done.col_expr(Column::Failure, Expr::value(failure))
            }
        };
        done.exec(&self.db).await.map(|_| ())
    }
}

fn count(printed: &AtomicUsize) -> i32 {
    i32::try_from(printed.load(Ordering::Relaxed)).unwrap_or(i32::MAX)
}

fn view(row: JobRow, now: DateTime<Utc>) -> PrintJobView {
    let finished = row.finished_at.is_some();
    let lost = !finished && row.heartbeat_at < now - STALE_AFTER;
    let total = usize::try_from(row.total).unwrap_or_default();
    PrintJobView {
        id: u64::try_from(row.id).unwrap_or_default(),
        label: row.label,
        file_name: row.file_name,
        printed: usize::try_from(row.printed).unwrap_or_default().min(total),
        total,
        ready: finished && row.failure.is_none(),
        failed: row.failure.is_some() || lost,
        left_out: serde_json::from_value(row.left_out).unwrap_or_default(),
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
fn left_out_line((name, why): &(String, String)) -> String {
    format!("{name} : {why}")
}
