//! Families: responsables attached by hand, publishing and withdrawing a class's locked bilans,
//! the parent space and its visa, and what a parent can reach (nothing but their children's
//! published bilans), on the demo school.

use crate::support::{actor, demo_class, demo_school, test_db, trimestres};
use app::domain::{Civility, Login, PersonName, PostalAddress};
use app::entities::{bilan, guardian};
use app::error::AppError;
use app::services::access::Actor;
use app::services::families::{self, Attachment, Identity, NewResponsable};
use app::services::{accounts, bilan_editor, bilan_history, bilan_list, printed_bilan};
use app::wire::bilan_editor::BilanKey;
use app::wire::bilans::{BilanAction, BilanActionRequest};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

struct Demo {
    school: i32,
    director: Actor,
    teacher: Actor,
    parent: Actor,
    cm2: i32,
    trimestres: Vec<i32>,
}

async fn demo(db: &DatabaseConnection) -> Demo {
    server::demo::seed(db, &app::services::second_factor::SecretKey::generate().0)
        .await
        .unwrap();
    let school = demo_school(db).await;
    let cm2 = demo_class(db, "CM2 M. Durand").await.id;
    Demo {
        school,
        director: actor(db, "direction").await,
        teacher: actor(db, "enseignant").await,
        parent: actor(db, "parent").await,
        cm2,
        trimestres: trimestres(db).await,
    }
}

/// The pupil's id, by last name, in the CM2.
async fn pupil(db: &DatabaseConnection, demo: &Demo, last_name: &str) -> i32 {
    bilan_list::list(db, &demo.director, demo.cm2, demo.trimestres[0])
        .await
        .unwrap()
        .rows
        .iter()
        .find(|row| row.last_name == last_name)
        .unwrap()
        .student_id
}

/// What an attachment that was done did.
fn done(attachment: Result<Attachment, AppError>) -> families::Attached {
    match attachment.unwrap() {
        Attachment::Done(attached) => attached,
        Attachment::Homonyms(homonyms) => panic!("asked about {homonyms:?}"),
    }
}

fn person(last: &str, first: &str, email: Option<&str>) -> NewResponsable {
    NewResponsable {
        civility: Some(Civility::Madame),
        last_name: PersonName::parse(last).unwrap(),
        first_name: PersonName::parse(first).unwrap(),
        email: email.map(str::to_owned),
        address: Some(PostalAddress {
            street: Some("9 rue de Dole".to_owned()),
            postal_code: Some("25000".to_owned()),
            city: Some("Besançon".to_owned()),
            country: None,
        }),
    }
}

#[tokio::test]
async fn the_demo_parent_reads_acknowledges_and_the_director_sees_it() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let violetta = pupil(&t.db, &demo, "BAZIN").await;
    let key = BilanKey {
        student_id: violetta,
        period_id: demo.trimestres[0],
    };

    let space = families::space(&t.db, &demo.parent).await.unwrap();
    assert_eq!(space.children.len(), 1, "the demo parent has one child");
    let child = &space.children[0];
    assert_eq!(child.name, "Violetta BAZIN");
    assert_eq!(child.class, "CM2 M. Durand");
    assert_eq!(child.bilans.len(), 1, "only the published trimestre 1");
    assert_eq!(child.bilans[0].title, "Trimestre 1 2026/2027");
    assert_eq!(child.bilans[0].acknowledged, None);

    let read = families::read(&t.db, &demo.parent, key).await.unwrap();
    assert_eq!(read.document.pupil.name, "BAZIN Violetta");
    assert!(!read.document.appreciation.is_empty());
    // The PDF goes through the same rule as the screen.
    let document = printed_bilan::document(&t.db, &demo.parent, key)
        .await
        .unwrap();
    assert_eq!(document, read.document);

    let at = families::acknowledge(&t.db, &demo.parent, key)
        .await
        .unwrap();
    let again = families::acknowledge(&t.db, &demo.parent, key)
        .await
        .unwrap();
    assert_eq!(at, again, "a second visa keeps the first one's moment");
    let space = families::space(&t.db, &demo.parent).await.unwrap();
    assert_eq!(space.children[0].bilans[0].acknowledged, Some(at.clone()));

    let list = bilan_list::list(&t.db, &demo.director, demo.cm2, demo.trimestres[0])
        .await
        .unwrap();
    let row = list
        .rows
        .iter()
        .find(|row| row.student_id == violetta)
        .unwrap();
    assert!(row.published.is_some());
    assert_eq!(row.visas.len(), 1);
    assert_eq!(row.visas[0].name, "Mme Sophie Bazin");
    assert_eq!(row.visas[0].acknowledged, Some(at));
    // The visa is in the bilan's history.
    let history = bilan_history::history(&t.db, &demo.director, violetta)
        .await
        .unwrap();
    assert!(
        history.bilans[0]
            .trail
            .iter()
            .any(|entry| entry.what.contains("visa")),
        "{:?}",
        history.bilans[0].trail
    );
}

