//! Bilans: their creation with the identity and teachers they show, the one guard every write
//! to a bilan goes through, when a family may read one, and their status, computed from the
//! data.

use crate::domain::bilan::{RowFacts, Standing};
use crate::domain::catalogue::{DomainRow, rows_for, rows_for_class};
use crate::domain::{BilanStatus, Level, Role};
use crate::entities::{
    bilan, bilan_line, programme_element, role_grant, student, teacher_assignment, user,
};
use crate::error::Result;
use crate::services::access::Actor;
use crate::services::accounts;
use crate::services::bilan_content::ClassEntries;
use crate::services::saisie::ClassPeriod;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use std::collections::{HashMap, HashSet};

/// The lock a write expects the bilans it writes to be under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// Entries, synchronisation, locking: only an unlocked bilan is written.
    Unlocked,
    /// Unlocking, publishing: only a locked bilan is.
    Locked,
}

/// The one guard every write to bilans goes through, inside the writing transaction, for all
/// the bilans it writes at once: sets `columns` (none: the caller writes its own columns
/// afterwards) and bumps the version of each bilan, only if every one is still at the version
/// read and under the expected lock. Answers whether it wrote; when it did not, another write
/// or a lock came in between, nothing was written, and the caller rolls back and reads again.
pub async fn write_guarded(
    db: &impl ConnectionTrait,
    read: &[&bilan::Model],
    expected: Expected,
    columns: Vec<(bilan::Column, SimpleExpr)>,
) -> Result<bool> {
    if read.is_empty() {
        return Ok(true);
    }
    if read
        .iter()
        .any(|bilan| bilan.locked_at.is_some() != (expected == Expected::Locked))
    {
        return Ok(false);
    }
    let mut update = bilan::Entity::update_many()
        .col_expr(
            bilan::Column::Version,
            Expr::col(bilan::Column::Version).add(1),
        )
        .col_expr(bilan::Column::UpdatedAt, Expr::value(chrono::Utc::now()));
    for (column, value) in columns {
        update = update.col_expr(column, value);
    }
    let written = update
        .filter(
            Expr::tuple([
                Expr::col(bilan::Column::Id),
                Expr::col(bilan::Column::Version),
            ])
            .in_tuples(read.iter().map(|bilan| (bilan.id, bilan.version))),
        )
        .filter(match expected {
            Expected::Unlocked => bilan::Column::LockedAt.is_null(),
            Expected::Locked => bilan::Column::LockedAt.is_not_null(),
        })
        .exec(db)
        .await?;
    Ok(written.rows_affected == read.len() as u64)
}

/// Whether a family may read the bilan: locked and published. With `published` for queries,
/// the one place this condition is written.
pub fn is_published(bilan: &bilan::Model) -> bool {
    bilan.locked_at.is_some() && bilan.published_at.is_some()
}

/// The bilans a family may read, as a query condition (see `is_published`).
pub fn published() -> Condition {
    Condition::all()
        .add(bilan::Column::LockedAt.is_not_null())
        .add(bilan::Column::PublishedAt.is_not_null())
}

/// The class's teachers, by name, as a new bilan shows them.
/// The director a bilan locked now is locked under: the one locking it, else the school's
/// (the first, when it has several).
pub async fn director_at_lock(
    db: &impl ConnectionTrait,
    actor: &Actor,
    establishment_id: i32,
) -> Result<Option<i32>> {
    if let (Actor::User(user), Ok(())) = (actor, actor.require_director_of(establishment_id)) {
        return Ok(Some(user.id));
    }
    Ok(school_directors(db, establishment_id)
        .await?
        .first()
        .copied())
}

/// The ids of the school's directors, oldest account first.
pub async fn school_directors(
    db: &impl ConnectionTrait,
    establishment_id: i32,
) -> Result<Vec<i32>> {
    let mut ids: Vec<i32> = role_grant::Entity::find()
        .filter(role_grant::Column::EstablishmentId.eq(establishment_id))
        .filter(role_grant::Column::Role.eq(Role::Directeur.code()))
        .all(db)
        .await?
        .into_iter()
        .map(|grant| grant.user_id)
        .collect();
    ids.sort_unstable();
    Ok(ids)
}

pub async fn class_teachers(db: &impl ConnectionTrait, class_id: i32) -> Result<Vec<String>> {
    let teacher_ids: Vec<i32> = teacher_assignment::Entity::find()
        .filter(teacher_assignment::Column::ClassId.eq(class_id))
        .all(db)
        .await?
        .iter()
        .map(|assignment| assignment.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(teacher_ids))
        .order_by_asc(user::Column::LastName)
        .all(db)
        .await?
        .iter()
        .map(accounts::display_name)
        .collect())
}

