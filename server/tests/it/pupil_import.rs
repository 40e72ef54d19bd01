//! The ONDE import on a real database: creation, repeatability, preview, updates, departures,
//! access.

use crate::support::test_db;
use app::domain::ImportSummary;
use app::domain::{Role, SchoolYear, Uai};
use app::entities::{class_level, school_class, student};
use app::error::AppError;
use app::services::access::Actor;
use app::services::onde_file::{self, OndeRow};
use app::services::pupil_import::{Mode, import_pupils};
use app::services::school_years::{self, NewSchoolYear};
use app::services::{accounts, establishments};
use chrono::NaiveDate;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

const SAMPLE: &[u8] = include_bytes!("../../demo/onde-extraction-eleves.csv");

fn sample() -> Vec<OndeRow> {
    onde_file::parse(SAMPLE).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()
}

async fn school_with_year(db: &DatabaseConnection) -> i32 {
    let school = establishments::create(
        db,
        &Actor::System,
        establishments::NewEstablishment {
            uai: Uai::parse("0251234A").unwrap(),
            name: "École".into(),
            city: None,
        },
    )
    .await
    .unwrap();
    let year = NewSchoolYear::proposed(SchoolYear::new(2026).unwrap());
    school_years::open(db, &Actor::System, school.id, year, None)
        .await
        .unwrap();
    school.id
}

/// Imports as the system (the command line), which may run any school.
async fn import(
    db: &DatabaseConnection,
    school: i32,
    rows: &[OndeRow],
    mode: Mode,
    day: NaiveDate,
) -> Result<ImportSummary, AppError> {
    import_pupils(db, &Actor::System, school, rows, mode, day).await
}

#[tokio::test]
async fn the_sample_creates_classes_and_pupils_once() {
    let t = test_db().await;
    let school = school_with_year(&t.db).await;
    let first = import(&t.db, school, &sample(), Mode::Apply, today())
        .await
        .unwrap();
    assert_eq!(
        first.classes_added,
        vec!["CP-CE1 Mme Martin", "CM2 M. Durand", "Mme Perrin CE2"]
    );
    assert_eq!(first.pupils_added.len(), 16);
    assert!(first.pupils_added.contains(&"BAZIN Violetta".to_owned()));
    assert_eq!(student::Entity::find().count(&t.db).await.unwrap(), 16);
    let mut levels: Vec<String> = class_level::Entity::find()
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.level)
        .collect();
    levels.sort();
    assert_eq!(
        levels,
        vec!["CE1", "CE2", "CM2", "CP"],
        "a multi-level class is one class"
    );

    let again = import(&t.db, school, &sample(), Mode::Apply, today())
        .await
        .unwrap();
    assert!(again.changes_nothing(), "{again}");
    assert_eq!(school_class::Entity::find().count(&t.db).await.unwrap(), 3);
}

#[tokio::test]
async fn a_preview_writes_nothing() {
    let t = test_db().await;
    let school = school_with_year(&t.db).await;
    let preview = import(&t.db, school, &sample(), Mode::Preview, today())
        .await
        .unwrap();
    assert_eq!(preview.pupils_added.len(), 16);
    assert_eq!(student::Entity::find().count(&t.db).await.unwrap(), 0);
    assert_eq!(school_class::Entity::find().count(&t.db).await.unwrap(), 0);
}

#[tokio::test]
async fn changes_and_departures_are_reported_and_applied() {
    let t = test_db().await;
    let school = school_with_year(&t.db).await;
    import(&t.db, school, &sample(), Mode::Apply, today())
        .await
        .unwrap();

    let mut rows = sample();
    let gone = rows.remove(0);
    let renamed = rows.iter_mut().find(|r| r.last_name == "BAZIN").unwrap();
    renamed.first_names = "Violetta Marie".into();
    for row in rows.iter_mut().filter(|r| r.class_onde_id == 1234502) {
        row.class_label = "CM2 M. Durand et Mme Roy".into();
    }
    let mover = rows.iter_mut().find(|r| r.last_name == "ANDRIES").unwrap();
    mover.class_onde_id = 1234501;
    mover.class_label = "CP-CE1 Mme Martin".into();
    let mut newcomer = rows[0].clone();
    newcomer.last_name = "NOUVEAU".into();
    newcomer.ine = None;
    rows.push(newcomer);

    let later = NaiveDate::from_ymd_opt(2027, 1, 5).unwrap();
    let summary = import(&t.db, school, &rows, Mode::Apply, later)
        .await
        .unwrap();
    // The CP-CE1 gains the level of the pupil who moved in; the CM2 is renamed.
    assert_eq!(
        summary.classes_updated,
        vec!["CP-CE1 Mme Martin", "CM2 M. Durand et Mme Roy"]
    );
    assert_eq!(
        summary.pupils_added,
        vec![format!("NOUVEAU {}", rows[0].first_names)]
    );
    assert_eq!(
        summary.pupils_left,
        vec![format!("{} {}", gone.last_name, gone.first_names)]
    );
    let changed: Vec<String> = summary
        .pupils_updated
        .iter()
        .flat_map(|(name, changes)| {
            changes
                .iter()
                .map(move |c| format!("{name} : {} {} → {}", c.field, c.before, c.after))
        })
        .collect();
    assert_eq!(
        changed,
        vec![
            "ANDRIES Hénoler : classe CM2 M. Durand et Mme Roy → CP-CE1 Mme Martin",
            "BAZIN Violetta Marie : prénom Violetta → Violetta Marie",
        ]
    );

    let left = student::Entity::find()
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.last_name == gone.last_name)
        .expect("a pupil who left keeps their data");
    assert_eq!(left.left_on, Some(later));

    // Coming back in a later file: the same pupil, no longer marked as left.
    let mut back = rows.clone();
    back.push(gone);
    let summary = import(&t.db, school, &back, Mode::Apply, later)
        .await
        .unwrap();
    assert_eq!(summary.pupils_updated.len(), 1);
    assert_eq!(summary.pupils_updated[0].1[0].field, "statut");
    assert_eq!(student::Entity::find().count(&t.db).await.unwrap(), 17);
}

#[tokio::test]
async fn only_the_director_imports_and_the_file_must_make_sense() {
    let t = test_db().await;
    let school = school_with_year(&t.db).await;
    let (teacher, _) = accounts::grant_account(
        &t.db,
        &Actor::System,
        accounts::NewAccount {
            login: app::domain::Login::parse("prof").unwrap(),
            civility: None,
            last_name: app::domain::PersonName::parse("Prof").unwrap(),
            first_name: None,
            password: None,
        },
        Role::Enseignant,
        Some(school),
    )
    .await
    .unwrap();
    let teacher = Actor::User(
        accounts::acting_user(&t.db, teacher.id, None)
            .await
            .unwrap(),
    );
    let refused = import_pupils(&t.db, &teacher, school, &sample(), Mode::Preview, today()).await;
    assert_eq!(refused.unwrap_err(), AppError::Forbidden);

    let mut doubled = sample();
    doubled.push(doubled[3].clone());
    let error = import(&t.db, school, &doubled, Mode::Apply, today())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("figure deux fois"), "{error}");
    assert_eq!(student::Entity::find().count(&t.db).await.unwrap(), 0);
}
