//! Class set-up by the director: the list of the year's classes, the positionnement type,
//! teacher assignments, and who may do it.

use crate::support::{actor, test_db};
use app::domain::{Login, PersonName, PositionnementType, Role, Uai};
use app::entities::user;
use app::error::AppError;
use app::services::access::Actor;
use app::services::{accounts, classes, establishments};
use app::wire::classes::ClassRow;
use chrono::NaiveDate;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

async fn demo_school(db: &DatabaseConnection) -> i32 {
    server::demo::seed_school(db).await.unwrap();
    crate::support::demo_school(db).await
}

/// The classes as the actor sees them today (the call must succeed).
async fn class_rows(db: &DatabaseConnection, actor: &Actor, school: i32) -> Vec<ClassRow> {
    classes::list(db, actor, school, today()).await.unwrap()
}

#[tokio::test]
async fn the_director_sees_the_demo_classes_with_levels_pupils_and_teachers() {
    let t = test_db().await;
    let school = demo_school(&t.db).await;
    let director = actor(&t.db, "direction").await;
    let rows = class_rows(&t.db, &director, school).await;
    let summary: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.label.as_str(),
                r.levels.iter().map(|l| l.code()).collect::<Vec<_>>(),
                r.pupils,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("CM2 M. Durand", vec!["CM2"], 6),
            ("CP-CE1 Mme Martin", vec!["CP", "CE1"], 6),
            ("Mme Perrin CE2", vec!["CE2"], 4)
        ]
    );
    let names: Vec<_> = rows[0].teachers.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["M. Marc Durand"]);
    assert!(rows[1].teachers.is_empty());
    assert!(
        rows.iter()
            .all(|r| r.positionnement == PositionnementType::ObjectifsApprentissage)
    );
}

#[tokio::test]
async fn the_director_chooses_the_positionnement_type() {
    let t = test_db().await;
    let school = demo_school(&t.db).await;
    let director = actor(&t.db, "direction").await;
    let cm2 = class_rows(&t.db, &director, school).await[0].id;
    classes::set_positionnement_type(&t.db, &director, cm2, "echelle")
        .await
        .unwrap();
    let rows = class_rows(&t.db, &director, school).await;
    assert_eq!(rows[0].positionnement, PositionnementType::Echelle1a4);
    assert_eq!(
        rows[1].positionnement,
        PositionnementType::ObjectifsApprentissage
    );

    let unknown = classes::set_positionnement_type(&t.db, &director, cm2, "lettres").await;
    assert!(
        unknown
            .unwrap_err()
            .field_message("positionnement")
            .is_some()
    );
}

#[tokio::test]
async fn nobody_else_sets_up_the_classes() {
    let t = test_db().await;
    let school = demo_school(&t.db).await;
    let director = actor(&t.db, "direction").await;
    let cm2 = class_rows(&t.db, &director, school).await[0].id;

    role_in_another_school(&t.db, "autre", Role::Directeur).await;

    for login in ["enseignant", "parent", "autre"] {
        let outsider = actor(&t.db, login).await;
        assert_eq!(
            classes::list(&t.db, &outsider, school, today()).await,
            Err(AppError::Forbidden),
            "{login}"
        );
        assert_eq!(
            classes::set_positionnement_type(&t.db, &outsider, cm2, "notes").await,
            Err(AppError::Forbidden),
            "{login}"
        );
    }
    assert_eq!(
        classes::set_positionnement_type(&t.db, &director, 999_999, "notes").await,
        Err(AppError::Forbidden),
        "a class that does not exist is refused like someone else's"
    );
}

#[tokio::test]
async fn only_teachers_of_the_school_are_assigned() {
    let t = test_db().await;
    let school = demo_school(&t.db).await;
    let director = actor(&t.db, "direction").await;
    let cp = class_rows(&t.db, &director, school).await[1].id;
    let parent = accounts::find_by_login(&t.db, &Login::parse("parent").unwrap())
        .await
        .unwrap()
        .unwrap();
    let refused = classes::assign_teacher(&t.db, &director, cp, parent.id).await;
    assert!(refused.unwrap_err().field_message("enseignant").is_some());
    let teacher = actor(&t.db, "enseignant").await;
    assert_eq!(
        classes::assign_teacher(&t.db, &teacher, cp, parent.id).await,
        Err(AppError::Forbidden)
    );
}