/// A new bilan (« en cours ») for the pupil and period, showing the pupil's identity as it is
/// now and the given teachers (`class_teachers`). `None` when the pupil's bilan for the period
/// was created meanwhile by another write: the caller reads again.
pub async fn create(
    db: &impl ConnectionTrait,
    pupil: &student::Model,
    class_id: i32,
    period_id: i32,
    teachers: &[String],
) -> Result<Option<bilan::Model>> {
    let now = chrono::Utc::now();
    let bilan = bilan::ActiveModel {
        student_id: Set(pupil.id),
        period_id: Set(period_id),
        class_id: Set(class_id),
        last_name: Set(pupil_last_name(pupil).to_owned()),
        first_names: Set(pupil.first_names.clone()),
        birth_date: Set(pupil.birth_date),
        sex: Set(pupil.sex.clone()),
        teachers: Set(serde_json::json!(teachers)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let inserted = bilan::Entity::insert(bilan)
        .on_conflict(
            OnConflict::columns([bilan::Column::StudentId, bilan::Column::PeriodId])
                .do_nothing()
                .to_owned(),
        )
        .exec_with_returning(db)
        .await;
    match inserted {
        Ok(bilan) => Ok(Some(bilan)),
        // Nothing inserted: the row that conflicted is not returned (PostgreSQL answers no row,
        // SQLite no insert).
        Err(DbErr::RecordNotInserted | DbErr::RecordNotFound(_)) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// (class, period, level code, domain code) of the class lists that have at least one element.
pub type ClassLists = HashSet<(i32, i32, String, String)>;

/// The class lists of these (class, period) pairs that have at least one element.
pub async fn class_lists(
    db: &impl ConnectionTrait,
    class_periods: impl IntoIterator<Item = (i32, i32)>,
) -> Result<ClassLists> {
    let (classes, periods): (Vec<i32>, Vec<i32>) = class_periods.into_iter().unzip();
    Ok(programme_element::Entity::find()
        .filter(programme_element::Column::ClassId.is_in(classes))
        .filter(programme_element::Column::PeriodId.is_in(periods))
        .all(db)
        .await?
        .into_iter()
        .map(|element| {
            (
                element.class_id,
                element.period_id,
                element.level,
                element.domain_code,
            )
        })
        .collect())
}

/// The rows of a pupil's bilan of a class and period (their level's, or the class's for a pupil
/// without one), each with what its completeness depends on, from the bilan's lines.
pub fn row_facts(
    (class_id, period_id): (i32, i32),
    level: Option<Level>,
    class_levels: &[Level],
    lines: &[bilan_line::Model],
    class_lists: &ClassLists,
) -> Vec<(&'static DomainRow, RowFacts)> {
    let rows = pupil_rows(level, class_levels);
    let levels = pupil_levels(level.as_ref(), class_levels);
    rows.iter()
        .map(|row| {
            let line = lines.iter().find(|line| line.domain_code == row.code);
            let own_elements = line
                .and_then(|line| line.elements.as_ref())
                .and_then(|elements| elements.as_array())
                .map(|elements| !elements.is_empty());
            let class_elements = || {
                levels.iter().any(|level| {
                    class_lists.contains(&(
                        class_id,
                        period_id,
                        level.code().to_owned(),
                        row.code.to_owned(),
                    ))
                })
            };
            let facts = RowFacts {
                positioned: line.is_some_and(|line| line.positionnement.is_some()),
                has_elements: own_elements.unwrap_or_else(class_elements),
                domain_commented: lines.iter().any(|other| {
                    DomainRow::by_code(&other.domain_code)
                        .is_some_and(|other_row| other_row.domain == row.domain)
                        && other
                            .comment
                            .as_deref()
                            .is_some_and(|comment| !comment.trim().is_empty())
                }),
            };
            (*row, facts)
        })
        .collect()
}

/// The levels whose class lists a pupil takes: theirs, or, for a pupil without one (ULIS),
/// any of the class's.
pub fn pupil_levels<'a>(level: Option<&'a Level>, class_levels: &'a [Level]) -> &'a [Level] {
    match level {
        Some(level) => std::slice::from_ref(level),
        None => class_levels,
    }
}

/// The rows of a pupil's recto: those of their level, or the class's for a pupil without one.
pub fn pupil_rows(level: Option<Level>, class_levels: &[Level]) -> Vec<&'static DomainRow> {
    match level {
        Some(level) => rows_for(level).collect(),
        None => rows_for_class(class_levels),
    }
}

/// Whether the bilan has its « appréciation générale ».
pub fn has_appreciation(bilan: &bilan::Model) -> bool {
    bilan
        .appreciation
        .as_deref()
        .is_some_and(|text| !text.trim().is_empty())
}

/// Where each given bilan of one class and period stands (by bilan id). `levels` gives each
/// bilan's pupil level (none for a pupil without one, who then has the class's rows).
pub async fn standings(
    db: &impl ConnectionTrait,
    class_levels: &[Level],
    bilans: &[(&bilan::Model, Option<Level>)],
) -> Result<HashMap<i32, Standing>> {
    if bilans.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<i32> = bilans.iter().map(|(bilan, _)| bilan.id).collect();
    let mut lines: HashMap<i32, Vec<bilan_line::Model>> = HashMap::new();
    for line in bilan_line::Entity::find()
        .filter(bilan_line::Column::BilanId.is_in(ids))
        .all(db)
        .await?
    {
        lines.entry(line.bilan_id).or_default().push(line);
    }
    let class_lists = class_lists(
        db,
        bilans
            .iter()
            .map(|(bilan, _)| (bilan.class_id, bilan.period_id)),
    )
    .await?;
    let no_lines = Vec::new();
    Ok(bilans
        .iter()
        .map(|(bilan, level)| {
            let lines = lines.get(&bilan.id).unwrap_or(&no_lines);
            let facts: Vec<RowFacts> = row_facts(
                (bilan.class_id, bilan.period_id),
                *level,
                class_levels,
                lines,
                &class_lists,
            )
            .into_iter()
            .map(|(_, facts)| facts)
            .collect();
            let standing = Standing::of(bilan.locked_at.is_some(), &facts, has_appreciation(bilan));
            (bilan.id, standing)
        })
        .collect())
}

/// The status of each given bilan of one class and period (by bilan id), as `standings`.
pub async fn statuses(
    db: &impl ConnectionTrait,
    class_levels: &[Level],
    bilans: &[(&bilan::Model, Option<Level>)],
) -> Result<HashMap<i32, BilanStatus>> {
    Ok(standings(db, class_levels, bilans)
        .await?
        .into_iter()
        .map(|(id, standing)| (id, standing.status))
        .collect())
}

/// Gives the bilans about to be locked their own copy of what they take from their class —
/// the programme elements of each row not edited for the pupil, the parcours texts, the
/// language — so that later class entries do not change a locked bilan.
pub async fn freeze_class_entries(
    db: &impl ConnectionTrait,
    context: &ClassPeriod,
    bilans: &[(&bilan::Model, Option<Level>)],
) -> Result<()> {
    let entries = ClassEntries::read(db, context).await?;
    let parcours: serde_json::Map<String, serde_json::Value> = entries
        .parcours()
        .iter()
        .map(|(code, text)| (code.clone(), serde_json::Value::String(text.clone())))
        .collect();
    for (bilan, level) in bilans {
        let lines = bilan_line::Entity::find()
            .filter(bilan_line::Column::BilanId.eq(bilan.id))
            .all(db)
            .await?;
        let levels = pupil_levels(level.as_ref(), &context.levels);
        for row in rows_for_class(levels) {
            let list = entries.elements(levels, row.code);
            match lines.iter().find(|line| line.domain_code == row.code) {
                Some(line) if line.elements.is_some() => {} // the pupil's own
                Some(line) => {
                    bilan_line::Entity::update_many()
                        .col_expr(
                            bilan_line::Column::Elements,
                            Expr::value(serde_json::json!(list)),
                        )
                        .col_expr(bilan_line::Column::ElementsFrozen, Expr::value(true))
                        .filter(bilan_line::Column::Id.eq(line.id))
                        .exec(db)
                        .await?;
                }
                None => {
                    bilan_line::ActiveModel {
                        bilan_id: Set(bilan.id),
                        domain_code: Set(row.code.to_owned()),
                        elements: Set(Some(serde_json::json!(list))),
                        elements_frozen: Set(true),
                        ..Default::default()
                    }
                    .insert(db)
                    .await?;
                }
            }
        }
        bilan::Entity::update_many()
            .col_expr(
                bilan::Column::Parcours,
                Expr::value(serde_json::Value::Object(parcours.clone())),
            )
            .col_expr(
                bilan::Column::Language,
                Expr::value(context.class.language.clone()),
            )
            .filter(bilan::Column::Id.eq(bilan.id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Drops what `freeze_class_entries` copied into the bilans being unlocked: they follow their
/// class again; the pupil's own elements stay.
pub async fn thaw_class_entries(db: &impl ConnectionTrait, bilan_ids: &[i32]) -> Result<()> {
    bilan_line::Entity::update_many()
        .col_expr(
            bilan_line::Column::Elements,
            Expr::value(Option::<serde_json::Value>::None),
        )
        .col_expr(bilan_line::Column::ElementsFrozen, Expr::value(false))
        .filter(bilan_line::Column::BilanId.is_in(bilan_ids.iter().copied()))
        .filter(bilan_line::Column::ElementsFrozen.eq(true))
        .exec(db)
        .await?;
    bilan::Entity::update_many()
        .col_expr(
            bilan::Column::Parcours,
            Expr::value(Option::<serde_json::Value>::None),
        )
        .col_expr(bilan::Column::Language, Expr::value(Option::<String>::None))
        .filter(bilan::Column::Id.is_in(bilan_ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// Where each pupil's existing bilan stands (by bilan id).
pub async fn pupil_standings(
    db: &impl ConnectionTrait,
    context: &ClassPeriod,
    pupils: &[student::Model],
    found: &HashMap<i32, bilan::Model>,
) -> Result<HashMap<i32, Standing>> {
    let with_levels: Vec<(&bilan::Model, Option<Level>)> = pupils
        .iter()
        .filter_map(|pupil| {
            found
                .get(&pupil.id)
                .map(|bilan| (bilan, pupil_level(pupil)))
        })
        .collect();
    standings(db, &context.levels, &with_levels).await
}

/// The status of each pupil's existing bilan (by bilan id).
pub async fn pupil_statuses(
    db: &impl ConnectionTrait,
    context: &ClassPeriod,
    pupils: &[student::Model],
    found: &HashMap<i32, bilan::Model>,
) -> Result<HashMap<i32, BilanStatus>> {
    Ok(pupil_standings(db, context, pupils, found)
        .await?
        .into_iter()
        .map(|(id, standing)| (id, standing.status))
        .collect())
}

/// The pupils of a class for a period: enrolled in it during the period (arrived before it
/// ends, not gone before it starts), or with a bilan of this class and period; in name order.
pub async fn class_pupils(
    db: &impl ConnectionTrait,
    context: &ClassPeriod,
) -> Result<Vec<student::Model>> {
    let with_bilan = Query::select()
        .column(bilan::Column::StudentId)
        .from(bilan::Entity)
        .and_where(bilan::Column::ClassId.eq(context.class.id))
        .and_where(bilan::Column::PeriodId.eq(context.period.id))
        .to_owned();
    let enrolled = Condition::all()
        .add(student::Column::ClassId.eq(context.class.id))
        .add(
            Condition::any()
                .add(student::Column::LeftOn.is_null())
                .add(student::Column::LeftOn.gte(context.period.starts_on)),
        )
        .add(
            Condition::any()
                .add(student::Column::EnteredOn.is_null())
                .add(student::Column::EnteredOn.lte(context.period.ends_on)),
        );
    let mut pupils: Vec<student::Model> = student::Entity::find()
        .filter(
            Condition::any()
                .add(enrolled)
                .add(student::Column::Id.in_subquery(with_bilan)),
        )
        .all(db)
        .await?;
    sort_pupils(&mut pupils);
    Ok(pupils)
}

/// The existing bilans of these pupils for the period, by pupil.
pub async fn bilans_of(
    db: &impl ConnectionTrait,
    context: &ClassPeriod,
    pupils: &[student::Model],
) -> Result<HashMap<i32, bilan::Model>> {
    Ok(bilan::Entity::find()
        .filter(bilan::Column::PeriodId.eq(context.period.id))
        .filter(bilan::Column::StudentId.is_in(pupils.iter().map(|pupil| pupil.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|bilan| (bilan.student_id, bilan))
        .collect())
}

pub fn pupil_level(pupil: &student::Model) -> Option<Level> {
    pupil
        .level
        .as_deref()
        .and_then(|level| Level::parse(level).ok())
}

/// Pupils in name order, as every list shows them.
pub fn sort_pupils(pupils: &mut [student::Model]) {
    pupils.sort_by_cached_key(|pupil| sort_key(&pupil_name(pupil)));
}

/// Names in French order: accents and case set aside (« ÉMERY » between « DUPONT » and
/// « FABRE »).
fn sort_key(name: &str) -> String {
    use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};
    name.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The last name in use: the usage name when ONDE gives one.
pub fn pupil_last_name(pupil: &student::Model) -> &str {
    pupil.usage_name.as_deref().unwrap_or(&pupil.last_name)
}

/// « NOM Prénoms », the name in use first.
pub fn pupil_name(pupil: &student::Model) -> String {
    let last = pupil_last_name(pupil);
    format!("{} {}", last.to_uppercase(), pupil.first_names)
}
