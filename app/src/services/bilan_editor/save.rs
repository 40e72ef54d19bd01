//! Saving the fields the editor changed, each only if nobody wrote it since the page read it.

use super::summary;
use crate::domain::bilan::Merge;
use crate::domain::catalogue::{
    AppreciationGenerale, DomainComment, MODALITES, PARCOURS, ParcoursText, PpreComplement,
    ProgrammeElement,
};
use crate::domain::{Positionnement, PositionnementType};
use crate::entities::{bilan, bilan_line};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::audit::{self, BilanChange};
use crate::services::bilan_access::{self, Located, Purpose};
use crate::services::bilan_content::{json_map, json_strings, text_of};
use crate::services::bilans::{self, Expected};
use crate::wire::bilan_editor::{
    BilanField, BilanKey, BilanSaved, FieldChange, FieldOutcome, FieldValue,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

/// Saves the changed fields in one transaction. A field is written only if its stored value
/// is still the one the page saw (`was`), else it is reported as a conflict with the stored
/// value; a value that breaks a rule is refused alone. A locked bilan is never written.
#[tracing::instrument(skip_all, fields(key = ?key, user = ?actor.user_id()))]
pub async fn save(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    key: BilanKey,
    changes: &[FieldChange],
) -> Result<BilanSaved> {
    // As for the grid: a save that crossed another write between its reads and its writes is
    // rolled back and made again from what is stored then.
    for _ in 0..2 {
        if let Some(saved) = try_save(db, actor, key, changes).await? {
            return Ok(saved);
        }
    }
    try_save(db, actor, key, changes).await?.ok_or_else(|| {
        AppError::internal("bilan editor", "the bilan kept changing during the save")
    })
}

/// One attempt at `save`: `None` when the bilans' guard refused it (nothing is written).
async fn try_save(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    key: BilanKey,
    changes: &[FieldChange],
) -> Result<Option<BilanSaved>> {
    let (turn, txn) = crate::services::begin_write(db).await?;
    let mut found = bilan_access::locate(&txn, actor, key, Purpose::Write).await?;
    found.context.require_open()?;
    if found.bilan.as_ref().is_some_and(|b| b.locked_at.is_some()) {
        return Err(AppError::invalid(
            "bilan",
            "ce bilan est verrouillé : il ne peut plus être modifié",
        ));
    }
    let mut outcomes = Vec::with_capacity(changes.len());
    let mut writes: Vec<(&BilanField, FieldValue)> = Vec::new();
    for change in changes {
        let outcome = match parse_value(&found, &change.field, &change.now) {
            Err(message) => FieldOutcome::Refused(message),
            Ok(now) => {
                let current = current_value(&found, &change.field);
                // The page's value as typed (spaces around it) is the one it saw stored.
                let was = parse_value(&found, &change.field, &change.was)
                    .unwrap_or_else(|_| change.was.clone());
                match Merge::of(current, &was, &now) {
                    Merge::AlreadySaved => FieldOutcome::Saved(now),
                    Merge::Conflict { current } => FieldOutcome::Conflict { current },
                    Merge::Write => {
                        writes.push((&change.field, now.clone()));
                        FieldOutcome::Saved(now)
                    }
                }
            }
        };
        outcomes.push(outcome);
    }
    if !writes.is_empty() {
        let bilan = match found.bilan.take() {
            Some(bilan) => bilan,
            None => {
                let teachers = bilans::class_teachers(&txn, found.context.class.id).await?;
                let (class_id, period_id) = (found.context.class.id, found.context.period.id);
                match bilans::create(&txn, &found.pupil, class_id, period_id, &teachers).await? {
                    Some(created) => created,
                    None => {
                        txn.rollback().await?;
                        return Ok(None);
                    }
                }
            }
        };
        if !bilans::write_guarded(&txn, &[&bilan], Expected::Unlocked, Vec::new()).await? {
            txn.rollback().await?;
            return Ok(None);
        }
        let history = writes
            .iter()
            .map(|(field, value)| BilanChange {
                subject: audit::bilan_subject(bilan.id),
                field: field_label(&found, field),
                value: value_label(value, found.context.scale),
            })
            .collect();
        found.bilan = Some(write(&txn, &found, bilan, &writes).await?);
        found.lines = bilan_line::Entity::find()
            .filter(bilan_line::Column::BilanId.eq(found.bilan.as_ref().map_or(0, |b| b.id)))
            .all(&txn)
            .await?;
        audit::record_bilan_changes(
            &txn,
            actor,
            found.context.establishment_id,
            "bilan modifié",
            history,
        )
        .await?;
    }
    let summary = summary(&txn, &found).await?;
    crate::services::commit(txn, turn).await?;
    Ok(Some(BilanSaved { outcomes, summary }))
}

/// Writes the checked values: the bilan's own fields in one update, each row's line updated
/// or inserted.
async fn write(
    db: &impl ConnectionTrait,
    found: &Located,
    bilan: bilan::Model,
    writes: &[(&BilanField, FieldValue)],
) -> Result<bilan::Model> {
    let mut own_parcours = bilan
        .own_parcours
        .as_ref()
        .map(json_map)
        .unwrap_or_default();
    let mut record = bilan.clone().into_active_model();
    let mut lines: HashMap<&str, bilan_line::ActiveModel> = HashMap::new();
    for (field, value) in writes {
        let line = |code: &str| -> bilan_line::ActiveModel {
            let row = found.row(code).map_or(code, |row| row.code);
            match found.line(row) {
                Some(line) => line.clone().into_active_model(),
                None => bilan_line::ActiveModel {
                    bilan_id: Set(bilan.id),
                    domain_code: Set(row.to_owned()),
                    ..Default::default()
                },
            }
        };
        match (field, value) {
            (BilanField::Comment(code), FieldValue::Text(text)) => {
                let entry = lines.entry(code).or_insert_with(|| line(code));
                entry.comment = Set(none_if_empty(text));
            }
            (BilanField::Positionnement(code), FieldValue::Level(level)) => {
                let entry = lines.entry(code).or_insert_with(|| line(code));
                let (level, not_evaluated) = Positionnement::to_stored(*level);
                entry.positionnement = Set(level);
                entry.not_evaluated = Set(not_evaluated);
            }
            (BilanField::Elements(code), FieldValue::Elements(list)) => {
                let entry = lines.entry(code).or_insert_with(|| line(code));
                entry.elements = Set(list.as_ref().map(|list| serde_json::json!(list)));
                entry.elements_frozen = Set(false);
            }
            (BilanField::Parcours(code), FieldValue::Text(text)) => {
                match text.is_empty() {
                    true => own_parcours.remove(code),
                    false => own_parcours.insert(code.clone(), text.clone()),
                };
                record.own_parcours = Set(Some(serde_json::json!(own_parcours)));
            }
            (BilanField::Modalites, FieldValue::Codes(codes)) => {
                record.modalites = Set(Some(serde_json::json!(codes)));
            }
            (BilanField::PpreComplement, FieldValue::Text(text)) => {
                record.ppre_complement = Set(none_if_empty(text));
            }
            (BilanField::Appreciation, FieldValue::Text(text)) => {
                record.appreciation = Set(none_if_empty(text));
            }
            _ => {
                return Err(AppError::internal(
                    "bilan editor",
                    "a value of the wrong kind",
                ));
            }
        }
    }
    for line in lines.into_values() {
        line.save(db).await?;
    }
    // The guard bumped the version; the rest of the record is this save's.
    record.version = Set(bilan.version + 1);
    record.updated_at = Set(chrono::Utc::now());
    Ok(record.update(db).await?)
}

/// The stored value of a field.
fn current_value(found: &Located, field: &BilanField) -> FieldValue {
    let bilan = found.bilan.as_ref();
    match field {
        BilanField::Comment(code) => {
            FieldValue::Text(text_of(found.line(code).and_then(|l| l.comment.as_deref())))
        }
        BilanField::Positionnement(code) => FieldValue::Level(
            found
                .line(code)
                .and_then(|l| Positionnement::from_stored(l.positionnement, l.not_evaluated)),
        ),
        BilanField::Elements(code) => FieldValue::Elements(
            found
                .line(code)
                .filter(|line| !line.elements_frozen)
                .and_then(|line| line.elements.as_ref())
                .map(json_strings),
        ),
        BilanField::Parcours(code) => FieldValue::Text(
            bilan
                .and_then(|b| b.own_parcours.as_ref())
                .map(json_map)
                .and_then(|texts| texts.get(code).cloned())
                .unwrap_or_default(),
        ),
        BilanField::Modalites => FieldValue::Codes(
            bilan
                .and_then(|b| b.modalites.as_ref())
                .map(json_strings)
                .unwrap_or_default(),
        ),
        BilanField::PpreComplement => {
            FieldValue::Text(text_of(bilan.and_then(|b| b.ppre_complement.as_deref())))
        }
        BilanField::Appreciation => {
            FieldValue::Text(text_of(bilan.and_then(|b| b.appreciation.as_deref())))
        }
    }
}

/// The value as it will be stored (texts trimmed, codes in the catalogue's order), or why it
/// is refused, in French.
fn parse_value(
    found: &Located,
    field: &BilanField,
    value: &FieldValue,
) -> Result<FieldValue, String> {
    let rows = found.rows();
    let row_of = |code: &str| {
        found
            .row(code)
            .ok_or_else(|| format!("le domaine « {code} » n'est pas sur le bilan de l'élève"))
    };
    let text = |text: &str, parse: fn(&str) -> Result<String, String>| match text.trim() {
        "" => Ok(FieldValue::Text(String::new())),
        written => parse(written).map(FieldValue::Text),
    };
    match (field, value) {
        (BilanField::Comment(code), FieldValue::Text(written)) => {
            let row = row_of(code)?;
            if row.comment_row(&rows) != Some(row) {
                return Err(format!(
                    "le commentaire de « {} » porte sur tout le domaine",
                    row.domain
                ));
            }
            text(written, |t| {
                DomainComment::parse(t).map(|t| t.as_str().to_owned())
            })
        }
        (BilanField::Positionnement(code), FieldValue::Level(level)) => {
            row_of(code)?;
            Ok(FieldValue::Level(*level))
        }
        (BilanField::Elements(code), FieldValue::Elements(list)) => {
            row_of(code)?;
            let Some(list) = list else {
                return Ok(FieldValue::Elements(None));
            };
            ProgrammeElement::check_list_length(list.len())?;
            let parsed = list
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    ProgrammeElement::parse(item)
                        .map(|item| item.as_str().to_owned())
                        .map_err(|message| format!("élément {} : {message}", index + 1))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(FieldValue::Elements(Some(parsed)))
        }
        (BilanField::Parcours(code), FieldValue::Text(written)) => {
            if !PARCOURS.iter().any(|(known, _)| known == code) {
                return Err(format!("parcours inconnu « {code} »"));
            }
            text(written, |t| {
                ParcoursText::parse(t).map(|t| t.as_str().to_owned())
            })
        }
        (BilanField::Modalites, FieldValue::Codes(codes)) => {
            if let Some(unknown) = codes
                .iter()
                .find(|code| !MODALITES.iter().any(|(known, _)| known == code))
            {
                return Err(format!("modalité inconnue « {unknown} »"));
            }
            Ok(FieldValue::Codes(
                MODALITES
                    .iter()
                    .filter(|(known, _)| codes.iter().any(|code| code == known))
                    .map(|(known, _)| (*known).to_owned())
                    .collect(),
            ))
        }
        (BilanField::PpreComplement, FieldValue::Text(written)) => text(written, |t| {
            PpreComplement::parse(t).map(|t| t.as_str().to_owned())
        }),
        (BilanField::Appreciation, FieldValue::Text(written)) => text(written, |t| {
            AppreciationGenerale::parse(t).map(|t| t.as_str().to_owned())
        }),
        _ => Err("valeur d'un autre type que le champ".to_owned()),
    }
}

/// The field as the bilan's history names it.
fn field_label(found: &Located, field: &BilanField) -> String {
    let row_label = |code: &str| {
        found
            .row(code)
            .map_or(code.to_owned(), |row| row.label.to_owned())
    };
    match field {
        BilanField::Comment(code) => {
            let domain = found.row(code).map_or(code.as_str(), |row| row.domain);
            format!("Commentaire — {domain}")
        }
        BilanField::Positionnement(code) => format!("Positionnement — {}", row_label(code)),
        BilanField::Elements(code) => format!("Éléments du programme — {}", row_label(code)),
        BilanField::Parcours(code) => PARCOURS
            .iter()
            .find(|(known, _)| known == code)
            .map_or(code.clone(), |(_, label)| format!("{label} (élève)")),
        BilanField::Modalites => "Modalités d'accompagnement".to_owned(),
        BilanField::PpreComplement => "Complément PPRE".to_owned(),
        BilanField::Appreciation => "Appréciation générale".to_owned(),
    }
}

/// A value as the bilan's history shows it.
pub fn value_label(value: &FieldValue, scale: PositionnementType) -> String {
    match value {
        FieldValue::Text(text) if text.is_empty() => "(effacé)".to_owned(),
        FieldValue::Text(text) => audit::shortened(text),
        FieldValue::Level(Some(level)) => level.label(scale).to_owned(),
        FieldValue::Level(None) => "(effacé)".to_owned(),
        FieldValue::Elements(None) => "ceux de la classe".to_owned(),
        FieldValue::Elements(Some(list)) => match list.len() {
            0 => "aucun".to_owned(),
            1 => "1 élément".to_owned(),
            n => format!("{n} éléments"),
        },
        FieldValue::Codes(codes) if codes.is_empty() => "aucune".to_owned(),
        FieldValue::Codes(codes) => codes.join(", "),
    }
}

fn none_if_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}
