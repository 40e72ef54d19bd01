//! « Saisie individuelle »: a pupil's bilan written field by field (recto and verso), refused
//! values and conflicts per field, the lock guard on every write path, previous and next
//! pupils, the pupil's history with each bilan's audit trail, and the demo's filled CM2.

use crate::support::{actor, demo_class, test_db, trimestres};
use app::domain::{BilanStatus, Level, Positionnement, Uai};
use app::entities::{bilan, period, student};
use app::error::AppError;
use app::services::access::Actor;
use app::services::acquis;
use app::services::programme::save_elements;
use app::services::{
    bilan_editor, bilan_history, bilan_list, classes, establishments, parcours, synchronisation,
};
use app::wire::bilan_editor::{BilanField, BilanKey, FieldChange, FieldOutcome, FieldValue};
use app::wire::bilans::{BilanAction, BilanActionRequest};
use app::wire::saisie::GridKey;
use app::wire::saisie::ListKey;
use app::wire::saisie::{AcquisChange, AcquisOutcome};
use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

/// The demo school without bilans: its CM2, CP-CE1, and the ids of its three trimestres.
async fn school(db: &DatabaseConnection) -> (i32, i32, Vec<i32>) {
    server::demo::seed_school(db).await.unwrap();
    let cm2 = demo_class(db, "CM2").await.id;
    let cp = demo_class(db, "CP").await.id;
    (cm2, cp, trimestres(db).await)
}

/// The class's pupils in name order.
async fn pupils(db: &DatabaseConnection, class_id: i32) -> Vec<student::Model> {
    let mut found = student::Entity::find()
        .filter(student::Column::ClassId.eq(class_id))
        .all(db)
        .await
        .unwrap();
    found.sort_by(|a, b| a.last_name.cmp(&b.last_name));
    found
}

fn text(value: &str) -> FieldValue {
    FieldValue::Text(value.to_owned())
}

fn change(field: BilanField, was: FieldValue, now: FieldValue) -> FieldChange {
    FieldChange { field, was, now }
}

fn comment(code: &str, was: &str, now: &str) -> FieldChange {
    change(BilanField::Comment(code.to_owned()), text(was), text(now))
}

/// Changes that make a bilan complete: Français and Mathématiques commented (7 rows) and the
/// appréciation générale.
fn completing() -> Vec<FieldChange> {
    vec![
        comment("FRA-LGO", "", "Lit avec aisance."),
        comment("MAT-NBC", "", "Calcule avec sûreté."),
        change(
            BilanField::Appreciation,
            text(""),
            text("Un bon trimestre."),
        ),
    ]
}

