//! Parcours éducatifs entered for a class.

use super::*;

#[tokio::test]
async fn parcours_texts_are_saved_per_class_and_period() {
    let t = test_db().await;
    let (cm2, cp, trimestre_1) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let empty = parcours::texts(&t.db, &teacher, cm2, trimestre_1)
        .await
        .unwrap();
    assert_eq!(empty.len(), 3);
    assert!(empty.iter().all(|entry| entry.text.is_empty()));
    // (citoyen now, was), (santé now, was): the page sends what it read with what it shows.
    let changes = |citoyen: (&str, &str), sante: (&str, &str)| {
        vec![
            parcours_change("PAR_CIT", citoyen.0, citoyen.1),
            parcours_change("PAR_SAN", sante.0, sante.1),
        ]
    };
    let saved = parcours::save(
        &t.db,
        &teacher,
        cm2,
        trimestre_1,
        &changes((" Élection des délégués ", ""), ("Semaine du goût", "")),
    )
    .await
    .unwrap();
    assert_eq!(
        saved
            .iter()
            .map(|p| (p.stored.as_str(), p.conflict))
            .collect::<Vec<_>>(),
        [("Élection des délégués", false), ("Semaine du goût", false)]
    );
    let saved = parcours::texts(&t.db, &teacher, cm2, trimestre_1)
        .await
        .unwrap();
    assert_eq!(saved[0].text, "Élection des délégués");
    assert_eq!(saved[1].text, "", "the artistic parcours was not sent");
    assert_eq!(saved[2].text, "Semaine du goût");

    // Too long: refused and named, nothing written; a blank text removes the parcours.
    let refused = parcours::save(
        &t.db,
        &teacher,
        cm2,
        trimestre_1,
        &changes(
            (&"x".repeat(601), "Élection des délégués"),
            ("", "Semaine du goût"),
        ),
    )
    .await
    .unwrap_err();
    assert!(
        refused
            .field_message("parcours-PAR_CIT")
            .is_some_and(|m| m.contains("601 caractères"))
    );
    parcours::save(
        &t.db,
        &teacher,
        cm2,
        trimestre_1,
        &changes(
            ("Élection des délégués", "Élection des délégués"),
            (" ", "Semaine du goût"),
        ),
    )
    .await
    .unwrap();
    let saved = parcours::texts(&t.db, &teacher, cm2, trimestre_1)
        .await
        .unwrap();
    assert_eq!(saved[2].text, "");
    assert_eq!(
        parcours::texts(&t.db, &teacher, cp, trimestre_1).await,
        Err(AppError::Forbidden)
    );
}

/// Two people on the same class's parcours: what the second did not see is never overwritten,
/// whether it was written, changed or removed, and is answered with the text stored.
#[tokio::test]
async fn a_parcours_changed_by_someone_else_is_not_overwritten() {
    let t = test_db().await;
    let (cm2, _, trimestre_1) = demo(&t.db).await;
    let teacher = actor(&t.db, "enseignant").await;
    let director = actor(&t.db, "direction").await;
    let save = async |who: &Actor, now: &str, was: &str| {
        let saved = parcours::save(
            &t.db,
            who,
            cm2,
            trimestre_1,
            &[parcours_change("PAR_CIT", now, was)],
        )
        .await
        .unwrap();
        (saved[0].stored.clone(), saved[0].conflict)
    };
    // Who saves, the text their page shows and the one it read; the text stored after, whether
    // theirs was refused as a conflict; and why.
    #[rustfmt::skip]
    let steps = [
        (&director, "Conseil d'élèves", "", "Conseil d'élèves", false, "both read an empty text; the director saves first"),
        (&teacher, "Élection des délégués", "", "Conseil d'élèves", true, "the teacher's page read the empty text: the director's is kept"),
        (&teacher, "Élection des délégués", "Conseil d'élèves", "Élection des délégués", false, "having seen it, the teacher saves over it knowingly"),
        (&director, "Élection des délégués", "Conseil d'élèves", "Élection des délégués", false, "the same text from a stale page is no conflict"),
        (&director, "", "Conseil d'élèves", "Élection des délégués", true, "a stale page removes nothing"),
        (&director, "Conseil des élèves", "Conseil d'élèves", "Élection des délégués", true, "a stale page changes nothing"),
        (&teacher, "", "Élection des délégués", "", false, "the teacher removes the text they saw"),
        (&director, "Conseil des élèves", "Élection des délégués", "", true, "a removed text is not written again from a page that showed it"),
        (&teacher, "Conseil\nd'élèves", "", "Conseil\nd'élèves", false, "line breaks as JavaScript sends them"),
        (&director, "Conseil\r\ndes élèves", "Conseil\r\nd'élèves", "Conseil\ndes élèves", false, "the same text read back by a form posted without JavaScript"),
    ];
    for (who, now, was, stored, conflict, why) in steps {
        assert_eq!(
            save(who, now, was).await,
            (stored.to_owned(), conflict),
            "{why}"
        );
    }
    let texts = parcours::texts(&t.db, &teacher, cm2, trimestre_1)
        .await
        .unwrap();
    assert_eq!(texts[0].text, "Conseil\ndes élèves");
}

fn parcours_change(code: &str, now: &str, was: &str) -> parcours::ParcoursChange {
    parcours::ParcoursChange {
        code: code.to_owned(),
        now: now.to_owned(),
        was: was.to_owned(),
    }
}
