//! What the collective entries share: the classes a person may fill in, and the check that a
//! class, one of its periods and a domain row go together.

use crate::domain::catalogue::{DomainRow, LANGUE_VIVANTE, LanguageName, rows_for_class};
use crate::domain::{Level, Periodicity, PositionnementType, Role};
use crate::entities::{
    class_level, period, period_class, school_class, school_year, teacher_assignment,
};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::{audit, classes, school_years};
use crate::wire::saisie::{DomainChoice, PeriodChoice, TeachingClass};
use chrono::NaiveDate;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

/// A class and one of its periods, once the actor is known to teach the class or run its
/// school.
pub struct ClassPeriod {
    pub class: school_class::Model,
    pub establishment_id: i32,
    /// The class's levels, in order.
    pub levels: Vec<Level>,
    pub period: period::Model,
    pub scale: PositionnementType,
    /// The school year of the class, closed once the next one opened.
    pub year: school_year::Model,
}

impl ClassPeriod {
    /// Writing is for the open year: a closed one's bilans and entries are history.
    pub fn require_open(&self) -> Result<()> {
        school_years::require_open(&self.year)
    }

    /// The domain row, if the class works on it (one of its levels has it).
    pub fn domain_row(&self, code: &str) -> Result<&'static DomainRow> {
        rows_for_class(&self.levels)
            .into_iter()
            .find(|row| row.code == code)
            .ok_or_else(|| {
                AppError::invalid(
                    "domaine",
                    format!("le domaine « {code} » n'est pas au programme de la classe"),
                )
            })
    }
}

/// The class and period, when the actor teaches the class (or runs its school) and the class
/// follows the period; refused otherwise.
#[tracing::instrument(skip_all, fields(class_id = class_id, period_id = period_id, user = ?actor.user_id()))]
pub async fn class_period(
    db: &impl ConnectionTrait,
    actor: &Actor,
    class_id: i32,
    period_id: i32,
) -> Result<ClassPeriod> {
    let (class, establishment_id) = classes::class_taught_by(db, actor, class_id).await?;
    with_period(db, class, establishment_id, period_id).await
}

/// The class with one of the periods it follows, for a person whose right to the class was
/// checked (`class_period`, or `bilan_access` for a bilan's other readers).
pub async fn with_period(
    db: &impl ConnectionTrait,
    class: school_class::Model,
    establishment_id: i32,
    period_id: i32,
) -> Result<ClassPeriod> {
    let followed = Query::select()
        .column(period_class::Column::PeriodId)
        .from(period_class::Entity)
        .and_where(period_class::Column::ClassId.eq(class.id))
        .to_owned();
    let period = period::Entity::find_by_id(period_id)
        .filter(period::Column::Id.in_subquery(followed))
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid("periode", "la classe ne suit pas cette période"))?;
    let scale = PositionnementType::from_code(&class.positionnement_type).ok_or_else(|| {
        AppError::internal("stored positionnement type", &class.positionnement_type)
    })?;
    let year = school_year::Entity::find_by_id(class.school_year_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("class without school year", class.id))?;
    Ok(ClassPeriod {
        year,
        levels: levels_of(db, class.id).await?,
        class,
        establishment_id,
        period,
        scale,
    })
}

