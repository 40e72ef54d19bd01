//! The acquis grid: values, conflicts, locks, the bilans' guard, the language row.

use super::*;

#[tokio::test]
async fn the_first_value_creates_the_bilan_and_the_grid_reads_it_back() {
    let t = test_db().await;
    let (cm2, _, trimestre_1) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let numbers = grid_key(cm2, trimestre_1, "MAT-NBC");
    let grid = acquis::grid(&t.db, &teacher, &numbers).await.unwrap();
    assert!(grid.rows.len() > 2);
    let names: Vec<&str> = grid.rows.iter().map(|row| row.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|name| name.to_lowercase());
    assert_eq!(names, sorted, "pupils in name order");
    assert!(
        grid.rows
            .iter()
            .all(|row| row.value.is_none() && row.status == BilanStatus::NonCree)
    );
    let (first, second) = (grid.rows[0].student_id, grid.rows[1].student_id);

    let saved = acquis::save(
        &t.db,
        &teacher,
        &numbers,
        &[
            change(first, None, Some(Positionnement::Atteints)),
            change(second, None, Some(Positionnement::NonEvalue)),
        ],
    )
    .await
    .unwrap();
    assert!(
        saved
            .iter()
            .all(|row| row.outcome == AcquisOutcome::Saved && row.status == BilanStatus::EnCours)
    );
    let grid = acquis::grid(&t.db, &teacher, &numbers).await.unwrap();
    assert_eq!(grid.rows[0].value, Some(Positionnement::Atteints));
    assert_eq!(grid.rows[1].value, Some(Positionnement::NonEvalue));
    assert_eq!(grid.rows[2].status, BilanStatus::NonCree);
    let created = bilan::Entity::find()
        .filter(bilan::Column::StudentId.eq(first))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(created.teachers, serde_json::json!(["M. Marc Durand"]));

    // Clearing a value is a change like any other; another row is untouched.
    acquis::save(
        &t.db,
        &teacher,
        &numbers,
        &[change(first, Some(Positionnement::Atteints), None)],
    )
    .await
    .unwrap();
    let grid = acquis::grid(&t.db, &teacher, &numbers).await.unwrap();
    assert_eq!(grid.rows[0].value, None);
    assert_eq!(grid.rows[1].value, Some(Positionnement::NonEvalue));
    // Another domain row of the same bilans is empty.
    let geometry = acquis::grid(&t.db, &teacher, &grid_key(cm2, trimestre_1, "MAT-GEO"))
        .await
        .unwrap();
    assert!(geometry.rows.iter().all(|row| row.value.is_none()));
}

