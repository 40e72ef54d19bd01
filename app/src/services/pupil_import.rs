use crate::domain::{FieldChange, ImportSummary, Level, PositionnementType};
use crate::entities::{class_level, school_class, student};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::onde_file::OndeRow;
use crate::services::{audit, school_years};
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Whether an import is written, or only previewed (« aperçu »).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Preview,
    Apply,
}

fn pupil_name(last_name: &str, first_names: &str) -> String {
    format!("{last_name} {first_names}")
}

fn text_of<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// Brings the establishment's classes (for the current school year) and pupils in line with
/// an ONDE extraction, in one transaction: classes by ONDE id, pupils by INE then by name and
/// birth date; pupils absent from the file are marked as having left. Importing the same file
/// again changes nothing. In `Preview` mode nothing is written.
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, today = %today, user = ?actor.user_id()))]
pub async fn import_pupils(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    establishment_id: i32,
    rows: &[OndeRow],
    mode: Mode,
    today: NaiveDate,
) -> Result<ImportSummary> {
    actor.require_director_of(establishment_id)?;
    refuse_duplicates(rows)?;
    let (turn, txn) = crate::services::begin_write(db).await?;
    let year = school_years::current(&txn, establishment_id)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "fichier",
                "aucune année scolaire n'est ouverte dans cet établissement",
            )
        })?;
    // A pupil the file gives no admission date for arrived at the rentrée when this is the
    // year's first import, else on the day of the import.
    let first_import = school_class::Entity::find()
        .filter(school_class::Column::SchoolYearId.eq(year.id))
        .one(&txn)
        .await?
        .is_none();
    let arrival = if first_import {
        year.starts_on
    } else {
        today.clamp(year.starts_on, year.ends_on)
    };
    let mut summary = ImportSummary::default();
    let class_ids = sync_classes(&txn, year.id, rows, &mut summary).await?;
    sync_pupils(
        &txn,
        establishment_id,
        rows,
        &class_ids,
        Dates { today, arrival },
        &mut summary,
    )
    .await?;

    match mode {
        Mode::Preview => txn.rollback().await?,
        Mode::Apply => {
            if !summary.changes_nothing() {
                audit::record(
                    &txn,
                    actor,
                    Some(establishment_id),
                    "import ONDE",
                    "élèves",
                    json!({
                        "classes ajoutées": summary.classes_added.len(),
                        "élèves ajoutés": summary.pupils_added.len(),
                        "élèves modifiés": summary.pupils_updated.len(),
                        "élèves partis": summary.pupils_left.len(),
                    }),
                )
                .await?;
            }
            crate::services::commit(txn, turn).await?;
        }
    }
    Ok(summary)
}

fn refuse_duplicates(rows: &[OndeRow]) -> Result<()> {
    let mut seen = HashSet::new();
    for row in rows {
        let key = match &row.ine {
            Some(ine) => ine.to_string(),
            None => format!("{}|{}|{}", row.last_name, row.first_names, row.birth_date),
        };
        if !seen.insert(key) {
            return Err(AppError::invalid(
                "fichier",
                format!(
                    "ligne {} : l'élève {} figure deux fois dans le fichier",
                    row.line,
                    pupil_name(&row.last_name, &row.first_names)
                ),
            ));
        }
    }
    Ok(())
}

