//! Real races: saves of the acquis grid from tasks on a multi-threaded runtime, each on its own
//! connection of the pool, round after round. Saves of different cells of one bilan all land;
//! two saves of the same cell from the same value: one lands, the other is told whose value
//! won. Afterwards every save answered « enregistré » is in the database, and nothing else.

use crate::support::{actor, demo_class, test_db, trimestres};
use app::domain::catalogue::rows_for;
use app::domain::{Level, Positionnement};
use app::services::acquis;
use app::wire::saisie::{AcquisChange, AcquisOutcome, GridKey};
use std::collections::HashMap;

/// Rounds of four saves at once; each round works on one pupil's bilan.
const ROUNDS: usize = 1_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_grid_saves_lose_nothing_and_report_every_conflict() {
    let t = test_db().await;
    server::demo::seed(
        &t.db,
        &app::services::second_factor::SecretKey::generate().0,
    )
    .await
    .unwrap();
    let teacher = actor(&t.db, "enseignant").await;
    let cm2 = demo_class(&t.db, "CM2").await.id;
    // The second and third trimestres: the demo wrote nothing there.
    let periods = trimestres(&t.db).await[1..].to_vec();
    let rows: Vec<&str> = rows_for(Level::Cm2).map(|row| row.code).collect();
    let key = |period: i32, row: &str| GridKey {
        class_id: cm2,
        period_id: period,
        domain_code: row.to_owned(),
    };
    let pupils: Vec<i32> = acquis::grid(&t.db, &teacher, &key(periods[0], rows[0]))
        .await
        .unwrap()
        .rows
        .iter()
        .map(|row| row.student_id)
        .collect();
    // What the database must hold: (period, pupil, row) → value.
    let mut expected: HashMap<(i32, i32, &str), Option<Positionnement>> = HashMap::new();
    let values = Positionnement::ALL;
    let mut conflicts = 0;
    for round in 0..ROUNDS {
        let period = periods[round % periods.len()];
        let pupil = pupils[(round / periods.len()) % pupils.len()];
        let [a, b, c] = [0, 1, 2].map(|i| rows[(round * 3 + i) % rows.len()]);
        let was = |row: &str| expected.get(&(period, pupil, row)).copied().flatten();
        // Two saves of other cells, and two of the same cell with two values other than the
        // stored one (a save of the stored value is « already saved », whatever its order).
        let after = |value: Option<Positionnement>, step: usize| {
            let index = value.map_or(0, |v| values.iter().position(|w| *w == v).unwrap() + 1);
            Some(values[(index + step) % values.len()])
        };
        let saves = [
            (a, Some(values[round % 5])),
            (b, Some(values[(round + 1) % 5])),
            (c, after(was(c), 0)),
            (c, after(was(c), 1)),
        ];
        let tasks: Vec<_> = saves
            .iter()
            .map(|&(row, now)| {
                let (db, teacher, key) = (t.db.clone(), teacher.clone(), key(period, row));
                let change = AcquisChange {
                    student_id: pupil,
                    was: was(row),
                    now,
                };
                tokio::spawn(async move { acquis::save(&db, &teacher, &key, &[change]).await })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            let saved = task.await.unwrap().expect("a save never fails");
            outcomes.push(saved[0].outcome.clone());
        }
        assert_eq!(outcomes[0], AcquisOutcome::Saved, "round {round}");
        assert_eq!(outcomes[1], AcquisOutcome::Saved, "round {round}");
        expected.insert((period, pupil, a), saves[0].1);
        expected.insert((period, pupil, b), saves[1].1);
        let winner = match (&outcomes[2], &outcomes[3]) {
            (AcquisOutcome::Saved, AcquisOutcome::Conflict { current }) => {
                assert_eq!(
                    *current, saves[2].1,
                    "round {round}: told the winner's value"
                );
                saves[2].1
            }
            (AcquisOutcome::Conflict { current }, AcquisOutcome::Saved) => {
                assert_eq!(
                    *current, saves[3].1,
                    "round {round}: told the winner's value"
                );
                saves[3].1
            }
            other => panic!("round {round}: one of two saves of a cell lands, not {other:?}"),
        };
        conflicts += 1;
        expected.insert((period, pupil, c), winner);
    }
    assert_eq!(conflicts, ROUNDS);
    // Every value answered « enregistré » is stored; nothing else is.
    for period in &periods {
        for row in &rows {
            let grid = acquis::grid(&t.db, &teacher, &key(*period, row))
                .await
                .unwrap();
            for line in grid.rows {
                let wanted = expected
                    .get(&(*period, line.student_id, *row))
                    .copied()
                    .flatten();
                assert_eq!(line.value, wanted, "{row}, pupil {}", line.student_id);
            }
        }
    }
}
