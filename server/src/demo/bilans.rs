//! The demo CM2's bilans of the first trimestre, written through the same services as the
//! pages: the class's programme elements and parcours, the acquis grid of every row, each
//! pupil's comments and appréciation générale, and two bilans locked.

use anyhow::Context;
use app::domain::catalogue::rows_for;
use app::domain::{Level, Login, PersonName, Positionnement};
use app::services::access::Actor;
use app::services::accounts;
use app::services::acquis;
use app::services::families::{self, Identity, NewResponsable};
use app::services::programme;
use app::services::{bilan_editor, bilan_list, parcours, saisie};
use app::wire::bilan_editor::{BilanField, BilanKey, FieldChange, FieldValue};
use app::wire::bilans::{BilanAction, BilanActionRequest};
use app::wire::saisie::AcquisChange;
use app::wire::saisie::GridKey;
use app::wire::saisie::ListKey;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

/// Comments of the domains, one per pupil in name order (cycled when the class has more).
const COMMENTS: [(&str, [&str; 3]); 4] = [
    (
        "FRA-LGO",
        [
            "Lit avec aisance et comprend les textes étudiés ; doit encore soigner l'orthographe grammaticale.",
            "Des progrès nets en lecture à voix haute. L'écriture de textes courts reste à travailler.",
            "Participe volontiers à l'oral ; la compréhension fine des textes longs demande de l'aide.",
        ],
    ),
    (
        "MAT-NBC",
        [
            "Calcule avec sûreté ; résout les problèmes à plusieurs étapes en expliquant sa démarche.",
            "Maîtrise les fractions simples. Les conversions de mesures sont encore hésitantes.",
            "Des difficultés persistantes en calcul posé, mais une vraie persévérance.",
        ],
    ),
    (
        "EPS-RAC",
        [
            "Très investi(e) en natation et en jeux collectifs.",
            "Respecte les règles et progresse en endurance.",
            "Participe avec plaisir ; doit gagner en confiance dans l'eau.",
        ],
    ),
    (
        "HIG-RAC",
        [
            "Situe les grandes périodes historiques et lit une carte avec méthode.",
            "S'intéresse aux sujets étudiés ; le vocabulaire spécifique est à consolider.",
            "Repère les informations d'un document avec de l'aide.",
        ],
    ),
];

const APPRECIATIONS: [&str; 6] = [
    "Un trimestre très réussi : un travail régulier et soigné, une participation riche. Continue ainsi !",
    "Un bon trimestre. Les efforts sont réels ; il faut maintenant gagner en autonomie à l'écrit.",
    "Un trimestre encourageant : des progrès en mathématiques, une attention à maintenir en classe.",
    "Des résultats solides et une belle curiosité. Attention à la précipitation : se relire.",
    "Un trimestre contrasté : de bonnes capacités, mais le travail personnel doit être plus régulier.",
    "Des progrès constants, en particulier en lecture. Bravo pour ta persévérance ! 🙂",
];

const PARCOURS: [(&str, &str); 3] = [
    (
        "PAR_CIT",
        "Élection des délégués de classe et participation au conseil d'élèves.",
    ),
    (
        "PAR_ART",
        "Visite du musée des Beaux-Arts et atelier de gravure avec une artiste.",
    ),
    (
        "PAR_SAN",
        "Séances sur l'équilibre alimentaire avec l'infirmière scolaire.",
    ),
];

