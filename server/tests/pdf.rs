//! Printed bilans: the text read back from the PDF holds what the bilan says, hostile texts
//! print literally, the same bilan gives the same bytes, and a bilan that cannot be printed
//! gets the reason instead of a PDF.

mod support;

use app::api::bilan_document::BilanDocument;
use app::api::bilan_editor::{BilanField, BilanKey, FieldChange, FieldValue};
use app::domain::BilanStatus;
use app::error::AppError;
use app::services::access::Actor;
use app::services::bilan_document;
use app::services::{bilan_editor, bilan_list, classes};
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use support::{actor, demo_school, test_db, trimestres};

struct Demo {
    teacher: Actor,
    cm2: i32,
    trimestres: Vec<i32>,
}

async fn demo(db: &DatabaseConnection) -> Demo {
    server::demo::seed(db).await.unwrap();
    let school = demo_school(db).await;
    let today = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    let cm2 = classes::list(db, &Actor::System, school, today)
        .await
        .unwrap()
        .into_iter()
        .find(|class| class.label == "CM2 M. Durand")
        .unwrap()
        .id;
    Demo {
        teacher: actor(db, "enseignant").await,
        cm2,
        trimestres: trimestres(db).await,
    }
}

/// The pupil's id, by last name, in the CM2.
async fn pupil(db: &DatabaseConnection, demo: &Demo, last_name: &str) -> i32 {
    bilan_list::list(db, &demo.teacher, demo.cm2, demo.trimestres[0])
        .await
        .unwrap()
        .rows
        .iter()
        .find(|row| row.last_name == last_name)
        .unwrap()
        .student_id
}

/// The text with every kind of space taken out and apostrophes made straight: PDF text
/// extraction places spaces and line breaks where the layout put them, and the template's own
/// words are typeset with a typographic apostrophe.
fn squeezed(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '’' { '\'' } else { c })
        .collect()
}

fn pdf_text(document: &BilanDocument) -> String {
    let bytes = server::pdf::render(std::slice::from_ref(document)).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    squeezed(&pdf_extract::extract_text_from_mem(&bytes).unwrap())
}

#[tokio::test]
async fn a_printed_bilan_holds_what_the_bilan_says() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let violetta = pupil(&t.db, &demo, "BAZIN").await;
    let key = BilanKey {
        student_id: violetta,
        period_id: demo.trimestres[0],
    };
    let document = bilan_document::document(&t.db, &demo.teacher, key)
        .await
        .unwrap();
    assert_eq!(document.file_name, "BAZIN_Violetta_Trimestre-1.pdf");
    let view = bilan_editor::open(&t.db, &demo.teacher, key).await.unwrap();
    let text = pdf_text(&document);
    for expected in [
        "BAZIN Violetta",
        "École élémentaire Victor Hugo",
        "0259999X",
        "2026/2027",
        "Trimestre 1",
        "23/07/2015",
        "M. Marc Durand",
        "Mme Hélène Lefèvre",
        "Visa des parents",
        "Appréciation générale sur la progression de l'élève",
    ] {
        assert!(
            text.contains(&squeezed(expected)),
            "« {expected} » is printed"
        );
    }
    for row in &view.rows {
        assert!(
            text.contains(&squeezed(&row.label)),
            "the row « {} »",
            row.label
        );
        for element in row.own_elements.as_ref().unwrap_or(&row.class_elements) {
            assert!(
                text.contains(&squeezed(element)),
                "the element « {element} »"
            );
        }
    }
    for comment in view
        .rows
        .iter()
        .map(|row| &row.comment)
        .filter(|c| !c.is_empty())
    {
        let printed = app::domain::typography::french_spacing(comment);
        assert!(
            text.contains(&squeezed(&printed)),
            "the comment « {comment} »"
        );
    }
    assert!(
        text.contains(&squeezed(&app::domain::typography::french_spacing(
            &view.appreciation
        )))
    );
    // One « X » per positioned row, in the scale's columns; the others say « Non évalué ».
    let positioned = view
        .rows
        .iter()
        .filter(|row| row.positionnement.is_some_and(|p| p.level().is_some()))
        .count();
    let not_evaluated = view.rows.len() - positioned;
    assert_eq!(text.matches("Nonévalué").count(), not_evaluated);
    for level in [
        "Nonatteints",
        "Partiellementatteints",
        "Atteints",
        "Dépassés",
    ] {
        assert!(text.contains(level), "the scale shows « {level} »");
    }
    assert!(text.contains("Bilanverrouillé"), "the lock is printed");
}