#[tokio::test]
async fn the_director_assigns_and_removes_teachers() {
    let t = test_db().await;
    let school = demo_school(&t.db).await;
    let director = actor(&t.db, "direction").await;
    let teachers = classes::teachers_of(&t.db, &director, school)
        .await
        .unwrap();
    assert_eq!(teachers.len(), 2);
    let cp = class_rows(&t.db, &director, school).await[1].id;
    classes::assign_teacher(&t.db, &director, cp, teachers[0].id)
        .await
        .unwrap();
    classes::assign_teacher(&t.db, &director, cp, teachers[0].id)
        .await
        .unwrap();
    let rows = class_rows(&t.db, &director, school).await;
    assert_eq!(
        rows[1].teachers,
        teachers[..1],
        "assigned once, even when asked twice"
    );

    let teacher = actor(&t.db, "enseignant").await;
    assert_eq!(
        classes::unassign_teacher(&t.db, &teacher, cp, teachers[0].id).await,
        Err(AppError::Forbidden)
    );
    assert_eq!(
        classes::teachers_of(&t.db, &teacher, school).await,
        Err(AppError::Forbidden)
    );
    classes::unassign_teacher(&t.db, &director, cp, teachers[0].id)
        .await
        .unwrap();
    let rows = class_rows(&t.db, &director, school).await;
    assert!(rows[1].teachers.is_empty());
    assert_eq!(rows[0].teachers.len(), 1, "the CM2 keeps its teacher");
}

#[tokio::test]
async fn classes_follow_one_periodicity_with_checked_dates() {
    use app::domain::{PeriodPlan, Periodicity, SchoolYear};
    use app::services::periods;

    let t = test_db().await;
    let school = demo_school(&t.db).await;
    let director = actor(&t.db, "direction").await;
    let rows = class_rows(&t.db, &director, school).await;
    assert!(
        rows.iter()
            .all(|r| r.periodicity == Some(Periodicity::Trimestre))
    );
    let (cm2, cp) = (rows[0].id, rows[1].id);

    let year = SchoolYear::new(2026).unwrap();
    let semestres = PeriodPlan::default_dates(Periodicity::Semestre, year);
    periods::follow_periods(
        &t.db,
        &director,
        school,
        Periodicity::Semestre,
        semestres.clone(),
        &[cp],
        today(),
    )
    .await
    .unwrap();
    let rows = class_rows(&t.db, &director, school).await;
    assert_eq!(rows[0].periodicity, Some(Periodicity::Trimestre));
    assert_eq!(rows[1].periodicity, Some(Periodicity::Semestre));
    assert_eq!(
        app::entities::period::Entity::find()
            .count(&t.db)
            .await
            .unwrap(),
        5
    );

    let mut overlapping = semestres.clone();
    overlapping[1].starts_on = overlapping[0].ends_on;
    let refused = periods::follow_periods(
        &t.db,
        &director,
        school,
        Periodicity::Semestre,
        overlapping,
        &[cp],
        today(),
    )
    .await
    .unwrap_err();
    assert!(
        refused
            .field_message("periode-2")
            .is_some_and(|m| m.starts_with("période 2 : la période doit commencer après")),
        "{refused:?}"
    );

    let teacher = actor(&t.db, "enseignant").await;
    let forbidden = periods::follow_periods(
        &t.db,
        &teacher,
        school,
        Periodicity::Semestre,
        semestres.clone(),
        &[cm2],
        today(),
    )
    .await;
    assert_eq!(forbidden, Err(AppError::Forbidden));
    let unknown_class = periods::follow_periods(
        &t.db,
        &director,
        school,
        Periodicity::Semestre,
        semestres,
        &[999_999],
        today(),
    )
    .await;
    assert_eq!(unknown_class, Err(AppError::Forbidden));
}