/// Fills in the first trimestre of the CM2: `teacher` writes, `director` locks the bilans of
/// the pupils named in `locked` (« NOM Prénom »).
pub async fn seed(
    db: &DatabaseConnection,
    teacher: &Actor,
    director: &Actor,
    establishment_id: i32,
    class_label: &str,
    today: NaiveDate,
    locked: &[&str],
) -> anyhow::Result<()> {
    let class = saisie::teaching_classes(db, teacher, establishment_id, today)
        .await?
        .into_iter()
        .find(|class| class.label == class_label)
        .context("the demo teacher teaches the CM2")?;
    let period = class
        .periods
        .first()
        .context("the CM2 follows trimestres")?;
    let (class_id, period_id) = (class.id, period.id);
    saisie::set_language(db, teacher, class_id, "Anglais").await?;
    for row in rows_for(Level::Cm2) {
        let suggestions = programme::aide_saisie(Level::Cm2, row.code);
        let items: Vec<String> = match suggestions {
            [] => vec![format!("Travail sur « {} »", row.label)],
            some => some.iter().take(3).cloned().collect(),
        };
        let key = ListKey {
            class_id,
            level: Level::Cm2,
            period_id,
            domain_code: row.code.to_owned(),
        };
        programme::save_elements(db, teacher, &key, &[], &items).await?;
    }
    let texts: Vec<parcours::ParcoursChange> = PARCOURS
        .iter()
        .map(|(code, text)| parcours::ParcoursChange {
            code: (*code).to_owned(),
            now: (*text).to_owned(),
            was: String::new(),
        })
        .collect();
    parcours::save(db, teacher, class_id, period_id, &texts).await?;

    let list = bilan_list::list(db, teacher, class_id, period_id).await?;
    let pupils: Vec<(i32, String)> = list
        .rows
        .iter()
        .map(|row| {
            (
                row.student_id,
                format!("{} {}", row.last_name, row.first_names),
            )
        })
        .collect();
    // Varied levels: each pupil and row gets its own, a few rows « non évalué ».
    for (row_index, row) in rows_for(Level::Cm2).enumerate() {
        let changes: Vec<AcquisChange> = pupils
            .iter()
            .enumerate()
            .map(|(pupil_index, (student_id, _))| {
                let turn = pupil_index * 3 + row_index;
                let now = match turn % 11 {
                    10 => Positionnement::NonEvalue,
                    other => Positionnement::from_level((other % 4 + 1) as i16)
                        .expect("1 to 4 are levels"),
                };
                AcquisChange {
                    student_id: *student_id,
                    was: None,
                    now: Some(now),
                }
            })
            .collect();
        let key = GridKey {
            class_id,
            period_id,
            domain_code: row.code.to_owned(),
        };
        acquis::save(db, teacher, &key, &changes).await?;
    }
    for (index, (student_id, _)) in pupils.iter().enumerate() {
        let text = |value: &str| FieldValue::Text(value.to_owned());
        let mut changes: Vec<FieldChange> = COMMENTS
            .iter()
            .map(|(code, comments)| FieldChange {
                field: BilanField::Comment((*code).to_owned()),
                was: text(""),
                now: text(comments[index % comments.len()]),
            })
            .collect();
        changes.push(FieldChange {
            field: BilanField::Appreciation,
            was: text(""),
            now: text(APPRECIATIONS[index % APPRECIATIONS.len()]),
        });
        if index == 2 {
            changes.push(FieldChange {
                field: BilanField::Modalites,
                was: FieldValue::Codes(Vec::new()),
                now: FieldValue::Codes(vec!["PPRE".to_owned()]),
            });
            changes.push(FieldChange {
                field: BilanField::PpreComplement,
                was: text(""),
                now: text("Soutien en calcul posé, deux séances par semaine."),
            });
        }
        let key = BilanKey {
            student_id: *student_id,
            period_id,
        };
        bilan_editor::save(db, teacher, key, &changes).await?;
    }
    let to_lock: Vec<i32> = pupils
        .iter()
        .filter(|(_, name)| locked.contains(&name.as_str()))
        .map(|(id, _)| *id)
        .collect();
    anyhow::ensure!(
        to_lock.len() == locked.len(),
        "the demo CM2 has every pupil whose bilan is locked"
    );
    let report = bilan_list::act(
        db,
        director,
        &BilanActionRequest {
            class_id,
            period_id,
            action: BilanAction::Lock,
            student_ids: to_lock.to_vec(),
        },
    )
    .await?;
    anyhow::ensure!(
        report.left_alone.is_empty(),
        "the demo bilans are complete: {:?}",
        report.left_alone
    );
    // The demo `parent` is the responsable of one pupil, whose locked bilan is published (with
    // the other locked one).
    let (child, _) = pupils
        .iter()
        .find(|(_, name)| name == super::FAMILY.0)
        .context("the demo CM2 has the demo parent's child")?;
    let parent = super::ACCOUNTS
        .iter()
        .find(|account| account.login == super::FAMILY.1)
        .context("the demo parent is a demo account")?;
    let account =
        accounts::find_by_login(db, &Login::parse(parent.login).map_err(anyhow::Error::msg)?)
            .await?
            .context("the demo parent's account was created with the school")?;
    families::attach(
        db,
        director,
        *child,
        NewResponsable {
            civility: Some(parent.civility),
            last_name: PersonName::parse(parent.last_name).map_err(anyhow::Error::msg)?,
            first_name: PersonName::parse(parent.first_name).map_err(anyhow::Error::msg)?,
            email: None,
            address: None,
        },
        Identity::Existing(account.id),
    )
    .await?;
    families::publish(db, director, class_id, period_id, true).await?;
    Ok(())
}
