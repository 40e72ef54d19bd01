//! « Saisie collective »: the programme elements of a class (who may write a list, what it
//! accepts, the aide à la saisie), the acquis grid (bilans created on first value, conflicts,
//! locks) and the parcours éducatifs.

use crate::support::{actor, demo_school, test_db};
use app::domain::{BilanStatus, Level, Positionnement, Uai};
use app::entities::{bilan, period};
use app::error::AppError;
use app::services::access::Actor;
use app::services::acquis::{self, GridKey};
use app::services::programme::{ListKey, aide_saisie, elements, save_elements};
use app::services::{classes, establishments, parcours, saisie};
use app::wire::saisie::{AcquisChange, AcquisOutcome};
use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use std::collections::HashMap;

/// The demo's CM2 and CP-CE1, and its first trimestre.
async fn demo(db: &DatabaseConnection) -> (i32, i32, i32) {
    server::demo::seed_school(db).await.unwrap();
    let school = demo_school(db).await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let rows = classes::list(db, &Actor::System, school, today)
        .await
        .unwrap();
    let first = period::Entity::find()
        .filter(period::Column::Periodicity.eq("trimestre"))
        .filter(period::Column::Position.eq(1))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    (rows[0].id, rows[1].id, first.id)
}

fn key(class_id: i32, level: Level, period_id: i32, domain_code: &str) -> ListKey {
    ListKey {
        class_id,
        level,
        period_id,
        domain_code: domain_code.to_owned(),
    }
}

