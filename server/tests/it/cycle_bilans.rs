//! Bilans de fin de cycle 2: completeness, the lock on every write path (grid, page,
//! synchronisation), unlocking and publishing by the director only, per-cell conflicts, the
//! history, and the PDF read back.

use crate::support::{actor, demo_class, demo_school, test_db};
use app::domain::BilanStatus;
use app::domain::socle::{COMPONENTS, Maitrise};
use app::domain::{Civility, Login, PersonName};
use app::entities::{cycle_bilan, student};
use app::error::AppError;
use app::services::access::Actor;
use app::services::cycle_bilans::{entry, list, printed};
use app::services::families::{self, Identity, NewResponsable};
use app::services::{accounts, bilan_history, synchronisation};
use app::wire::cycle_bilans::{
    CycleAction, CycleActionRequest, CycleBilanChanges, CycleGridKey, MaitriseChange,
    MaitriseOutcome, SyntheseChange,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

struct Demo {
    teacher: Actor,
    director: Actor,
    ce2: i32,
}

async fn demo(db: &DatabaseConnection) -> Demo {
    server::demo::seed(db, &app::services::second_factor::SecretKey::generate().0)
        .await
        .unwrap();
    Demo {
        teacher: actor(db, "enseignante").await,
        director: actor(db, "direction").await,
        ce2: demo_class(db, server::demo::CE2).await.id,
    }
}

async fn pupil(db: &DatabaseConnection, first_names: &str) -> i32 {
    student::Entity::find()
        .filter(student::Column::FirstNames.eq(first_names))
        .one(db)
        .await
        .unwrap()
        .expect("a demo CE2 pupil")
        .id
}

fn act(class_id: i32, action: CycleAction, student_ids: Vec<i32>) -> CycleActionRequest {
    CycleActionRequest {
        class_id,
        action,
        student_ids,
    }
}

#[tokio::test]
async fn the_demo_ce2_lists_its_bilans_by_status() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let view = list::list(&t.db, &demo.teacher, demo.ce2).await.unwrap();
    let statuses: Vec<(&str, BilanStatus, usize, bool)> = view
        .rows
        .iter()
        .map(|row| {
            (
                row.name.as_str(),
                row.status,
                row.positioned,
                row.published.is_some(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("GIRARDOT Élise", BilanStatus::Verrouille, 8, true),
            ("HUMBERT Lucas", BilanStatus::Verrouille, 8, false),
            ("JACQUOT Maël", BilanStatus::Complet, 8, false),
            // Eight components but no synthèse: not complete.
            ("MOUGIN Inès", BilanStatus::EnCours, 8, false),
        ]
    );
    assert!(!view.may_unlock, "a teacher does not unlock");
    // Only the CE2 has bilans de fin de cycle; the CM2's teacher has no say in them.
    let cm2_teacher = actor(&t.db, "enseignant").await;
    assert_eq!(
        list::list(&t.db, &cm2_teacher, demo.ce2).await,
        Err(AppError::Forbidden)
    );
}

#[tokio::test]
async fn only_complete_bilans_lock_and_only_the_director_unlocks_and_publishes() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let (ines, lucas) = (pupil(&t.db, "Inès").await, pupil(&t.db, "Lucas").await);
    let report = list::act(
        &t.db,
        &demo.teacher,
        &act(demo.ce2, CycleAction::Lock, vec![ines]),
    )
    .await
    .unwrap();
    assert_eq!(report.done, 0);
    assert_eq!(
        report.left_alone,
        [(
            "MOUGIN Inès".to_owned(),
            "son bilan est incomplet (il faut les huit composantes et la synthèse)".to_owned()
        )]
    );
    for action in [CycleAction::Unlock, CycleAction::Publish] {
        assert_eq!(
            list::act(&t.db, &demo.teacher, &act(demo.ce2, action, vec![lucas])).await,
            Err(AppError::Forbidden),
            "{action:?}"
        );
    }
    // Published, then unlocked: the family no longer sees it.
    for action in [CycleAction::Publish, CycleAction::Unlock] {
        let report = list::act(&t.db, &demo.director, &act(demo.ce2, action, vec![lucas]))
            .await
            .unwrap();
        assert_eq!(report.done, 1, "{action:?}: {:?}", report.left_alone);
    }
    let bilan = cycle_bilan::Entity::find()
        .filter(cycle_bilan::Column::StudentId.eq(lucas))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (bilan.locked_at, bilan.director_id, bilan.published_at),
        (None, None, None)
    );
    // The history says who did what.
    let page = entry::page(&t.db, &demo.director, lucas).await.unwrap();
    let what: Vec<&str> = page.trail.iter().map(|e| e.what.as_str()).collect();
    assert_eq!(
        &what[..3],
        ["Déverrouillage", "Publication aux familles", "Verrouillage"]
    );
    assert!(what.contains(&"Synthèse"));
    assert!(what.contains(&COMPONENTS[0].label));
    // Locked again by the teacher: under the school's director.
    let report = list::act(
        &t.db,
        &demo.teacher,
        &act(demo.ce2, CycleAction::Lock, vec![lucas]),
    )
    .await
    .unwrap();
    assert_eq!(report.done, 1);
}

