//! The demo CE2's bilans de fin de cycle 2, written through the same services as the pages:
//! the grid of each component of the socle, each pupil's synthèse (but the last one's), two
//! bilans locked and one of them published to its family.

use anyhow::Context;
use app::domain::socle::{COMPONENTS, Maitrise};
use app::services::access::Actor;
use app::services::cycle_bilans::{self, entry, list};
use app::wire::cycle_bilans::{
    CycleAction, CycleActionRequest, CycleBilanChanges, CycleGridKey, MaitriseChange,
    SyntheseChange,
};
use sea_orm::DatabaseConnection;

/// The CE2 pupils whose bilan de fin de cycle is locked; the first is also published.
pub const LOCKED: [&str; 2] = ["GIRARDOT Élise", "HUMBERT Lucas"];

const SYNTHESES: [&str; 3] = [
    "Élise termine le cycle 2 avec des acquis solides : lecture fluide, calcul mental sûr, curiosité pour les sciences. Elle doit encore gagner en confiance à l'oral.",
    "Lucas a beaucoup progressé en lecture au cours du cycle. La résolution de problèmes reste fragile ; un accompagnement en début de cycle 3 l'aidera.",
    "Maël comprend vite et aime apprendre. L'écriture de textes demande encore de l'aide, mais sa persévérance est remarquable.",
];

/// Levels of the components, one row per pupil in name order (0 for « dispensé »).
const LEVELS: [[i16; 8]; 4] = [
    [4, 3, 4, 3, 3, 4, 3, 3],
    [2, 3, 2, 3, 2, 3, 3, 2],
    [3, 2, 3, 4, 3, 3, 0, 3],
    [3, 3, 3, 2, 3, 3, 3, 3],
];

pub async fn seed(
    db: &DatabaseConnection,
    teacher: &Actor,
    director: &Actor,
    class_id: i32,
) -> anyhow::Result<()> {
    let context = cycle_bilans::context(db, teacher, class_id).await?;
    let pupils = cycle_bilans::pupils(db, &context).await?;
    anyhow::ensure!(pupils.len() == LEVELS.len(), "the demo CE2 has four pupils");
    for (column, component) in COMPONENTS.iter().enumerate() {
        let changes: Vec<MaitriseChange> = pupils
            .iter()
            .zip(LEVELS)
            .map(|(pupil, levels)| MaitriseChange {
                student_id: pupil.id,
                was: None,
                now: Maitrise::from_level(levels[column]),
            })
            .collect();
        let key = CycleGridKey {
            class_id,
            code: component.code.to_owned(),
        };
        entry::save_grid(db, teacher, &key, &changes).await?;
    }
    for (pupil, synthese) in pupils.iter().zip(SYNTHESES) {
        let changes = CycleBilanChanges {
            student_id: pupil.id,
            components: Vec::new(),
            synthese: Some(SyntheseChange {
                was: String::new(),
                now: synthese.to_owned(),
            }),
        };
        entry::save_page(db, teacher, &changes).await?;
    }
    let chosen = |names: &[&str]| -> Vec<i32> {
        pupils
            .iter()
            .filter(|pupil| names.contains(&app::services::bilans::pupil_name(pupil).as_str()))
            .map(|pupil| pupil.id)
            .collect()
    };
    for (action, names) in [
        (CycleAction::Lock, &LOCKED[..]),
        (CycleAction::Publish, &LOCKED[..1]),
    ] {
        let student_ids = chosen(names);
        anyhow::ensure!(
            student_ids.len() == names.len(),
            "the demo CE2 has {names:?}"
        );
        let report = list::act(
            db,
            director,
            &CycleActionRequest {
                class_id,
                action,
                student_ids,
            },
        )
        .await
        .context("the demo's cycle bilans")?;
        anyhow::ensure!(
            report.left_alone.is_empty(),
            "the demo cycle bilans are complete: {:?}",
            report.left_alone
        );
    }
    Ok(())
}