fn texts(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn the_teacher_of_a_class_saves_its_ordered_lists() {
    let t = test_db().await;
    let (cm2, _, trimestre_1) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let oral = key(cm2, Level::Cm2, trimestre_1, "FRA-LGO");
    assert!(elements(&t.db, &teacher, &oral).await.unwrap().is_empty());

    let saved = save_elements(
        &t.db,
        &teacher,
        &oral,
        &[],
        &texts(&[
            "  Exposé sur un livre lu ",
            "Débat réglé sur le harcèlement",
        ]),
    )
    .await
    .unwrap();
    assert_eq!(
        saved,
        ["Exposé sur un livre lu", "Débat réglé sur le harcèlement"]
    );
    // Reordered and one removed: the list is what was sent, in that order.
    save_elements(
        &t.db,
        &teacher,
        &oral,
        &saved,
        &texts(&["Débat réglé sur le harcèlement"]),
    )
    .await
    .unwrap();
    // A page that loaded the list before that change is told, with the list as it is now.
    let stale = save_elements(&t.db, &teacher, &oral, &saved, &texts(&["Lire"]))
        .await
        .unwrap_err();
    assert_eq!(
        stale,
        AppError::ChangedMeanwhile {
            current: texts(&["Débat réglé sur le harcèlement"])
        }
    );
    assert_eq!(
        elements(&t.db, &teacher, &oral).await.unwrap(),
        ["Débat réglé sur le harcèlement"]
    );
    let director = actor(&t.db, "direction").await;
    assert_eq!(elements(&t.db, &director, &oral).await.unwrap().len(), 1);

    // Each bad item is named; nothing is written.
    let refused = save_elements(
        &t.db,
        &teacher,
        &oral,
        &texts(&["Débat réglé sur le harcèlement"]),
        &texts(&["Lire", "  ", &"x".repeat(301)]),
    )
    .await
    .unwrap_err();
    assert!(refused.field_message("element-2").is_some());
    assert!(
        refused
            .field_message("element-3")
            .is_some_and(|m| m.contains("301 caractères"))
    );
    assert_eq!(elements(&t.db, &teacher, &oral).await.unwrap().len(), 1);
}

#[tokio::test]
async fn lists_exist_only_for_the_class_levels_periods_and_domains() {
    let t = test_db().await;
    let (cm2, cp, trimestre_1) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let items = texts(&["Observer le vivant"]);
    let cases = [
        (key(cm2, Level::Cm2, trimestre_1, "QLM-VMO"), "domaine"),
        (key(cm2, Level::Cp, trimestre_1, "FRA-LGO"), "niveau"),
        (key(cm2, Level::Cm2, 999_999, "FRA-LGO"), "periode"),
    ];
    for (wrong, field) in cases {
        let refused = save_elements(&t.db, &teacher, &wrong, &[], &items)
            .await
            .unwrap_err();
        assert!(
            refused.field_message(field).is_some(),
            "{field}: {refused:?}"
        );
    }
    // The demo teacher does not teach the CP-CE1; the parent teaches nothing.
    let not_theirs = key(cp, Level::Cp, trimestre_1, "FRA-LGO");
    assert_eq!(
        save_elements(&t.db, &teacher, &not_theirs, &[], &items).await,
        Err(AppError::Forbidden)
    );
    let parent = actor(&t.db, "parent").await;
    let cm2_list = key(cm2, Level::Cm2, trimestre_1, "FRA-LGO");
    assert_eq!(
        elements(&t.db, &parent, &cm2_list).await,
        Err(AppError::Forbidden)
    );
}

#[test]
fn the_aide_a_la_saisie_follows_the_cycle_of_the_level() {
    let cycle_3 = aide_saisie(Level::Cm2, "HIG-RAC");
    assert!(!cycle_3.is_empty());
    assert!(
        aide_saisie(Level::Ce1, "HIG-RAC").is_empty(),
        "no history in cycle 2"
    );
    assert!(!aide_saisie(Level::Ce1, "QLM-VMO").is_empty());
    assert!(
        aide_saisie(Level::Cm2, "FRA-LGO")
            .iter()
            .all(|item| item.chars().count() <= 300)
    );
}

fn grid_key(class_id: i32, period_id: i32, domain_code: &str) -> GridKey {
    GridKey {
        class_id,
        period_id,
        domain_code: domain_code.to_owned(),
    }
}

fn change(
    student_id: i32,
    was: Option<Positionnement>,
    now: Option<Positionnement>,
) -> AcquisChange {
    AcquisChange {
        student_id,
        was,
        now,
    }
}

/// Positions the pupil on three rows of the CM2, each with a class element: three complete rows.
async fn three_complete_rows(
    db: &DatabaseConnection,
    teacher: &Actor,
    class_id: i32,
    period_id: i32,
    pupil: i32,
) {
    for code in ["FRA-LGO", "FRA-LEC", "EPS-RAC"] {
        save_elements(
            db,
            teacher,
            &key(class_id, Level::Cm2, period_id, code),
            &[],
            &texts(&["Un élément travaillé"]),
        )
        .await
        .unwrap();
        acquis::save(
            db,
            teacher,
            &grid_key(class_id, period_id, code),
            &[change(pupil, None, Some(Positionnement::Atteints))],
        )
        .await
        .unwrap();
    }
}

/// Writes the appréciation générale of the pupil's bilan (its editor comes with the bilans).
async fn write_appreciation(db: &DatabaseConnection, pupil: i32) {
    let written = bilan::Entity::find()
        .filter(bilan::Column::StudentId.eq(pupil))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut appreciation: bilan::ActiveModel = written.into();
    appreciation.appreciation = Set(Some("Bon trimestre.".to_owned()));
    appreciation.update(db).await.unwrap();
}

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
    assert_eq!(all.len(), 2);
    assert_eq!(
        saisie::teaching_classes(&t.db, &parent, school, today).await,
        Err(AppError::Forbidden)
    );
}

