//! The school year on a real database: pupils present from their admission, and « Passer à
//! l'année suivante » (locked bilans kept, unlocked ones removed only once confirmed, last
//! year's teachers and writes refused).

use crate::support::{actor, demo_class, demo_school, test_db, trimestres};
use app::domain::{Positionnement, SchoolYear};
use app::entities::{audit_event, bilan};
use app::error::AppError;
use app::services::access::Actor;
use app::services::pupil_import::{Mode, import_pupils};
use app::services::school_years::{self, NewSchoolYear};
use app::services::{acquis, bilans, onde_file, saisie};
use app::wire::saisie::{AcquisChange, GridKey};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The demo's ONDE extraction with one more CM2 pupil, whose « Date admission » (and
/// « Date inscription ») are given.
fn extraction_with_newcomer(inscription: &str, admission: &str) -> Vec<u8> {
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(server::demo::PUPILS);
    let cm2 = text
        .lines()
        .find(|line| line.contains("CM2"))
        .expect("the demo has CM2 pupils");
    let fields: Vec<&str> = cm2.split(';').collect();
    let mut newcomer: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
    newcomer[0] = "NOUVEL".into();
    newcomer[2] = "Arrivant".into();
    newcomer[5] = "1234567899Z".into();
    newcomer[11] = inscription.into();
    newcomer[12] = admission.into();
    format!("{}\n{}\n", text.trim_end(), newcomer.join(";")).into_bytes()
}

async fn names_in(db: &DatabaseConnection, class_id: i32, period_id: i32) -> Vec<String> {
    let context = saisie::class_period(db, &Actor::System, class_id, period_id)
        .await
        .unwrap();
    bilans::class_pupils(db, &context)
        .await
        .unwrap()
        .iter()
        .map(bilans::pupil_name)
        .collect()
}

#[tokio::test]
async fn a_pupil_admitted_in_january_is_in_the_lists_from_the_second_trimestre() {
    let t = test_db().await;
    server::demo::seed_school(&t.db).await.unwrap();
    let school = demo_school(&t.db).await;
    let cm2 = demo_class(&t.db, "CM2").await.id;
    let [t1, t2, t3] = trimestres(&t.db).await[..] else {
        panic!("three trimestres");
    };
    // Imported on 20/01/2027: admitted on 05/01, so absent from trimestre 1.
    let rows = onde_file::parse(&extraction_with_newcomer("15/12/2026", "05/01/2027")).unwrap();
    let newcomer = rows.iter().find(|r| r.last_name == "NOUVEL").unwrap();
    assert_eq!(newcomer.admitted_on, Some(day(2027, 1, 5)));
    import_pupils(
        &t.db,
        &Actor::System,
        school,
        &rows,
        Mode::Apply,
        day(2027, 1, 20),
    )
    .await
    .unwrap();
    let arrival = "NOUVEL Arrivant".to_owned();
    assert!(!names_in(&t.db, cm2, t1).await.contains(&arrival));
    assert!(names_in(&t.db, cm2, t2).await.contains(&arrival));
    assert!(names_in(&t.db, cm2, t3).await.contains(&arrival));
    // The demo's pupils were admitted before the year: every trimestre has them all.
    assert_eq!(
        names_in(&t.db, cm2, t1).await.len() + 1,
        names_in(&t.db, cm2, t2).await.len()
    );

    // Without « Date admission », « Date inscription » counts.
    let rows = onde_file::parse(&extraction_with_newcomer("03/03/2027", "")).unwrap();
    assert_eq!(
        rows.iter()
            .find(|r| r.last_name == "NOUVEL")
            .unwrap()
            .admitted_on,
        Some(day(2027, 3, 3))
    );
    let summary = import_pupils(
        &t.db,
        &Actor::System,
        school,
        &rows,
        Mode::Apply,
        day(2027, 3, 4),
    )
    .await
    .unwrap();
    assert_eq!(summary.pupils_updated.len(), 1, "{summary}");
    assert!(!names_in(&t.db, cm2, t2).await.contains(&arrival));
    assert!(names_in(&t.db, cm2, t3).await.contains(&arrival));

    // A malformed date is refused with its line and column.
    let error = onde_file::parse(&extraction_with_newcomer("", "32/01/2027")).unwrap_err();
    assert_eq!(error.column, Some("Date admission"));
    assert!(error.line.is_some());
    assert!(error.to_string().contains("date invalide « 32/01/2027 »"));
}

