//! « Saisie collective des parcours éducatifs »: one text per parcours for a class and period.

use crate::domain::catalogue::{PARCOURS, ParcoursText, one_line_break};
use crate::entities::class_parcours;
use crate::error::{AppError, FieldError, Result};
use crate::services::access::Actor;
use crate::services::{audit, saisie};
use crate::wire::saisie::{ParcoursEntry, ParcoursSaved};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use serde_json::json;

/// The three parcours of the class and period, each with its text (empty when none).
#[tracing::instrument(skip_all, fields(class_id = class_id, period_id = period_id, user = ?actor.user_id()))]
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

/// A parcours as the page sends it: the text it shows now, and the one it read when it loaded.
pub struct ParcoursChange {
    /// `PAR_CIT`, `PAR_ART`, `PAR_SAN`.
    pub code: String,
    pub now: String,
    pub was: String,
}

/// Saves the texts given, in one transaction; a blank text removes that parcours. A text is
/// written only if the stored one is still the one the page read (`was`): a text changed by
/// someone else meanwhile is not overwritten but answered as a conflict. Answers, for each
/// parcours given, the text stored once done. Each refused text is named (`parcours-PAR_CIT`),
/// and then nothing is written.
#[tracing::instrument(skip_all, fields(class_id = class_id, period_id = period_id, user = ?actor.user_id()))]
pub async fn save(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    class_id: i32,
    period_id: i32,
    changes: &[ParcoursChange],
) -> Result<Vec<ParcoursSaved>> {
    let context = saisie::class_period(db, actor, class_id, period_id).await?;
    context.require_open()?;
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    for change in changes {
        let Some((code, label)) = PARCOURS.iter().find(|(known, _)| *known == change.code) else {
            return Err(AppError::invalid(
                "parcours",
                format!("parcours inconnu « {} »", change.code),
            ));
        };
        let now = match change.now.trim() {
            "" => Some(None),
            _ => FieldError::check(
                &mut errors,
                &format!("parcours-{code}"),
                ParcoursText::parse(&change.now)
                    .map(|text| Some(text.as_str().to_owned()))
                    .map_err(|message| format!("{label} : {message}")),
            ),
        };
        if let Some(now) = now {
            parsed.push((*code, now, one_line_break(change.was.trim())));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (turn, txn) = super::begin_write(db).await?;
    let mut outcomes = Vec::with_capacity(parsed.len());
    let mut written = Vec::new();
    for (code, now, was) in parsed {
        // This parcours of the class and period, still holding `text` if given.
        let row = |text: Option<&String>| {
            let mut row = Condition::all()
                .add(class_parcours::Column::ClassId.eq(class_id))
                .add(class_parcours::Column::PeriodId.eq(period_id))
                .add(class_parcours::Column::Code.eq(code));
            if let Some(text) = text {
                row = row.add(class_parcours::Column::Text.eq(text.clone()));
            }
            row
        };
        let stored = || class_parcours::Entity::find().filter(row(None));
        let current = stored().one(&txn).await?.map(|row| row.text);
        if current.as_deref().map(one_line_break) == now {
            outcomes.push(ParcoursSaved {
                code: code.to_owned(),
                stored: now.unwrap_or_default(),
                conflict: false,
            });
            continue;
        }
        // Each write holds only while the stored text is still `current` (on PostgreSQL a
        // concurrent save may commit between the read above and the write).
        let wrote = one_line_break(current.as_deref().unwrap_or("")) == was
            && match (&current, &now) {
                (None, Some(text)) => {
                    let row = class_parcours::ActiveModel {
                        class_id: Set(class_id),
                        period_id: Set(period_id),
                        code: Set(code.to_owned()),
                        text: Set(text.clone()),
                        ..Default::default()
                    };
                    class_parcours::Entity::insert(row)
                        .on_conflict(
                            OnConflict::columns([
                                class_parcours::Column::ClassId,
                                class_parcours::Column::PeriodId,
                                class_parcours::Column::Code,
                            ])
                            .do_nothing()
                            .to_owned(),
                        )
                        .exec_without_returning(&txn)
                        .await?
                        == 1
                }
                (Some(stored_text), Some(text)) => {
                    class_parcours::Entity::update_many()
                        .col_expr(class_parcours::Column::Text, Expr::value(text.clone()))
                        .filter(row(Some(stored_text)))
                        .exec(&txn)
                        .await?
                        .rows_affected
                        == 1
                }
                (Some(stored_text), None) => {
                    class_parcours::Entity::delete_many()
                        .filter(row(Some(stored_text)))
                        .exec(&txn)
                        .await?
                        .rows_affected
                        == 1
                }
                (None, None) => true,
            };
        let stored = match wrote {
            true => {
                written.push(code);
                now.unwrap_or_default()
            }
            false => stored()
                .one(&txn)
                .await?
                .map(|row| row.text)
                .unwrap_or_default(),
        };
        outcomes.push(ParcoursSaved {
            code: code.to_owned(),
            stored,
            conflict: !wrote,
        });
    }
    if !written.is_empty() {
        audit::record(
            &txn,
            actor,
            Some(context.establishment_id),
            "parcours éducatifs",
            &context.class.label,
            json!({ "période": period_id, "parcours": written }),
        )
        .await?;
    }
    crate::services::commit(txn, turn).await?;
    Ok(outcomes)
}