#[tokio::test]
async fn parcours_texts_are_saved_per_class_and_period() {
    let t = test_db().await;
    let (cm2, cp, trimestre_1) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let empty = parcours::texts(&t.db, &teacher, cm2, trimestre_1)
        .await
        .unwrap();
    assert_eq!(empty.len(), 3);
    assert!(empty.iter().all(|entry| entry.text.is_empty()));
    // (citoyen now, was), (santé now, was): the page sends what it read with what it shows.
    let changes = |citoyen: (&str, &str), sante: (&str, &str)| {
        vec![
            parcours_change("PAR_CIT", citoyen.0, citoyen.1),
            parcours_change("PAR_SAN", sante.0, sante.1),
        ]
    };
    let saved = parcours::save(
        &t.db,
        &teacher,
        cm2,
        trimestre_1,
        &changes((" Élection des délégués ", ""), ("Semaine du goût", "")),
    )
    .await
    .unwrap();
    assert_eq!(
        saved
            .iter()
            .map(|p| (p.stored.as_str(), p.conflict))
            .collect::<Vec<_>>(),
        [("Élection des délégués", false), ("Semaine du goût", false)]
    );
    let saved = parcours::texts(&t.db, &teacher, cm2, trimestre_1)
        .await
        .unwrap();
    assert_eq!(saved[0].text, "Élection des délégués");
    assert_eq!(saved[1].text, "", "the artistic parcours was not sent");
    assert_eq!(saved[2].text, "Semaine du goût");

    // Too long: refused and named, nothing written; a blank text removes the parcours.
    let refused = parcours::save(
        &t.db,
        &teacher,
        cm2,
        trimestre_1,
        &changes(
            (&"x".repeat(601), "Élection des délégués"),
            ("", "Semaine du goût"),
        ),
    )
    .await
    .unwrap_err();
    assert!(
        refused
            .field_message("parcours-PAR_CIT")
            .is_some_and(|m| m.contains("601 caractères"))
    );
    parcours::save(
        &t.db,
        &teacher,
        cm2,
        trimestre_1,
        &changes(
            ("Élection des délégués", "Élection des délégués"),
            (" ", "Semaine du goût"),
        ),
    )
    .await
    .unwrap();
    let saved = parcours::texts(&t.db, &teacher, cm2, trimestre_1)
        .await
        .unwrap();
    assert_eq!(saved[2].text, "");
    assert_eq!(
        parcours::texts(&t.db, &teacher, cp, trimestre_1).await,
        Err(AppError::Forbidden)
    );
}

/// Two people on the same class's parcours: what the second did not see is never overwritten,
/// whether it was written, changed or removed, and is answered with the text stored.
#[tokio::test]
async fn a_parcours_changed_by_someone_else_is_not_overwritten() {
    let t = test_db().await;
    let (cm2, _, trimestre_1) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let director = actor(&t.db, "direction").await;
    let save = async |who: &Actor, now: &str, was: &str| {
        let saved = parcours::save(
            &t.db,
            who,
            cm2,
            trimestre_1,
            &[parcours_change("PAR_CIT", now, was)],
        )
        .await
        .unwrap();
        (saved[0].stored.clone(), saved[0].conflict)
    };
    // Who saves, the text their page shows and the one it read; the text stored after, whether
    // theirs was refused as a conflict; and why.
    #[rustfmt::skip]
    let steps = [
        (&director, "Conseil d'élèves", "", "Conseil d'élèves", false, "both read an empty text; the director saves first"),
        (&teacher, "Élection des délégués", "", "Conseil d'élèves", true, "the teacher's page read the empty text: the director's is kept"),
        (&teacher, "Élection des délégués", "Conseil d'élèves", "Élection des délégués", false, "having seen it, the teacher saves over it knowingly"),
        (&director, "Élection des délégués", "Conseil d'élèves", "Élection des délégués", false, "the same text from a stale page is no conflict"),
        (&director, "", "Conseil d'élèves", "Élection des délégués", true, "a stale page removes nothing"),
        (&director, "Conseil des élèves", "Conseil d'élèves", "Élection des délégués", true, "a stale page changes nothing"),
        (&teacher, "", "Élection des délégués", "", false, "the teacher removes the text they saw"),
        (&director, "Conseil des élèves", "Élection des délégués", "", true, "a removed text is not written again from a page that showed it"),
        (&teacher, "Conseil\nd'élèves", "", "Conseil\nd'élèves", false, "line breaks as JavaScript sends them"),
        (&director, "Conseil\r\ndes élèves", "Conseil\r\nd'élèves", "Conseil\ndes élèves", false, "the same text read back by a form posted without JavaScript"),
    ];
    for (who, now, was, stored, conflict, why) in steps {
        assert_eq!(
            save(who, now, was).await,
            (stored.to_owned(), conflict),
            "{why}"
        );
    }
    let texts = parcours::texts(&t.db, &teacher, cm2, trimestre_1)
        .await
        .unwrap();
    assert_eq!(texts[0].text, "Conseil\ndes élèves");
}

