//! « Saisie collective des parcours éducatifs »: one text per parcours for a class and period.

use crate::api::saisie::ParcoursEntry;
use crate::domain::catalogue::{PARCOURS, ParcoursText};
use crate::entities::class_parcours;
use crate::error::{AppError, FieldError, Result};
use crate::services::access::Actor;
use crate::services::{audit, saisie};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};
use serde_json::json;

/// The three parcours of the class and period, each with its text (empty when none).
pub async fn texts(
    db: &impl ConnectionTrait,
    actor: &Actor,
    class_id: i32,
    period_id: i32,
) -> Result<Vec<ParcoursEntry>> {
    saisie::class_period(db, actor, class_id, period_id).await?;
    let stored = class_parcours::Entity::find()
        .filter(class_parcours::Column::ClassId.eq(class_id))
        .filter(class_parcours::Column::PeriodId.eq(period_id))
        .all(db)
        .await?;
    Ok(PARCOURS
        .iter()
        .map(|(code, label)| ParcoursEntry {
            code: (*code).to_owned(),
            label: (*label).to_owned(),
            text: stored
                .iter()
                .find(|row| row.code == *code)
                .map(|row| row.text.clone())
                .unwrap_or_default(),
        })
        .collect())
}

/// Saves the texts given as (code, text), in one transaction; a blank text removes that
/// parcours. Each refused text is named (`parcours-PAR_CIT`).
pub async fn save(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    class_id: i32,
    period_id: i32,
    texts: &[(String, String)],
) -> Result<()> {
    let context = saisie::class_period(db, actor, class_id, period_id).await?;
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    for (code, text) in texts {
        let Some((code, label)) = PARCOURS.iter().find(|(known, _)| known == code) else {
            return Err(AppError::invalid(
                "parcours",
                format!("parcours inconnu « {code} »"),
            ));
        };
        let text = match text.trim() {
            "" => None,
            _ => FieldError::check(
                &mut errors,
                &format!("parcours-{code}"),
                ParcoursText::parse(text).map_err(|message| format!("{label} : {message}")),
            ),
        };
        parsed.push((*code, text));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let txn = db.begin().await?;
    for (code, text) in &parsed {
        class_parcours::Entity::delete_many()
            .filter(class_parcours::Column::ClassId.eq(class_id))
            .filter(class_parcours::Column::PeriodId.eq(period_id))
            .filter(class_parcours::Column::Code.eq(*code))
            .exec(&txn)
            .await?;
        if let Some(text) = text {
            class_parcours::ActiveModel {
                class_id: Set(class_id),
                period_id: Set(period_id),
                code: Set((*code).to_owned()),
                text: Set(text.as_str().to_owned()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    audit::record(
        &txn,
        actor,
        Some(context.establishment_id),
        "parcours éducatifs",
        &context.class.label,
        json!({
            "période": period_id,
            "parcours": parsed.iter().filter(|(_, text)| text.is_some()).map(|(code, _)| code).collect::<Vec<_>>(),
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
