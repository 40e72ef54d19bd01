//! Importing a 2,000-pupil ONDE extraction (DESIGN.md: ≤ 1 s): reading the file, the first
//! import into the demo school (80 classes created, 2,000 pupils added, the demo's 12 marked as
//! left), and importing the same file again (nothing changes). Each first import runs on a
//! fresh SQLite database, created outside the timed part.
//!
//! `cargo bench -p server --bench onde_import`

use app::domain::Uai;
use app::services::access::Actor;
use app::services::pupil_import::{Mode, import_pupils};
use app::services::{establishments, onde_file};
use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use sea_orm::DatabaseConnection;
use std::time::{Duration, Instant};

const PUPILS: usize = 2_000;
const PER_CLASS: usize = 25;
const HEADER: &str = "Nom élève;Nom d'usage élève;Prénom élève;Date naissance;Sexe;INE;Adresse;\
    Code postal;Commune;Pays;Cycle;Date inscription;Date admission;Statut;Regroupement;Niveau;\
    Libellé classe;Identifiant classe";
const LEVELS: [&str; 5] = [
    "Cours préparatoire",
    "Cours élémentaire première année",
    "Cours élémentaire deuxième année",
    "Cours moyen première année",
    "Cours moyen deuxième année",
];

/// An extraction as ONDE writes it: Windows-1252, CRLF, one class of 25 per ONDE id.
fn extraction() -> Vec<u8> {
    let mut text = format!("{HEADER}\r\n");
    for i in 0..PUPILS {
        let class = i / PER_CLASS;
        let level = LEVELS[class % LEVELS.len()];
        text.push_str(&format!(
            "NOM{i:04};;Prénom{i};{:02}/{:02}/2017;{};{:010}A;1 rue de l'École;25000;BESANÇON;\
             FRANCE;2;02/09/2025;02/09/2025;Admis définitif;;{level};Classe {class:02};{}\r\n",
            1 + i % 28,
            1 + i % 12,
            if i % 2 == 0 { "F" } else { "M" },
            i,
            900_000 + class,
        ));
    }
    encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).expect("a date")
}

/// A fresh database with the demo school; returns it and the school's id.
async fn demo_database(dir: &tempfile::TempDir, name: &str) -> (DatabaseConnection, i32) {
    let url = format!("sqlite://{}?mode=rwc", dir.path().join(name).display());
    let db = server::db::connect(&url).await.expect("database");
    server::demo::seed_school(&db).await.expect("demo");
    let school = establishments::find_by_uai(&db, &Uai::parse("0259999X").expect("UAI"))
        .await
        .expect("query")
        .expect("demo school")
        .id;
    (db, school)
}

fn bench(c: &mut Criterion) {
    let bytes = extraction();
    let rows = onde_file::parse(&bytes).expect("a valid extraction");
    assert_eq!(rows.len(), PUPILS);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temporary directory");

    let mut group = c.benchmark_group("onde_import_2000");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("parse", |b| {
        b.iter(|| onde_file::parse(&bytes).expect("valid"))
    });
    let mut fresh = 0;
    group.bench_function("first_import", |b| {
        b.to_async(&runtime).iter_custom(|iterations| {
            let (rows, dir) = (&rows, &dir);
            fresh += 1;
            let batch = fresh;
            async move {
                let mut total = Duration::ZERO;
                for i in 0..iterations {
                    let (db, school) = demo_database(dir, &format!("first-{batch}-{i}.db")).await;
                    let start = Instant::now();
                    let summary =
                        import_pupils(&db, &Actor::System, school, rows, Mode::Apply, today())
                            .await
                            .expect("import");
                    total += start.elapsed();
                    assert_eq!(summary.pupils_added.len(), PUPILS);
                }
                total
            }
        });
    });
    let (db, school) = runtime.block_on(async {
        let (db, school) = demo_database(&dir, "again.db").await;
        import_pupils(&db, &Actor::System, school, &rows, Mode::Apply, today())
            .await
            .expect("import");
        (db, school)
    });
    group.bench_function("same_file_again", |b| {
        b.to_async(&runtime).iter(|| async {
            let summary = import_pupils(&db, &Actor::System, school, &rows, Mode::Apply, today())
                .await
                .expect("import");
            assert!(summary.changes_nothing());
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
