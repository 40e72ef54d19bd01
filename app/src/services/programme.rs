//! « Saisie collective des éléments du programme »: the programme elements a class worked on,
//! per level, period and domain row, and the national suggestions (« aide à la saisie »).

use crate::domain::Level;
use crate::domain::catalogue::{ProgrammeElement, rows_for};
use crate::entities::{programme_element, school_class};
use crate::error::{AppError, FieldError, Result};
use crate::services::access::Actor;
use crate::services::saisie::ClassPeriod;
use crate::services::{audit, saisie};
use crate::wire::saisie::ListKey;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The list's elements, in order (the class's teachers and the director only).
#[tracing::instrument(skip_all, fields(key = ?key, user = ?actor.user_id()))]
pub async fn elements(
    db: &impl ConnectionTrait,
    actor: &Actor,
    key: &ListKey,
) -> Result<Vec<String>> {
    check_key(db, actor, key).await?;
    Ok(rows_of(db, key)
        .await?
        .into_iter()
        .map(|row| row.text)
        .collect())
}

/// Replaces the list with `items`, in that order, in one transaction, if it is still `was` (the
/// list as the page loaded it); else nothing is written and `ChangedMeanwhile` carries the
/// stored list. Every item is checked (not blank, ≤ 300 characters) and a refusal names each
/// one at fault (`element-N`).
#[tracing::instrument(skip_all, fields(key = ?key, user = ?actor.user_id()))]
pub async fn save_elements(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    key: &ListKey,
    was: &[String],
    items: &[String],
) -> Result<Vec<String>> {
    let context = check_key(db, actor, key).await?;
    context.require_open()?;
    let establishment_id = context.establishment_id;
    let mut errors = Vec::new();
    let parsed: Vec<ProgrammeElement> = items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| {
            FieldError::check(
                &mut errors,
                &format!("element-{}", index + 1),
                ProgrammeElement::parse(item)
                    .map_err(|message| format!("élément {} : {message}", index + 1)),
            )
        })
        .collect();
    if let Err(message) = ProgrammeElement::check_list_length(items.len()) {
        errors.push(FieldError {
            field: "elements".to_owned(),
            message,
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (turn, txn) = super::begin_write(db).await?;
    // Saves of the class's lists follow one another: SQLite through BEGIN IMMEDIATE,
    // PostgreSQL by locking the class's row until the end of the transaction.
    if txn.get_database_backend() == DbBackend::Postgres {
        school_class::Entity::find_by_id(key.class_id)
            .lock_exclusive()
            .one(&txn)
            .await?;
    }
    let current: Vec<String> = rows_of(&txn, key)
        .await?
        .into_iter()
        .map(|row| row.text)
        .collect();
    if current != was {
        return Err(AppError::ChangedMeanwhile { current });
    }
    programme_element::Entity::delete_many()
        .filter(list_filter(key))
        .exec(&txn)
        .await?;
    for (index, element) in parsed.iter().enumerate() {
        programme_element::ActiveModel {
            class_id: Set(key.class_id),
            level: Set(key.level.code().to_owned()),
            period_id: Set(key.period_id),
            domain_code: Set(key.domain_code.clone()),
            position: Set(index as i16 + 1),
            text: Set(element.as_str().to_owned()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        actor,
        Some(establishment_id),
        "éléments du programme",
        &key.domain_code,
        json!({
            "classe": key.class_id,
            "niveau": key.level.code(),
            "période": key.period_id,
            "éléments": parsed.len(),
        }),
    )
    .await?;
    crate::services::commit(txn, turn).await?;
    Ok(parsed.into_iter().map(|e| e.as_str().to_owned()).collect())
}

/// The national suggestions for a level's cycle and a domain row (empty when there are none).
pub fn aide_saisie(level: Level, domain_code: &str) -> &'static [String] {
    static SUGGESTIONS: OnceLock<BTreeMap<(u8, String), Vec<String>>> = OnceLock::new();
    let suggestions = SUGGESTIONS.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct File {
            cycles: BTreeMap<String, BTreeMap<String, Vec<String>>>,
        }
        let file: File = serde_json::from_str(include_str!("../../data/aide-saisie.json"))
            .expect("the embedded aide à la saisie is valid JSON");
        file.cycles
            .into_iter()
            .flat_map(|(cycle, domains)| {
                let cycle: u8 = cycle.parse().expect("cycles are numbers");
                domains
                    .into_iter()
                    .map(move |(code, items)| ((cycle, code), items))
            })
            .collect()
    });
    suggestions
        .get(&(level.cycle().number(), domain_code.to_owned()))
        .map_or(&[], Vec::as_slice)
}

fn list_filter(key: &ListKey) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(programme_element::Column::ClassId.eq(key.class_id))
        .add(programme_element::Column::Level.eq(key.level.code()))
        .add(programme_element::Column::PeriodId.eq(key.period_id))
        .add(programme_element::Column::DomainCode.eq(key.domain_code.as_str()))
}

async fn rows_of(
    db: &impl ConnectionTrait,
    key: &ListKey,
) -> Result<Vec<programme_element::Model>> {
    Ok(programme_element::Entity::find()
        .filter(list_filter(key))
        .order_by_asc(programme_element::Column::Position)
        .all(db)
        .await?)
}

/// The actor teaches the class (or runs its school), the class follows the period, the level
/// is one of the class's and the domain row one of that level's. Returns the class and period.
async fn check_key(db: &impl ConnectionTrait, actor: &Actor, key: &ListKey) -> Result<ClassPeriod> {
    let context = saisie::class_period(db, actor, key.class_id, key.period_id).await?;
    if !context.levels.contains(&key.level) {
        return Err(AppError::invalid(
            "niveau",
            format!("la classe n'a pas d'élèves de {}", key.level.code()),
        ));
    }
    if !rows_for(key.level).any(|row| row.code == key.domain_code) {
        return Err(AppError::invalid(
            "domaine",
            format!(
                "le domaine « {} » n'est pas au programme du {}",
                key.domain_code,
                key.level.code()
            ),
        ));
    }
    Ok(context)
}
