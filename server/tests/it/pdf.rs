//! Printed bilans: the text read back from the PDF holds what the bilan says, hostile texts
//! print literally, the same bilan gives the same bytes, and a bilan that cannot be printed
//! gets the reason instead of a PDF.

use crate::support::{actor, demo_class, test_db, trimestres};
use app::domain::BilanStatus;
use app::error::AppError;
use app::services::access::Actor;
use app::services::printed_bilan;
use app::services::{bilan_editor, bilan_list};
use app::wire::bilan_document::BilanDocument;
use app::wire::bilan_editor::{BilanField, BilanKey, FieldChange, FieldOutcome, FieldValue};
use sea_orm::DatabaseConnection;

struct Demo {
    teacher: Actor,
    cm2: i32,
    trimestres: Vec<i32>,
}

async fn demo(db: &DatabaseConnection) -> Demo {
    server::demo::seed(db, &app::services::second_factor::SecretKey::generate().0)
        .await
        .unwrap();
    let cm2 = demo_class(db, "CM2 M. Durand").await.id;
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
    let document = printed_bilan::document(&t.db, &demo.teacher, key)
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
    let document = printed_bilan::document(&t.db, &demo.teacher, key)
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
    let not_created = printed_bilan::document(&t.db, &demo.teacher, second)
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
    let incomplete = printed_bilan::document(&t.db, &demo.teacher, second)
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
        printed_bilan::class_documents(&t.db, &demo.teacher, demo.cm2, demo.trimestres[1])
            .await
            .unwrap();
    assert!(documents.is_empty());
    assert_eq!(skipped.len(), 6);
    let (documents, skipped) =
        printed_bilan::class_documents(&t.db, &demo.teacher, demo.cm2, demo.trimestres[0])
            .await
            .unwrap();
    assert_eq!((documents.len(), skipped.len()), (6, 0));
    let merged = server::pdf::render(&documents).unwrap();
    let text = squeezed(&pdf_extract::extract_text_from_mem(&merged).unwrap());
    for document in &documents {
        assert!(text.contains(&squeezed(&document.pupil.name)));
    }
    let each = server::pdf::render_each(&documents, |_| {}).unwrap();
    assert!(each.iter().all(Result::is_ok));
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

/// The table of printable characters the fields check is the one the embedded fonts give:
/// a character a field accepts always prints, and nothing printable is refused.
/// `LIVRET_BLESS=1` writes the table again (after the fonts change).
#[test]
fn printable_characters_are_those_of_the_embedded_fonts() {
    let ranges = app::domain::printable::ranges_from(server::pdf::covered_code_points());
    let mut source = String::from(
        "// Generated from the fonts of the printed bilans by the server's test\n\
         // `printable_characters_are_those_of_the_embedded_fonts`; `LIVRET_BLESS=1` on that test writes\n\
         // it again after the fonts change. Not edited by hand.\n\n\
         pub(super) const PRINTABLE: &[(u32, u32)] = &[\n",
    );
    for (first, last) in &ranges {
        source.push_str(&format!("    (0x{first:04X}, 0x{last:04X}),\n"));
    }
    source.push_str("];\n");
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../app/src/domain/printable/ranges.rs"
    );
    if std::env::var_os("LIVRET_BLESS").is_some() {
        std::fs::write(path, &source).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap();
    assert!(
        committed == source,
        "app/src/domain/printable/ranges.rs does not match the embedded fonts: run this test with LIVRET_BLESS=1"
    );
}

/// Saves the appréciation générale of a bilan, as the editor would.
async fn save_appreciation(db: &DatabaseConnection, actor: &Actor, key: BilanKey, now: &str) {
    let view = bilan_editor::open(db, actor, key).await.unwrap();
    bilan_editor::save(
        db,
        actor,
        key,
        &[FieldChange {
            field: BilanField::Appreciation,
            was: FieldValue::Text(view.appreciation.clone()),
            now: FieldValue::Text(now.to_owned()),
        }],
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn what_a_teacher_types_prints_emoji_and_symbols_included() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let key = BilanKey {
        student_id: pupil(&t.db, &demo, "BENMEDJANI").await,
        period_id: demo.trimestres[0],
    };
    let typed = "Très bon trimestre 🙂 ❤️ 👍🏽 ! Œuvre, cœur → 12 € ✓ ★ ½ ≤ Ğülşen Ștefan Łukasz Nguyễn Αλέξανδρος Людмила";
    save_appreciation(&t.db, &demo.teacher, key, typed).await;
    let document = printed_bilan::document(&t.db, &demo.teacher, key)
        .await
        .unwrap();
    let printed = pdf_text(&document);
    for word in typed.split(' ').filter(|word| !["❤️", "!"].contains(word)) {
        assert!(printed.contains(word), "« {word} » is printed: {printed}");
    }
    assert!(
        printed.contains('❤'),
        "the heart prints, its variation selector as nothing"
    );
}

#[tokio::test]
async fn a_stored_text_that_cannot_print_names_its_bilan_and_the_rest_of_the_class_prints() {
    use app::entities::bilan;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let key = BilanKey {
        student_id: pupil(&t.db, &demo, "BENMEDJANI").await,
        period_id: demo.trimestres[0],
    };
    // Typed into a field, such a character is refused and nothing is saved.
    let view = bilan_editor::open(&t.db, &demo.teacher, key).await.unwrap();
    let refused = bilan_editor::save(
        &t.db,
        &demo.teacher,
        key,
        &[FieldChange {
            field: BilanField::Appreciation,
            was: FieldValue::Text(view.appreciation.clone()),
            now: FieldValue::Text("Bravo \u{E000}".to_owned()),
        }],
    )
    .await
    .unwrap();
    assert_eq!(
        refused.outcomes,
        [FieldOutcome::Refused(
            "le caractère « \u{E000} » (U+E000) ne peut pas être imprimé".to_owned()
        )]
    );
    assert_eq!(
        bilan_editor::open(&t.db, &demo.teacher, key)
            .await
            .unwrap()
            .appreciation,
        view.appreciation
    );

    // Stored before the fields refused it (written here around them).
    let stored = bilan::Entity::find()
        .filter(bilan::Column::StudentId.eq(key.student_id))
        .filter(bilan::Column::PeriodId.eq(key.period_id))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    let mut changed: bilan::ActiveModel = stored.into();
    changed.appreciation = Set(Some("Bravo\u{7} pour ce trimestre".to_owned()));
    changed.update(&t.db).await.unwrap();

    let error = printed_bilan::document(&t.db, &demo.teacher, key)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Le bilan de BENMEDJANI Anys ne peut pas être édité : dans « Appréciation générale sur la progression de l'élève », le caractère de contrôle U+0007 ne peut pas être imprimé. Corrigez ce texte, puis éditez le bilan à nouveau."
    );
    let (documents, skipped) =
        printed_bilan::class_documents(&t.db, &demo.teacher, demo.cm2, demo.trimestres[0])
            .await
            .unwrap();
    assert_eq!(documents.len(), 5, "every other bilan of the class prints");
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].0, "BENMEDJANI Anys");
    assert!(skipped[0].1.contains("U+0007"), "{}", skipped[0].1);
    let each = server::pdf::render_each(&documents, |_| {}).unwrap();
    assert!(each.iter().all(Result::is_ok));
    assert_eq!(each.len(), 5);
}

