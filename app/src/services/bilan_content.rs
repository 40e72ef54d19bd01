//! What a bilan shows, read one way for the editor and for printing: the programme elements and
//! parcours it takes from its class (or the copy it froze when it was locked, or the pupil's
//! own), its recto rows, its verso parcours, and who locked it.

use crate::domain::catalogue::{DomainRow, LANGUE_VIVANTE, PARCOURS};
use crate::domain::{Level, Positionnement};
use crate::entities::{bilan, bilan_line, class_parcours, programme_element, user};
use crate::error::Result;
use crate::services::accounts;
use crate::services::saisie::ClassPeriod;
use crate::time::format_moment;
use crate::wire::bilans::LockView;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// What a class enters for all its pupils in a period: the programme elements of each (level,
/// row), and the parcours texts. Read once for a whole class.
pub struct ClassEntries {
    /// (level code, row code) → the list, in order.
    lists: HashMap<(String, String), Vec<String>>,
    /// Parcours code → the class's text.
    parcours: HashMap<String, String>,
    language: Option<String>,
}

impl ClassEntries {
    pub async fn read(db: &impl ConnectionTrait, context: &ClassPeriod) -> Result<ClassEntries> {
        let mut lists: HashMap<(String, String), Vec<String>> = HashMap::new();
        for element in programme_element::Entity::find()
            .filter(programme_element::Column::ClassId.eq(context.class.id))
            .filter(programme_element::Column::PeriodId.eq(context.period.id))
            .order_by_asc(programme_element::Column::Position)
            .all(db)
            .await?
        {
            lists
                .entry((element.level, element.domain_code))
                .or_default()
                .push(element.text);
        }
        let parcours = class_parcours::Entity::find()
            .filter(class_parcours::Column::ClassId.eq(context.class.id))
            .filter(class_parcours::Column::PeriodId.eq(context.period.id))
            .all(db)
            .await?
            .into_iter()
            .map(|entry| (entry.code, entry.text))
            .collect();
        Ok(ClassEntries {
            lists,
            parcours,
            language: context.class.language.clone(),
        })
    }

    /// The class's list of a row for a pupil of these levels (their own, or the class's for a
    /// pupil without one: the first level that has a list).
    pub fn elements(&self, levels: &[Level], code: &str) -> Vec<String> {
        levels
            .iter()
            .find_map(|level| self.lists.get(&(level.code().to_owned(), code.to_owned())))
            .cloned()
            .unwrap_or_default()
    }

    /// The class's parcours texts, by code.
    pub fn parcours(&self) -> &HashMap<String, String> {
        &self.parcours
    }

    /// The class's modern language.
    pub fn language(&self) -> Option<&str> {
        self.language.as_deref()
    }
}

/// One row of a bilan's recto as it shows.
pub struct ShownRow {
    pub row: &'static DomainRow,
    /// The row's label, the « Langue vivante » row naming the language the bilan shows.
    pub label: String,
    /// On the row that holds its domain's comment: how many rows the comment covers; else 0.
    pub comment_span: usize,
    /// The domain's comment, on the row that holds it (empty elsewhere).
    pub comment: String,
    /// The class's list, or the copy the bilan froze when it was locked.
    pub class_elements: Vec<String>,
    /// The pupil's own list, once edited for them.
    pub own_elements: Option<Vec<String>>,
    pub positionnement: Option<Positionnement>,
}

impl ShownRow {
    /// The elements the bilan shows: the pupil's own, else the class's.
    pub fn elements(&self) -> &[String] {
        self.own_elements.as_deref().unwrap_or(&self.class_elements)
    }
}

/// The recto of a pupil's bilan (`None` before its first save): one row per domain row of the
/// pupil's level (`rows`), in order.
pub fn recto(
    entries: &ClassEntries,
    rows: &[&'static DomainRow],
    levels: &[Level],
    bilan: Option<&bilan::Model>,
    lines: &[bilan_line::Model],
) -> Vec<ShownRow> {
    let language = bilan
        .and_then(|b| b.language.as_deref())
        .or(entries.language());
    rows.iter()
        .map(|row| {
            let line = lines.iter().find(|line| line.domain_code == row.code);
            let holds_comment = row.comment_row(rows) == Some(*row);
            let frozen = line.is_some_and(|line| line.elements_frozen);
            let stored_elements = line
                .and_then(|line| line.elements.as_ref())
                .map(json_strings);
            ShownRow {
                row,
                label: match (row.code, language) {
                    (LANGUE_VIVANTE, Some(language)) => format!("{} ({language})", row.label),
                    _ => row.label.to_owned(),
                },
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
                    _ => entries.elements(levels, row.code),
                },
                own_elements: stored_elements.filter(|_| !frozen),
                positionnement: line.and_then(|line| {
                    Positionnement::from_stored(line.positionnement, line.not_evaluated)
                }),
            }
        })
        .collect()
}

/// A parcours éducatif of the verso as it shows.
pub struct ShownParcours {
    pub code: &'static str,
    pub label: &'static str,
    /// The class's text, or the copy the bilan froze (empty when none).
    pub class_text: String,
    /// The pupil's own text (empty when none).
    pub own_text: String,
}

/// Every parcours of the verso, in the catalogue's order.
pub fn parcours(entries: &ClassEntries, bilan: Option<&bilan::Model>) -> Vec<ShownParcours> {
    let frozen = bilan.and_then(|b| b.parcours.as_ref()).map(json_map);
    let class_texts = frozen.as_ref().unwrap_or(entries.parcours());
    let own_texts = bilan
        .and_then(|b| b.own_parcours.as_ref())
        .map(json_map)
        .unwrap_or_default();
    PARCOURS
        .iter()
        .map(|(code, label)| ShownParcours {
            code,
            label,
            class_text: class_texts.get(*code).cloned().unwrap_or_default(),
            own_text: own_texts.get(*code).cloned().unwrap_or_default(),
        })
        .collect()
}

/// The names of the people who locked these bilans, by account id, in one query.
pub async fn lockers<'a>(
    db: &impl ConnectionTrait,
    bilans: impl IntoIterator<Item = &'a bilan::Model>,
) -> Result<HashMap<i32, String>> {
    let ids: Vec<i32> = bilans.into_iter().filter_map(|b| b.locked_by).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .iter()
        .map(|account| (account.id, accounts::display_name(account)))
        .collect())
}

/// Who locked the bilan and when, from `lockers`.
pub fn lock_view(bilan: &bilan::Model, lockers: &HashMap<i32, String>) -> Option<LockView> {
    lock_of(bilan.locked_by, bilan.locked_at, lockers)
}

/// Who locked a bilan (periodic or de fin de cycle) and when, from `lockers`; none while it is
/// not locked.
pub fn lock_of(
    locked_by: Option<i32>,
    locked_at: Option<chrono::DateTime<chrono::Utc>>,
    lockers: &HashMap<i32, String>,
) -> Option<LockView> {
    Some(LockView {
        by: locked_by
            .and_then(|id| lockers.get(&id).cloned())
            .unwrap_or_else(|| "—".to_owned()),
        at: format_moment(locked_at?),
    })
}

/// « NOM Prénoms » as the bilan shows them (its own copy of the pupil's identity).
pub fn pupil_name(bilan: &bilan::Model) -> String {
    format!("{} {}", bilan.last_name.to_uppercase(), bilan.first_names)
}

pub fn text_of(text: Option<&str>) -> String {
    text.unwrap_or_default().to_owned()
}

pub fn json_strings(value: &serde_json::Value) -> Vec<String> {
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

pub fn json_map(value: &serde_json::Value) -> HashMap<String, String> {
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
