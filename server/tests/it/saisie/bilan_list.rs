//! Creating, locking and unlocking bilans, and the synchronisation.

use super::*;
use app::wire::bilans::{BilanAction, BilanActionRequest};

#[tokio::test]
async fn bilans_are_created_locked_when_complete_and_unlocked_by_the_director_only() {
    use app::services::bilan_list;
    let t = test_db().await;
    let (cm2, cp, trimestre_1) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let director = actor(&t.db, "direction").await;
    let list = bilan_list::list(&t.db, &teacher, cm2, trimestre_1)
        .await
        .unwrap();
    assert_eq!(list.teachers, ["M. Marc Durand"]);
    assert!(!list.may_unlock);
    assert_eq!(list.rows[0].number, 1);
    assert!(
        list.rows
            .iter()
            .all(|row| row.status == BilanStatus::NonCree)
    );
    let (first, second) = (list.rows[0].student_id, list.rows[1].student_id);

    let created = bilan_list::act(
        &t.db,
        &teacher,
        &BilanActionRequest {
            class_id: cm2,
            period_id: trimestre_1,
            action: BilanAction::Create,
            student_ids: [first, second].to_vec(),
        },
    )
    .await
    .unwrap();
    assert_eq!(created.done, 2);
    // An incomplete bilan is not locked, and says why.
    let refused = bilan_list::act(
        &t.db,
        &teacher,
        &BilanActionRequest {
            class_id: cm2,
            period_id: trimestre_1,
            action: BilanAction::Lock,
            student_ids: [first].to_vec(),
        },
    )
    .await
    .unwrap();
    assert_eq!(refused.done, 0);
    assert!(refused.left_alone[0].1.contains("incomplet"));

    // Complete it: three rows with an element and a level, and the appréciation générale.
    three_complete_rows(&t.db, &teacher, cm2, trimestre_1, first).await;
    write_appreciation(&t.db, first).await;
    let locked = bilan_list::act(
        &t.db,
        &teacher,
        &BilanActionRequest {
            class_id: cm2,
            period_id: trimestre_1,
            action: BilanAction::Lock,
            student_ids: [first].to_vec(),
        },
    )
    .await
    .unwrap();
    assert_eq!(locked.done, 1);
    // Locked, it keeps its own copy of the class's entries: a later class list does not reach it.
    save_elements(
        &t.db,
        &teacher,
        &key(cm2, Level::Cm2, trimestre_1, "FRA-LGO"),
        &texts(&["Un élément travaillé"]),
        &texts(&["Un autre élément"]),
    )
    .await
    .unwrap();
    let locked_bilan = bilan::Entity::find()
        .filter(bilan::Column::StudentId.eq(first))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    let oral_line = app::entities::bilan_line::Entity::find()
        .filter(app::entities::bilan_line::Column::BilanId.eq(locked_bilan.id))
        .filter(app::entities::bilan_line::Column::DomainCode.eq("FRA-LGO"))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        oral_line.elements,
        Some(serde_json::json!(["Un élément travaillé"]))
    );
    assert!(locked_bilan.parcours.is_some());
    let row = bilan_list::list(&t.db, &teacher, cm2, trimestre_1)
        .await
        .unwrap()
        .rows
        .remove(0);
    assert_eq!(row.status, BilanStatus::Verrouille);
    let lock = row.lock.unwrap();
    assert_eq!(lock.by, "M. Marc Durand");
    assert!(lock.at.contains(" à "), "{}", lock.at);
    // The grid now refuses it.
    let saved = acquis::save(
        &t.db,
        &teacher,
        &grid_key(cm2, trimestre_1, "EPS-RAC"),
        &[change(
            first,
            Some(Positionnement::Atteints),
            Some(Positionnement::Depasses),
        )],
    )
    .await
    .unwrap();
    assert_eq!(saved[0].outcome, AcquisOutcome::Locked);

    // Only the director unlocks; nobody acts on another class's pupils.
    assert_eq!(
        bilan_list::act(
            &t.db,
            &teacher,
            &BilanActionRequest {
                class_id: cm2,
                period_id: trimestre_1,
                action: BilanAction::Unlock,
                student_ids: [first].to_vec()
            }
        )
        .await,
        Err(AppError::Forbidden)
    );
    let unlocked = bilan_list::act(
        &t.db,
        &director,
        &BilanActionRequest {
            class_id: cm2,
            period_id: trimestre_1,
            action: BilanAction::Unlock,
            student_ids: [first].to_vec(),
        },
    )
    .await
    .unwrap();
    assert_eq!(unlocked.done, 1);
    // Unlocked, it follows its class again.
    let thawed = app::entities::bilan_line::Entity::find_by_id(oral_line.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(thawed.elements, None);
    let unlocked_bilan = bilan::Entity::find_by_id(locked_bilan.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unlocked_bilan.parcours, None);
    assert_eq!(
        bilan_list::act(
            &t.db,
            &teacher,
            &BilanActionRequest {
                class_id: cp,
                period_id: trimestre_1,
                action: BilanAction::Create,
                student_ids: [].to_vec()
            }
        )
        .await,
        Err(AppError::Forbidden)
    );
    let stranger = bilan_list::list(&t.db, &director, cp, trimestre_1)
        .await
        .unwrap()
        .rows[0]
        .student_id;
    let refused = bilan_list::act(
        &t.db,
        &teacher,
        &BilanActionRequest {
            class_id: cm2,
            period_id: trimestre_1,
            action: BilanAction::Create,
            student_ids: [stranger].to_vec(),
        },
    )
    .await
    .unwrap_err();
    assert!(refused.field_message("eleve").is_some());
}

