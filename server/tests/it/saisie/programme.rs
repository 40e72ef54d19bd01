//! Programme elements of a class, and the aide à la saisie.

use super::*;

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