/// The classes of the current school year the actor fills in: those assigned to a teacher,
/// every class for the director; each with its periods and domain rows.
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, today = %today, user = ?actor.user_id()))]
pub async fn teaching_classes(
    db: &impl ConnectionTrait,
    actor: &Actor,
    establishment_id: i32,
    today: NaiveDate,
) -> Result<Vec<TeachingClass>> {
    let Actor::User(user) = actor else {
        return Err(AppError::Forbidden);
    };
    let directs = user.has_role(establishment_id, Role::Directeur);
    if !directs && !user.has_role(establishment_id, Role::Enseignant) {
        return Err(AppError::Forbidden);
    }
    let Some(year) = school_years::current(db, establishment_id).await? else {
        return Ok(Vec::new());
    };
    let mut query = school_class::Entity::find()
        .filter(school_class::Column::SchoolYearId.eq(year.id))
        .order_by_asc(school_class::Column::Label);
    if !directs {
        let assigned: Vec<i32> = teacher_assignment::Entity::find()
            .filter(teacher_assignment::Column::UserId.eq(user.id))
            .all(db)
            .await?
            .iter()
            .map(|assignment| assignment.class_id)
            .collect();
        query = query.filter(school_class::Column::Id.is_in(assigned));
    }
    let mut taught = Vec::new();
    for class in query.all(db).await? {
        let levels = levels_of(db, class.id).await?;
        let periods = periods_of(db, class.id)
            .await?
            .iter()
            .map(|period| PeriodChoice {
                id: period.id,
                label: period_label(period),
                current: period.starts_on <= today && today <= period.ends_on,
            })
            .collect();
        let domains = rows_for_class(&levels)
            .into_iter()
            .map(|row| DomainChoice {
                code: row.code.to_owned(),
                label: match (&class.language, row.code) {
                    (Some(language), LANGUE_VIVANTE) => format!("{} ({language})", row.label),
                    _ => row.label.to_owned(),
                },
                domain: row.domain.to_owned(),
                levels: levels
                    .iter()
                    .copied()
                    .filter(|level| {
                        crate::domain::catalogue::rows_for(*level).any(|own| own.code == row.code)
                    })
                    .collect(),
            })
            .collect();
        taught.push(TeachingClass {
            id: class.id,
            label: class.label,
            levels,
            periods,
            domains,
            language: class.language,
        });
    }
    Ok(taught)
}

/// Names the language the class learns (« Anglais »), shown on the « Langue vivante » row; a
/// blank name removes it. For the class's teachers and the director.
#[tracing::instrument(skip_all, fields(class_id = class_id, user = ?actor.user_id()))]
pub async fn set_language(
    db: &impl ConnectionTrait,
    actor: &Actor,
    class_id: i32,
    language: &str,
) -> Result<Option<String>> {
    let (class, establishment_id) = classes::class_taught_by(db, actor, class_id).await?;
    let language = match language.trim() {
        "" => None,
        named => Some(
            LanguageName::parse(named)
                .map_err(|message| AppError::invalid("langue", message))?
                .as_str()
                .to_owned(),
        ),
    };
    if class.language == language {
        return Ok(language);
    }
    let label = class.label.clone();
    let mut class: school_class::ActiveModel = class.into();
    class.language = Set(language.clone());
    class.update(db).await?;
    audit::record(
        db,
        actor,
        Some(establishment_id),
        "langue vivante",
        &label,
        json!({ "langue": language }),
    )
    .await?;
    Ok(language)
}

/// The periods a class follows, in order.
pub async fn periods_of(db: &impl ConnectionTrait, class_id: i32) -> Result<Vec<period::Model>> {
    let followed = Query::select()
        .column(period_class::Column::PeriodId)
        .from(period_class::Entity)
        .and_where(period_class::Column::ClassId.eq(class_id))
        .to_owned();
    Ok(period::Entity::find()
        .filter(period::Column::Id.in_subquery(followed))
        .order_by_asc(period::Column::Position)
        .all(db)
        .await?)
}

/// « Trimestre 2 », « Semestre 1 », « Période 4 ».
pub fn period_label(period: &period::Model) -> String {
    let word = Periodicity::from_code(&period.periodicity).map_or("Période", |p| p.period_word());
    format!("{word} {}", period.position)
}

async fn levels_of(db: &impl ConnectionTrait, class_id: i32) -> Result<Vec<Level>> {
    let mut levels: Vec<Level> = class_level::Entity::find()
        .filter(class_level::Column::ClassId.eq(class_id))
        .all(db)
        .await?
        .iter()
        .filter_map(|row| Level::parse(&row.level).ok())
        .collect();
    levels.sort();
    Ok(levels)
}