#[tokio::test]
async fn a_parent_reaches_nothing_but_their_childs_published_bilans() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let violetta = pupil(&t.db, &demo, "BAZIN").await;
    let henoler = pupil(&t.db, &demo, "ANDRIES").await;
    let theirs = BilanKey {
        student_id: violetta,
        period_id: demo.trimestres[0],
    };
    // Hénoler's bilan is locked and published, but not this parent's child.
    let other = BilanKey {
        student_id: henoler,
        period_id: demo.trimestres[0],
    };
    let forbidden = |result: Result<_, AppError>| match result {
        Err(AppError::Forbidden) => {}
        Err(other) => panic!("expected Forbidden, got {other:?}"),
        Ok(_) => panic!("expected Forbidden, got a result"),
    };
    forbidden(families::read(&t.db, &demo.parent, other).await.map(|_| ()));
    forbidden(
        families::acknowledge(&t.db, &demo.parent, other)
            .await
            .map(|_| ()),
    );
    forbidden(
        printed_bilan::document(&t.db, &demo.parent, other)
            .await
            .map(|_| ()),
    );
    // A period whose bilan is not published (not even created).
    let later = BilanKey {
        student_id: violetta,
        period_id: demo.trimestres[1],
    };
    forbidden(families::read(&t.db, &demo.parent, later).await.map(|_| ()));
    forbidden(
        families::acknowledge(&t.db, &demo.parent, later)
            .await
            .map(|_| ()),
    );
    // The teachers' and director's services.
    forbidden(
        bilan_editor::open(&t.db, &demo.parent, theirs)
            .await
            .map(|_| ()),
    );
    forbidden(
        bilan_history::history(&t.db, &demo.parent, violetta)
            .await
            .map(|_| ()),
    );
    forbidden(
        bilan_list::list(&t.db, &demo.parent, demo.cm2, demo.trimestres[0])
            .await
            .map(|_| ()),
    );
    forbidden(
        bilan_list::act(
            &t.db,
            &demo.parent,
            &BilanActionRequest {
                class_id: demo.cm2,
                period_id: demo.trimestres[0],
                action: BilanAction::Unlock,
                student_ids: [violetta].to_vec(),
            },
        )
        .await
        .map(|_| ()),
    );
    forbidden(
        families::publish(&t.db, &demo.parent, demo.cm2, demo.trimestres[0], false)
            .await
            .map(|_| ()),
    );
    forbidden(
        families::attach(
            &t.db,
            &demo.parent,
            henoler,
            person("Bazin", "Sophie", None),
            Identity::Unknown,
        )
        .await
        .map(|_| ()),
    );

    // Withdrawn, their own child's bilan is out of reach too.
    families::publish(&t.db, &demo.director, demo.cm2, demo.trimestres[0], false)
        .await
        .unwrap();
    forbidden(
        families::read(&t.db, &demo.parent, theirs)
            .await
            .map(|_| ()),
    );
    forbidden(
        printed_bilan::document(&t.db, &demo.parent, theirs)
            .await
            .map(|_| ()),
    );
    let space = families::space(&t.db, &demo.parent).await.unwrap();
    assert!(space.children[0].bilans.is_empty());
}

