//! School years: opening the first one, setting its dates, and « Passer à l'année suivante »,
//! which closes the past year (its locked bilans stay as history; its unlocked periodic bilans
//! are not kept, the LSU rule) once the director has confirmed what goes.

use crate::domain::SchoolYear;
use crate::entities::{bilan, period, school_class, school_year};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::{audit, begin_write};
use crate::time::format_date;
use crate::wire::school_years::{ProposedYear, UnlockedInClass, YearSetupView};
use crate::wire::session::SchoolYearView;
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde_json::json;
use std::collections::BTreeMap;

/// A school year to open, with its first and last day.
#[derive(Debug, Clone, Copy)]
pub struct NewSchoolYear {
    pub year: SchoolYear,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl NewSchoolYear {
    /// The year with the dates the national calendar proposes.
    pub fn proposed(year: SchoolYear) -> Self {
        Self {
            year,
            starts_on: year.rentree(),
            ends_on: year.fin_des_cours(),
        }
    }
}

/// The school year of an establishment that is open: its latest. Pages, imports and entries
/// work in it; the years before are history.
pub async fn current(
    db: &impl ConnectionTrait,
    establishment_id: i32,
) -> Result<Option<school_year::Model>> {
    Ok(school_year::Entity::find()
        .filter(school_year::Column::EstablishmentId.eq(establishment_id))
        .order_by_desc(school_year::Column::Millesime)
        .one(db)
        .await?)
}

/// A school year as the pages show it.
pub fn view(year: school_year::Model) -> Result<SchoolYearView> {
    let label = SchoolYear::new(year.millesime)
        .map_err(|e| AppError::internal("stored millésime", e))?
        .to_string();
    Ok(SchoolYearView {
        label,
        starts_on: year.starts_on,
        ends_on: year.ends_on,
    })
}

/// The year is open for writing: not closed by the opening of the next one.
pub fn require_open(year: &school_year::Model) -> Result<()> {
    match year.closed_at {
        None => Ok(()),
        Some(_) => Err(AppError::invalid(
            "annee",
            format!(
                "l'année scolaire {}/{} est close : ses bilans se lisent et s'impriment, mais ne \
                 se modifient plus",
                year.millesime,
                year.millesime + 1
            ),
        )),
    }
}

/// What « Année scolaire » shows: the open year, the next one to open with its proposed dates,
/// and the unlocked periodic bilans that opening it would remove, per class.
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user = ?actor.user_id()))]
pub async fn setup(
    db: &impl ConnectionTrait,
    actor: &Actor,
    establishment_id: i32,
    today: NaiveDate,
) -> Result<YearSetupView> {
    actor.require_running(establishment_id)?;
    let current = current(db, establishment_id).await?;
    let next = match &current {
        Some(year) => SchoolYear::new(year.millesime + 1),
        None => Ok(SchoolYear::containing(today)),
    }
    .map_err(|e| AppError::internal("next millésime", e))?;
    let proposed = NewSchoolYear::proposed(next);
    let unlocked = match &current {
        Some(year) => unlocked_by_class(db, year.id).await?,
        None => Vec::new(),
    };
    Ok(YearSetupView {
        current: current.map(view).transpose()?,
        next: ProposedYear {
            millesime: next.millesime(),
            label: next.to_string(),
            starts_on: proposed.starts_on,
            ends_on: proposed.ends_on,
        },
        unlocked,
    })
}

/// The unlocked periodic bilans of a year, counted per class (by label).
async fn unlocked_by_class(
    db: &impl ConnectionTrait,
    school_year_id: i32,
) -> Result<Vec<UnlockedInClass>> {
    let bilans = bilan::Entity::find()
        .filter(bilan::Column::PeriodId.in_subquery(periods_of(school_year_id)))
        .filter(bilan::Column::LockedAt.is_null())
        .all(db)
        .await?;
    let mut counts: BTreeMap<i32, u64> = BTreeMap::new();
    for bilan in &bilans {
        *counts.entry(bilan.class_id).or_default() += 1;
    }
    let labels: BTreeMap<i32, String> = school_class::Entity::find()
        .filter(school_class::Column::Id.is_in(counts.keys().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|class| (class.id, class.label))
        .collect();
    let mut unlocked: Vec<UnlockedInClass> = counts
        .into_iter()
        .map(|(class_id, count)| UnlockedInClass {
            class_label: labels.get(&class_id).cloned().unwrap_or_default(),
            count,
        })
        .collect();
    unlocked.sort_by(|a, b| a.class_label.cmp(&b.class_label));
    Ok(unlocked)
}

fn periods_of(school_year_id: i32) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(period::Column::Id)
        .from(period::Entity)
        .and_where(period::Column::SchoolYearId.eq(school_year_id))
        .to_owned()
}

