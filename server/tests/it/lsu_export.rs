//! « Export vers le LSU »: the demo's file is valid against the official schema and carries the
//! locked bilans only; the precheck names what the national application would refuse.

use crate::support::{demo_class, demo_school, test_db, trimestres};
use app::entities::{bilan, cycle_bilan, cycle_bilan_component, school_class, student, user};
use app::services::access::Actor;
use app::services::lsu_export::{self, Export};
use app::services::second_factor::SecretKey;
use app::wire::lsu_export::ExportRequest;
use quick_xml::events::Event;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

/// The official schema of the école import (`shared/reference`, kept with the tests).
const SCHEMA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/lsun-import-1d-1.0b.xsd"
);

async fn demo() -> crate::support::TestDb {
    let t = test_db().await;
    server::demo::seed(&t.db, &SecretKey::generate().0)
        .await
        .unwrap();
    t
}

async fn export_first_trimestre(db: &DatabaseConnection) -> Export {
    let school = demo_school(db).await;
    let first = trimestres(db).await[0];
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    lsu_export::export(db, &Actor::System, school, &periods(&[first]), today)
        .await
        .unwrap()
}

/// The periodic bilans of these periods, without the bilans de fin de cycle.
fn periods(ids: &[i32]) -> ExportRequest {
    ExportRequest {
        period_ids: ids.to_vec(),
        cycle_bilans: false,
    }
}

/// `xmllint --noout --schema` on the file; its complaints when it is not valid.
fn validate(xml: &[u8]) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("LSU_0259999X_20261203.xml");
    std::fs::write(&file, xml).unwrap();
    let output = std::process::Command::new("xmllint")
        .args(["--noout", "--schema", SCHEMA])
        .arg(&file)
        .output()
        .expect("xmllint runs (Debian's libxml2-utils; .ci/tools.sh installs it)");
    match output.status.success() {
        true => Ok(()),
        false => Err(String::from_utf8_lossy(&output.stderr).into_owned()),
    }
}

/// The INEs of the pupils and the appréciations générales, read back from the file.
fn read_back(xml: &[u8]) -> (Vec<String>, Vec<String>) {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let (mut ines, mut appreciations) = (Vec::new(), Vec::new());
    // The appréciation being read: its text comes in pieces, around the escaped characters.
    let mut reading: Option<String> = None;
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer).unwrap() {
            Event::Start(element) if element.name().as_ref() == "appreciation-generale" => {
                reading = Some(String::new());
            }
            Event::Empty(element) if element.name().as_ref() == "eleve" => {
                let ine = element.try_get_attribute("ine").unwrap();
                ines.push(ine.expect("an eleve has its INE").value.into_owned());
            }
            Event::Text(text) => {
                if let Some(read) = &mut reading {
                    read.push_str(text.as_ref());
                }
            }
            Event::GeneralRef(reference) => {
                if let Some(read) = &mut reading {
                    read.push_str(match reference.as_ref() {
                        "lt" => "<",
                        "gt" => ">",
                        "amp" => "&",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    });
                }
            }
            Event::End(_) => appreciations.extend(reading.take()),
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    (ines, appreciations)
}