#[tokio::test]
async fn only_locked_bilans_are_published_by_the_director_and_unlocking_withdraws() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let (cm2, first) = (demo.cm2, demo.trimestres[0]);
    assert_eq!(
        families::publish(&t.db, &demo.teacher, cm2, first, true)
            .await
            .unwrap_err(),
        AppError::Forbidden,
        "publishing is the director's"
    );
    let withdrawn = families::publish(&t.db, &demo.director, cm2, first, false)
        .await
        .unwrap();
    assert_eq!(
        withdrawn.done, 2,
        "the demo publishes its two locked bilans"
    );
    let published = families::publish(&t.db, &demo.director, cm2, first, true)
        .await
        .unwrap();
    assert_eq!(published.done, 2);
    assert_eq!(published.left_alone.len(), 4, "{:?}", published.left_alone);
    assert!(
        published
            .left_alone
            .iter()
            .all(|(_, why)| why == "le bilan n'est pas verrouillé")
    );
    let count_published = async || {
        bilan::Entity::find()
            .filter(bilan::Column::PublishedAt.is_not_null())
            .all(&t.db)
            .await
            .unwrap()
            .len()
    };
    assert_eq!(count_published().await, 2);
    // Publishing again changes nothing.
    let again = families::publish(&t.db, &demo.director, cm2, first, true)
        .await
        .unwrap();
    assert_eq!(again.done, 0);

    let violetta = pupil(&t.db, &demo, "BAZIN").await;
    bilan_list::act(
        &t.db,
        &demo.director,
        &BilanActionRequest {
            class_id: cm2,
            period_id: first,
            action: BilanAction::Unlock,
            student_ids: [violetta].to_vec(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        count_published().await,
        1,
        "an unlocked bilan is no longer published"
    );
    let space = families::space(&t.db, &demo.parent).await.unwrap();
    assert!(space.children[0].bilans.is_empty());
}

#[tokio::test]
async fn responsables_attached_by_hand_get_one_account_and_at_most_two_per_pupil() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let violetta = pupil(&t.db, &demo, "BAZIN").await;
    let henoler = pupil(&t.db, &demo, "ANDRIES").await;

    // A new responsable: an account with a one-time activation code.
    let father = done(
        families::attach(
            &t.db,
            &demo.director,
            violetta,
            person("Bazin", "Éric", Some("eric.bazin@example.fr")),
            Identity::Unknown,
        )
        .await,
    );
    assert_eq!(father.login, "eric.bazin");
    let code = father.activation_code.clone().expect("an activation code");
    let account = accounts::find_by_login(&t.db, &Login::parse("eric.bazin").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(
        account.must_change_password,
        "the parent chooses their password"
    );
    assert_eq!(account.email.as_deref(), Some("eric.bazin@example.fr"));
    assert!(
        accounts::authenticate(&t.db, "eric.bazin", &code, "127.0.0.1", chrono::Utc::now())
            .await
            .is_ok(),
        "the code opens the account once, to choose a password"
    );

    // The same person for a second child: the same account, no new code.
    let again = done(
        families::attach(
            &t.db,
            &demo.director,
            henoler,
            person("BAZIN", "éric", Some("ERIC.BAZIN@example.fr")),
            Identity::Unknown,
        )
        .await,
    );
    assert_eq!(again.login, "eric.bazin");
    assert_eq!(again.activation_code, None);
    let links = guardian::Entity::find()
        .filter(guardian::Column::UserId.eq(account.id))
        .all(&t.db)
        .await
        .unwrap();
    assert_eq!(links.len(), 2);

    // Violetta has two responsables now (the demo parent and her father): no third.
    let third = families::attach(
        &t.db,
        &demo.director,
        violetta,
        person("Martin", "Claire", None),
        Identity::Unknown,
    )
    .await
    .unwrap_err();
    assert!(
        third
            .to_string()
            .contains("a déjà deux responsables légaux"),
        "{third}"
    );
    assert!(
        accounts::find_by_login(&t.db, &Login::parse("claire.martin").unwrap())
            .await
            .unwrap()
            .is_none(),
        "a refused responsable leaves no account behind"
    );
    // A code left in a drawer for more than 30 days no longer opens the account, and says so
    // (to whoever has it); « Comptes » shows it, and a new one opens it again.
    let in_a_month = chrono::Utc::now() + chrono::Duration::days(31);
    let expired = accounts::authenticate(&t.db, "eric.bazin", &code, "127.0.0.1", in_a_month)
        .await
        .unwrap_err();
    assert_eq!(
        expired.field_message("password"),
        Some("ce mot de passe provisoire a expiré : demandez-en un nouveau à l'école")
    );
    assert_eq!(
        accounts::authenticate(&t.db, "eric.bazin", "pas-le-code", "127.0.0.1", in_a_month).await,
        Err(AppError::InvalidCredentials),
        "a wrong code learns nothing"
    );
    // A lost activation code: the director gives a new one, the first no longer opens.
    let (_, new_code) =
        accounts::reissue_password(&t.db, &demo.director, demo.school, "eric.bazin")
            .await
            .unwrap();
    assert_ne!(new_code, code);
    let now = chrono::Utc::now();
    assert!(
        accounts::authenticate(&t.db, "eric.bazin", &code, "127.0.0.1", now)
            .await
            .is_err()
    );
    let renewed = accounts::authenticate(&t.db, "eric.bazin", &new_code, "127.0.0.1", now).await;
    assert!(renewed.is_ok(), "{renewed:?}");
    // The teacher attaches nobody.
    assert_eq!(
        families::attach(
            &t.db,
            &demo.teacher,
            violetta,
            person("Roux", "Ana", None),
            Identity::Unknown
        )
        .await
        .unwrap_err(),
        AppError::Forbidden
    );
}

#[tokio::test]
async fn an_onde_responsables_file_attaches_parents_and_reports_children_it_cannot_find() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let file = include_bytes!("../fixtures/onde-responsables.csv");
    let rows = app::services::responsables_file::parse(file).unwrap();
    let report = families::import(&t.db, &demo.director, demo.school, &rows)
        .await
        .unwrap();
    let names: Vec<(&str, Vec<&str>)> = report
        .attached
        .iter()
        .map(|a| {
            (
                a.name.as_str(),
                a.children.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        names,
        vec![
            ("Mme Nathalie BAZIN", vec!["BAZIN Violetta", "LE GOFF Noé"]),
            ("M. Thierry DUPONT", vec!["DUPONT Jean-Baptiste"]),
            ("Mme Émilie MOREL", vec!["DUPONT Jean-Baptiste"]),
            ("M. Jérôme FRANÇOIS", vec!["FRANÇOIS Zoé"]),
            ("Mme Céline ANDRIES", vec!["ANDRIES Hénoler"]),
        ]
    );
    assert!(
        report.attached.iter().all(|a| a.activation_code.is_some()),
        "each new account has its activation code"
    );
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert_eq!(report.problems[0].line, 6);
    assert!(
        report.problems[0].message.contains("GARNIER Maëlys"),
        "{}",
        report.problems[0].message
    );
    let links = guardian::Entity::find().all(&t.db).await.unwrap().len();
    assert_eq!(links, 7, "the demo parent and six links from the file");
    // The address keeps ONDE's parts apart, as the LSU export sends them.
    let nathalie = app::entities::user::Entity::find()
        .filter(app::entities::user::Column::LastName.eq("BAZIN"))
        .filter(app::entities::user::Column::FirstName.eq("Nathalie"))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            nathalie.address_line.as_deref(),
            nathalie.postal_code.as_deref(),
            nathalie.city.as_deref(),
            nathalie.country
        ),
        (Some("9 rue de Dole"), Some("25000"), Some("BESANÇON"), None)
    );

    // The same file again: the same people, nobody attached twice, no new code.
    let again = families::import(&t.db, &demo.director, demo.school, &rows)
        .await
        .unwrap();
    assert_eq!(again.attached.len(), 5);
    assert!(again.attached.iter().all(|a| a.activation_code.is_none()));
    assert_eq!(guardian::Entity::find().all(&t.db).await.unwrap().len(), 7);

    // Two pupils of the same name: reported, not guessed; the birth date tells them apart.
    let violetta = app::entities::student::Entity::find_by_id(pupil(&t.db, &demo, "BAZIN").await)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    use sea_orm::{ActiveModelTrait, Set};
    app::entities::student::ActiveModel {
        establishment_id: Set(violetta.establishment_id),
        last_name: Set("BAZIN".to_owned()),
        first_names: Set("Violetta".to_owned()),
        birth_date: Set(NaiveDate::from_ymd_opt(2019, 3, 1).unwrap()),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&t.db)
    .await
    .unwrap();
    let twins = "Nom responsable;Prénom responsable;Nom de famille enfant;Prénom enfant\n\
                 ROUX;Ana;BAZIN;Violetta\n";
    let report = families::import(
        &t.db,
        &demo.director,
        demo.school,
        &app::services::responsables_file::parse(twins.as_bytes()).unwrap(),
    )
    .await
    .unwrap();
    assert!(report.attached.is_empty());
    assert_eq!(report.problems[0].line, 2);
    assert!(
        report.problems[0].message.contains("plusieurs élèves"),
        "{}",
        report.problems[0].message
    );
    let dated = "Nom responsable;Prénom responsable;Nom de famille enfant;Prénom enfant;Date de naissance enfant\n\
                 ROUX;Ana;BAZIN;Violetta;01/03/2019\n";
    let report = families::import(
        &t.db,
        &demo.director,
        demo.school,
        &app::services::responsables_file::parse(dated.as_bytes()).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(report.attached.len(), 1, "{:?}", report.problems);
    assert_eq!(
        families::import(&t.db, &demo.teacher, demo.school, &rows)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
}

#[tokio::test]
async fn two_parents_with_one_name_are_never_merged() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let henoler = pupil(&t.db, &demo, "ANDRIES").await;
    let parent = accounts::find_by_login(&t.db, &Login::parse("parent").unwrap())
        .await
        .unwrap()
        .unwrap();
    // Another « Mme Sophie Bazin », without e-mail, for Hénoler: the director is asked, and
    // nothing is attached meanwhile (before the fix, the answer was the demo parent's login).
    let asked = families::attach(
        &t.db,
        &demo.director,
        henoler,
        person("Bazin", "Sophie", None),
        Identity::Unknown,
    )
    .await
    .unwrap();
    let Attachment::Homonyms(homonyms) = asked else {
        panic!("attached by name: {asked:?}");
    };
    assert_eq!(homonyms.len(), 1);
    assert_eq!(homonyms[0].login, "parent");
    assert_eq!(homonyms[0].children, ["BAZIN Violetta"]);
    let space = families::space(&t.db, &demo.parent).await.unwrap();
    assert_eq!(
        space.children.len(),
        1,
        "the demo parent still has one child"
    );

    // « Non : une autre personne »: a new account of her own.
    let other = done(
        families::attach(
            &t.db,
            &demo.director,
            henoler,
            person("Bazin", "Sophie", None),
            Identity::New,
        )
        .await,
    );
    assert_eq!(other.login, "sophie.bazin");
    assert!(other.activation_code.is_some());
    let space = families::space(&t.db, &demo.parent).await.unwrap();
    assert_eq!(space.children.len(), 1);

    // « Oui »: the director says it is the same person.
    let roux = pupil(&t.db, &demo, "BACCARA").await;
    let same = done(
        families::attach(
            &t.db,
            &demo.director,
            roux,
            person("Bazin", "Sophie", None),
            Identity::Existing(parent.id),
        )
        .await,
    );
    assert_eq!(same.login, "parent");
    assert_eq!(same.activation_code, None);
    assert_eq!(
        families::space(&t.db, &demo.parent)
            .await
            .unwrap()
            .children
            .len(),
        2
    );
    // An account that is not a responsable of the school is refused.
    let director = accounts::find_by_login(&t.db, &Login::parse("direction").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(
        families::attach(
            &t.db,
            &demo.director,
            roux,
            person("Lefèvre", "Hélène", None),
            Identity::Existing(director.id),
        )
        .await
        .is_err()
    );
}

#[tokio::test]
async fn the_responsables_file_reports_a_name_it_shares_instead_of_guessing() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let file = "Civilité Responsable;Nom responsable;Prénom responsable;Nom de famille enfant;Prénom enfant;Nom de famille enfant;Prénom enfant\n\
                Mme;Bazin;Sophie;ANDRIES;Hénoler;;\n\
                Mme;Garnier;Lucie;BACCARA;Lauréda;FRANÇOIS;Zoé\n";
    let rows = app::services::responsables_file::parse(file.as_bytes()).unwrap();
    let report = families::import(&t.db, &demo.director, demo.school, &rows)
        .await
        .unwrap();
    assert_eq!(report.problems.len(), 1, "{report:?}");
    assert_eq!(report.problems[0].line, 2);
    assert!(
        report.problems[0]
            .message
            .contains("Mme Sophie Bazin (identifiant parent, responsable de BAZIN Violetta)"),
        "{}",
        report.problems[0].message
    );
    assert_eq!(
        families::space(&t.db, &demo.parent)
            .await
            .unwrap()
            .children
            .len(),
        1,
        "nobody was given the demo parent's account"
    );
    // A parent of two children in one row gets one account, and the same file again changes
    // nobody's account.
    assert_eq!(report.attached.len(), 1);
    assert_eq!(report.attached[0].children.len(), 2);
    assert!(report.attached[0].activation_code.is_some());
    let again = families::import(&t.db, &demo.director, demo.school, &rows)
        .await
        .unwrap();
    assert_eq!(again.attached[0].login, report.attached[0].login);
    assert_eq!(again.attached[0].activation_code, None);
}
