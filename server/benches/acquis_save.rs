//! Saving a 30-pupil acquis grid (DESIGN.md: one round trip, one transaction, ≤ 5 ms p99 on
//! SQLite): the service call a « save-acquis » request makes, with every pupil's value changed.
//! The demo's CM2 is filled up to 30 pupils. `first_save` times the first values of a period
//! (the 30 bilans are created; they are deleted again outside the timing); `save_30_changed_cells`
//! moves every pupil to another value (pupils hold different values, so the lines are written
//! with several statements), all through the bilan guard. After criterion's timing, the second
//! kind of save is run 1,000 times more to print the p50, p99 and maximum.
//!
//! `cargo bench -p server --bench acquis_save`

use app::domain::Positionnement;
use app::entities::{bilan, student};
use app::services::access::Actor;
use app::services::acquis;
use app::wire::saisie::GridKey;
use app::wire::saisie::{AcquisChange, AcquisOutcome};
use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use std::time::{Duration, Instant};

const PUPILS: usize = 30;

struct Grid {
    db: DatabaseConnection,
    teacher: Actor,
    key: GridKey,
    pupils: Vec<i32>,
}

/// What finds the demo's pieces, shared with the tests.
#[path = "../tests/it/support/demo.rs"]
mod support;

async fn grid(dir: &tempfile::TempDir) -> Grid {
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("grid.db").display());
    let db = server::db::connect(&url).await.expect("database");
    server::demo::seed_school(&db).await.expect("demo");
    let school = support::demo_school(&db).await;
    let cm2 = support::demo_class(&db, "CM2").await;
    for i in cm2.pupils as usize..PUPILS {
        student::ActiveModel {
            establishment_id: Set(school),
            last_name: Set(format!("ÉLÈVE{i:02}")),
            first_names: Set(format!("Prénom{i}")),
            birth_date: Set(NaiveDate::from_ymd_opt(2015, 3, 1).expect("a date")),
            level: Set(Some("CM2".to_owned())),
            class_id: Set(Some(cm2.id)),
            updated_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&db)
        .await
        .expect("pupil");
    }
    let period_id = support::trimestres(&db).await[0];
    let teacher = support::actor(&db, "enseignant").await;
    let key = GridKey {
        class_id: cm2.id,
        period_id,
        domain_code: "MAT-NBC".to_owned(),
    };
    let pupils: Vec<i32> = acquis::grid(&db, &teacher, &key)
        .await
        .expect("grid")
        .rows
        .iter()
        .map(|row| row.student_id)
        .collect();
    assert_eq!(pupils.len(), PUPILS);
    Grid {
        db,
        teacher,
        key,
        pupils,
    }
}

/// Saves every pupil's next value; `step` says which values the grid holds now (none at 0).
async fn save_all(grid: &Grid, step: usize) {
    let value = |pupil: usize, step: usize| {
        Some(Positionnement::ALL[(pupil + step) % Positionnement::ALL.len()])
    };
    let changes: Vec<AcquisChange> = grid
        .pupils
        .iter()
        .enumerate()
        .map(|(pupil, &student_id)| AcquisChange {
            student_id,
            was: if step == 0 { None } else { value(pupil, step) },
            now: value(pupil, step + 1),
        })
        .collect();
    let saved = acquis::save(&grid.db, &grid.teacher, &grid.key, &changes)
        .await
        .expect("save");
    assert!(saved.iter().all(|row| row.outcome == AcquisOutcome::Saved));
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temporary directory");
    let grid = runtime.block_on(grid(&dir));

    let mut group = c.benchmark_group("acquis_grid_30");
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("first_save", |b| {
        b.to_async(&runtime).iter_custom(|iterations| {
            let grid = &grid;
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    bilan::Entity::delete_many()
                        .exec(&grid.db)
                        .await
                        .expect("bilans deleted");
                    let start = Instant::now();
                    save_all(grid, 0).await;
                    total += start.elapsed();
                }
                total
            }
        });
    });
    let mut step = 1;
    group.bench_function("save_30_changed_cells", |b| {
        b.to_async(&runtime).iter(|| {
            step += 1;
            save_all(&grid, step - 1)
        });
    });
    group.finish();

    let mut times: Vec<Duration> = (0..1_000)
        .map(|_| {
            let start = Instant::now();
            runtime.block_on(save_all(&grid, step));
            step += 1;
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "acquis_grid_30/save_30_changed_cells over 1,000 saves: p50 {:?}, p99 {:?}, max {:?}",
        times[times.len() / 2],
        times[times.len() * 99 / 100],
        times[times.len() - 1]
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
