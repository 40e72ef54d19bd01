//! Printing bilans (DESIGN.md: ≤ 8 ms per bilan warm, ≤ 2 s for 300 on 2 cores): the demo's
//! locked bilan of Violetta BAZIN, read through the same service as a download, then
//! `bilan_warm` prints it again and again (fonts and template loaded, and Typst's memo of the
//! same bilan reused), `bilan_new` prints bilans never printed before one after the other, and
//! `batch_300_new` prints 300 new bilans, one PDF each on every core, as the ZIP and the command
//! line do.
//!
//! In the same run, the same bilan laid out as HTML is printed by a warm headless Chromium
//! (`end2end/bench/chromium-print.mjs`, Playwright and Debian's Chromium, as the browser tests
//! use them). Typst's means per bilan, for the same bilan again and for new ones, are printed
//! beside Chromium's with their ratios.
//!
//! `cargo bench -p server --bench pdf_render`

use app::services::{bilan_list, printed_bilan};
use app::wire::bilan_document::BilanDocument;
use app::wire::bilan_editor::BilanKey;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::process::Command;
use std::time::{Duration, Instant};

/// What finds the demo's pieces, shared with the tests.
#[path = "../tests/it/support/demo.rs"]
mod support;

/// The demo's locked bilan, as a download reads it.
async fn demo_bilan() -> BilanDocument {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("pdf.db").display());
    let db = server::db::connect(&url).await.expect("database");
    server::demo::seed(&db, &app::services::second_factor::SecretKey::generate().0)
        .await
        .expect("demo");
    let cm2 = support::demo_class(&db, "CM2").await;
    let first = support::trimestres(&db).await[0];
    let director = support::actor(&db, "direction").await;
    let list = bilan_list::list(&db, &director, cm2.id, first)
        .await
        .expect("list");
    let violetta = list
        .rows
        .iter()
        .find(|row| row.last_name == "BAZIN")
        .expect("Violetta BAZIN");
    printed_bilan::document(
        &db,
        &director,
        BilanKey {
            student_id: violetta.student_id,
            period_id: first,
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
    // Bilans never printed before, as in a real batch: Typst memoises what it laid out, so a
    // bilan printed again costs much less than a new one (that is `bilan_warm`).
    let mut printed = 0_usize;
    let mut fresh = |count: usize| -> Vec<BilanDocument> {
        (0..count)
            .map(|_| {
                printed += 1;
                // Another pupil: their name, each comment and the appréciation differ.
                let mut copy = bilan.clone();
                copy.pupil.name = format!("{} {printed}", bilan.pupil.name);
                for row in &mut copy.rows {
                    row.comment = format!("{} ({printed})", row.comment);
                }
                copy.appreciation = format!("{} ({printed})", bilan.appreciation);
                copy
            })
            .collect()
    };
    let singles = fresh(2_000);
    let mut turn = 0;
    group.bench_function("bilan_new", |b| {
        b.iter(|| {
            turn = (turn + 1) % singles.len();
            server::pdf::render(std::slice::from_ref(&singles[turn])).expect("a PDF")
        })
    });
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("batch_300_new", |b| {
        b.iter_batched(
            || fresh(300),
            |batch| server::pdf::render_each(&batch, |_| {}).expect("300 PDFs"),
            BatchSize::PerIteration,
        )
    });
    group.finish();
    compare_with_chromium(&bilan, &fresh(CHROMIUM_RUNS as usize));
}

/// How many prints each side of the comparison with Chromium makes.
const CHROMIUM_RUNS: u32 = 30;

/// Mean milliseconds per bilan: Typst here, the same bilan again and again and then bilans
/// never printed before, and Chromium printing the same bilan again and again.
fn compare_with_chromium(bilan: &BilanDocument, new: &[BilanDocument]) {
    const RUNS: u32 = CHROMIUM_RUNS;
    let mean_ms = |bilans: Vec<&BilanDocument>| {
        let start = Instant::now();
        for bilan in &bilans {
            server::pdf::render(std::slice::from_ref(*bilan)).expect("a PDF");
        }
        start.elapsed().as_secs_f64() * 1000.0 / bilans.len() as f64
    };
    let typst_ms = mean_ms(vec![bilan; RUNS as usize]);
    let typst_new_ms = mean_ms(new.iter().collect());
    let data = tempfile::NamedTempFile::new().expect("a temporary file");
    std::fs::write(data.path(), serde_json::to_vec(bilan).expect("JSON")).expect("written");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../end2end/bench/chromium-print.mjs"
    );
    let output = Command::new("node")
        .arg(script)
        .arg(data.path())
        .arg(RUNS.to_string())
        .output();
    match output {
        Ok(output) if output.status.success() => {
            let report: serde_json::Value =
                serde_json::from_slice(&output.stdout).expect("the script prints JSON");
            let chromium_ms = report["mean_ms"].as_f64().expect("a mean");
            println!(
                "per bilan, warm, mean of {RUNS}: Chromium {chromium_ms:.2} ms; Typst, the same bilan {typst_ms:.2} ms: {:.1}× faster; Typst, new bilans {typst_new_ms:.2} ms: {:.1}× faster",
                chromium_ms / typst_ms,
                chromium_ms / typst_new_ms
            );
        }
        other => println!(
            "per bilan, warm: Typst {typst_ms:.2} ms, new bilans {typst_new_ms:.2} ms; Chromium not measured ({other:?}): run `bash .ci/test` once to install it"
        ),
    }
}

criterion_group!(benches, printing);
criterion_main!(benches);