/// Creates or updates the classes of the file; returns their ids by ONDE id.
async fn sync_classes(
    txn: &impl ConnectionTrait,
    school_year_id: i32,
    rows: &[OndeRow],
    summary: &mut ImportSummary,
) -> Result<BTreeMap<i64, i32>> {
    let mut wanted: BTreeMap<i64, (String, BTreeSet<Level>)> = BTreeMap::new();
    for row in rows {
        let entry = wanted
            .entry(row.class_onde_id)
            .or_insert_with(|| (row.class_label.clone(), BTreeSet::new()));
        entry.1.extend(row.level);
    }
    let mut ids = BTreeMap::new();
    for (onde_id, (label, levels)) in wanted {
        let existing = school_class::Entity::find()
            .filter(school_class::Column::SchoolYearId.eq(school_year_id))
            .filter(school_class::Column::OndeId.eq(onde_id))
            .one(txn)
            .await?;
        let class_id = match existing {
            None => {
                let created = school_class::ActiveModel {
                    school_year_id: Set(school_year_id),
                    onde_id: Set(Some(onde_id)),
                    label: Set(label.clone()),
                    positionnement_type: Set(PositionnementType::default().code().to_owned()),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                summary.classes_added.push(label.clone());
                created.id
            }
            Some(class) => {
                let stored: BTreeSet<Level> = class_level::Entity::find()
                    .filter(class_level::Column::ClassId.eq(class.id))
                    .all(txn)
                    .await?
                    .iter()
                    .filter_map(|l| Level::parse(&l.level).ok())
                    .collect();
                if class.label != label || stored != levels {
                    summary.classes_updated.push(label.clone());
                }
                if class.label != label {
                    let mut class: school_class::ActiveModel = class.clone().into();
                    class.label = Set(label.clone());
                    class.update(txn).await?;
                }
                if stored == levels {
                    ids.insert(onde_id, class.id);
                    continue;
                }
                class_level::Entity::delete_many()
                    .filter(class_level::Column::ClassId.eq(class.id))
                    .exec(txn)
                    .await?;
                class.id
            }
        };
        for level in &levels {
            class_level::ActiveModel {
                class_id: Set(class_id),
                level: Set(level.code().to_owned()),
            }
            .insert(txn)
            .await?;
        }
        ids.insert(onde_id, class_id);
    }
    Ok(ids)
}

/// The days an import writes: today (a pupil absent from the file left today), and the arrival
/// of a new pupil the file gives no admission date for.
struct Dates {
    today: NaiveDate,
    arrival: NaiveDate,
}

async fn sync_pupils(
    txn: &impl ConnectionTrait,
    establishment_id: i32,
    rows: &[OndeRow],
    class_ids: &BTreeMap<i64, i32>,
    Dates { today, arrival }: Dates,
    summary: &mut ImportSummary,
) -> Result<()> {
    let mut known = student::Entity::find()
        .filter(student::Column::EstablishmentId.eq(establishment_id))
        .all(txn)
        .await?;
    let class_labels: BTreeMap<i32, String> = school_class::Entity::find()
        .filter(school_class::Column::Id.is_in(known.iter().filter_map(|p| p.class_id)))
        .all(txn)
        .await?
        .into_iter()
        .map(|class| (class.id, class.label))
        .collect();
    let mut seen = HashSet::new();
    for row in rows {
        let class_id = class_ids[&row.class_onde_id];
        let matched = known.iter().position(|pupil| match (&row.ine, &pupil.ine) {
            (Some(ine), Some(stored)) => ine.as_str() == stored,
            _ => {
                pupil.last_name == row.last_name
                    && pupil.first_names == row.first_names
                    && pupil.birth_date == row.birth_date
            }
        });
        let name = pupil_name(&row.last_name, &row.first_names);
        let wanted = |mut pupil: student::ActiveModel| {
            pupil.ine = Set(row.ine.as_ref().map(ToString::to_string));
            pupil.last_name = Set(row.last_name.clone());
            pupil.usage_name = Set(row.usage_name.clone());
            pupil.first_names = Set(row.first_names.clone());
            pupil.birth_date = Set(row.birth_date);
            pupil.sex = Set(row.sex.map(|s| s.code().to_owned()));
            pupil.level = Set(row.level.map(|l| l.code().to_owned()));
            pupil.class_id = Set(Some(class_id));
            pupil.left_on = Set(None);
            if let Some(admitted_on) = row.admitted_on {
                pupil.entered_on = Set(Some(admitted_on));
            }
            pupil.updated_at = Set(Utc::now());
            pupil
        };
        match matched {
            None => {
                let created = wanted(student::ActiveModel {
                    establishment_id: Set(establishment_id),
                    entered_on: Set(Some(row.admitted_on.unwrap_or(arrival))),
                    ..Default::default()
                })
                .insert(txn)
                .await?;
                seen.insert(created.id);
                known.push(created);
                summary.pupils_added.push(name);
            }
            Some(index) => {
                let pupil = known[index].clone();
                seen.insert(pupil.id);
                let changes = changes(&pupil, row, class_id, &class_labels);
                if !changes.is_empty() {
                    known[index] = wanted(pupil.into()).update(txn).await?;
                    summary.pupils_updated.push((name, changes));
                }
            }
        }
    }
    for pupil in known {
        if !seen.contains(&pupil.id) && pupil.left_on.is_none() {
            summary
                .pupils_left
                .push(pupil_name(&pupil.last_name, &pupil.first_names));
            let mut pupil: student::ActiveModel = pupil.into();
            pupil.left_on = Set(Some(today));
            pupil.updated_at = Set(Utc::now());
            pupil.update(txn).await?;
        }
    }
    Ok(())
}

/// The fields of a known pupil that the file changes, as the director reads them.
fn changes(
    pupil: &student::Model,
    row: &OndeRow,
    class_id: i32,
    class_labels: &BTreeMap<i32, String>,
) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let mut compare = |field: &str, before: String, after: String| {
        if before != after {
            changes.push(FieldChange {
                field: field.to_owned(),
                before,
                after,
            });
        }
    };
    compare("nom", pupil.last_name.clone(), row.last_name.clone());
    compare(
        "nom d'usage",
        text_of(&pupil.usage_name),
        text_of(&row.usage_name),
    );
    compare("prénom", pupil.first_names.clone(), row.first_names.clone());
    compare(
        "date de naissance",
        crate::time::format_date(pupil.birth_date),
        crate::time::format_date(row.birth_date),
    );
    compare(
        "sexe",
        text_of(&pupil.sex),
        text_of(&row.sex.map(|s| s.code())),
    );
    compare("INE", text_of(&pupil.ine), text_of(&row.ine));
    compare("niveau", text_of(&pupil.level), text_of(&row.level));
    if let Some(admitted_on) = row.admitted_on {
        compare(
            "date d'admission",
            pupil
                .entered_on
                .map(crate::time::format_date)
                .unwrap_or_default(),
            crate::time::format_date(admitted_on),
        );
    }
    if pupil.left_on.is_some() {
        compare("statut", "parti".into(), "inscrit".into());
    }
    if pupil.class_id != Some(class_id) {
        // Pushed directly: a class of another year may bear the same label.
        let before = pupil.class_id.and_then(|id| class_labels.get(&id).cloned());
        changes.push(FieldChange {
            field: "classe".to_owned(),
            before: before.unwrap_or_else(|| "aucune".to_owned()),
            after: row.class_label.clone(),
        });
    }
    changes
}