#[tokio::test]
async fn the_ticked_classes_are_exactly_those_that_follow_a_periodicity() {
    use app::domain::Periodicity;
    use app::services::periods;

    let t = test_db().await;
    let school = demo_school(&t.db).await;
    let director = actor(&t.db, "direction").await;
    let (year, plans) = periods::year_plans(&t.db, &director, school, today())
        .await
        .unwrap()
        .expect("the demo year is open");
    assert_eq!(year.label, "2026/2027");
    let kinds: Vec<_> = plans
        .iter()
        .map(|p| (p.periodicity, p.periods.len(), p.saved))
        .collect();
    assert_eq!(
        kinds,
        [
            (Periodicity::Trimestre, 3, true),
            (Periodicity::Semestre, 2, false),
            (Periodicity::Personnalisee, 0, false),
        ]
    );
    assert_eq!(
        plans[1].periods[0].starts_on, year.starts_on,
        "proposals fit the year"
    );
    assert_eq!(plans[1].periods[1].ends_on, year.ends_on);

    // Trimestres saved again with only the CM2 ticked: the CP-CE1 follows nothing any more.
    let cm2 = class_rows(&t.db, &director, school).await[0].id;
    periods::follow_periods(
        &t.db,
        &director,
        school,
        Periodicity::Trimestre,
        plans[0].periods.clone(),
        &[cm2],
        today(),
    )
    .await
    .unwrap();
    let rows = class_rows(&t.db, &director, school).await;
    assert_eq!(rows[0].periodicity, Some(Periodicity::Trimestre));
    assert_eq!(rows[1].periodicity, None, "« Non définie »");

    // Nobody but the director reads the plans.
    for login in ["enseignant", "parent"] {
        let someone = actor(&t.db, login).await;
        assert_eq!(
            periods::year_plans(&t.db, &someone, school, today()).await,
            Err(AppError::Forbidden),
            "{login}"
        );
    }
}

/// Gives `login` (a new account, or an existing one) `role` in « Autre école », another school
/// than the demo's.
async fn role_in_another_school(db: &DatabaseConnection, login: &str, role: Role) {
    let other = establishments::create(
        db,
        &Actor::System,
        establishments::NewEstablishment {
            uai: Uai::parse("0251234A").unwrap(),
            name: "Autre école".into(),
            city: None,
        },
    )
    .await
    .unwrap();
    accounts::grant_account(
        db,
        &Actor::System,
        accounts::NewAccount {
            login: Login::parse(login).unwrap(),
            civility: None,
            last_name: PersonName::parse("Autre").unwrap(),
            first_name: None,
            password: None,
        },
        role,
        Some(other.id),
    )
    .await
    .unwrap();
}

fn new_teacher(login: &str) -> accounts::NewStaff {
    accounts::NewStaff {
        login: Login::parse(login).unwrap(),
        civility: app::domain::Civility::Monsieur,
        last_name: PersonName::parse("Petit").unwrap(),
        first_name: PersonName::parse("Jean").unwrap(),
        email: None,
    }
}