#[tokio::test]
async fn a_value_changed_elsewhere_is_a_conflict_and_a_locked_bilan_is_never_written() {
    let t = test_db().await;
    let (cm2, _, trimestre_1) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let director = actor(&t.db, "direction").await;
    let oral = grid_key(cm2, trimestre_1, "FRA-LGO");
    let rows = acquis::grid(&t.db, &teacher, &oral).await.unwrap().rows;
    let (pupil, other) = (rows[0].student_id, rows[1].student_id);

    // The director sets a value; the teacher's page, loaded before, still thinks it empty.
    acquis::save(
        &t.db,
        &director,
        &oral,
        &[change(pupil, None, Some(Positionnement::Depasses))],
    )
    .await
    .unwrap();
    let saved = acquis::save(
        &t.db,
        &teacher,
        &oral,
        &[
            change(pupil, None, Some(Positionnement::NonAtteints)),
            change(other, None, Some(Positionnement::Atteints)),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        saved[0].outcome,
        AcquisOutcome::Conflict {
            current: Some(Positionnement::Depasses)
        }
    );
    assert_eq!(saved[1].outcome, AcquisOutcome::Saved, "the rest is saved");
    // Choosing one's own value, knowing the current one, goes through.
    let saved = acquis::save(
        &t.db,
        &teacher,
        &oral,
        &[change(
            pupil,
            Some(Positionnement::Depasses),
            Some(Positionnement::NonAtteints),
        )],
    )
    .await
    .unwrap();
    assert_eq!(saved[0].outcome, AcquisOutcome::Saved);

    // Locked: refused whatever the page sends, and shown as such.
    let locked = bilan::Entity::find()
        .filter(bilan::Column::StudentId.eq(other))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    let mut lock: bilan::ActiveModel = locked.into();
    lock.locked_at = Set(Some(chrono::Utc::now()));
    lock.update(&t.db).await.unwrap();
    let saved = acquis::save(
        &t.db,
        &teacher,
        &oral,
        &[change(
            other,
            Some(Positionnement::Atteints),
            Some(Positionnement::NonAtteints),
        )],
    )
    .await
    .unwrap();
    assert_eq!(saved[0].outcome, AcquisOutcome::Locked);
    assert_eq!(saved[0].status, BilanStatus::Verrouille);
    let rows = acquis::grid(&t.db, &teacher, &oral).await.unwrap().rows;
    assert_eq!(rows[1].value, Some(Positionnement::Atteints));
    assert_eq!(rows[1].status, BilanStatus::Verrouille);
}

#[tokio::test]
async fn a_bilan_is_complete_with_three_complete_rows_and_the_appreciation() {
    let t = test_db().await;
    let (cm2, _, trimestre_1) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let pupil = acquis::grid(&t.db, &teacher, &grid_key(cm2, trimestre_1, "FRA-LGO"))
        .await
        .unwrap()
        .rows[0]
        .student_id;
    three_complete_rows(&t.db, &teacher, cm2, trimestre_1, pupil).await;
    let status = |rows: Vec<app::wire::saisie::AcquisRow>| {
        rows.into_iter()
            .find(|row| row.student_id == pupil)
            .unwrap()
            .status
    };
    let eps = grid_key(cm2, trimestre_1, "EPS-RAC");
    let rows = acquis::grid(&t.db, &teacher, &eps).await.unwrap().rows;
    assert_eq!(status(rows), BilanStatus::EnCours, "no appréciation yet");
    write_appreciation(&t.db, pupil).await;
    let rows = acquis::grid(&t.db, &teacher, &eps).await.unwrap().rows;
    assert_eq!(status(rows), BilanStatus::Complet);
}

#[tokio::test]
async fn grids_exist_only_for_the_classes_one_teaches_and_their_pupils() {
    let t = test_db().await;
    let (cm2, cp, trimestre_1) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let parent = actor(&t.db, "parent").await;
    let cp_grid = grid_key(cp, trimestre_1, "FRA-LGO");
    assert_eq!(
        acquis::grid(&t.db, &teacher, &cp_grid).await,
        Err(AppError::Forbidden)
    );
    assert_eq!(
        acquis::save(&t.db, &parent, &grid_key(cm2, trimestre_1, "FRA-LGO"), &[]).await,
        Err(AppError::Forbidden)
    );
    let refused = acquis::grid(&t.db, &teacher, &grid_key(cm2, trimestre_1, "QLM-VMO"))
        .await
        .unwrap_err();
    assert!(refused.field_message("domaine").is_some(), "{refused:?}");
    // A CP pupil cannot be slipped into the CM2's grid.
    let director = actor(&t.db, "direction").await;
    let cp_pupil = acquis::grid(&t.db, &director, &cp_grid).await.unwrap().rows[0].student_id;
    let slipped = acquis::save(
        &t.db,
        &teacher,
        &grid_key(cm2, trimestre_1, "FRA-LGO"),
        &[change(cp_pupil, None, Some(Positionnement::Atteints))],
    )
    .await
    .unwrap();
    assert_eq!(slipped[0].outcome, AcquisOutcome::NotInGrid);
    let cp_rows = acquis::grid(&t.db, &director, &cp_grid).await.unwrap().rows;
    assert_eq!(cp_rows[0].status, BilanStatus::NonCree, "nothing written");

    // The teacher fills in their class only; the director every class.
    let school = establishments::find_by_uai(&t.db, &Uai::parse("0259999X").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let taught = saisie::teaching_classes(&t.db, &teacher, school, today)
        .await
        .unwrap();
    assert_eq!(taught.len(), 1);
    assert_eq!(taught[0].id, cm2);
    assert_eq!(taught[0].periods.len(), 3);
    assert_eq!(taught[0].periods[0].label, "Trimestre 1");
    assert_eq!(taught[0].domains.len(), 15);
    let all = saisie::teaching_classes(&t.db, &director, school, today)
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(
        saisie::teaching_classes(&t.db, &parent, school, today).await,
        Err(AppError::Forbidden)
    );
}

#[tokio::test]
async fn a_class_names_its_language_on_the_langue_vivante_row() {
    let t = test_db().await;
    let (cm2, cp, _) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    assert_eq!(
        saisie::set_language(&t.db, &teacher, cm2, "  Anglais ").await,
        Ok(Some("Anglais".to_owned()))
    );
    let school = establishments::find_by_uai(&t.db, &Uai::parse("0259999X").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let taught = saisie::teaching_classes(&t.db, &teacher, school, today)
        .await
        .unwrap();
    let language_row = taught[0]
        .domains
        .iter()
        .find(|domain| domain.code == "LGV-RAC")
        .unwrap();
    assert_eq!(language_row.label, "Langue vivante (Anglais)");
    let refused = saisie::set_language(&t.db, &teacher, cm2, &"x".repeat(41))
        .await
        .unwrap_err();
    assert!(refused.field_message("langue").is_some());
    assert_eq!(
        saisie::set_language(&t.db, &teacher, cm2, " ").await,
        Ok(None)
    );
    assert_eq!(
        saisie::set_language(&t.db, &teacher, cp, "Allemand").await,
        Err(AppError::Forbidden)
    );
}

#[tokio::test]
async fn the_bilan_guard_refuses_a_stale_or_locked_read() {
    use app::services::bilans::{Expected, write_guarded};
    let t = test_db().await;
    let guard_writes = |read: bilan::Model, expected| {
        let db = &t.db;
        async move {
            write_guarded(db, &[&read], expected, Vec::new())
                .await
                .unwrap()
        }
    };
    let (cm2, _, trimestre_1) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let oral = grid_key(cm2, trimestre_1, "FRA-LGO");
    let pupil = acquis::grid(&t.db, &teacher, &oral).await.unwrap().rows[0].student_id;
    acquis::save(
        &t.db,
        &teacher,
        &oral,
        &[change(pupil, None, Some(Positionnement::Atteints))],
    )
    .await
    .unwrap();
    let read = || async {
        bilan::Entity::find()
            .filter(bilan::Column::StudentId.eq(pupil))
            .one(&t.db)
            .await
            .unwrap()
            .unwrap()
    };
    let first = read().await;
    assert!(guard_writes(first.clone(), Expected::Unlocked).await);
    let second = read().await;
    assert_eq!(second.version, first.version + 1);
    assert!(
        !guard_writes(first, Expected::Unlocked).await,
        "written since it was read"
    );
    assert!(
        !guard_writes(second.clone(), Expected::Locked).await,
        "not locked as expected"
    );
    let mut lock: bilan::ActiveModel = second.clone().into();
    lock.locked_at = Set(Some(chrono::Utc::now()));
    lock.update(&t.db).await.unwrap();
    assert!(
        !guard_writes(second.clone(), Expected::Unlocked).await,
        "locked since it was read"
    );
    assert_eq!(read().await.version, second.version, "nothing bumped");
    // Unlocking and publishing expect the lock.
    let locked = read().await;
    assert!(guard_writes(locked.clone(), Expected::Locked).await);
    assert_eq!(read().await.version, locked.version + 1);
}

#[tokio::test]
async fn a_pupil_who_left_the_grid_is_reported_and_a_pupil_twice_is_refused() {
    use app::entities::student;
    let t = test_db().await;
    let (cm2, cp, trimestre_1) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let oral = grid_key(cm2, trimestre_1, "FRA-LGO");
    let rows = acquis::grid(&t.db, &teacher, &oral).await.unwrap().rows;
    let (moved, stays) = (rows[0].student_id, rows[1].student_id);
    let refused = acquis::save(
        &t.db,
        &teacher,
        &oral,
        &[
            change(stays, None, Some(Positionnement::Atteints)),
            change(stays, None, Some(Positionnement::Depasses)),
        ],
    )
    .await
    .unwrap_err();
    assert!(refused.field_message("eleve").is_some(), "{refused:?}");

    // The pupil moves to the CP-CE1 while the teacher's grid is open.
    let pupil = student::Entity::find_by_id(moved)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    let mut pupil: student::ActiveModel = pupil.into();
    pupil.class_id = Set(Some(cp));
    pupil.update(&t.db).await.unwrap();
    let saved = acquis::save(
        &t.db,
        &teacher,
        &oral,
        &[
            change(moved, None, Some(Positionnement::Atteints)),
            change(stays, None, Some(Positionnement::Atteints)),
        ],
    )
    .await
    .unwrap();
    assert_eq!(saved[0].outcome, AcquisOutcome::NotInGrid);
    assert_eq!(saved[0].status, BilanStatus::NonCree);
    assert_eq!(
        saved[1].outcome,
        AcquisOutcome::Saved,
        "the others are saved"
    );
    let rows = acquis::grid(&t.db, &teacher, &oral).await.unwrap().rows;
    assert!(rows.iter().all(|row| row.student_id != moved));
}

#[tokio::test]
async fn two_saves_at_once_on_a_new_bilan_give_one_value_and_one_conflict() {
    let t = test_db().await;
    let (cm2, _, trimestre_1) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let director = actor(&t.db, "direction").await;
    let eps = grid_key(cm2, trimestre_1, "EPS-RAC");
    let pupil = acquis::grid(&t.db, &teacher, &eps).await.unwrap().rows[0].student_id;
    let mine = [change(pupil, None, Some(Positionnement::Atteints))];
    let theirs = [change(pupil, None, Some(Positionnement::Depasses))];
    let (first, second) = tokio::join!(
        acquis::save(&t.db, &teacher, &eps, &mine),
        acquis::save(&t.db, &director, &eps, &theirs),
    );
    let mut outcomes = [
        first.unwrap()[0].outcome.clone(),
        second.unwrap()[0].outcome.clone(),
    ];
    outcomes.sort_by_key(|outcome| matches!(outcome, AcquisOutcome::Conflict { .. }));
    assert_eq!(outcomes[0], AcquisOutcome::Saved);
    assert!(matches!(
        outcomes[1],
        AcquisOutcome::Conflict { current: Some(_) }
    ));
    let stored = acquis::grid(&t.db, &teacher, &eps).await.unwrap().rows[0].value;
    assert_eq!(
        outcomes[1],
        AcquisOutcome::Conflict { current: stored },
        "the conflict names the value kept"
    );
}