fn parcours_change(code: &str, now: &str, was: &str) -> parcours::ParcoursChange {
    parcours::ParcoursChange {
        code: code.to_owned(),
        now: now.to_owned(),
        was: was.to_owned(),
    }
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

#[tokio::test]
async fn bilans_are_created_locked_when_complete_and_unlocked_by_the_director_only() {
    use app::services::bilan_list;
    use app::wire::bilans::BilanAction;
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
        cm2,
        trimestre_1,
        BilanAction::Create,
        &[first, second],
    )
    .await
    .unwrap();
    assert_eq!(created.done, 2);
    // An incomplete bilan is not locked, and says why.
    let refused = bilan_list::act(
        &t.db,
        &teacher,
        cm2,
        trimestre_1,
        BilanAction::Lock,
        &[first],
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
        cm2,
        trimestre_1,
        BilanAction::Lock,
        &[first],
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
            cm2,
            trimestre_1,
            BilanAction::Unlock,
            &[first]
        )
        .await,
        Err(AppError::Forbidden)
    );
    let unlocked = bilan_list::act(
        &t.db,
        &director,
        cm2,
        trimestre_1,
        BilanAction::Unlock,
        &[first],
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
        bilan_list::act(&t.db, &teacher, cp, trimestre_1, BilanAction::Create, &[]).await,
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
        cm2,
        trimestre_1,
        BilanAction::Create,
        &[stranger],
    )
    .await
    .unwrap_err();
    assert!(refused.field_message("eleve").is_some());
}

#[tokio::test]
async fn synchronisation_updates_unlocked_bilans_and_spares_locked_ones() {
    use app::services::{bilan_list, onde_file, pupil_import, synchronisation};
    use app::wire::bilans::BilanAction;
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
        cm2,
        trimestre_1,
        BilanAction::Create,
        &[violetta, other],
    )
    .await
    .unwrap();
    three_complete_rows(&t.db, &teacher, cm2, trimestre_1, violetta).await;
    write_appreciation(&t.db, violetta).await;
    let locked = bilan_list::act(
        &t.db,
        &teacher,
        cm2,
        trimestre_1,
        BilanAction::Lock,
        &[violetta],
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

#[tokio::test]
async fn two_saves_of_one_programme_list_at_once_keep_one_list() {
    let t = test_db().await;
    let (cm2, _, trimestre_1) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let director = actor(&t.db, "direction").await;
    let list = key(cm2, Level::Cm2, trimestre_1, "MAT-GEO");
    let (mine, theirs) = (
        texts(&["Tracer un cercle"]),
        texts(&["Reproduire une figure"]),
    );
    let (first, second) = tokio::join!(
        save_elements(&t.db, &teacher, &list, &[], &mine),
        save_elements(&t.db, &director, &list, &[], &theirs),
    );
    let outcomes = [first.is_ok(), second.is_ok()];
    assert_eq!(
        outcomes.iter().filter(|ok| **ok).count(),
        1,
        "{first:?} {second:?}"
    );
    let stored = elements(&t.db, &teacher, &list).await.unwrap();
    assert!(
        stored == mine || stored == theirs,
        "one list, not both: {stored:?}"
    );
    let refused = if first.is_ok() { second } else { first };
    assert_eq!(refused, Err(AppError::ChangedMeanwhile { current: stored }));
}
