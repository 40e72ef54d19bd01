//! Printing bilans (DESIGN.md: ≤ 8 ms per bilan warm, ≤ 2 s for 300 on 2 cores): the demo's
//! locked bilan of Violetta BAZIN, read through the same service as a download, then
//! `bilan_warm` compiles it alone (fonts and template already loaded), and `batch_300` prints
//! 300 such bilans one PDF each on every core, as the ZIP and the command line do.
//!
//! `cargo bench -p server --bench pdf_render`

use app::api::bilan_editor::BilanKey;
use app::domain::{Login, Uai};
use app::entities::period;
use app::services::access::Actor;
use app::services::bilan_document::{self, BilanDocument};
use app::services::{accounts, bilan_list, classes, establishments};
use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::time::Duration;

/// The demo's locked bilan, as a download reads it.
async fn demo_bilan() -> BilanDocument {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("pdf.db").display());
    let db = server::db::connect(&url).await.expect("database");
    server::demo::seed(&db).await.expect("demo");
    let school = establishments::find_by_uai(&db, &Uai::parse("0259999X").expect("UAI"))
        .await
        .expect("query")
        .expect("demo school")
        .id;
    let today = NaiveDate::from_ymd_opt(2026, 9, 1).expect("a date");
    let cm2 = classes::list(&db, &Actor::System, school, today)
        .await
        .expect("classes")
        .into_iter()
        .find(|class| class.label.starts_with("CM2"))
        .expect("the demo CM2");
    let first = period::Entity::find()
        .filter(period::Column::Position.eq(1))
        .one(&db)
        .await
        .expect("query")
        .expect("a first trimestre");
    let director = accounts::find_by_login(&db, &Login::parse("direction").expect("login"))
        .await
        .expect("query")
        .expect("the demo director");
    let actor = Actor::User(
        accounts::acting_user(&db, director.id, Some(school))
            .await
            .expect("acting"),
    );
    let list = bilan_list::list(&db, &actor, cm2.id, first.id)
        .await
        .expect("list");
    let violetta = list
        .rows
        .iter()
        .find(|row| row.last_name == "BAZIN")
        .expect("Violetta BAZIN");
    bilan_document::document(
        &db,
        &actor,
        BilanKey {
            student_id: violetta.student_id,
            period_id: first.id,
        },
    )
    .await
    .expect("a printable bilan")
}

fn printing(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let bilan = runtime.block_on(demo_bilan());
    // Warm: fonts parsed and the template compiled once before timing.
    server::pdf::render(std::slice::from_ref(&bilan)).expect("a PDF");
    let mut group = c.benchmark_group("pdf");
    group.bench_function("bilan_warm", |b| {
        b.iter(|| server::pdf::render(std::slice::from_ref(&bilan)).expect("a PDF"))
    });
    let batch: Vec<BilanDocument> = (0..300)
        .map(|index| {
            let mut copy = bilan.clone();
            copy.pupil.name = format!("{} {index}", bilan.pupil.name);
            copy
        })
        .collect();
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("batch_300", |b| {
        b.iter(|| server::pdf::render_each(&batch, |_| {}).expect("300 PDFs"))
    });
    group.finish();
}

criterion_group!(benches, printing);
criterion_main!(benches);
