//! « Saisie individuelle »: one pupil's bilan for a period, recto and verso, read and saved
//! field by field without overwriting anyone, through the bilans' guard.

use crate::domain::bilan::{RowFacts, missing_to_print, status};
use crate::domain::catalogue::{
    AppreciationGenerale, DomainComment, DomainRow, MODALITES, PARCOURS, ParcoursText,
    PpreComplement, ProgrammeElement,
};
use crate::domain::{BilanStatus, Level, Positionnement, PositionnementType};
use crate::entities::{bilan, bilan_line, class_parcours, programme_element, student, user};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::audit::{self, BilanChange};
use crate::services::bilans::Expected;
use crate::services::saisie::{self, ClassPeriod};
use crate::services::{accounts, bilans, classes};
use crate::time::{format_date, format_moment};
use crate::wire::bilan_editor::{
    BilanEditorView, BilanField, BilanKey, BilanSaved, BilanSummary, FieldChange, FieldOutcome,
    FieldValue, Neighbour, RectoRow, VersoParcours,
};
use crate::wire::bilans::LockView;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

/// A pupil's bilan for a period (none yet: the first save creates it), with the class and
/// period it belongs to, once the actor is known to fill in that class, or, for reading, to
/// teach the pupil now (`read_only`).
struct Located {
    /// Read by a teacher of the pupil's class now, who does not fill in the bilan's class (a
    /// bilan of another year or class, from the pupil's history).
    read_only: bool,
    pupil: student::Model,
    level: Option<Level>,
    context: ClassPeriod,
    bilan: Option<bilan::Model>,
    lines: Vec<bilan_line::Model>,
}

impl Located {
    /// The rows of the pupil's recto, in order.
    fn rows(&self) -> Vec<&'static DomainRow> {
        bilans::pupil_rows(self.level, &self.context.levels)
    }

    fn line(&self, code: &str) -> Option<&bilan_line::Model> {
        self.lines.iter().find(|line| line.domain_code == code)
    }

    fn row(&self, code: &str) -> Option<&'static DomainRow> {
        self.rows().into_iter().find(|row| row.code == code)
    }
}

/// What a caller does with a bilan.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Write,
    /// Also open to the teachers of the pupil's class now, for the bilans of their history.
    Read,
}