#[tokio::test]
async fn synchronisation_updates_unlocked_bilans_and_spares_locked_ones() {
    use app::services::{bilan_list, onde_file, pupil_import, synchronisation};
    let t = test_db().await;
    let (cm2, _, trimestre_1) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let director = actor(&t.db, "direction").await;
    let rows = bilan_list::list(&t.db, &teacher, cm2, trimestre_1)
        .await
        .unwrap()
        .rows;
    let violetta = rows
        .iter()
        .find(|row| row.last_name == "BAZIN")
        .unwrap()
        .student_id;
    let other = rows
        .iter()
        .find(|row| row.last_name != "BAZIN")
        .unwrap()
        .student_id;
    bilan_list::act(
        &t.db,
        &teacher,
        &BilanActionRequest {
            class_id: cm2,
            period_id: trimestre_1,
            action: BilanAction::Create,
            student_ids: [violetta, other].to_vec(),
        },
    )
    .await
    .unwrap();
    three_complete_rows(&t.db, &teacher, cm2, trimestre_1, violetta).await;
    write_appreciation(&t.db, violetta).await;
    let locked = bilan_list::act(
        &t.db,
        &teacher,
        &BilanActionRequest {
            class_id: cm2,
            period_id: trimestre_1,
            action: BilanAction::Lock,
            student_ids: [violetta].to_vec(),
        },
    )
    .await
    .unwrap();
    assert_eq!(locked.done, 1);

    // A re-import renames both pupils; a teacher is added to the class.
    let school = establishments::find_by_uai(&t.db, &Uai::parse("0259999X").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let names_before: Vec<(i32, String)> = bilan::Entity::find()
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|b| (b.student_id, b.last_name))
        .collect();
    let mut pupils = onde_file::parse(server::demo::PUPILS).unwrap();
    for pupil in &mut pupils {
        pupil.last_name = format!("{}-RENOMMÉ", pupil.last_name);
    }
    pupil_import::import_pupils(
        &t.db,
        &director,
        school,
        &pupils,
        pupil_import::Mode::Apply,
        today,
    )
    .await
    .unwrap();

    let report = synchronisation::synchronise(&t.db, &director, school, &[cm2], today)
        .await
        .unwrap();
    assert_eq!(report.updated, 1);
    assert_eq!(report.locked_kept, 1);
    let after: HashMap<i32, bilan::Model> = bilan::Entity::find()
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|b| (b.student_id, b))
        .collect();
    let before = |id: i32| {
        names_before
            .iter()
            .find(|(s, _)| *s == id)
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(after[&violetta].last_name, before(violetta), "locked: kept");
    assert_eq!(
        after[&other].last_name,
        format!("{}-RENOMMÉ", before(other))
    );
    // Again: nothing left to do.
    let again = synchronisation::synchronise(&t.db, &director, school, &[cm2], today)
        .await
        .unwrap();
    assert_eq!((again.updated, again.already_up_to_date), (0, 1));
    assert_eq!(
        synchronisation::synchronise(&t.db, &teacher, school, &[cm2], today).await,
        Err(AppError::Forbidden)
    );
}