/// A bilan that fails to print (past every check: here a document made by hand) is left out
/// and named; the others of the class print, as one PDF or as a ZIP.
#[tokio::test]
async fn a_bilan_that_fails_to_print_never_stops_the_others() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let (mut documents, _) =
        printed_bilan::class_documents(&t.db, &demo.teacher, demo.cm2, demo.trimestres[0])
            .await
            .unwrap();
    documents[1].appreciation = "Aucune police n'a \u{10FFFD}".to_owned();
    let failing = documents[1].pupil.name.clone();
    let (merged, left_out) = server::pdf::render_class(&documents).unwrap();
    assert_eq!(left_out.len(), 1);
    assert_eq!(left_out[0].0, failing);
    let text = squeezed(&pdf_extract::extract_text_from_mem(&merged).unwrap());
    assert!(!text.contains(&squeezed(&failing)));
    assert!(text.contains(&squeezed(&documents[0].pupil.name)));
    let (zip, left_out) = server::pdf::zip_each(&documents, &|| {}).unwrap();
    assert_eq!(left_out.len(), 1);
    assert!(zip.starts_with(b"PK"));
}

/// Two pupils with the same name (and a name that would be a path): the class's ZIP keeps one
/// file for each, none outside the archive's folder.
#[tokio::test]
async fn a_class_zip_names_every_pupil_apart() {
    use app::entities::bilan;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let unlocked = bilan::Entity::find()
        .filter(bilan::Column::PeriodId.eq(demo.trimestres[0]))
        .filter(bilan::Column::LockedAt.is_null())
        .all(&t.db)
        .await
        .unwrap();
    for (row, last_name) in unlocked
        .into_iter()
        .take(3)
        .zip(["MARTIN", "MARTIN", "../.."])
    {
        let mut row: bilan::ActiveModel = row.into();
        row.last_name = Set(last_name.to_owned());
        row.first_names = Set("Léa".to_owned());
        row.update(&t.db).await.unwrap();
    }
    let (documents, _) =
        printed_bilan::class_documents(&t.db, &demo.teacher, demo.cm2, demo.trimestres[0])
            .await
            .unwrap();
    let mut names: Vec<&str> = documents.iter().map(|d| d.file_name.as_str()).collect();
    names.sort_unstable();
    assert!(names.contains(&"MARTIN_Léa_Trimestre-1.pdf"), "{names:?}");
    assert!(names.contains(&"MARTIN_Léa_Trimestre-1-2.pdf"), "{names:?}");
    assert!(names.contains(&"______Léa_Trimestre-1.pdf"), "{names:?}");
    let (zip, left_out) = server::pdf::zip_each(&documents, &|| {}).unwrap();
    assert!(left_out.is_empty());
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    assert_eq!(archive.len(), 6);
    assert!(
        archive
            .file_names()
            .all(|name| name.is_ok_and(|name| !name.contains('/')))
    );
}
