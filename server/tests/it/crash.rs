//! Crashes lose nothing: `livret` killed with SIGKILL in the middle of a burst of grid saves,
//! and in the middle of an ONDE import, then started again on the same SQLite database. Every
//! save answered before the kill is there, the import is all or nothing, and the database
//! passes `PRAGMA integrity_check`.

use crate::support::process::{Livret, demo_teacher, free_port};
use app::domain::catalogue::rows_for;
use app::domain::{Level, Positionnement};
use app::wire::saisie::{AcquisChange, AcquisOutcome, AcquisSaved, GridKey};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::collections::HashMap;
use std::time::Duration;

async fn integrity(db: &DatabaseConnection) -> String {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<String>(0).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_save_answered_before_a_kill_is_there_after_it() {
    let server = Livret::sqlite();
    let (cm2, period, pupils) = {
        let db = server::db::connect(server.database_url()).await.unwrap();
        server::demo::seed(&db, &app::services::second_factor::SecretKey::generate().0)
            .await
            .unwrap();
        let teacher = crate::support::actor(&db, "enseignant").await;
        let cm2 = crate::support::demo_class(&db, "CM2").await.id;
        let period = crate::support::trimestres(&db).await[1];
        let key = GridKey {
            class_id: cm2,
            period_id: period,
            domain_code: "FRA-LGO".to_owned(),
        };
        let grid = app::services::acquis::grid(&db, &teacher, &key)
            .await
            .unwrap();
        db.close().await.unwrap();
        let pupils: Vec<i32> = grid.rows.iter().map(|row| row.student_id).collect();
        (cm2, period, pupils)
    };
    let port = free_port();
    let mut child = server.serve(port).await;
    let url = format!("http://127.0.0.1:{port}");
    let client = demo_teacher(&url).await;

    // Four writers, one domain row each, save every pupil's cell in turn until the server dies;
    // each keeps the last value the server answered « saved » for.
    let rows: Vec<&'static str> = rows_for(Level::Cm2).map(|row| row.code).take(4).collect();
    let writers: Vec<_> = rows
        .iter()
        .map(|row| {
            let (client, url, pupils) = (client.clone(), url.clone(), pupils.clone());
            let key = GridKey {
                class_id: cm2,
                period_id: period,
                domain_code: (*row).to_owned(),
            };
            tokio::spawn(async move {
                let mut answered: HashMap<i32, Option<Positionnement>> = HashMap::new();
                // The save under way when the server died: written or not, never half.
                let mut unanswered = None;
                for round in 0.. {
                    let pupil = pupils[round % pupils.len()];
                    let was = answered.get(&pupil).copied().flatten();
                    let now = Some(Positionnement::ALL[(round / pupils.len()) % 5]);
                    let change = AcquisChange {
                        student_id: pupil,
                        was,
                        now,
                    };
                    let sent = client
                        .post(format!("{url}/api/save-acquis"))
                        .json(&serde_json::json!({ "key": key, "changes": [change] }))
                        .send()
                        .await;
                    let Ok(answer) = sent else {
                        unanswered = Some((pupil, now));
                        break;
                    };
                    let Ok(saved) = answer.json::<Vec<AcquisSaved>>().await else {
                        unanswered = Some((pupil, now));
                        break;
                    };
                    if saved[0].outcome == AcquisOutcome::Saved {
                        answered.insert(pupil, now);
                    }
                }
                (key, answered, unanswered)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let mut answered = Vec::new();
    for writer in writers {
        answered.push(writer.await.unwrap());
    }
    assert!(
        answered
            .iter()
            .map(|(_, cells, _)| cells.len())
            .sum::<usize>()
            > 0,
        "saves were answered before the kill"
    );

    // Started again on the same database: it opens, and holds every answered value.
    let mut again = server.serve(free_port()).await;
    let db = server::db::connect(server.database_url()).await.unwrap();
    assert_eq!(integrity(&db).await, "ok");
    let teacher = crate::support::actor(&db, "enseignant").await;
    for (key, cells, unanswered) in answered {
        let grid = app::services::acquis::grid(&db, &teacher, &key)
            .await
            .unwrap();
        for (pupil, value) in cells {
            let stored = grid
                .rows
                .iter()
                .find(|row| row.student_id == pupil)
                .unwrap();
            let or_the_last_one_sent = unanswered == Some((pupil, stored.value));
            assert!(
                stored.value == value || or_the_last_one_sent,
                "{} of pupil {pupil}: {:?} stored, {value:?} answered",
                key.domain_code,
                stored.value
            );
        }
    }
    again.kill().unwrap();
    again.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_killed_midway_is_all_or_nothing() {
    // A large extraction, imported again and again, killed sooner and sooner, until a kill
    // lands while the import runs.
    let mut text = String::from(
        "Nom élève;Nom d'usage élève;Prénom élève;Date naissance;Sexe;INE;Adresse;Code postal;Commune;Pays;Cycle;Date inscription;Date admission;Statut;Regroupement;Niveau;Libellé classe;Identifiant classe\r\n",
    );
    const PUPILS: usize = 6_000;
    for i in 0..PUPILS {
        text.push_str(&format!(
            "NOM{i:05};;Prénom{i};01/02/2016;F;{i:010}Z;;;;;3;;;;;CM2;Classe {};{}\r\n",
            i / 25,
            800_000 + i / 25
        ));
    }
    let mut killed_midway = 0;
    for delay in [400, 250, 150, 100, 60, 30, 15] {
        let server = Livret::sqlite();
        let file = server.dir().join("extraction.csv");
        std::fs::write(&file, &text).unwrap();
        let db = server::db::connect(server.database_url()).await.unwrap();
        server::demo::seed_school(&db).await.unwrap();
        let before = pupil_count(&db).await;
        db.close().await.unwrap();
        let file = file.display().to_string();
        let mut import = server
            .command(&["import", "onde", &file, "--uai", server::demo::UAI])
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(delay)).await;
        let running = import.try_wait().unwrap().is_none();
        import.kill().ok();
        import.wait().unwrap();
        let db = server::db::connect(server.database_url()).await.unwrap();
        assert_eq!(integrity(&db).await, "ok");
        let after = pupil_count(&db).await;
        assert!(
            after == before || after == before + PUPILS as i64,
            "all or nothing: {before} before, {after} after a kill at {delay} ms"
        );
        if running && after == before {
            killed_midway += 1;
        }
        db.close().await.unwrap();
    }
    assert!(killed_midway > 0, "a kill landed while an import ran");
}

async fn pupil_count(db: &DatabaseConnection) -> i64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    app::entities::student::Entity::find()
        .count(db)
        .await
        .unwrap() as i64
}
