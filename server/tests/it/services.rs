//! Service tests: the rules of accounts, access, rate limiting, establishments and sessions,
//! on a real migrated database (SQLite, or PostgreSQL with LIVRET_TEST_POSTGRES_URL).

use crate::support::test_db;
use app::domain::{Civility, Login, Password, PersonName, Role, SchoolYear, Uai};
use app::entities::{audit_event, user};
use app::error::AppError;
use app::services::access::{ActingUser, Actor};
use app::services::accounts::{self, AccountOutcome, NewAccount};
use app::services::establishments::{self, NewEstablishment};
use app::services::login_throttle;
use app::services::school_years::{self, NewSchoolYear};
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

fn account(login: &str, password: Option<&str>) -> NewAccount {
    NewAccount {
        login: Login::parse(login).unwrap(),
        civility: Some(Civility::Madame),
        last_name: PersonName::parse("Martin").unwrap(),
        first_name: Some(PersonName::parse("Claire").unwrap()),
        password: password.map(|p| Password::parse(p).unwrap()),
    }
}

async fn school(db: &DatabaseConnection, uai: &str) -> i32 {
    establishments::create(
        db,
        &Actor::System,
        NewEstablishment {
            uai: Uai::parse(uai).unwrap(),
            name: format!("École {uai}"),
            city: None,
        },
    )
    .await
    .unwrap()
    .id
}

async fn person(db: &DatabaseConnection, login: &str, role: Role, school: i32) -> ActingUser {
    let (created, _) = accounts::grant_account(
        db,
        &Actor::System,
        account(login, Some("mot-de-passe")),
        role,
        Some(school),
    )
    .await
    .unwrap();
    accounts::acting_user(db, created.id, None).await.unwrap()
}