#[tokio::test]
async fn the_demo_export_is_valid_against_the_official_schema_and_carries_the_locked_bilans() {
    let t = demo().await;
    // Violetta's responsable, with the address the responsables import keeps in its parts.
    let parent = user::Entity::find()
        .filter(user::Column::Login.eq("parent"))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: user::ActiveModel = parent.into();
    row.address_line = Set(Some("9 rue de Dole".to_owned()));
    row.postal_code = Set(Some("25000".to_owned()));
    row.city = Set(Some("BESANÇON".to_owned()));
    row.update(&t.db).await.unwrap();
    let export = export_first_trimestre(&t.db).await;
    assert_eq!(export.precheck.problems, Vec::new());
    assert_eq!(
        export.precheck.bilans, 2,
        "Hénoler's and Violetta's, locked"
    );
    assert_eq!(export.precheck.file_name, "LSU_0259999X_20261203.xml");
    let left: Vec<(String, usize)> = export
        .precheck
        .left_out
        .iter()
        .map(|left| (left.class.clone(), left.count))
        .collect();
    assert_eq!(left, [("CM2 M. Durand — Trimestre 1".to_owned(), 4)]);
    let xml = export.xml.expect("a file");
    validate(&xml).unwrap();

    let locked = bilan::Entity::find()
        .filter(bilan::Column::LockedAt.is_not_null())
        .all(&t.db)
        .await
        .unwrap();
    let unlocked = bilan::Entity::find()
        .filter(bilan::Column::LockedAt.is_null())
        .all(&t.db)
        .await
        .unwrap();
    let (ines, appreciations) = read_back(&xml);
    for bilan in &locked {
        let pupil = student::Entity::find_by_id(bilan.student_id)
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();
        assert!(ines.contains(&pupil.ine.unwrap()), "{}", bilan.last_name);
        assert!(appreciations.contains(bilan.appreciation.as_ref().unwrap()));
    }
    assert_eq!(ines.len(), locked.len(), "only the pupils of locked bilans");
    for bilan in &unlocked {
        if let Some(appreciation) = &bilan.appreciation {
            assert!(
                !appreciations.contains(appreciation),
                "unlocked: {}",
                bilan.last_name
            );
        }
    }
    let text = String::from_utf8(xml).unwrap();
    assert!(
        text.contains("code-domaine=\"FRA-RAC\""),
        "Français as one acquis"
    );
    assert!(text.contains("<sous-domaine code-domaine=\"FRA-LGO\""));
    assert!(text.contains("code-domaine=\"EPS-RAC\""));
    assert!(text.contains("<etablissement>0259999X</etablissement>"));
    assert!(text.contains(
        "<responsable civilite=\"MME\" nom=\"Bazin\" prenom=\"Sophie\">\n            <adresse ligne1=\"9 rue de Dole\" code-postal=\"25000\" commune=\"BESANÇON\"/>"
    ), "{text}");
}

#[tokio::test]
async fn hostile_text_is_escaped_and_control_characters_are_refused() {
    let t = demo().await;
    let violetta = bilan::Entity::find()
        .filter(bilan::Column::FirstNames.eq("Violetta"))
        .filter(bilan::Column::LockedAt.is_not_null())
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    let hostile = "Élève « <b>brillante</b> » & \"drôle\" d'humeur 😀\nDeuxième ligne.";
    let mut row: bilan::ActiveModel = violetta.clone().into();
    row.appreciation = Set(Some(hostile.to_owned()));
    row.update(&t.db).await.unwrap();
    let export = export_first_trimestre(&t.db).await;
    let xml = export.xml.expect("a file");
    validate(&xml).unwrap();
    let (_, appreciations) = read_back(&xml);
    assert!(
        appreciations.iter().any(|a| a == hostile),
        "{appreciations:?}"
    );

    let mut row: bilan::ActiveModel = violetta.into();
    row.appreciation = Set(Some("Bien\u{1} travaillé".to_owned()));
    row.update(&t.db).await.unwrap();
    let export = export_first_trimestre(&t.db).await;
    assert!(export.xml.is_none());
    assert!(
        export.precheck.problems[0]
            .message
            .contains("le caractère U+0001 ne peut pas être transmis"),
        "{:?}",
        export.precheck.problems
    );
}