#[tokio::test]
async fn hostile_texts_print_literally_and_the_same_bilan_gives_the_same_bytes() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let anys = pupil(&t.db, &demo, "BENMEDJANI").await;
    let key = BilanKey {
        student_id: anys,
        period_id: demo.trimestres[0],
    };
    let hostile = [
        r#"#read("/etc/passwd")"#,
        "*gras*",
        "$x^2$",
        "<b>balise</b>",
        "@ref",
        r"un \ seul",
    ];
    let view = bilan_editor::open(&t.db, &demo.teacher, key).await.unwrap();
    let text = |value: &str| FieldValue::Text(value.to_owned());
    bilan_editor::save(
        &t.db,
        &demo.teacher,
        key,
        &[
            FieldChange {
                field: BilanField::Comment("FRA-LGO".to_owned()),
                was: text(&view.rows[0].comment),
                now: text(&hostile.join(" ")),
            },
            FieldChange {
                field: BilanField::Appreciation,
                was: text(&view.appreciation),
                now: text(&hostile.join(" / ")),
            },
        ],
    )
    .await
    .unwrap();
    let document = bilan_document::document(&t.db, &demo.teacher, key)
        .await
        .unwrap();
    let printed = pdf_text(&document);
    for literal in hostile {
        assert_eq!(
            printed.matches(&squeezed(literal)).count(),
            2,
            "« {literal} » is printed as typed, in the comment and the appréciation"
        );
    }
    assert!(!printed.contains("root:"), "no file of the machine is read");
    let once = server::pdf::render(std::slice::from_ref(&document)).unwrap();
    let again = server::pdf::render(std::slice::from_ref(&document)).unwrap();
    assert!(once == again, "same bilan, same bytes");
}

#[tokio::test]
async fn a_bilan_that_cannot_be_printed_gets_the_reason() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let anys = pupil(&t.db, &demo, "BENMEDJANI").await;
    let second = BilanKey {
        student_id: anys,
        period_id: demo.trimestres[1],
    };
    let not_created = bilan_document::document(&t.db, &demo.teacher, second)
        .await
        .unwrap_err();
    assert!(
        not_created.to_string().contains("n'est pas créé"),
        "{not_created}"
    );
    bilan_editor::save(
        &t.db,
        &demo.teacher,
        second,
        &[FieldChange {
            field: BilanField::Appreciation,
            was: FieldValue::Text(String::new()),
            now: FieldValue::Text("Un bon début.".to_owned()),
        }],
    )
    .await
    .unwrap();
    let incomplete = bilan_document::document(&t.db, &demo.teacher, second)
        .await
        .unwrap_err();
    let AppError::Invalid(errors) = &incomplete else {
        panic!("a refusal, not {incomplete:?}");
    };
    assert!(
        errors[0]
            .message
            .contains("ne peut pas encore être édité : il manque 3 domaines complets"),
        "{}",
        errors[0].message
    );

    // A class: every printable bilan, the others named with why.
    let (documents, skipped) =
        bilan_document::class_documents(&t.db, &demo.teacher, demo.cm2, demo.trimestres[1])
            .await
            .unwrap();
    assert!(documents.is_empty());
    assert_eq!(skipped.len(), 6);
    let (documents, skipped) =
        bilan_document::class_documents(&t.db, &demo.teacher, demo.cm2, demo.trimestres[0])
            .await
            .unwrap();
    assert_eq!((documents.len(), skipped.len()), (6, 0));
    let merged = server::pdf::render(&documents).unwrap();
    let text = squeezed(&pdf_extract::extract_text_from_mem(&merged).unwrap());
    for document in &documents {
        assert!(text.contains(&squeezed(&document.pupil.name)));
    }
    let each = server::pdf::render_each(&documents, |_| {}).unwrap();
    assert_eq!(each.len(), 6);
    let list = bilan_list::list(&t.db, &demo.teacher, demo.cm2, demo.trimestres[0])
        .await
        .unwrap();
    assert!(
        list.rows
            .iter()
            .all(|row| row.status != BilanStatus::EnCours)
    );
}
