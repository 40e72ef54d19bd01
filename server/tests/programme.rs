//! « Saisie collective des éléments du programme »: who may write a class's lists, what a list
//! accepts, and the aide à la saisie.

mod support;

use app::domain::{Level, Login, Uai};
use app::entities::period;
use app::error::AppError;
use app::services::access::Actor;
use app::services::programme::{ListKey, aide_saisie, elements, save_elements};
use app::services::{accounts, classes, establishments};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use support::test_db;

async fn actor(db: &DatabaseConnection, login: &str) -> Actor {
    let id = accounts::find_by_login(db, &Login::parse(login).unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    Actor::User(accounts::acting_user(db, id, None).await.unwrap())
}

/// The demo's CM2 and CP-CE1, and its first trimestre.
async fn demo(db: &DatabaseConnection) -> (i32, i32, i32) {
    server::demo::seed(db).await.unwrap();
    let school = establishments::find_by_uai(db, &Uai::parse("0259999X").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
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
        &texts(&["Débat réglé sur le harcèlement"]),
    )
    .await
    .unwrap();
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
        let refused = save_elements(&t.db, &teacher, &wrong, &items)
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
        save_elements(&t.db, &teacher, &not_theirs, &items).await,
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