#[tokio::test]
async fn the_precheck_names_each_problem_with_the_page_that_fixes_it() {
    let t = demo().await;
    // Violetta loses her INE, the CM2 its ONDE id.
    let violetta = student::Entity::find()
        .filter(student::Column::FirstNames.eq("Violetta"))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    let mut pupil: student::ActiveModel = violetta.into();
    pupil.ine = Set(None);
    pupil.update(&t.db).await.unwrap();
    let cm2 = demo_class(&t.db, "CM2").await;
    let mut class: school_class::ActiveModel = school_class::Entity::find_by_id(cm2.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    class.onde_id = Set(None);
    class.update(&t.db).await.unwrap();

    let export = export_first_trimestre(&t.db).await;
    assert!(export.xml.is_none(), "no file while a problem stays");
    let problems: Vec<(String, String)> = export
        .precheck
        .problems
        .iter()
        .map(|p| (p.message.clone(), p.link.clone()))
        .collect();
    assert!(
        problems.contains(&(
            "BAZIN Violetta n'a pas d'INE : importez l'extraction ONDE des élèves, qui le donne"
                .to_owned(),
            "/parametrage/import".to_owned()
        )),
        "{problems:?}"
    );
    assert!(
        problems.contains(&(
            "La classe « CM2 M. Durand » n'a pas d'identifiant ONDE : importez l'extraction ONDE des élèves"
                .to_owned(),
            "/parametrage/import".to_owned()
        )),
        "{problems:?}"
    );
    assert_eq!(
        export.precheck.left_out[0].count, 4,
        "unlocked: left out, counted"
    );
    assert_eq!(
        export.precheck.left_out[0].link,
        format!(
            "/bilans?classe={}&periode={}",
            cm2.id,
            trimestres(&t.db).await[0]
        )
    );
}

#[tokio::test]
async fn only_the_director_exports() {
    let t = demo().await;
    let school = demo_school(&t.db).await;
    let first = trimestres(&t.db).await[0];
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let teacher = crate::support::actor(&t.db, "enseignant").await;
    let refused = lsu_export::export(&t.db, &teacher, school, &periods(&[first]), today).await;
    assert!(matches!(refused, Err(app::error::AppError::Forbidden)));
}

/// A teacher may lock a bilan: the file still names the school's director as the bilan's
/// `directeur`, the one kept when it was locked.
#[tokio::test]
async fn a_bilan_locked_by_a_teacher_is_sent_under_the_director() {
    use app::services::bilan_list;
    use app::wire::bilans::{BilanAction, BilanActionRequest};
    let t = demo().await;
    let cm2 = demo_class(&t.db, "CM2").await;
    let first = trimestres(&t.db).await[0];
    let unlocked = bilan::Entity::find()
        .filter(bilan::Column::LockedAt.is_null())
        .filter(bilan::Column::ClassId.eq(cm2.id))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    let teacher = crate::support::actor(&t.db, "enseignant").await;
    let request = BilanActionRequest {
        class_id: cm2.id,
        period_id: first,
        action: BilanAction::Lock,
        student_ids: vec![unlocked.student_id],
    };
    bilan_list::act(&t.db, &teacher, &request).await.unwrap();
    let locked = bilan::Entity::find_by_id(unlocked.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    let director = user::Entity::find()
        .filter(user::Column::Login.eq("direction"))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(locked.locked_by, teacher.user_id());
    assert_eq!(locked.director_id, Some(director.id));

    let export = export_first_trimestre(&t.db).await;
    assert_eq!(export.precheck.bilans, 3);
    let text = String::from_utf8(export.xml.unwrap()).unwrap();
    assert_eq!(text.matches("<directeur ").count(), 1, "{text}");
    assert_eq!(
        text.matches(&format!("directeur-ref=\"DIR_{}\"", director.id))
            .count(),
        3
    );
}

/// The text of each `name` element, unescaped, read back from the file.
fn texts_of(xml: &[u8], name: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let (mut texts, mut reading) = (Vec::new(), None::<String>);
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer).unwrap() {
            Event::Start(element) if element.name().as_ref() == name => {
                reading = Some(String::new());
            }
            Event::Text(text) => {
                if let Some(read) = &mut reading {
                    read.push_str(text.as_ref());
                }
            }
            Event::GeneralRef(reference) => {
                if let Some(read) = &mut reading {
                    read.push_str(match reference.as_ref() {
                        "lt" => "<",
                        "gt" => ">",
                        "amp" => "&",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    });
                }
            }
            Event::End(element) if element.name().as_ref() == name => {
                texts.extend(reading.take());
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    texts
}

#[tokio::test]
async fn the_demo_export_of_the_cycle_bilans_is_valid_and_carries_the_locked_ones() {
    let t = demo().await;
    let school = demo_school(&t.db).await;
    let first = trimestres(&t.db).await[0];
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let request = ExportRequest {
        period_ids: vec![first],
        cycle_bilans: true,
    };
    let export = lsu_export::export(&t.db, &Actor::System, school, &request, today)
        .await
        .unwrap();
    assert_eq!(export.precheck.problems, Vec::new());
    assert_eq!(
        export.precheck.bilans, 4,
        "two periodic, two de fin de cycle"
    );
    let left: Vec<(String, usize)> = export
        .precheck
        .left_out
        .iter()
        .map(|left| (left.class.clone(), left.count))
        .collect();
    assert!(
        left.contains(&("Mme Perrin CE2 — bilans de fin de cycle 2".to_owned(), 2)),
        "{left:?}"
    );
    let xml = export.xml.expect("a file");
    validate(&xml).unwrap();
    let text = String::from_utf8(xml.clone()).unwrap();
    assert_eq!(text.matches("<bilan-cycle ").count(), 2);
    assert_eq!(text.matches("<bilan-periodique ").count(), 2);
    let syntheses = texts_of(&xml, "synthese");
    assert_eq!(syntheses.len(), 2);
    assert!(
        syntheses[0].starts_with("Élise termine le cycle 2"),
        "{syntheses:?}"
    );
    assert!(
        syntheses[1].starts_with("Lucas a beaucoup progressé"),
        "{syntheses:?}"
    );
    let (ines, _) = read_back(&xml);
    for ine in ["1234567802N", "1234567803P"] {
        assert!(ines.contains(&ine.to_owned()), "{ine} in {ines:?}");
    }
    for ine in ["1234567804R", "1234567805S"] {
        assert!(!ines.contains(&ine.to_owned()), "unlocked: {ine}");
    }
    // Every component, « dispensé » as 0: Élise's levels as the demo wrote them.
    assert!(text.contains(r#"<domaine code="CPD_FRA" positionnement="4"/>"#));

    // The cycle bilans alone make a valid file too (no periode, no bilan périodique).
    let alone = ExportRequest {
        period_ids: Vec::new(),
        cycle_bilans: true,
    };
    let export = lsu_export::export(&t.db, &Actor::System, school, &alone, today)
        .await
        .unwrap();
    let xml = export.xml.expect("a file");
    validate(&xml).unwrap();
    assert!(!String::from_utf8(xml).unwrap().contains("<periodes>"));
}

#[tokio::test]
async fn a_cycle_bilan_missing_a_component_blocks_the_file_with_its_fix_link() {
    let t = demo().await;
    let school = demo_school(&t.db).await;
    let lucas = student::Entity::find()
        .filter(student::Column::FirstNames.eq("Lucas"))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    let bilan = cycle_bilan::Entity::find()
        .filter(cycle_bilan::Column::StudentId.eq(lucas.id))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    // Removed around the application (as an old copy could hold it): the export still checks.
    cycle_bilan_component::Entity::delete_by_id((bilan.id, "SYS_NAT".to_owned()))
        .exec(&t.db)
        .await
        .unwrap();
    let request = ExportRequest {
        period_ids: Vec::new(),
        cycle_bilans: true,
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let export = lsu_export::export(&t.db, &Actor::System, school, &request, today)
        .await
        .unwrap();
    assert!(export.xml.is_none());
    assert_eq!(export.precheck.problems.len(), 1);
    let problem = &export.precheck.problems[0];
    assert!(
        problem
            .message
            .contains("« Les systèmes naturels et les systèmes techniques » n'est pas positionnée"),
        "{}",
        problem.message
    );
    assert_eq!(
        problem.link,
        format!("/bilans/fin-de-cycle/eleve?eleve={}", lucas.id)
    );
}