#[tokio::test]
async fn an_establishment_is_created_once_per_uai() {
    let t = test_db().await;
    school(&t.db, "0251234A").await;
    let again = establishments::create(
        &t.db,
        &Actor::System,
        NewEstablishment {
            uai: Uai::parse("0251234A").unwrap(),
            name: "Autre".into(),
            city: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        again.field_message("uai"),
        Some("l'établissement 0251234A existe déjà")
    );
    let blank = establishments::create(
        &t.db,
        &Actor::System,
        NewEstablishment {
            uai: Uai::parse("0251235B").unwrap(),
            name: "   ".into(),
            city: None,
        },
    )
    .await
    .unwrap_err();
    assert!(blank.field_message("nom").is_some());
}

#[tokio::test]
async fn only_administrators_create_establishments() {
    let t = test_db().await;
    let here = school(&t.db, "0251234A").await;
    let director = person(&t.db, "direction", Role::Directeur, here).await;
    let refused = establishments::create(
        &t.db,
        &Actor::User(director),
        NewEstablishment {
            uai: Uai::parse("0259998A").unwrap(),
            name: "Nouvelle école".into(),
            city: None,
        },
    )
    .await;
    assert_eq!(refused.unwrap_err(), AppError::Forbidden);
}

#[tokio::test]
async fn granting_creates_then_adds_roles() {
    let t = test_db().await;
    let first = school(&t.db, "0251234A").await;
    let second = school(&t.db, "0251235B").await;
    let grant = |role, school| {
        accounts::grant_account(
            &t.db,
            &Actor::System,
            account("c.martin", Some("mot-de-passe")),
            role,
            Some(school),
        )
    };
    assert_eq!(
        grant(Role::Enseignant, first).await.unwrap().1,
        AccountOutcome::Created
    );
    assert_eq!(
        grant(Role::Directeur, second).await.unwrap().1,
        AccountOutcome::RoleAdded
    );
    assert_eq!(
        grant(Role::Directeur, second).await.unwrap().1,
        AccountOutcome::AlreadyHadRole
    );
    assert_eq!(user::Entity::find().count(&t.db).await.unwrap(), 1);

    let stored = user::Entity::find().one(&t.db).await.unwrap().unwrap();
    assert!(stored.password_hash.unwrap().starts_with("$argon2id$"));
    let acting = accounts::acting_user(&t.db, stored.id, Some(second))
        .await
        .unwrap();
    assert_eq!(acting.roles_in(first), vec![Role::Enseignant]);
    assert_eq!(acting.roles_in(second), vec![Role::Directeur]);
    assert_eq!(acting.current_establishment, Some(second));
    assert_eq!(acting.display_name, "Mme Claire Martin");

    // Each grant is in the audit trail, with who (the system) and what.
    let events = audit_event::Entity::find().all(&t.db).await.unwrap();
    let grants: Vec<_> = events
        .iter()
        .filter(|e| e.action == "rôle attribué")
        .collect();
    assert_eq!(grants.len(), 2);
    assert!(
        grants
            .iter()
            .all(|e| e.subject == "c.martin" && e.user_id.is_none())
    );
}

#[tokio::test]
async fn roles_need_the_right_kind_of_scope() {
    let t = test_db().await;
    let here = school(&t.db, "0251234A").await;
    let admin_in_school = accounts::grant_account(
        &t.db,
        &Actor::System,
        account("admin", Some("mot-de-passe")),
        Role::Administrateur,
        Some(here),
    )
    .await
    .unwrap_err();
    assert!(admin_in_school.field_message("uai").is_some());
    let teacher_nowhere = accounts::grant_account(
        &t.db,
        &Actor::System,
        account("prof", Some("mot-de-passe")),
        Role::Enseignant,
        None,
    )
    .await
    .unwrap_err();
    assert!(teacher_nowhere.field_message("uai").is_some());
}

#[tokio::test]
async fn a_director_adds_teachers_to_their_school_only() {
    let t = test_db().await;
    let here = school(&t.db, "0251234A").await;
    let elsewhere = school(&t.db, "0251235B").await;
    let director = Actor::User(person(&t.db, "direction", Role::Directeur, here).await);
    let teacher = Actor::User(person(&t.db, "prof", Role::Enseignant, here).await);

    let added = accounts::grant_account(
        &t.db,
        &director,
        account("nouveau", None),
        Role::Enseignant,
        Some(here),
    )
    .await
    .unwrap();
    assert_eq!(added.1, AccountOutcome::Created);
    assert_eq!(
        added.0.password_hash, None,
        "the new teacher activates the account later"
    );

    for (actor, role, school) in [
        (&director, Role::Enseignant, elsewhere),
        (&director, Role::Directeur, here),
        (&teacher, Role::Enseignant, here),
        (&teacher, Role::Responsable, here),
    ] {
        let refused =
            accounts::grant_account(&t.db, actor, account("intrus", None), role, Some(school))
                .await;
        assert_eq!(
            refused.unwrap_err(),
            AppError::Forbidden,
            "{role:?} in {school}"
        );
    }
}

#[tokio::test]
async fn authentication_checks_the_password_and_throttles_guessing() {
    let t = test_db().await;
    let here = school(&t.db, "0251234A").await;
    let me = person(&t.db, "c.martin", Role::Enseignant, here).await;
    let now = Utc::now();
    let login = |login: &'static str, password: &'static str, at| {
        accounts::authenticate(&t.db, login, password, "192.0.2.1", at)
    };

    assert_eq!(login("c.martin", "mot-de-passe", now).await, Ok(me.id));
    assert_eq!(
        login("C.Martin ", "mot-de-passe", now).await,
        Ok(me.id),
        "logins ignore case"
    );
    assert_eq!(
        login("c.martin", "Mot-de-passe", now).await,
        Err(AppError::InvalidCredentials)
    );
    assert_eq!(
        login("personne", "mot-de-passe", now).await,
        Err(AppError::InvalidCredentials)
    );

    for _ in 0..4 {
        assert_eq!(
            login("c.martin", "devine", now).await,
            Err(AppError::InvalidCredentials)
        );
    }
    // Five failures from this address: each next try from here waits, longer every time.
    assert_eq!(
        login("c.martin", "mot-de-passe", now).await,
        Err(AppError::TooManyAttempts { minutes: 1 })
    );
    let mut at = now;
    for failures in 5..12 {
        at += login_throttle::delay_after(failures);
        assert_eq!(
            login("c.martin", "devine", at).await,
            Err(AppError::InvalidCredentials)
        );
    }
    assert_eq!(
        login("c.martin", "mot-de-passe", at + Duration::seconds(60)).await,
        Err(AppError::TooManyAttempts { minutes: 2 }),
        "12 failures: 128 s to wait"
    );
    // Meanwhile the account's owner, from their own place, gets in: nobody can lock them out
    // (before, the right password was refused for 15 minutes).
    assert_eq!(
        accounts::authenticate(&t.db, "c.martin", "mot-de-passe", "203.0.113.5", at).await,
        Ok(me.id)
    );
    // A quarter of an hour quiet, and the address starts again.
    let later = at + Duration::minutes(16);
    assert_eq!(login("c.martin", "mot-de-passe", later).await, Ok(me.id));
    // Every refusal is in the audit trail, with the address.
    let refusals = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("échec de connexion"))
        .filter(audit_event::Column::Subject.eq("c.martin"))
        .all(&t.db)
        .await
        .unwrap();
    assert_eq!(refusals.len(), 12);
    assert!(refusals[0].details.contains("192.0.2.1"));
    assert_eq!(
        audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("connexion ralentie"))
            .count(&t.db)
            .await
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn a_login_that_cannot_exist_is_refused_before_anything_is_counted() {
    let t = test_db().await;
    let huge = "x".repeat(200_000);
    for login in [huge.as_str(), "a b", "", "é\u{0}"] {
        assert_eq!(
            accounts::authenticate(&t.db, login, "devine", "192.0.2.1", Utc::now()).await,
            Err(AppError::InvalidCredentials)
        );
    }
    assert_eq!(
        app::entities::login_throttle::Entity::find()
            .count(&t.db)
            .await
            .unwrap(),
        0
    );
    // Counters quiet for a quarter of an hour are purged with the sessions.
    let then = Utc::now() - Duration::minutes(20);
    accounts::authenticate(&t.db, "personne", "devine", "192.0.2.1", then)
        .await
        .unwrap_err();
    accounts::authenticate(&t.db, "quelquun", "devine", "192.0.2.2", Utc::now())
        .await
        .unwrap_err();
    assert_eq!(login_throttle::purge(&t.db, Utc::now()).await.unwrap(), 2);
    assert_eq!(
        app::entities::login_throttle::Entity::find()
            .count(&t.db)
            .await
            .unwrap(),
        2,
        "the recent pair and address stay"
    );
}

#[tokio::test]
async fn one_address_cannot_spray_passwords_over_many_accounts() {
    let t = test_db().await;
    let here = school(&t.db, "0251234A").await;
    person(&t.db, "c.martin", Role::Enseignant, here).await;
    let now = Utc::now();
    for i in 0..30 {
        let attempt =
            accounts::authenticate(&t.db, &format!("compte{i}"), "devine", "198.51.100.7", now)
                .await;
        assert_eq!(attempt, Err(AppError::InvalidCredentials));
    }
    let blocked =
        accounts::authenticate(&t.db, "c.martin", "mot-de-passe", "198.51.100.7", now).await;
    assert!(matches!(blocked, Err(AppError::TooManyAttempts { .. })));
    let other_address =
        accounts::authenticate(&t.db, "c.martin", "mot-de-passe", "198.51.100.8", now).await;
    assert!(other_address.is_ok());
}

#[tokio::test]
async fn the_current_establishment_must_be_one_of_the_persons() {
    let t = test_db().await;
    let first = school(&t.db, "0251234A").await;
    let second = school(&t.db, "0251235B").await;
    let me = person(&t.db, "c.martin", Role::Enseignant, first).await;
    let moved = accounts::acting_user(&t.db, me.id, Some(second))
        .await
        .unwrap();
    assert_eq!(
        moved.current_establishment,
        Some(first),
        "no grant in the second school"
    );
    assert_eq!(
        establishments::require_member(&moved, second),
        Err(AppError::Forbidden)
    );
    assert_eq!(establishments::require_member(&moved, first), Ok(()));
    assert_eq!(
        accounts::acting_user(&t.db, 999_999, None).await,
        Err(AppError::Unauthenticated)
    );
}

#[tokio::test]
async fn the_account_list_is_for_the_director_of_the_school() {
    let t = test_db().await;
    let here = school(&t.db, "0251234A").await;
    let elsewhere = school(&t.db, "0251235B").await;
    let director = Actor::User(person(&t.db, "direction", Role::Directeur, here).await);
    let teacher = Actor::User(person(&t.db, "prof", Role::Enseignant, here).await);
    let other_director = Actor::User(person(&t.db, "autre", Role::Directeur, elsewhere).await);

    let rows = accounts::list_for_establishment(&t.db, &director, here)
        .await
        .unwrap();
    let logins: Vec<_> = rows
        .iter()
        .map(|r| (r.login.as_str(), r.roles.clone()))
        .collect();
    assert_eq!(
        logins,
        vec![
            ("direction", vec![Role::Directeur]),
            ("prof", vec![Role::Enseignant])
        ]
    );
    assert!(rows.iter().all(|r| r.active));
    for outsider in [&teacher, &other_director] {
        assert_eq!(
            accounts::list_for_establishment(&t.db, outsider, here).await,
            Err(AppError::Forbidden)
        );
    }
}

#[tokio::test]
async fn school_years_open_once_and_the_current_one_is_found() {
    let t = test_db().await;
    let here = school(&t.db, "0251234A").await;
    let year = SchoolYear::new(2026).unwrap();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    // The dates a school really uses: a trimestre 3 to 08/07 fits once the end is moved.
    let new = NewSchoolYear {
        year,
        starts_on: day(2026, 9, 1),
        ends_on: day(2027, 7, 8),
    };
    let teacher = Actor::User(person(&t.db, "prof", Role::Enseignant, here).await);
    assert_eq!(
        school_years::open(&t.db, &teacher, here, new, None)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    school_years::open(&t.db, &Actor::System, here, new, None)
        .await
        .unwrap();
    let again = school_years::open(&t.db, &Actor::System, here, new, None).await;
    assert!(
        again
            .unwrap_err()
            .to_string()
            .contains("2026/2027 est déjà ouverte")
    );
    let skipping = NewSchoolYear::proposed(SchoolYear::new(2028).unwrap());
    let refused = school_years::open(&t.db, &Actor::System, here, skipping, None).await;
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("l'année qui suit 2026/2027 est 2027/2028")
    );

    let director = person(&t.db, "direction", Role::Directeur, here).await;
    let choices = establishments::choices_for(&t.db, &director).await.unwrap();
    assert_eq!(choices.len(), 1);
    let shown = choices[0].school_year.as_ref().unwrap();
    assert_eq!(shown.label, "2026/2027");
    assert_eq!(shown.ends_on, day(2027, 7, 8));

    // Dates are editable, within the year, and never leave a period outside.
    let director = Actor::User(director);
    let outside =
        school_years::set_dates(&t.db, &director, here, day(2026, 9, 1), day(2027, 9, 30)).await;
    assert!(
        outside
            .unwrap_err()
            .to_string()
            .contains("entre le 01/08/2026 et le 31/08/2027")
    );
    school_years::set_dates(&t.db, &director, here, day(2026, 8, 31), day(2027, 7, 3))
        .await
        .unwrap();
    let shown = school_years::current(&t.db, here).await.unwrap().unwrap();
    assert_eq!(
        (shown.starts_on, shown.ends_on),
        (day(2026, 8, 31), day(2027, 7, 3))
    );
}

#[tokio::test]
async fn the_demo_school_is_seeded_once() {
    let t = test_db().await;
    assert!(
        server::demo::seed(
            &t.db,
            &app::services::second_factor::SecretKey::generate().0
        )
        .await
        .unwrap()
    );
    assert!(
        !server::demo::seed(
            &t.db,
            &app::services::second_factor::SecretKey::generate().0
        )
        .await
        .unwrap()
    );
    assert_eq!(user::Entity::find().count(&t.db).await.unwrap(), 4);
    for demo in &server::demo::ACCOUNTS {
        let id = accounts::authenticate(&t.db, demo.login, demo.password, "127.0.0.1", Utc::now())
            .await
            .unwrap();
        let acting = accounts::acting_user(&t.db, id, None).await.unwrap();
        let school = acting.current_establishment.unwrap();
        assert_eq!(acting.roles_in(school), vec![demo.role]);
    }
}

#[tokio::test]
async fn sessions_are_stored_shared_and_expire() {
    use server::sessions::DatabaseSessionStore;
    use tower_sessions::session::{Id, Record};
    use tower_sessions::session_store::{ExpiredDeletion, SessionStore};

    let t = test_db().await;
    let here = school(&t.db, "0251234A").await;
    let me = person(&t.db, "c.martin", Role::Enseignant, here).await;
    let store = DatabaseSessionStore::new(t.db.clone());
    let record = |minutes: i64| Record {
        id: Id::default(),
        data: [(app::auth::USER_KEY.to_owned(), serde_json::json!(me.id))].into(),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::minutes(minutes),
    };

    let mut live = record(30);
    store.create(&mut live).await.unwrap();
    // Another process on the same database sees the same session.
    let other_process = DatabaseSessionStore::new(t.db.clone());
    let loaded = other_process
        .load(&live.id)
        .await
        .unwrap()
        .expect("a live session");
    assert_eq!(loaded.data, live.data);

    let mut expired = record(-1);
    store.create(&mut expired).await.unwrap();
    assert!(
        store.load(&expired.id).await.unwrap().is_none(),
        "an expired session is gone"
    );
    store.delete_expired().await.unwrap();
    assert_eq!(
        app::entities::session::Entity::find()
            .count(&t.db)
            .await
            .unwrap(),
        1
    );

    store.delete(&live.id).await.unwrap();
    assert!(
        store.load(&live.id).await.unwrap().is_none(),
        "logout deletes it"
    );
}

/// What a test's log subscriber wrote.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_database_error_in_the_log_names_the_service_and_its_ids() {
    use app::services::bilan_list;
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    // A database without Livret's tables: the first query fails.
    let broken = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
    let someone = Actor::User(ActingUser {
        id: 7,
        login: "x".to_owned(),
        display_name: "X".to_owned(),
        grants: Vec::new(),
        current_establishment: None,
        must_change_password: false,
        must_enrol_second_factor: false,
        assisting: None,
    });
    let refused = bilan_list::list(&broken, &someone, 41, 42).await;
    assert_eq!(refused, Err(AppError::Internal));
    let written = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        written.contains("list{class_id=41 period_id=42 user=Some(7)}")
            && written.contains("database"),
        "{written}"
    );
}
