//! « Import des enseignants » on a real database: preview, accounts with one-time passwords,
//! assignments, repeatability, refusals with their line, and no one else's account reused.

use crate::support::{actor, demo_class, demo_school, test_db};
use app::domain::{Civility, Login, Password, PersonName, Role, Uai};
use app::entities::teacher_assignment;
use app::error::AppError;
use app::services::access::Actor;
use app::services::accounts::{self, NewAccount};
use app::services::establishments::{self, NewEstablishment};
use app::services::pupil_import::Mode;
use app::services::teacher_import::import_teachers;
use app::services::teachers_file;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

const SAMPLE: &[u8] = include_bytes!("../../demo/enseignants.csv");

#[tokio::test]
async fn the_list_creates_accounts_and_assignments_once() {
    let t = test_db().await;
    server::demo::seed_school(&t.db).await.unwrap();
    let school = demo_school(&t.db).await;
    let director = actor(&t.db, "direction").await;
    // A « Claire Martin » teaching in another school keeps her account to herself.
    let other = establishments::create(
        &t.db,
        &Actor::System,
        NewEstablishment {
            uai: Uai::parse("0251234A").unwrap(),
            name: "Autre école".into(),
            city: None,
        },
    )
    .await
    .unwrap();
    let (elsewhere, _) = accounts::grant_account(
        &t.db,
        &Actor::System,
        NewAccount {
            login: Login::parse("claire.martin").unwrap(),
            civility: Some(Civility::Madame),
            last_name: PersonName::parse("Martin").unwrap(),
            first_name: Some(PersonName::parse("Claire").unwrap()),
            password: Some(Password::parse("un-secret-a-elle").unwrap()),
        },
        Role::Enseignant,
        Some(other.id),
    )
    .await
    .unwrap();
    let rows = teachers_file::parse(SAMPLE).unwrap();

    let teacher = actor(&t.db, "enseignant").await;
    assert_eq!(
        import_teachers(&t.db, &teacher, school, &rows, Mode::Preview)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    let preview = import_teachers(&t.db, &director, school, &rows, Mode::Preview)
        .await
        .unwrap();
    assert!(!preview.applied);
    let logins: Vec<&str> = preview.created.iter().map(|t| t.login.as_str()).collect();
    assert_eq!(logins, ["claire.martin2", "ines.roussel"]);
    assert!(
        preview
            .created
            .iter()
            .all(|t| t.one_time_password.is_none())
    );
    // The demo's M. Durand already teaches the CM2.
    assert_eq!(preview.unchanged, ["M. Marc Durand"]);
    assert!(
        accounts::find_by_login(&t.db, &Login::parse("ines.roussel").unwrap())
            .await
            .unwrap()
            .is_none(),
        "a preview writes nothing"
    );

    let applied = import_teachers(&t.db, &director, school, &rows, Mode::Apply)
        .await
        .unwrap();
    assert!(applied.applied);
    assert_eq!(applied.created.len(), 2);
    let roussel = &applied.created[1];
    assert_eq!(roussel.classes, ["CP-CE1 Mme Martin", "CM2 M. Durand"]);
    let password = roussel.one_time_password.clone().unwrap();
    let id = accounts::authenticate(
        &t.db,
        "ines.roussel",
        &password,
        "127.0.0.1",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let cm2 = demo_class(&t.db, "CM2").await.id;
    let assigned = teacher_assignment::Entity::find()
        .filter(teacher_assignment::Column::ClassId.eq(cm2))
        .filter(teacher_assignment::Column::UserId.eq(id))
        .one(&t.db)
        .await
        .unwrap();
    assert!(assigned.is_some());
    // The other school's Claire Martin has no role here.
    let elsewhere = accounts::acting_user(&t.db, elsewhere.id, None)
        .await
        .unwrap();
    assert!(elsewhere.roles_in(school).is_empty());

    let again = import_teachers(&t.db, &director, school, &rows, Mode::Apply)
        .await
        .unwrap();
    assert!(again.changes_nothing(), "{again:?}");
    assert_eq!(again.unchanged.len(), 3);
}

#[tokio::test]
async fn a_bad_list_is_refused_with_its_line_and_nothing_is_written() {
    let t = test_db().await;
    server::demo::seed_school(&t.db).await.unwrap();
    let school = demo_school(&t.db).await;
    let director = actor(&t.db, "direction").await;
    let file = "Civilité;Nom;Prénom;Courriel;Classes\n\
                Mme;Roussel;Inès;;CM2 M. Durand\n\
                M.;Petit;Jean;;CM3 M. Nulle\n";
    let rows = teachers_file::parse(file.as_bytes()).unwrap();
    let refused = import_teachers(&t.db, &director, school, &rows, Mode::Apply)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.starts_with("ligne 3, colonne « Classes » : classe inconnue « CM3 M. Nulle »"),
        "{refused}"
    );
    assert!(
        refused.contains("CM2 M. Durand, CP-CE1 Mme Martin"),
        "{refused}"
    );
    assert!(
        accounts::find_by_login(&t.db, &Login::parse("ines.roussel").unwrap())
            .await
            .unwrap()
            .is_none(),
        "all or nothing"
    );
    let twice = "Civilité;Nom;Prénom;Courriel;Classes\n\
                 Mme;Roussel;Inès;;CM2 M. Durand\n\
                 Mme;ROUSSEL;Inès;;CP-CE1 Mme Martin\n";
    let rows = teachers_file::parse(twice.as_bytes()).unwrap();
    let refused = import_teachers(&t.db, &director, school, &rows, Mode::Preview)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("ligne 3 : Inès ROUSSEL figure déjà à la ligne 2"),
        "{refused}"
    );
}
