use crate::domain::{PeriodDates, PeriodPlan, Periodicity, SchoolYear};
use crate::entities::{bilan, period, period_class, school_class, school_year};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::{audit, school_years};
use crate::time::format_date;
use crate::wire::{periods::PlanView, session::SchoolYearView};
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde_json::json;

/// Sets the periods of one periodicity for the current school year and makes exactly the given
/// classes follow them (a class follows one periodicity: its other links are replaced; a class
/// no longer given follows none). One transaction; directeur only. Dates are checked against
/// the year (`PeriodPlan`).
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, class_ids = ?class_ids, today = %today, user = ?actor.user_id()))]
pub async fn follow_periods(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    establishment_id: i32,
    periodicity: Periodicity,
    dates: Vec<PeriodDates>,
    class_ids: &[i32],
    today: NaiveDate,
) -> Result<()> {
    actor.require_director_of(establishment_id)?;
    let mut class_ids = class_ids.to_vec();
    class_ids.sort_unstable();
    class_ids.dedup();
    let class_ids = class_ids.as_slice();
    let (turn, txn) = crate::services::begin_write(db).await?;
    let year = school_years::current(&txn, establishment_id)
        .await?
        .ok_or_else(|| AppError::invalid("periodes", "aucune année scolaire n'est ouverte"))?;
    let plan =
        PeriodPlan::parse(periodicity, year.starts_on, year.ends_on, dates).map_err(|error| {
            let field = format!("periode-{}", error.position);
            let message = match error.position {
                0 => error.message,
                n => format!("période {n} : {}", error.message),
            };
            AppError::invalid(&field, message)
        })?;
    let classes = school_class::Entity::find()
        .filter(school_class::Column::SchoolYearId.eq(year.id))
        .filter(school_class::Column::Id.is_in(class_ids.iter().copied()))
        .all(&txn)
        .await?;
    if classes.len() != class_ids.len() {
        return Err(AppError::Forbidden);
    }

    let existing = period::Entity::find()
        .filter(period::Column::SchoolYearId.eq(year.id))
        .all(&txn)
        .await?;
    let count = i16::try_from(plan.periods().len())
        .map_err(|_| AppError::invalid("periodes", "trop de périodes"))?;
    refuse_changes_under_bilans(&txn, &existing, periodicity, count, &classes).await?;
    let mut ids = Vec::with_capacity(plan.periods().len());
    for (index, dates) in plan.periods().iter().enumerate() {
        let position = index as i16 + 1;
        let found = existing
            .iter()
            .find(|p| p.periodicity == periodicity.code() && p.position == position);
        let saved = match found {
            Some(found) => {
                let mut row: period::ActiveModel = found.clone().into();
                row.count = Set(count);
                row.starts_on = Set(dates.starts_on);
                row.ends_on = Set(dates.ends_on);
                row.update(&txn).await?
            }
            None => {
                period::ActiveModel {
                    school_year_id: Set(year.id),
                    periodicity: Set(periodicity.code().to_owned()),
                    position: Set(position),
                    count: Set(count),
                    starts_on: Set(dates.starts_on),
                    ends_on: Set(dates.ends_on),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        ids.push(saved.id);
    }
    // Periods beyond the new count (a shorter personalised plan) go, with their links.
    let extra: Vec<i32> = existing
        .iter()
        .filter(|p| p.periodicity == periodicity.code() && p.position > count)
        .map(|p| p.id)
        .collect();
    period::Entity::delete_many()
        .filter(period::Column::Id.is_in(extra))
        .exec(&txn)
        .await?;

    let year_periods: Vec<i32> = existing
        .iter()
        .map(|p| p.id)
        .chain(ids.iter().copied())
        .collect();
    // The ticked classes are exactly those that follow this periodicity: a class that followed
    // it and is no longer ticked follows no periods any more (« Non définie »).
    let untick: Vec<i32> = period_class::Entity::find()
        .filter(period_class::Column::PeriodId.is_in(ids.iter().copied()))
        .all(&txn)
        .await?
        .iter()
        .map(|link| link.class_id)
        .filter(|class_id| !class_ids.contains(class_id))
        .collect();
    period_class::Entity::delete_many()
        .filter(period_class::Column::ClassId.is_in(untick))
        .filter(period_class::Column::PeriodId.is_in(ids.iter().copied()))
        .exec(&txn)
        .await?;
    for class in &classes {
        period_class::Entity::delete_many()
            .filter(period_class::Column::ClassId.eq(class.id))
            .filter(period_class::Column::PeriodId.is_in(year_periods.iter().copied()))
            .exec(&txn)
            .await?;
        for period_id in &ids {
            period_class::ActiveModel {
                period_id: Set(*period_id),
                class_id: Set(class.id),
            }
            .insert(&txn)
            .await?;
        }
    }
    audit::record(
        &txn,
        actor,
        Some(establishment_id),
        "périodes",
        periodicity.code(),
        json!({
            "périodes": plan.periods().len(),
            "classes": classes.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
        }),
    )
    .await?;
    crate::services::commit(txn, turn).await?;
    Ok(())
}

/// Bilans pin the periods they were written for: a period with bilans cannot be removed, and a
/// class with bilans this year keeps the periodicity it follows (ticked elsewhere, or unticked).
async fn refuse_changes_under_bilans(
    txn: &impl ConnectionTrait,
    year_periods: &[period::Model],
    periodicity: Periodicity,
    count: i16,
    ticked: &[school_class::Model],
) -> Result<()> {
    let year_period_ids: Vec<i32> = year_periods.iter().map(|p| p.id).collect();
    let with_bilans: Vec<(i32, i32)> = bilan::Entity::find()
        .select_only()
        .column(bilan::Column::PeriodId)
        .column(bilan::Column::ClassId)
        .filter(bilan::Column::PeriodId.is_in(year_period_ids.iter().copied()))
        .distinct()
        .into_tuple()
        .all(txn)
        .await?;
    if with_bilans.is_empty() {
        return Ok(());
    }
    if let Some(removed) = year_periods.iter().find(|p| {
        p.periodicity == periodicity.code()
            && p.position > count
            && with_bilans.iter().any(|(period_id, _)| *period_id == p.id)
    }) {
        return Err(AppError::invalid(
            "periodes",
            format!(
                "la période {} (du {} au {}) a déjà des bilans : elle ne peut pas être supprimée",
                removed.position,
                format_date(removed.starts_on),
                format_date(removed.ends_on)
            ),
        ));
    }
    let links = period_class::Entity::find()
        .filter(period_class::Column::PeriodId.is_in(year_period_ids))
        .all(txn)
        .await?;
    let follows = |class_id: i32| {
        links
            .iter()
            .find(|link| link.class_id == class_id)
            .and_then(|link| year_periods.iter().find(|p| p.id == link.period_id))
            .and_then(|p| Periodicity::from_code(&p.periodicity))
    };
    for (_, class_id) in &with_bilans {
        let now = follows(*class_id);
        let is_ticked = ticked.iter().any(|c| c.id == *class_id);
        let changes = match now {
            Some(now) if now == periodicity => !is_ticked,
            _ => is_ticked,
        };
        if changes {
            let label = school_class::Entity::find_by_id(*class_id)
                .one(txn)
                .await?
                .map(|c| c.label)
                .unwrap_or_default();
            return Err(AppError::invalid(
                "classes",
                format!(
                    "la classe {label} a déjà des bilans cette année : elle garde sa périodicité ({}) \
                     tant qu'ils existent",
                    now.map_or("non définie", |p| p.label())
                ),
            ));
        }
    }
    Ok(())
}

/// The current school year and, for each periodicity, its periods: those saved, else the usual
/// dates fitted to the year (none for personalised periods). Directeur only.
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, today = %today, user = ?actor.user_id()))]
pub async fn year_plans(
    db: &impl ConnectionTrait,
    actor: &Actor,
    establishment_id: i32,
    today: NaiveDate,
) -> Result<Option<(SchoolYearView, Vec<PlanView>)>> {
    actor.require_director_of(establishment_id)?;
    let Some(year) = school_years::current(db, establishment_id).await? else {
        return Ok(None);
    };
    let saved = period::Entity::find()
        .filter(period::Column::SchoolYearId.eq(year.id))
        .order_by_asc(period::Column::Position)
        .all(db)
        .await?;
    let plans = Periodicity::ALL
        .into_iter()
        .map(|periodicity| {
            let periods: Vec<PeriodDates> = saved
                .iter()
                .filter(|p| p.periodicity == periodicity.code())
                .map(|p| PeriodDates {
                    starts_on: p.starts_on,
                    ends_on: p.ends_on,
                })
                .collect();
            if periods.is_empty() {
                PlanView {
                    periodicity,
                    periods: usual_dates(periodicity, &year),
                    saved: false,
                }
            } else {
                PlanView {
                    periodicity,
                    periods,
                    saved: true,
                }
            }
        })
        .collect();
    Ok(Some((school_years::view(year)?, plans)))
}

/// The usual dates of a periodicity, the first period starting and the last ending with the
/// school year as it is set.
fn usual_dates(periodicity: Periodicity, year: &school_year::Model) -> Vec<PeriodDates> {
    let Ok(millesime) = SchoolYear::new(year.millesime) else {
        return Vec::new();
    };
    let mut dates = PeriodPlan::default_dates(periodicity, millesime);
    if let Some(first) = dates.first_mut() {
        first.starts_on = year.starts_on;
    }
    if let Some(last) = dates.last_mut() {
        last.ends_on = year.ends_on;
    }
    dates
}

/// The periodicity a class follows, if its periods are set.
pub async fn class_periodicity(
    db: &impl ConnectionTrait,
    class_id: i32,
) -> Result<Option<Periodicity>> {
    let Some(link) = period_class::Entity::find()
        .filter(period_class::Column::ClassId.eq(class_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let period = period::Entity::find_by_id(link.period_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("period link without period", link.period_id))?;
    Ok(Periodicity::from_code(&period.periodicity))
}