#[tokio::test]
async fn the_next_year_keeps_locked_bilans_and_removes_unlocked_ones_once_confirmed() {
    let t = test_db().await;
    server::demo::seed(
        &t.db,
        &app::services::second_factor::SecretKey::generate().0,
    )
    .await
    .unwrap();
    let school = demo_school(&t.db).await;
    let cm2 = demo_class(&t.db, "CM2").await.id;
    let t1 = trimestres(&t.db).await[0];
    let director = actor(&t.db, "direction").await;
    let teacher = actor(&t.db, "enseignant").await;
    let count = |locked: bool| {
        let db = t.db.clone();
        async move {
            let query = bilan::Entity::find();
            let query = if locked {
                query.filter(bilan::Column::LockedAt.is_not_null())
            } else {
                query.filter(bilan::Column::LockedAt.is_null())
            };
            query.count(&db).await.unwrap()
        }
    };
    let (locked, unlocked) = (count(true).await, count(false).await);
    assert_eq!(locked, 2);
    assert!(unlocked > 0);

    // The page names what goes, per class, before anything is removed.
    let setup = school_years::setup(&t.db, &director, school, day(2027, 6, 20))
        .await
        .unwrap();
    assert_eq!(setup.next.label, "2027/2028");
    assert_eq!(setup.unlocked.len(), 1);
    assert_eq!(setup.unlocked[0].class_label, "CM2 M. Durand");
    assert_eq!(setup.unlocked[0].count, unlocked);

    let next = NewSchoolYear::proposed(SchoolYear::new(2027).unwrap());
    for confirmation in [None, Some(unlocked + 1)] {
        let refused = school_years::open(&t.db, &director, school, next, confirmation)
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("CM2 M. Durand"), "{refused}");
        assert_eq!(count(false).await, unlocked, "nothing removed unconfirmed");
    }
    assert_eq!(
        school_years::open(&t.db, &teacher, school, next, Some(unlocked))
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    school_years::open(&t.db, &director, school, next, Some(unlocked))
        .await
        .unwrap();
    assert_eq!(count(true).await, locked);
    assert_eq!(count(false).await, 0);
    let closed = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("année scolaire close"))
        .one(&t.db)
        .await
        .unwrap()
        .expect("the closing is recorded");
    assert!(
        closed.details.contains("CM2 M. Durand"),
        "{}",
        closed.details
    );

    // Last year's teacher no longer reaches last year's class; the director reads it but
    // writes nothing into it.
    let key = GridKey {
        class_id: cm2,
        period_id: t1,
        domain_code: "MAT-NBC".to_owned(),
    };
    assert_eq!(
        acquis::grid(&t.db, &teacher, &key).await.unwrap_err(),
        AppError::Forbidden
    );
    let grid = acquis::grid(&t.db, &director, &key).await.unwrap();
    let pupil = grid.rows[0].student_id;
    let write = acquis::save(
        &t.db,
        &director,
        &key,
        &[AcquisChange {
            student_id: pupil,
            was: grid.rows[0].value,
            now: Some(Positionnement::Atteints),
        }],
    )
    .await
    .unwrap_err();
    assert!(write.to_string().contains("est close"), "{write}");
    let current = school_years::current(&t.db, school).await.unwrap().unwrap();
    assert_eq!(current.millesime, 2027);
}