#[tokio::test]
async fn a_locked_bilan_takes_no_write_from_the_grid_the_page_or_the_synchronisation() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let (elise, mael) = (pupil(&t.db, "Élise").await, pupil(&t.db, "Maël").await);
    let key = CycleGridKey {
        class_id: demo.ce2,
        code: "CPD_FRA".to_owned(),
    };
    let saved = entry::save_grid(
        &t.db,
        &demo.teacher,
        &key,
        &[
            MaitriseChange {
                student_id: elise,
                was: Some(Maitrise::TresBonne),
                now: Some(Maitrise::Fragile),
            },
            MaitriseChange {
                student_id: mael,
                was: Some(Maitrise::Satisfaisante),
                now: Some(Maitrise::TresBonne),
            },
        ],
    )
    .await
    .unwrap();
    assert_eq!(saved[0].outcome, MaitriseOutcome::Locked);
    assert_eq!(saved[0].status, BilanStatus::Verrouille);
    assert_eq!(saved[1].outcome, MaitriseOutcome::Saved);

    let page = entry::save_page(
        &t.db,
        &demo.director,
        &CycleBilanChanges {
            student_id: elise,
            components: vec![(
                "CPD_ETR".to_owned(),
                Some(Maitrise::Satisfaisante),
                Some(Maitrise::Insuffisante),
            )],
            synthese: Some(SyntheseChange {
                was: String::new(),
                now: "Réécrite".to_owned(),
            }),
        },
    )
    .await
    .unwrap();
    assert_eq!(page.components[0].1, MaitriseOutcome::Locked);
    assert!(
        page.synthese.as_ref().unwrap().1,
        "the locked synthèse is kept"
    );
    let view = entry::page(&t.db, &demo.teacher, elise).await.unwrap();
    assert_eq!(view.components[0].value, Some(Maitrise::TresBonne));
    assert_eq!(view.components[1].value, Some(Maitrise::Satisfaisante));
    assert!(view.synthese.starts_with("Élise termine le cycle 2"));

    // The registry renames both pupils: only the unlocked bilan takes it up.
    for id in [elise, mael] {
        let mut pupil: student::ActiveModel = student::Entity::find_by_id(id)
            .one(&t.db)
            .await
            .unwrap()
            .unwrap()
            .into();
        pupil.first_names = Set("Renommé".to_owned());
        pupil.update(&t.db).await.unwrap();
    }
    let school = demo_school(&t.db).await;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    synchronisation::synchronise(&t.db, &demo.director, school, &[demo.ce2], today)
        .await
        .unwrap();
    let shown = |id: i32| {
        let db = t.db.clone();
        async move {
            cycle_bilan::Entity::find()
                .filter(cycle_bilan::Column::StudentId.eq(id))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .first_names
        }
    };
    assert_eq!(shown(elise).await, "Élise");
    assert_eq!(shown(mael).await, "Renommé");
}