#[tokio::test]
async fn the_director_creates_a_teacher_with_a_one_time_password() {
    let t = test_db().await;
    let school = demo_school(&t.db).await;
    let director = actor(&t.db, "direction").await;
    let cp = class_rows(&t.db, &director, school).await[1].id;
    let (account, one_time) =
        accounts::create_teacher(&t.db, &director, school, new_teacher("jpetit"), Some(cp))
            .await
            .unwrap();
    assert!(account.must_change_password);
    assert_eq!(one_time.len(), 14, "{one_time}");
    assert!(
        one_time
            .chars()
            .all(|c| c == '-' || c.is_ascii_alphanumeric())
    );
    let rows = class_rows(&t.db, &director, school).await;
    assert_eq!(rows[1].teachers[0].name, "M. Jean Petit");
    let stored = user::Entity::find_by_id(account.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !stored.password_hash.unwrap().contains(&one_time),
        "only a hash is kept"
    );

    // The one-time password opens a session that may only change it.
    let now = chrono::Utc::now();
    let id = accounts::authenticate(&t.db, "jpetit", &one_time, "127.0.0.1", now)
        .await
        .unwrap();
    let teacher = accounts::acting_user(&t.db, id, None).await.unwrap();
    assert!(teacher.must_change_password);
    let change = |current: &str, new: &str, again: &str| {
        let (current, new, again) = (current.to_owned(), new.to_owned(), again.to_owned());
        let (db, teacher) = (&t.db, &teacher);
        async move {
            accounts::change_password(db, teacher, &current, &new, &again, "127.0.0.1", now).await
        }
    };
    let wrong = change("pas-le-bon", "mon-secret-1", "mon-secret-1")
        .await
        .unwrap_err();
    assert!(wrong.field_message("current").is_some());
    let short = change(&one_time, "court", "court").await.unwrap_err();
    assert!(short.field_message("new_password").is_some(), "{short:?}");
    let mismatch = change(&one_time, "mon-secret-1", "mon-secret-2")
        .await
        .unwrap_err();
    assert!(mismatch.field_message("confirmation").is_some());
    let same = change(&one_time, &one_time, &one_time).await.unwrap_err();
    assert!(same.field_message("new_password").is_some());
    change(&one_time, "mon-secret-1", "mon-secret-1")
        .await
        .unwrap();
    let teacher = accounts::acting_user(&t.db, id, None).await.unwrap();
    assert!(!teacher.must_change_password);
    assert_eq!(
        accounts::authenticate(&t.db, "jpetit", &one_time, "127.0.0.1", now).await,
        Err(AppError::InvalidCredentials)
    );
    accounts::authenticate(&t.db, "jpetit", "mon-secret-1", "127.0.0.1", now)
        .await
        .unwrap();

    // Lost: the director issues a new one-time password; the account must change it again.
    let (_, again) = accounts::reissue_password(&t.db, &director, school, "jpetit")
        .await
        .unwrap();
    assert_ne!(again, one_time);
    let id = accounts::authenticate(&t.db, "jpetit", &again, "127.0.0.1", now)
        .await
        .unwrap();
    assert!(
        accounts::acting_user(&t.db, id, None)
            .await
            .unwrap()
            .must_change_password
    );
    // The accounts page offers it exactly where the service allows it…
    let offered = || async {
        accounts::list_for_establishment(&t.db, &director, school)
            .await
            .unwrap()
            .into_iter()
            .map(|row| (row.login, row.may_reissue_password))
            .collect::<Vec<_>>()
    };
    let before = offered().await;
    assert!(before.contains(&("jpetit".to_owned(), true)), "{before:?}");
    assert!(
        before.contains(&("direction".to_owned(), false)),
        "{before:?}"
    );
    // …and neither offers it once the teacher also teaches in another school.
    role_in_another_school(&t.db, "jpetit", Role::Enseignant).await;
    assert!(offered().await.contains(&("jpetit".to_owned(), false)));
    for (who, login) in [
        ("direction", "direction"),
        ("direction", "jpetit"),
        ("enseignant", "jpetit"),
        ("parent", "jpetit"),
    ] {
        let someone = actor(&t.db, who).await;
        assert_eq!(
            accounts::reissue_password(&t.db, &someone, school, login)
                .await
                .map(|_| ()),
            Err(AppError::Forbidden),
            "{who} for {login}"
        );
    }

    // A login already taken is refused; so is a class of another school, and nothing is left.
    let taken = accounts::create_teacher(&t.db, &director, school, new_teacher("enseignant"), None)
        .await
        .unwrap_err();
    assert!(
        taken
            .field_message("login")
            .is_some_and(|m| m.contains("déjà utilisé"))
    );
    let elsewhere = accounts::create_teacher(
        &t.db,
        &director,
        school,
        new_teacher("jdupont"),
        Some(999_999),
    )
    .await;
    assert!(elsewhere.is_err());
    assert!(
        accounts::find_by_login(&t.db, &Login::parse("jdupont").unwrap())
            .await
            .unwrap()
            .is_none(),
        "one transaction: no account without its assignment"
    );
    for login in ["enseignant", "parent"] {
        let someone = actor(&t.db, login).await;
        assert_eq!(
            accounts::create_teacher(&t.db, &someone, school, new_teacher("intrus"), None)
                .await
                .map(|_| ()),
            Err(AppError::Forbidden),
            "{login}"
        );
    }
}