async fn locate(
    db: &impl ConnectionTrait,
    actor: &Actor,
    key: BilanKey,
    access: Access,
) -> Result<Located> {
    let pupil = student::Entity::find_by_id(key.student_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound {
            what: "Élève".to_owned(),
        })?;
    let bilan = bilan::Entity::find()
        .filter(bilan::Column::StudentId.eq(pupil.id))
        .filter(bilan::Column::PeriodId.eq(key.period_id))
        .one(db)
        .await?;
    // A bilan belongs to the class it was made in, whatever the pupil's class now.
    let class_id = match (&bilan, pupil.class_id) {
        (Some(bilan), _) => bilan.class_id,
        (None, Some(class_id)) => class_id,
        (None, None) => {
            return Err(AppError::invalid(
                "eleve",
                "l'élève n'est dans aucune classe : son bilan ne peut pas être créé",
            ));
        }
    };
    let (context, read_only) = match saisie::class_period(db, actor, class_id, key.period_id).await
    {
        Err(AppError::Forbidden)
            if access == Access::Read
                && bilan.is_some()
                && teaches_now(db, actor, &pupil, class_id).await? =>
        {
            let context = saisie::class_period(db, &Actor::System, class_id, key.period_id).await?;
            (context, true)
        }
        found => (found?, false),
    };
    if bilan.is_none()
        && !bilans::class_pupils(db, &context)
            .await?
            .iter()
            .any(|other| other.id == pupil.id)
    {
        return Err(AppError::invalid(
            "eleve",
            "l'élève n'est pas dans cette classe pour cette période",
        ));
    }
    let lines = match &bilan {
        Some(bilan) => {
            bilan_line::Entity::find()
                .filter(bilan_line::Column::BilanId.eq(bilan.id))
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    Ok(Located {
        read_only,
        level: bilans::pupil_level(&pupil),
        pupil,
        context,
        bilan,
        lines,
    })
}

/// The actor teaches the pupil's class now, another class than `class_id`.
async fn teaches_now(
    db: &impl ConnectionTrait,
    actor: &Actor,
    pupil: &student::Model,
    class_id: i32,
) -> Result<bool> {
    match pupil.class_id {
        Some(now) if now != class_id => match classes::class_taught_by(db, actor, now).await {
            Ok(_) => Ok(true),
            Err(AppError::Forbidden) => Ok(false),
            Err(error) => Err(error),
        },
        _ => Ok(false),
    }
}

/// The bilan as the editor shows it.
pub async fn open(
    db: &impl ConnectionTrait,
    actor: &Actor,
    key: BilanKey,
) -> Result<BilanEditorView> {
    let found = locate(db, actor, key, Access::Read).await?;
    let context = &found.context;
    let bilan = found.bilan.as_ref();
    let rows = found.rows();
    let class_elements = class_elements(db, &found).await?;
    let recto = rows
        .iter()
        .map(|row| {
            let line = found.line(row.code);
            let holds_comment = row.comment_row(&rows) == Some(*row);
            let frozen = line.is_some_and(|line| line.elements_frozen);
            let stored_elements = line
                .and_then(|line| line.elements.as_ref())
                .map(json_strings);
            RectoRow {
                code: row.code.to_owned(),
                label: row_label(row, bilan, context),
                domain: row.domain.to_owned(),
                comment_span: match holds_comment {
                    true => rows
                        .iter()
                        .filter(|other| other.domain == row.domain)
                        .count(),
                    false => 0,
                },
                comment: match holds_comment {
                    true => text_of(line.and_then(|line| line.comment.as_deref())),
                    false => String::new(),
                },
                class_elements: match (frozen, &stored_elements) {
                    (true, Some(copied)) => copied.clone(),
                    _ => class_elements.get(row.code).cloned().unwrap_or_default(),
                },
                own_elements: stored_elements.filter(|_| !frozen),
                positionnement: line.and_then(|line| {
                    Positionnement::from_stored(line.positionnement, line.not_evaluated)
                }),
            }
        })
        .collect();
    let class_parcours: HashMap<String, String> = match bilan.and_then(|b| b.parcours.as_ref()) {
        Some(copied) => json_map(copied),
        None => class_parcours::Entity::find()
            .filter(class_parcours::Column::ClassId.eq(context.class.id))
            .filter(class_parcours::Column::PeriodId.eq(context.period.id))
            .all(db)
            .await?
            .into_iter()
            .map(|entry| (entry.code, entry.text))
            .collect(),
    };
    let own_parcours = bilan
        .and_then(|b| b.own_parcours.as_ref())
        .map(json_map)
        .unwrap_or_default();
    let pupils = bilans::class_pupils(db, context).await?;
    // A bilan read from the pupil's history has no place among that class's pupils, and leads
    // to none of them.
    let index = pupils
        .iter()
        .position(|pupil| pupil.id == found.pupil.id)
        .filter(|_| !found.read_only);
    let neighbour = |at: Option<usize>| {
        at.and_then(|at| pupils.get(at)).map(|pupil| Neighbour {
            student_id: pupil.id,
            name: bilans::pupil_name(pupil),
        })
    };
    let lock = match bilan {
        Some(bilan) => lock_view(db, bilan).await?,
        None => None,
    };
    Ok(BilanEditorView {
        key,
        class_id: context.class.id,
        class_label: context.class.label.clone(),
        period_label: saisie::period_label(&context.period),
        period_dates: format!(
            "du {} au {}",
            format_date(context.period.starts_on),
            format_date(context.period.ends_on)
        ),
        pupil_name: match bilan {
            Some(bilan) => format!("{} {}", bilan.last_name.to_uppercase(), bilan.first_names),
            None => bilans::pupil_name(&found.pupil),
        },
        birth_date: format_date(bilan.map_or(found.pupil.birth_date, |b| b.birth_date)),
        level: found.level,
        teachers: match bilan {
            Some(bilan) => json_strings(&bilan.teachers),
            None => bilans::class_teachers(db, context.class.id).await?,
        },
        scale: context.scale,
        created: bilan.is_some(),
        lock,
        summary: summary(db, &found).await?,
        rows: recto,
        parcours: PARCOURS
            .iter()
            .map(|(code, label)| VersoParcours {
                code: (*code).to_owned(),
                label: (*label).to_owned(),
                class_text: class_parcours.get(*code).cloned().unwrap_or_default(),
                own_text: own_parcours.get(*code).cloned().unwrap_or_default(),
            })
            .collect(),
        modalites_offered: MODALITES
            .iter()
            .map(|(code, label)| ((*code).to_owned(), (*label).to_owned()))
            .collect(),
        modalites: bilan
            .and_then(|b| b.modalites.as_ref())
            .map(json_strings)
            .unwrap_or_default(),
        ppre_complement: text_of(bilan.and_then(|b| b.ppre_complement.as_deref())),
        appreciation: text_of(bilan.and_then(|b| b.appreciation.as_deref())),
        position: index.map_or(0, |at| at + 1),
        count: match found.read_only {
            true => 0,
            false => pupils.len(),
        },
        previous: neighbour(index.and_then(|at| at.checked_sub(1))),
        next: neighbour(index.map(|at| at + 1)),
        may_edit: !found.read_only,
        may_unlock: actor.require_director_of(context.establishment_id).is_ok(),
    })
}

/// Saves the changed fields in one transaction. A field is written only if its stored value
/// is still the one the page saw (`was`), else it is reported as a conflict with the stored
/// value; a value that breaks a rule is refused alone. A locked bilan is never written.
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
    let txn = super::begin_write(db).await?;
    let mut found = locate(&txn, actor, key, Access::Write).await?;
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
                if current == now {
                    FieldOutcome::Saved(now)
                } else if current != was {
                    FieldOutcome::Conflict { current }
                } else {
                    writes.push((&change.field, now.clone()));
                    FieldOutcome::Saved(now)
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
                bilan_id: bilan.id,
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
    txn.commit().await?;
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

/// The bilan's status, each row's completeness and what is missing to print it.
async fn summary(db: &impl ConnectionTrait, found: &Located) -> Result<BilanSummary> {
    let context = &found.context;
    let class_lists = bilans::class_lists(db, [(context.class.id, context.period.id)]).await?;
    let facts = bilans::row_facts(
        (context.class.id, context.period.id),
        found.level,
        &context.levels,
        &found.lines,
        &class_lists,
    );
    let only_facts: Vec<RowFacts> = facts.iter().map(|(_, facts)| *facts).collect();
    let has_appreciation = found.bilan.as_ref().is_some_and(bilans::has_appreciation);
    Ok(BilanSummary {
        status: match &found.bilan {
            Some(bilan) => status(bilan.locked_at.is_some(), &only_facts, has_appreciation),
            None => BilanStatus::NonCree,
        },
        rows: facts
            .iter()
            .map(|(row, facts)| (row.code.to_owned(), facts.is_complete()))
            .collect(),
        missing: match found.bilan.as_ref().is_some_and(|b| b.locked_at.is_some()) {
            true => Vec::new(),
            false => missing_to_print(&only_facts, has_appreciation),
        },
    })
}

/// The class's programme elements of each row for the pupil's level (any of the class's
/// levels for a pupil without one), in order.
async fn class_elements(
    db: &impl ConnectionTrait,
    found: &Located,
) -> Result<HashMap<&'static str, Vec<String>>> {
    let levels: Vec<Level> = match found.level {
        Some(level) => vec![level],
        None => found.context.levels.clone(),
    };
    let mut lists: HashMap<(String, String), Vec<String>> = HashMap::new();
    for element in programme_element::Entity::find()
        .filter(programme_element::Column::ClassId.eq(found.context.class.id))
        .filter(programme_element::Column::PeriodId.eq(found.context.period.id))
        .order_by_asc(programme_element::Column::Position)
        .all(db)
        .await?
    {
        lists
            .entry((element.level, element.domain_code))
            .or_default()
            .push(element.text);
    }
    Ok(found
        .rows()
        .into_iter()
        .filter_map(|row| {
            levels
                .iter()
                .find_map(|level| lists.get(&(level.code().to_owned(), row.code.to_owned())))
                .map(|list| (row.code, list.clone()))
        })
        .collect())
}

/// Who locked the bilan and when.
pub async fn lock_view(
    db: &impl ConnectionTrait,
    bilan: &bilan::Model,
) -> Result<Option<LockView>> {
    let Some(at) = bilan.locked_at else {
        return Ok(None);
    };
    let by = match bilan.locked_by {
        Some(id) => user::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|account| accounts::display_name(&account)),
        None => None,
    };
    Ok(Some(LockView {
        by: by.unwrap_or_else(|| "—".to_owned()),
        at: format_moment(at),
    }))
}

/// The row's label, the « Langue vivante » row naming the language the bilan shows.
fn row_label(row: &DomainRow, bilan: Option<&bilan::Model>, context: &ClassPeriod) -> String {
    let language = bilan
        .and_then(|b| b.language.clone())
        .or_else(|| context.class.language.clone());
    match (row.code, language) {
        (crate::domain::catalogue::LANGUE_VIVANTE, Some(language)) => {
            format!("{} ({language})", row.label)
        }
        _ => row.label.to_owned(),
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

fn text_of(text: Option<&str>) -> String {
    text.unwrap_or_default().to_owned()
}

fn none_if_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

fn json_strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn json_map(value: &serde_json::Value) -> HashMap<String, String> {
    value
        .as_object()
        .map(|texts| {
            texts
                .iter()
                .filter_map(|(code, text)| Some((code.clone(), text.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}