#[tokio::test]
async fn writes_to_different_cells_never_collide_and_the_same_cell_is_a_conflict() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let ines = pupil(&t.db, "Inès").await;
    // Two pages read Inès's bilan at once; each changes its own component, then the second
    // changes the first one's too, from what it read.
    let first = entry::save_page(
        &t.db,
        &demo.teacher,
        &CycleBilanChanges {
            student_id: ines,
            components: vec![(
                "CPD_FRA".to_owned(),
                Some(Maitrise::Satisfaisante),
                Some(Maitrise::TresBonne),
            )],
            synthese: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(first.components[0].1, MaitriseOutcome::Saved);
    let second = entry::save_page(
        &t.db,
        &demo.director,
        &CycleBilanChanges {
            student_id: ines,
            components: vec![
                (
                    "CPD_ETR".to_owned(),
                    Some(Maitrise::Satisfaisante),
                    Some(Maitrise::Fragile),
                ),
                (
                    "CPD_FRA".to_owned(),
                    Some(Maitrise::Satisfaisante),
                    Some(Maitrise::Dispense),
                ),
            ],
            synthese: Some(SyntheseChange {
                was: String::new(),
                now: "  Un cycle réussi.  ".to_owned(),
            }),
        },
    )
    .await
    .unwrap();
    assert_eq!(second.components[0].1, MaitriseOutcome::Saved);
    assert_eq!(
        second.components[1].1,
        MaitriseOutcome::Conflict {
            current: Some(Maitrise::TresBonne)
        }
    );
    assert_eq!(
        second.synthese,
        Some(("Un cycle réussi.".to_owned(), false))
    );
    assert_eq!(second.status, BilanStatus::Complet);
    // A synthèse over the limit is refused whole.
    let long = CycleBilanChanges {
        student_id: ines,
        components: Vec::new(),
        synthese: Some(SyntheseChange {
            was: "Un cycle réussi.".to_owned(),
            now: "a".repeat(1501),
        }),
    };
    assert!(matches!(
        entry::save_page(&t.db, &demo.teacher, &long).await,
        Err(AppError::Invalid(_))
    ));
    // As is a control character pasted in (it could be neither printed nor sent to the LSU);
    // an emoji from a phone is kept, spaces around the text are not.
    let pasted = |now: &str| CycleBilanChanges {
        student_id: ines,
        components: Vec::new(),
        synthese: Some(SyntheseChange {
            was: "Un cycle réussi.".to_owned(),
            now: now.to_owned(),
        }),
    };
    assert!(matches!(
        entry::save_page(&t.db, &demo.teacher, &pasted("Bien\u{7}")).await,
        Err(AppError::Invalid(_))
    ));
    let saved = entry::save_page(&t.db, &demo.teacher, &pasted("  Bravo ! 🎉\r\nÀ suivre.  "))
        .await
        .unwrap();
    assert_eq!(
        saved.synthese,
        Some(("Bravo ! 🎉\nÀ suivre.".to_owned(), false))
    );
}

/// Saves of different components of one pupil, from many tasks on separate connections at
/// once: every save answered « saved » is stored, none fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_saves_of_different_components_all_land() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let ines = pupil(&t.db, "Inès").await;
    let mut tasks = Vec::new();
    for (index, component) in COMPONENTS.iter().enumerate() {
        let db = t.db.clone();
        let teacher = demo.teacher.clone();
        let class_id = demo.ce2;
        tasks.push(tokio::spawn(async move {
            let now = if index % 2 == 0 {
                Maitrise::Insuffisante
            } else {
                Maitrise::TresBonne
            };
            let key = CycleGridKey {
                class_id,
                code: component.code.to_owned(),
            };
            let was = entry::grid(&db, &teacher, &key).await.unwrap().rows[3].value;
            let saved = entry::save_grid(
                &db,
                &teacher,
                &key,
                &[MaitriseChange {
                    student_id: ines,
                    was,
                    now: Some(now),
                }],
            )
            .await
            .unwrap();
            (component.code, saved[0].outcome.clone(), now)
        }));
    }
    let view = {
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
        let view = entry::page(&t.db, &demo.teacher, ines).await.unwrap();
        for (code, outcome, now) in outcomes {
            assert_eq!(outcome, MaitriseOutcome::Saved, "{code}");
            let stored = view.components.iter().find(|c| c.code == code).unwrap();
            assert_eq!(stored.value, Some(now), "{code}");
        }
        view
    };
    assert_eq!(view.status, BilanStatus::EnCours);
}