/// A bilan for the first pupil of a class in a period, written straight to the table (the
/// services that write bilans come with the entry pages).
async fn bilan_for(db: &DatabaseConnection, class_id: i32, period_id: i32) {
    use app::entities::{bilan, student};
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, Set};
    let pupil = student::Entity::find()
        .filter(student::Column::ClassId.eq(class_id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let now = chrono::Utc::now();
    bilan::ActiveModel {
        student_id: Set(pupil.id),
        period_id: Set(period_id),
        class_id: Set(class_id),
        last_name: Set(pupil.last_name),
        first_names: Set(pupil.first_names),
        birth_date: Set(pupil.birth_date),
        sex: Set(pupil.sex),
        teachers: Set(serde_json::json!([])),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
}

async fn period_id(db: &DatabaseConnection, periodicity: &str, position: i16) -> i32 {
    use app::entities::period;
    use sea_orm::{ColumnTrait, QueryFilter};
    period::Entity::find()
        .filter(period::Column::Periodicity.eq(periodicity))
        .filter(period::Column::Position.eq(position))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn bilans_pin_their_periods_and_their_class_periodicity() {
    use app::domain::{PeriodDates, PeriodPlan, Periodicity, SchoolYear};
    use app::services::periods;

    let t = test_db().await;
    let school = demo_school(&t.db).await;
    let director = actor(&t.db, "direction").await;
    let rows = class_rows(&t.db, &director, school).await;
    let (cm2, cp) = (rows[0].id, rows[1].id);
    let year = SchoolYear::new(2026).unwrap();
    let follow = |periodicity, dates: Vec<PeriodDates>, classes: Vec<i32>| {
        let (db, director) = (&t.db, &director);
        async move {
            periods::follow_periods(db, director, school, periodicity, dates, &classes, today())
                .await
        }
    };
    bilan_for(&t.db, cm2, period_id(&t.db, "trimestre", 1).await).await;

    let trimestres = PeriodPlan::default_dates(Periodicity::Trimestre, year);
    let semestres = PeriodPlan::default_dates(Periodicity::Semestre, year);
    for refused in [
        follow(Periodicity::Semestre, semestres.clone(), vec![cm2]).await,
        follow(Periodicity::Trimestre, trimestres.clone(), vec![cp]).await,
    ] {
        let message = refused.unwrap_err().to_string();
        assert!(
            message.contains("la classe CM2 M. Durand a déjà des bilans cette année : elle garde sa périodicité (Trimestre)"),
            "{message}"
        );
    }
    // Dates may still move, and the other class may still change.
    let mut moved = trimestres.clone();
    moved[0].ends_on = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    moved[1].starts_on = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
    follow(Periodicity::Trimestre, moved, vec![cm2, cp])
        .await
        .unwrap();
    follow(Periodicity::Semestre, semestres, vec![cp])
        .await
        .unwrap();

    // A personalised period with bilans cannot be removed by a shorter plan.
    let mut three = PeriodPlan::default_dates(Periodicity::Trimestre, year);
    follow(Periodicity::Personnalisee, three.clone(), vec![cp])
        .await
        .unwrap();
    bilan_for(&t.db, cp, period_id(&t.db, "personnalisee", 3).await).await;
    three[1].ends_on = three[2].ends_on;
    three.pop();
    let refused = follow(Periodicity::Personnalisee, three, vec![cp])
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .starts_with("la période 3 (du 01/03/2027 au 03/07/2027) a déjà des bilans"),
        "{refused}"
    );
}
