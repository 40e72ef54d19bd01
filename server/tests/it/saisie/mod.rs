//! « Saisie collective »: the programme elements of a class (who may write a list, what it
//! accepts, the aide à la saisie), the acquis grid (bilans created on first value, conflicts,
//! locks) and the parcours éducatifs.

mod bilan_list;
mod class_parcours;
mod grid;
mod programme;

use crate::support::{actor, demo_school, test_db};
use app::domain::{BilanStatus, Level, Positionnement, Uai};
use app::entities::{bilan, period};
use app::error::AppError;
use app::services::access::Actor;
use app::services::acquis;
use app::services::programme::{aide_saisie, elements, save_elements};
use app::services::{classes, establishments, parcours, saisie};
use app::wire::saisie::GridKey;
use app::wire::saisie::ListKey;
use app::wire::saisie::{AcquisChange, AcquisOutcome};
use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use std::collections::HashMap;

/// The demo's CM2 and CP-CE1, and its first trimestre.
async fn demo(db: &DatabaseConnection) -> (i32, i32, i32) {
    server::demo::seed_school(db).await.unwrap();
    let school = demo_school(db).await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let rows = classes::list(db, &Actor::System, school, today)
        .await
        .unwrap();
    let first = period::Entity::find()
        .filter(period::Column::Periodicity.eq("trimestre"))
        .filter(period::Column::Position.eq(1))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    (rows[0].id, rows[1].id, first.id)
}

fn key(class_id: i32, level: Level, period_id: i32, domain_code: &str) -> ListKey {
    ListKey {
        class_id,
        level,
        period_id,
        domain_code: domain_code.to_owned(),
    }
}

fn texts(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn grid_key(class_id: i32, period_id: i32, domain_code: &str) -> GridKey {
    GridKey {
        class_id,
        period_id,
        domain_code: domain_code.to_owned(),
    }
}

fn change(
    student_id: i32,
    was: Option<Positionnement>,
    now: Option<Positionnement>,
) -> AcquisChange {
    AcquisChange {
        student_id,
        was,
        now,
    }
}

/// Positions the pupil on three rows of the CM2, each with a class element: three complete rows.
async fn three_complete_rows(
    db: &DatabaseConnection,
    teacher: &Actor,
    class_id: i32,
    period_id: i32,
    pupil: i32,
) {
    for code in ["FRA-LGO", "FRA-LEC", "EPS-RAC"] {
        save_elements(
            db,
            teacher,
            &key(class_id, Level::Cm2, period_id, code),
            &[],
            &texts(&["Un élément travaillé"]),
        )
        .await
        .unwrap();
        acquis::save(
            db,
            teacher,
            &grid_key(class_id, period_id, code),
            &[change(pupil, None, Some(Positionnement::Atteints))],
        )
        .await
        .unwrap();
    }
}

/// Writes the appréciation générale of the pupil's bilan (its editor comes with the bilans).
async fn write_appreciation(db: &DatabaseConnection, pupil: i32) {
    let written = bilan::Entity::find()
        .filter(bilan::Column::StudentId.eq(pupil))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut appreciation: bilan::ActiveModel = written.into();
    appreciation.appreciation = Set(Some("Bon trimestre.".to_owned()));
    appreciation.update(db).await.unwrap();
}