/// Opens a school year in an establishment (its director, or an administrateur). When a year is
/// open already, this is « Passer à l'année suivante »: the new year must be the next one, and
/// the past year is closed in the same transaction, its unlocked periodic bilans removed —
/// only if `confirmed_removal` is the number of them the director was shown (so that a bilan
/// written meanwhile is not removed unseen). Recorded in the audit trail, with the classes.
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, year = new.year.millesime(), user = ?actor.user_id()))]
pub async fn open(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    establishment_id: i32,
    new: NewSchoolYear,
    confirmed_removal: Option<u64>,
) -> Result<school_year::Model> {
    actor.require_running(establishment_id)?;
    new.year
        .check_bounds(new.starts_on, new.ends_on)
        .map_err(|message| AppError::invalid("dates", message))?;
    let (turn, txn) = begin_write(db).await?;
    let past = current(&txn, establishment_id).await?;
    if let Some(past) = &past {
        if past.millesime >= new.year.millesime() {
            return Err(AppError::invalid(
                "annee",
                format!(
                    "l'année scolaire {}/{} est déjà ouverte",
                    past.millesime,
                    past.millesime + 1
                ),
            ));
        }
        if past.millesime + 1 != new.year.millesime() {
            return Err(AppError::invalid(
                "annee",
                format!(
                    "l'année qui suit {}/{} est {}/{}",
                    past.millesime,
                    past.millesime + 1,
                    past.millesime + 1,
                    past.millesime + 2
                ),
            ));
        }
        close(&txn, actor, establishment_id, past, confirmed_removal).await?;
    }
    let opened = school_year::ActiveModel {
        establishment_id: Set(establishment_id),
        millesime: Set(new.year.millesime()),
        starts_on: Set(new.starts_on),
        ends_on: Set(new.ends_on),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Some(establishment_id),
        "année scolaire ouverte",
        &new.year.to_string(),
        json!({ "début": format_date(new.starts_on), "fin": format_date(new.ends_on) }),
    )
    .await?;
    crate::services::commit(txn, turn).await?;
    Ok(opened)
}

/// Closes the past year: its unlocked periodic bilans go (after confirmation of their number),
/// its locked ones stay as history.
async fn close(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    establishment_id: i32,
    past: &school_year::Model,
    confirmed_removal: Option<u64>,
) -> Result<()> {
    let unlocked = unlocked_by_class(txn, past.id).await?;
    let total: u64 = unlocked.iter().map(|class| class.count).sum();
    if total > 0 && confirmed_removal != Some(total) {
        let classes: Vec<String> = unlocked
            .iter()
            .map(|class| format!("{} ({})", class.class_label, class.count))
            .collect();
        return Err(AppError::invalid(
            "suppression",
            format!(
                "{total} bilan(s) périodique(s) de {}/{} ne sont pas verrouillés et ne seront pas \
                 conservés : {}. Confirmez leur suppression, ou verrouillez-les d'abord.",
                past.millesime,
                past.millesime + 1,
                classes.join(", ")
            ),
        ));
    }
    bilan::Entity::delete_many()
        .filter(bilan::Column::PeriodId.in_subquery(periods_of(past.id)))
        .filter(bilan::Column::LockedAt.is_null())
        .exec(txn)
        .await?;
    let mut closing: school_year::ActiveModel = past.clone().into();
    closing.closed_at = Set(Some(Utc::now()));
    closing.update(txn).await?;
    audit::record(
        txn,
        actor,
        Some(establishment_id),
        "année scolaire close",
        &format!("{}/{}", past.millesime, past.millesime + 1),
        json!({
            "bilans non verrouillés supprimés": total,
            "classes": unlocked
                .iter()
                .map(|class| json!({ "classe": class.class_label, "bilans": class.count }))
                .collect::<Vec<_>>(),
        }),
    )
    .await?;
    Ok(())
}

/// Sets the first and last day of the open year (its director, or an administrateur). Refused
/// when a period of the year would fall outside, naming it.
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user = ?actor.user_id()))]
pub async fn set_dates(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    establishment_id: i32,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> Result<()> {
    actor.require_running(establishment_id)?;
    let (turn, txn) = begin_write(db).await?;
    let year = current(&txn, establishment_id).await?.ok_or_else(|| {
        AppError::invalid(
            "annee",
            "aucune année scolaire n'est ouverte : ouvrez-la d'abord",
        )
    })?;
    let millesime =
        SchoolYear::new(year.millesime).map_err(|e| AppError::internal("stored millésime", e))?;
    millesime
        .check_bounds(starts_on, ends_on)
        .map_err(|message| AppError::invalid("dates", message))?;
    let periods = period::Entity::find()
        .filter(period::Column::SchoolYearId.eq(year.id))
        .order_by_asc(period::Column::StartsOn)
        .all(&txn)
        .await?;
    if let Some(outside) = periods
        .iter()
        .find(|p| p.starts_on < starts_on || p.ends_on > ends_on)
    {
        return Err(AppError::invalid(
            "dates",
            format!(
                "la période {} ({}, du {} au {}) sortirait de l'année : changez d'abord ses dates \
                 dans « Périodes »",
                outside.position,
                crate::domain::Periodicity::from_code(&outside.periodicity)
                    .map(|p| p.label())
                    .unwrap_or_default(),
                format_date(outside.starts_on),
                format_date(outside.ends_on)
            ),
        ));
    }
    let before = (year.starts_on, year.ends_on);
    let mut row: school_year::ActiveModel = year.clone().into();
    row.starts_on = Set(starts_on);
    row.ends_on = Set(ends_on);
    row.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Some(establishment_id),
        "dates de l'année scolaire",
        &millesime.to_string(),
        json!({
            "avant": format!("{} – {}", format_date(before.0), format_date(before.1)),
            "après": format!("{} – {}", format_date(starts_on), format_date(ends_on)),
        }),
    )
    .await?;
    crate::services::commit(txn, turn).await?;
    Ok(())
}