#[tokio::test]
async fn the_editor_saves_recto_and_verso_and_reads_them_back() {
    let t = test_db().await;
    let (cm2, _, trimestres) = school(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let pupil = &pupils(&t.db, cm2).await[1];
    let key = BilanKey {
        student_id: pupil.id,
        period_id: trimestres[0],
    };
    let fresh = bilan_editor::open(&t.db, &teacher, key).await.unwrap();
    assert!(!fresh.created);
    assert_eq!(fresh.summary.status, BilanStatus::NonCree);
    assert_eq!(fresh.rows.len(), 15, "the CM2's rows");
    let francais = &fresh.rows[0];
    assert_eq!(
        (francais.code.as_str(), francais.comment_span),
        ("FRA-LGO", 4)
    );
    assert_eq!(
        fresh.rows[1].comment_span, 0,
        "one comment for all of Français"
    );
    assert_eq!(
        fresh.summary.missing.len(),
        2,
        "{:?}",
        fresh.summary.missing
    );

    // The class's list of a row, then the pupil's own for another.
    save_elements(
        &t.db,
        &teacher,
        &ListKey {
            class_id: cm2,
            level: Level::Cm2,
            period_id: trimestres[0],
            domain_code: "EPS-RAC".to_owned(),
        },
        &[],
        &["Natation".to_owned()],
    )
    .await
    .unwrap();
    let saved = bilan_editor::save(
        &t.db,
        &teacher,
        key,
        &[
            comment("FRA-LGO", "", "  Lit avec aisance ; « bravo » !  "),
            change(
                BilanField::Positionnement("MAT-GEO".to_owned()),
                FieldValue::Level(None),
                FieldValue::Level(Some(Positionnement::Atteints)),
            ),
            change(
                BilanField::Elements("MAT-GEO".to_owned()),
                FieldValue::Elements(None),
                FieldValue::Elements(Some(vec!["Tracer des figures".to_owned()])),
            ),
            change(
                BilanField::Positionnement("EPS-RAC".to_owned()),
                FieldValue::Level(None),
                FieldValue::Level(Some(Positionnement::Depasses)),
            ),
            change(
                BilanField::Parcours("PAR_CIT".to_owned()),
                text(""),
                text("Déléguée de classe."),
            ),
            change(
                BilanField::Modalites,
                FieldValue::Codes(vec![]),
                FieldValue::Codes(vec!["PPRE".to_owned(), "PAP".to_owned()]),
            ),
            change(
                BilanField::PpreComplement,
                text(""),
                text("Soutien en lecture."),
            ),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        saved.outcomes[0],
        FieldOutcome::Saved(text("Lit avec aisance ; « bravo » !"))
    );
    assert_eq!(
        saved.outcomes[5],
        FieldOutcome::Saved(FieldValue::Codes(vec!["PAP".to_owned(), "PPRE".to_owned()])),
        "in the catalogue's order"
    );
    // Français (4 rows, by its comment), MAT-GEO (own element) and EPS (the class's) are
    // complete; the appréciation générale is missing.
    let complete: Vec<&str> = saved
        .summary
        .rows
        .iter()
        .filter(|(_, complete)| *complete)
        .map(|(code, _)| code.as_str())
        .collect();
    assert_eq!(
        complete,
        [
            "FRA-LGO", "FRA-LEC", "FRA-ECR", "FRA-ETL", "MAT-GEO", "EPS-RAC"
        ]
    );
    assert_eq!(saved.summary.status, BilanStatus::EnCours);
    assert_eq!(saved.summary.missing.len(), 1);
    assert!(saved.summary.missing[0].contains("appréciation générale"));

    let reread = bilan_editor::open(&t.db, &teacher, key).await.unwrap();
    assert!(reread.created);
    assert_eq!(reread.rows[0].comment, "Lit avec aisance ; « bravo » !");
    let geo = reread.rows.iter().find(|r| r.code == "MAT-GEO").unwrap();
    assert_eq!(geo.positionnement, Some(Positionnement::Atteints));
    assert_eq!(
        geo.own_elements.as_deref(),
        Some(&["Tracer des figures".to_owned()][..])
    );
    let eps = reread.rows.iter().find(|r| r.code == "EPS-RAC").unwrap();
    assert_eq!(
        (eps.class_elements.clone(), eps.own_elements.clone()),
        (vec!["Natation".to_owned()], None)
    );
    assert_eq!(reread.parcours[0].own_text, "Déléguée de classe.");
    assert_eq!(reread.modalites, ["PAP", "PPRE"]);
    assert_eq!(reread.ppre_complement, "Soutien en lecture.");

    let done = bilan_editor::save(
        &t.db,
        &teacher,
        key,
        &[change(
            BilanField::Appreciation,
            text(""),
            text("Un bon trimestre."),
        )],
    )
    .await
    .unwrap();
    assert_eq!(done.summary.status, BilanStatus::Complet);
    assert!(done.summary.missing.is_empty());
    // The list computes the same status from the same data.
    let list = bilan_list::list(&t.db, &teacher, cm2, trimestres[0])
        .await
        .unwrap();
    let row = list.rows.iter().find(|r| r.student_id == pupil.id).unwrap();
    assert_eq!(row.status, BilanStatus::Complet);
}

#[tokio::test]
async fn refused_values_and_conflicts_are_per_field_and_the_rest_is_saved() {
    let t = test_db().await;
    let (cm2, _, trimestres) = school(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let pupil = &pupils(&t.db, cm2).await[0];
    let key = BilanKey {
        student_id: pupil.id,
        period_id: trimestres[0],
    };
    let saved = bilan_editor::save(
        &t.db,
        &teacher,
        key,
        &[
            comment("FRA-LGO", "", &"é".repeat(601)),
            comment("FRA-LEC", "", "Le commentaire va sur le domaine"),
            change(
                BilanField::Elements("EPS-RAC".to_owned()),
                FieldValue::Elements(None),
                FieldValue::Elements(Some(vec!["Nager".to_owned(), "   ".to_owned()])),
            ),
            change(
                BilanField::Modalites,
                FieldValue::Codes(vec![]),
                FieldValue::Codes(vec!["SEGPA".to_owned()]),
            ),
            change(
                BilanField::Positionnement("QLM-VMO".to_owned()),
                FieldValue::Level(None),
                FieldValue::Level(Some(Positionnement::Atteints)),
            ),
            change(BilanField::Appreciation, text(""), text(&"a".repeat(1500))),
        ],
    )
    .await
    .unwrap();
    let refusal = |index: usize| match &saved.outcomes[index] {
        FieldOutcome::Refused(message) => message.clone(),
        other => panic!("change {index} was not refused: {other:?}"),
    };
    assert!(refusal(0).contains("601 caractères"), "{}", refusal(0));
    assert!(refusal(1).contains("tout le domaine"), "{}", refusal(1));
    assert!(refusal(2).starts_with("élément 2"), "{}", refusal(2));
    assert!(refusal(3).contains("SEGPA"), "{}", refusal(3));
    assert!(
        refusal(4).contains("QLM-VMO"),
        "a cycle 2 row: {}",
        refusal(4)
    );
    assert!(
        matches!(saved.outcomes[5], FieldOutcome::Saved(_)),
        "1500 is allowed"
    );

    // Someone changed the appréciation since this page read it: nothing is written to it.
    let stale = bilan_editor::save(
        &t.db,
        &teacher,
        key,
        &[
            change(BilanField::Appreciation, text(""), text("Mon texte")),
            comment("MAT-NBC", "", "Calcule vite."),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        stale.outcomes[0],
        FieldOutcome::Conflict {
            current: text(&"a".repeat(1500))
        }
    );
    assert!(matches!(stale.outcomes[1], FieldOutcome::Saved(_)));
    // The page's value as typed (spaces included) is the one it saw: not a conflict.
    let typed = bilan_editor::save(
        &t.db,
        &teacher,
        key,
        &[comment(
            "MAT-NBC",
            " Calcule vite. ",
            "Calcule vite et juste.",
        )],
    )
    .await
    .unwrap();
    assert!(
        matches!(typed.outcomes[0], FieldOutcome::Saved(_)),
        "{typed:?}"
    );
    let reread = bilan_editor::open(&t.db, &teacher, key).await.unwrap();
    assert_eq!(reread.appreciation, "a".repeat(1500));
    assert_eq!(
        reread.rows[0].comment, "",
        "the refused comment was not written"
    );
}

#[tokio::test]
async fn a_locked_bilan_refuses_every_write_path() {
    let t = test_db().await;
    let (cm2, _, trimestres) = school(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let director = actor(&t.db, "direction").await;
    let pupil = &pupils(&t.db, cm2).await[0];
    let period_id = trimestres[0];
    let key = BilanKey {
        student_id: pupil.id,
        period_id,
    };
    bilan_editor::save(&t.db, &teacher, key, &completing())
        .await
        .unwrap();
    parcours::save(
        &t.db,
        &teacher,
        cm2,
        period_id,
        &[parcours::ParcoursChange {
            code: "PAR_ART".to_owned(),
            now: "Visite du musée".to_owned(),
            was: String::new(),
        }],
    )
    .await
    .unwrap();
    let report = bilan_list::act(
        &t.db,
        &teacher,
        &BilanActionRequest {
            class_id: cm2,
            period_id,
            action: BilanAction::Lock,
            student_ids: [pupil.id].to_vec(),
        },
    )
    .await
    .unwrap();
    assert_eq!(report.done, 1, "{report:?}");
    let stored = || async {
        bilan::Entity::find()
            .filter(bilan::Column::StudentId.eq(pupil.id))
            .one(&t.db)
            .await
            .unwrap()
            .unwrap()
    };
    let locked = stored().await;

    // The editor.
    let refused = bilan_editor::save(
        &t.db,
        &teacher,
        key,
        &[change(
            BilanField::Appreciation,
            text("Un bon trimestre."),
            text("Autre"),
        )],
    )
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("verrouillé"), "{refused}");
    // The acquis grid.
    let grid = acquis::save(
        &t.db,
        &teacher,
        &GridKey {
            class_id: cm2,
            period_id,
            domain_code: "EPS-RAC".to_owned(),
        },
        &[AcquisChange {
            student_id: pupil.id,
            was: None,
            now: Some(Positionnement::Atteints),
        }],
    )
    .await
    .unwrap();
    assert_eq!(grid[0].outcome, AcquisOutcome::Locked);
    // Collective entries after the lock: the bilan keeps what it showed.
    parcours::save(
        &t.db,
        &teacher,
        cm2,
        period_id,
        &[parcours::ParcoursChange {
            code: "PAR_ART".to_owned(),
            now: "Concert".to_owned(),
            was: "Visite du musée".to_owned(),
        }],
    )
    .await
    .unwrap();
    // The synchronisation, after a change of the pupil's name in the registry.
    let mut renamed: student::ActiveModel = pupil.clone().into();
    renamed.first_names = Set("Autre-Prénom".to_owned());
    renamed.update(&t.db).await.unwrap();
    let school = establishments::find_by_uai(&t.db, &Uai::parse("0259999X").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let sync = synchronisation::synchronise(&t.db, &director, school, &[cm2], today)
        .await
        .unwrap();
    assert_eq!(sync.locked_kept, 1, "{sync:?}");
    // Nothing reached it.
    let after = stored().await;
    assert_eq!(after, locked, "a locked bilan is unchanged");
    let shown = bilan_editor::open(&t.db, &teacher, key).await.unwrap();
    assert_eq!(shown.parcours[1].class_text, "Visite du musée");
    assert!(shown.pupil_name.ends_with(&pupil.first_names));
    assert!(shown.lock.is_some());

    // Only the director unlocks; then the editor writes again.
    let by_teacher = bilan_list::act(
        &t.db,
        &teacher,
        &BilanActionRequest {
            class_id: cm2,
            period_id,
            action: BilanAction::Unlock,
            student_ids: [pupil.id].to_vec(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(by_teacher, AppError::Forbidden);
    bilan_list::act(
        &t.db,
        &director,
        &BilanActionRequest {
            class_id: cm2,
            period_id,
            action: BilanAction::Unlock,
            student_ids: [pupil.id].to_vec(),
        },
    )
    .await
    .unwrap();
    let written = bilan_editor::save(
        &t.db,
        &teacher,
        key,
        &[change(
            BilanField::Appreciation,
            text("Un bon trimestre."),
            text("Autre"),
        )],
    )
    .await
    .unwrap();
    assert!(matches!(written.outcomes[0], FieldOutcome::Saved(_)));
}

#[tokio::test]
async fn the_editor_walks_the_class_in_name_order_and_only_for_its_teachers() {
    let t = test_db().await;
    let (cm2, cp, trimestres) = school(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let order: Vec<i32> = bilan_list::list(&t.db, &teacher, cm2, trimestres[0])
        .await
        .unwrap()
        .rows
        .iter()
        .map(|row| row.student_id)
        .collect();
    let (first, second) = (order[0], order[1]);
    let key = |student_id| BilanKey {
        student_id,
        period_id: trimestres[0],
    };
    let opened = bilan_editor::open(&t.db, &teacher, key(first))
        .await
        .unwrap();
    assert_eq!((opened.position, opened.count), (1, order.len()));
    assert_eq!(opened.previous, None);
    assert_eq!(opened.next.as_ref().map(|n| n.student_id), Some(second));
    let next = bilan_editor::open(&t.db, &teacher, key(second))
        .await
        .unwrap();
    assert_eq!(next.previous.map(|n| n.student_id), Some(first));

    let cp_pupil = pupils(&t.db, cp).await[0].id;
    assert_eq!(
        bilan_editor::open(&t.db, &teacher, key(cp_pupil))
            .await
            .unwrap_err(),
        AppError::Forbidden,
        "not their class"
    );
    let parent = actor(&t.db, "parent").await;
    assert_eq!(
        bilan_editor::save(&t.db, &parent, key(first), &completing())
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    assert_eq!(
        bilan_history::history(&t.db, &parent, first)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    let director = actor(&t.db, "direction").await;
    assert!(
        bilan_editor::open(&t.db, &director, key(cp_pupil))
            .await
            .is_ok()
    );
}

/// A pupil who came from another class: their teacher now reads the bilans of that class from
/// the history, but cannot change them, nor walk to that class's other pupils.
#[tokio::test]
async fn a_bilan_of_the_pupils_former_class_is_read_only_for_their_teacher_now() {
    let t = test_db().await;
    let (cm2, cp, trimestres) = school(&t.db).await;
    let director = actor(&t.db, "direction").await;
    let teacher = actor(&t.db, "enseignant").await;
    let moving = pupils(&t.db, cp).await[0].clone();
    let key = BilanKey {
        student_id: moving.id,
        period_id: trimestres[0],
    };
    bilan_editor::save(&t.db, &director, key, &completing())
        .await
        .unwrap();
    assert_eq!(
        bilan_editor::open(&t.db, &teacher, key).await.unwrap_err(),
        AppError::Forbidden,
        "not a pupil of theirs yet"
    );
    let mut moved: student::ActiveModel = moving.into();
    moved.class_id = Set(Some(cm2));
    moved.update(&t.db).await.unwrap();

    let history = bilan_history::history(&t.db, &teacher, key.student_id)
        .await
        .unwrap();
    assert_eq!(history.bilans[0].key, key);
    let read = bilan_editor::open(&t.db, &teacher, key).await.unwrap();
    assert!(!read.may_edit);
    assert_eq!(read.class_id, cp, "the bilan stays the CP's");
    assert_eq!((read.previous, read.next), (None, None));
    assert_eq!((read.position, read.count), (0, 0));
    assert_eq!(read.appreciation, "Un bon trimestre.");
    let printed = app::services::printed_bilan::document(&t.db, &teacher, key)
        .await
        .unwrap();
    assert_eq!(printed.appreciation, "Un bon trimestre.");
    assert_eq!(
        bilan_editor::save(
            &t.db,
            &teacher,
            key,
            &[change(
                BilanField::Appreciation,
                text("Un bon trimestre."),
                text("Changé"),
            )],
        )
        .await
        .unwrap_err(),
        AppError::Forbidden
    );
    // The director still fills it in.
    assert!(
        bilan_editor::open(&t.db, &director, key)
            .await
            .unwrap()
            .may_edit
    );
}

#[tokio::test]
async fn the_history_lists_every_bilan_newest_first_with_its_trail() {
    let t = test_db().await;
    let (cm2, _, trimestres) = school(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let director = actor(&t.db, "direction").await;
    let pupil = &pupils(&t.db, cm2).await[0];
    // Written in the order T2, T1, T3: the history goes by period, not by writing.
    for period_id in [trimestres[1], trimestres[0], trimestres[2]] {
        let key = BilanKey {
            student_id: pupil.id,
            period_id,
        };
        bilan_editor::save(&t.db, &teacher, key, &completing())
            .await
            .unwrap();
    }
    bilan_list::act(
        &t.db,
        &director,
        &BilanActionRequest {
            class_id: cm2,
            period_id: trimestres[0],
            action: BilanAction::Lock,
            student_ids: [pupil.id].to_vec(),
        },
    )
    .await
    .unwrap();
    let history = bilan_history::history(&t.db, &teacher, pupil.id)
        .await
        .unwrap();
    let periods: Vec<i32> = history.bilans.iter().map(|b| b.key.period_id).collect();
    assert_eq!(periods, [trimestres[2], trimestres[1], trimestres[0]]);
    assert_eq!(history.bilans[0].period_label, "Trimestre 3");
    assert_eq!(history.bilans[0].year, "2026/2027");
    let first = &history.bilans[2];
    assert_eq!(first.status, BilanStatus::Verrouille);
    assert_eq!(first.lock.as_ref().unwrap().by, "Mme Hélène Lefèvre");
    let trail: Vec<(&str, &str)> = first
        .trail
        .iter()
        .map(|entry| (entry.what.as_str(), entry.by.as_str()))
        .collect();
    assert_eq!(
        trail[0],
        ("Verrouillage", "Mme Hélène Lefèvre"),
        "newest first"
    );
    assert!(trail.contains(&("Appréciation générale", "M. Marc Durand")));
    assert!(trail.contains(&("Commentaire — Français", "M. Marc Durand")));
    assert_eq!(first.trail.len(), 4);
    // The grid's writes are in the trail too, with the value as the scale names it.
    acquis::save(
        &t.db,
        &teacher,
        &GridKey {
            class_id: cm2,
            period_id: trimestres[1],
            domain_code: "EPS-RAC".to_owned(),
        },
        &[AcquisChange {
            student_id: pupil.id,
            was: None,
            now: Some(Positionnement::Depasses),
        }],
    )
    .await
    .unwrap();
    let history = bilan_history::history(&t.db, &director, pupil.id)
        .await
        .unwrap();
    let newest = &history.bilans[1].trail[0];
    assert_eq!(
        (newest.what.as_str(), newest.value.as_str()),
        (
            "Positionnement — Éducation physique et sportive",
            "Dépassés"
        )
    );
}

#[tokio::test]
async fn the_demo_cm2_has_filled_bilans_two_of_them_locked() {
    let t = test_db().await;
    assert!(
        server::demo::seed(
            &t.db,
            &app::services::second_factor::SecretKey::generate().0
        )
        .await
        .unwrap()
    );
    let teacher = actor(&t.db, "enseignant").await;
    let school = establishments::find_by_uai(&t.db, &Uai::parse("0259999X").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let today = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    let cm2 = classes::list(&t.db, &Actor::System, school, today)
        .await
        .unwrap()
        .into_iter()
        .find(|class| class.label == "CM2 M. Durand")
        .unwrap();
    let first = period::Entity::find()
        .filter(period::Column::Position.eq(1))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    let list = bilan_list::list(&t.db, &teacher, cm2.id, first.id)
        .await
        .unwrap();
    assert_eq!(list.rows.len(), 6);
    let locked: Vec<String> = list
        .rows
        .iter()
        .filter(|row| row.status == BilanStatus::Verrouille)
        .map(|row| format!("{} {}", row.last_name, row.first_names))
        .collect();
    assert_eq!(locked, ["ANDRIES Hénoler", "BAZIN Violetta"]);
    assert!(
        list.rows
            .iter()
            .all(|row| matches!(row.status, BilanStatus::Complet | BilanStatus::Verrouille))
    );
    // Every row has a value, and they vary.
    let bilan = bilan_editor::open(
        &t.db,
        &teacher,
        BilanKey {
            student_id: list.rows[2].student_id,
            period_id: first.id,
        },
    )
    .await
    .unwrap();
    assert!(bilan.rows.iter().all(|row| row.positionnement.is_some()));
    let mut levels: Vec<_> = bilan.rows.iter().map(|row| row.positionnement).collect();
    levels.dedup();
    assert!(levels.len() > 3, "{levels:?}");
    assert!(!bilan.appreciation.is_empty());
    assert!(bilan.rows.iter().all(|row| !row.class_elements.is_empty()));
}
