//! The académie's administrateur on a real database: the establishments' list, a school created
//! with its director, a second director, a role taken away, helping a school from inside; and
//! nobody else reaching any of it.

use crate::support::{actor, demo_class, demo_school, test_db};
use app::domain::{Civility, Login, Password, PersonName, Role, SchoolYear, Uai};
use app::entities::audit_event;
use app::error::AppError;
use app::services::access::Actor;
use app::services::accounts::{self, NewAccount, NewStaff};
use app::services::establishments::NewEstablishment;
use app::services::school_years::{self, NewSchoolYear};
use app::services::{academie, classes};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

async fn administrator(db: &DatabaseConnection) -> Actor {
    accounts::grant_account(
        db,
        &Actor::System,
        NewAccount {
            login: Login::parse("rectorat").unwrap(),
            civility: Some(Civility::Monsieur),
            last_name: PersonName::parse("Rectorat").unwrap(),
            first_name: None,
            password: Some(Password::parse("un-secret-rectorat").unwrap()),
        },
        Role::Administrateur,
        None,
    )
    .await
    .unwrap();
    actor(db, "rectorat").await
}

fn staff(login: &str, last_name: &str) -> NewStaff {
    NewStaff {
        login: Login::parse(login).unwrap(),
        civility: Civility::Madame,
        last_name: PersonName::parse(last_name).unwrap(),
        first_name: PersonName::parse("Anne").unwrap(),
        email: None,
    }
}

#[tokio::test]
async fn the_administrateur_runs_the_establishments_and_nobody_else_does() {
    let t = test_db().await;
    server::demo::seed(
        &t.db,
        &app::services::second_factor::SecretKey::generate().0,
    )
    .await
    .unwrap();
    let demo = demo_school(&t.db).await;
    let admin = administrator(&t.db).await;

    // A new school and its director, in one go; the director can log in.
    let (school, director, password) = academie::create_with_director(
        &t.db,
        &admin,
        NewEstablishment {
            uai: Uai::parse("0251234A").unwrap(),
            name: "École Jules Ferry".into(),
            city: Some("Pontarlier".into()),
        },
        staff("a.dupont", "Dupont"),
    )
    .await
    .unwrap();
    let id = accounts::authenticate(
        &t.db,
        "a.dupont",
        &password,
        "127.0.0.1",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(id, director.id);
    // The new school's director opens her year.
    let dupont = actor(&t.db, "a.dupont").await;
    let year = NewSchoolYear::proposed(SchoolYear::new(2026).unwrap());
    school_years::open(&t.db, &dupont, school.id, year, None)
        .await
        .unwrap();

    let rows = academie::overview(&t.db, &admin).await.unwrap();
    assert_eq!(rows.len(), 2);
    let ferry = rows.iter().find(|r| r.uai == "0251234A").unwrap();
    assert_eq!(ferry.city.as_deref(), Some("Pontarlier"));
    assert_eq!(ferry.year.as_deref(), Some("2026/2027"));
    assert_eq!(ferry.directors, ["Mme Anne Dupont"]);
    let hugo = rows.iter().find(|r| r.id == demo).unwrap();
    assert_eq!(hugo.pupils, 16);
    // The demo's only responsable is Violetta BAZIN's: the checklist's last step counts the rest.
    let cm2 = demo_class(&t.db, "CM2").await;
    assert_eq!(cm2.without_responsable, cm2.pupils - 1);
    let first = &hugo.periods[0];
    assert_eq!(first.label, "Trimestre 1");
    assert_eq!(first.locked, 2);
    assert!(first.total > 2);

    // A second director, then the first one's role taken away; never the last one's.
    academie::add_director(&t.db, &admin, school.id, staff("b.martin", "Martin"))
        .await
        .unwrap();
    academie::revoke_director(&t.db, &admin, school.id, director.id)
        .await
        .unwrap();
    let left = academie::staff(&t.db, &admin, school.id).await.unwrap();
    assert_eq!(left.directors.len(), 1);
    assert_eq!(left.directors[0].login, "b.martin");
    let last = academie::revoke_director(&t.db, &admin, school.id, left.directors[0].user_id)
        .await
        .unwrap_err();
    assert!(last.to_string().contains("seule direction"), "{last}");
    let dupont = actor(&t.db, "a.dupont").await;
    assert_eq!(
        school_years::setup(&t.db, &dupont, school.id, chrono::Utc::now().date_naive())
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    academie::grant_director(&t.db, &admin, school.id, &Login::parse("a.dupont").unwrap())
        .await
        .unwrap();
    assert_eq!(
        academie::staff(&t.db, &admin, school.id)
            .await
            .unwrap()
            .directors
            .len(),
        2
    );

    // Nobody else reaches the académie's pages.
    for login in ["direction", "enseignant", "parent", "a.dupont"] {
        let someone = actor(&t.db, login).await;
        assert_eq!(
            academie::overview(&t.db, &someone).await.unwrap_err(),
            AppError::Forbidden,
            "{login}"
        );
        assert_eq!(
            academie::staff(&t.db, &someone, demo).await.unwrap_err(),
            AppError::Forbidden,
            "{login}"
        );
        assert_eq!(
            academie::add_director(&t.db, &someone, demo, staff("intrus", "Intrus"))
                .await
                .unwrap_err(),
            AppError::Forbidden,
            "{login}"
        );
    }
    // An administrateur sees no pupil data unless helping the school.
    assert_eq!(
        classes::list(&t.db, &admin, demo, chrono::Utc::now().date_naive())
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
}

#[tokio::test]
async fn helping_a_school_acts_as_its_director_and_is_recorded() {
    let t = test_db().await;
    server::demo::seed(
        &t.db,
        &app::services::second_factor::SecretKey::generate().0,
    )
    .await
    .unwrap();
    let demo = demo_school(&t.db).await;
    let Actor::User(mut admin) = administrator(&t.db).await else {
        unreachable!("an account")
    };
    academie::record_assistance(&t.db, &Actor::User(admin.clone()), demo, true)
        .await
        .unwrap();
    admin.assist(demo);
    let helping = Actor::User(admin.clone());
    assert_eq!(helping.require_current(&[Role::Directeur]), Ok(demo));
    let classes = classes::list(&t.db, &helping, demo, chrono::Utc::now().date_naive())
        .await
        .unwrap();
    assert_eq!(classes.len(), 3);
    let recorded = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("assistance commencée"))
        .one(&t.db)
        .await
        .unwrap()
        .expect("the help is in the audit trail");
    assert_eq!(recorded.user_id, Some(admin.id));
    assert_eq!(recorded.establishment_id, Some(demo));

    // Only an administrateur can be helping: a director asking for it gets nothing more.
    let Actor::User(mut teacher) = actor(&t.db, "enseignant").await else {
        unreachable!("an account")
    };
    teacher.assist(demo);
    assert_eq!(teacher.assisting, None);
    assert!(!teacher.has_role(demo, Role::Directeur));
    assert_eq!(
        academie::record_assistance(&t.db, &Actor::User(teacher), demo, true)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
}