#[tokio::test]
async fn the_printed_bilan_holds_the_components_and_the_synthese() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let (elise, ines) = (pupil(&t.db, "Élise").await, pupil(&t.db, "Inès").await);
    let document = printed::document(&t.db, &demo.director, elise)
        .await
        .unwrap();
    assert_eq!(document.file_name, "GIRARDOT_Élise_Fin-de-cycle-2.pdf");
    let bytes = server::pdf::render_cycle(&document).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(
        bytes,
        server::pdf::render_cycle(&document).unwrap(),
        "reproducible"
    );
    let text: String = pdf_extract::extract_text_from_mem(&bytes)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '’' { '\'' } else { c })
        .collect();
    for expected in [
        "Bilandefindecycle2—GIRARDOTÉlise".to_owned(),
        "Synthèsedesacquisscolairesdel'élèveenfindecycle2".to_owned(),
        "Éliseterminelecycle2".to_owned(),
        "Trèsbonnemaîtrise".to_owned(),
        "Lesméthodesetoutilspourapprendre".to_owned(),
        "Bilanverrouillé".to_owned(),
    ] {
        assert!(text.contains(&expected), "{expected} in {text}");
    }
    // Without its synthèse, Inès's cannot print yet, and says why.
    let refused = printed::document(&t.db, &demo.teacher, ines).await;
    assert!(
        matches!(&refused, Err(error @ AppError::Invalid(_)) if error.to_string().contains("huit composantes")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_family_reads_and_acknowledges_a_published_cycle_bilan_only() {
    let t = test_db().await;
    let demo = demo(&t.db).await;
    let (elise, lucas) = (pupil(&t.db, "Élise").await, pupil(&t.db, "Lucas").await);
    // The demo parent becomes the responsable of Élise (published) and Lucas (locked only).
    let parent = accounts::find_by_login(&t.db, &Login::parse("parent").unwrap())
        .await
        .unwrap()
        .unwrap();
    for child in [elise, lucas] {
        families::attach(
            &t.db,
            &demo.director,
            child,
            NewResponsable {
                civility: Some(Civility::Madame),
                last_name: PersonName::parse("Bazin").unwrap(),
                first_name: PersonName::parse("Sophie").unwrap(),
                email: None,
                address: None,
            },
            Identity::Existing(parent.id),
        )
        .await
        .unwrap();
    }
    let family = actor(&t.db, "parent").await;
    let space = families::space(&t.db, &family).await.unwrap();
    let shown = |first: &str| {
        space
            .children
            .iter()
            .find(|child| child.name.starts_with(first))
            .unwrap()
            .cycle_bilan
            .clone()
    };
    let published = shown("Élise").expect("Élise's is published");
    assert_eq!(published.title, "Bilan de fin de cycle 2 — 2026/2027");
    assert_eq!(published.acknowledged, None);
    assert_eq!(shown("Lucas"), None, "locked, not published");

    // The PDF: Élise's, not Lucas's.
    let document = printed::document(&t.db, &family, elise).await.unwrap();
    assert_eq!(document.pupil.name, "GIRARDOT Élise");
    assert_eq!(
        printed::document(&t.db, &family, lucas).await,
        Err(AppError::Forbidden)
    );
    // The visa, once; the director's list and the bilan's history show it.
    let first = families::acknowledge_cycle_bilan(&t.db, &family, elise)
        .await
        .unwrap();
    let again = families::acknowledge_cycle_bilan(&t.db, &family, elise)
        .await
        .unwrap();
    assert_eq!(first, again);
    assert_eq!(
        families::acknowledge_cycle_bilan(&t.db, &family, lucas).await,
        Err(AppError::Forbidden)
    );
    let view = list::list(&t.db, &demo.director, demo.ce2).await.unwrap();
    assert_eq!(
        view.rows[0].visas,
        [format!("Vu par Mme Sophie Bazin le {first}")]
    );
    let history = bilan_history::history(&t.db, &demo.director, elise)
        .await
        .unwrap();
    assert_eq!(history.cycle_bilans.len(), 1);
    assert_eq!(history.cycle_bilans[0].status, BilanStatus::Verrouille);
    assert_eq!(history.cycle_bilans[0].trail[0].what, "Visa de la famille");
}
