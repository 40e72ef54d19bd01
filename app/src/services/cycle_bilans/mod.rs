//! Bilans de fin de cycle (end of CE2): which pupils have one, their creation with the identity
//! and teachers they show, their status, and the one way a component or the synthèse is
//! written: from the value its writer saw, on an unlocked bilan, so that writes to different
//! components or pupils never collide and a write never lands on a locked bilan.

/// The grid of a component and a pupil's page: reading and saving.
pub mod entry;
/// A class's list: status, lock, unlock, publication; the pupil's history.
pub mod list;
/// The printed bilan de fin de cycle.
pub mod printed;

use crate::domain::socle::{self, CYCLE_2, Maitrise};
use crate::domain::{BilanStatus, Level};
use crate::entities::{cycle_bilan, cycle_bilan_component, school_class, school_year, student};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::{bilans, classes, school_years};
use crate::wire::cycle_bilans::CycleClass;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;

/// The level whose pupils get a bilan de fin de cycle 2.
pub const END_OF_CYCLE_2: Level = Level::Ce2;

/// A class, once the actor is known to teach it or run its school, with its school year.
pub struct CycleContext {
    pub class: school_class::Model,
    pub establishment_id: i32,
    pub year: school_year::Model,
}

impl CycleContext {
    /// Writing is for the open year.
    pub fn require_open(&self) -> Result<()> {
        school_years::require_open(&self.year)
    }

    pub fn year_label(&self) -> String {
        year_label(&self.year)
    }
}

/// « 2026/2027 ».
pub fn year_label(year: &school_year::Model) -> String {
    format!("{}/{}", year.millesime, year.millesime + 1)
}

/// The class, when the actor teaches it or runs its school; refused otherwise.
pub async fn context(
    db: &impl ConnectionTrait,
    actor: &Actor,
    class_id: i32,
) -> Result<CycleContext> {
    classes::class_taught_by(db, actor, class_id).await?;
    class_context(db, class_id).await
}

/// The class with its school year, for a reader whose right was checked otherwise (a family
/// reading its child's published bilan).
pub async fn class_context(db: &impl ConnectionTrait, class_id: i32) -> Result<CycleContext> {
    let (class, establishment_id) = classes::class_in_establishment(db, class_id).await?;
    let year = school_year::Entity::find_by_id(class.school_year_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("class without school year", class.id))?;
    Ok(CycleContext {
        class,
        establishment_id,
        year,
    })
}

/// The classes of the current year the actor fills in that have CE2 pupils, by label.
pub async fn classes_with_cycle_end(
    db: &impl ConnectionTrait,
    actor: &Actor,
) -> Result<Vec<CycleClass>> {
    let establishment_id = actor.require_current(&[
        crate::domain::Role::Directeur,
        crate::domain::Role::Enseignant,
    ])?;
    let Some(year) = school_years::current(db, establishment_id).await? else {
        return Ok(Vec::new());
    };
    let with_pupils = Query::select()
        .column(student::Column::ClassId)
        .from(student::Entity)
        .and_where(student::Column::Level.eq(END_OF_CYCLE_2.code()))
        .to_owned();
    let found = school_class::Entity::find()
        .filter(school_class::Column::SchoolYearId.eq(year.id))
        .filter(school_class::Column::Id.in_subquery(with_pupils))
        .order_by_asc(school_class::Column::Label)
        .all(db)
        .await?;
    let mut shown = Vec::with_capacity(found.len());
    for class in found {
        if classes::class_taught_by(db, actor, class.id).await.is_ok() {
            shown.push(CycleClass {
                id: class.id,
                label: class.label,
            });
        }
    }
    Ok(shown)
}

/// The class's CE2 pupils who have not left before the year, and the pupils with a bilan de
/// fin de cycle of this class and year; in name order.
pub async fn pupils(
    db: &impl ConnectionTrait,
    context: &CycleContext,
) -> Result<Vec<student::Model>> {
    let with_bilan = Query::select()
        .column(cycle_bilan::Column::StudentId)
        .from(cycle_bilan::Entity)
        .and_where(cycle_bilan::Column::ClassId.eq(context.class.id))
        .and_where(cycle_bilan::Column::SchoolYearId.eq(context.year.id))
        .to_owned();
    let enrolled = Condition::all()
        .add(student::Column::ClassId.eq(context.class.id))
        .add(student::Column::Level.eq(END_OF_CYCLE_2.code()))
        .add(
            Condition::any()
                .add(student::Column::LeftOn.is_null())
                .add(student::Column::LeftOn.gte(context.year.starts_on)),
        );
    let mut pupils = student::Entity::find()
        .filter(
            Condition::any()
                .add(enrolled)
                .add(student::Column::Id.in_subquery(with_bilan)),
        )
        .all(db)
        .await?;
    bilans::sort_pupils(&mut pupils);
    Ok(pupils)
}

/// The pupils' bilans de fin de cycle 2 of the context's year, by pupil.
pub async fn bilans_of(
    db: &impl ConnectionTrait,
    context: &CycleContext,
    pupils: &[student::Model],
) -> Result<HashMap<i32, cycle_bilan::Model>> {
    Ok(cycle_bilan::Entity::find()
        .filter(cycle_bilan::Column::SchoolYearId.eq(context.year.id))
        .filter(cycle_bilan::Column::Cycle.eq(CYCLE_2))
        .filter(cycle_bilan::Column::StudentId.is_in(pupils.iter().map(|pupil| pupil.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|bilan| (bilan.student_id, bilan))
        .collect())
}

/// The positioned components of these bilans: bilan id → code → value.
pub type Components = HashMap<i32, HashMap<String, Maitrise>>;

pub async fn components_of(
    db: &impl ConnectionTrait,
    bilan_ids: impl IntoIterator<Item = i32>,
) -> Result<Components> {
    let mut found: Components = HashMap::new();
    for row in cycle_bilan_component::Entity::find()
        .filter(cycle_bilan_component::Column::CycleBilanId.is_in(bilan_ids))
        .all(db)
        .await?
    {
        let value = Maitrise::from_level(row.level)
            .ok_or_else(|| AppError::internal("stored maîtrise", row.level))?;
        found
            .entry(row.cycle_bilan_id)
            .or_default()
            .insert(row.code, value);
    }
    Ok(found)
}

/// Where a bilan de fin de cycle stands, from its data.
pub fn status(bilan: Option<&cycle_bilan::Model>, components: &Components) -> BilanStatus {
    let Some(bilan) = bilan else {
        return BilanStatus::NonCree;
    };
    if bilan.locked_at.is_some() {
        return BilanStatus::Verrouille;
    }
    let positioned = components.get(&bilan.id).map_or(0, HashMap::len);
    match socle::is_complete(positioned, bilan.synthese.as_deref()) {
        true => BilanStatus::Complet,
        false => BilanStatus::EnCours,
    }
}

/// A new bilan de fin de cycle 2 (« en cours ») for the pupil, showing their identity as it is
/// now and the class's teachers; the one another write created meanwhile, if it did.
pub async fn create(
    db: &impl ConnectionTrait,
    context: &CycleContext,
    pupil: &student::Model,
    teachers: &[String],
) -> Result<cycle_bilan::Model> {
    let now = chrono::Utc::now();
    let bilan = cycle_bilan::ActiveModel {
        student_id: Set(pupil.id),
        school_year_id: Set(context.year.id),
        class_id: Set(context.class.id),
        cycle: Set(CYCLE_2),
        last_name: Set(bilans::pupil_last_name(pupil).to_owned()),
        first_names: Set(pupil.first_names.clone()),
        birth_date: Set(pupil.birth_date),
        sex: Set(pupil.sex.clone()),
        teachers: Set(serde_json::json!(teachers)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let inserted = cycle_bilan::Entity::insert(bilan)
        .on_conflict(
            OnConflict::columns([
                cycle_bilan::Column::StudentId,
                cycle_bilan::Column::SchoolYearId,
                cycle_bilan::Column::Cycle,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_with_returning(db)
        .await;
    match inserted {
        Ok(bilan) => Ok(bilan),
        Err(DbErr::RecordNotInserted | DbErr::RecordNotFound(_)) => cycle_bilan::Entity::find()
            .filter(cycle_bilan::Column::StudentId.eq(pupil.id))
            .filter(cycle_bilan::Column::SchoolYearId.eq(context.year.id))
            .filter(cycle_bilan::Column::Cycle.eq(CYCLE_2))
            .one(db)
            .await?
            .ok_or_else(|| AppError::internal("cycle bilan", "created and gone")),
        Err(error) => Err(error.into()),
    }
}

/// Marks the bilan as written (a new version), only if it is still unlocked: the guard of
/// every entry. Answers whether it is unlocked; if not, nothing may be written to it. Other
/// writes to the bilan do not stop it: each component and the synthèse carry their own check.
pub async fn touch_unlocked(db: &impl ConnectionTrait, bilan_id: i32) -> Result<bool> {
    let written = cycle_bilan::Entity::update_many()
        .col_expr(
            cycle_bilan::Column::Version,
            Expr::col(cycle_bilan::Column::Version).add(1),
        )
        .col_expr(
            cycle_bilan::Column::UpdatedAt,
            Expr::value(chrono::Utc::now()),
        )
        .filter(cycle_bilan::Column::Id.eq(bilan_id))
        .filter(cycle_bilan::Column::LockedAt.is_null())
        .exec(db)
        .await?;
    Ok(written.rows_affected == 1)
}

/// Writes a component from the value its writer saw stored (`from`): answers whether it did;
/// when it did not, another write came first and the caller reports a conflict.
pub async fn write_component(
    db: &impl ConnectionTrait,
    bilan_id: i32,
    code: &str,
    from: Option<Maitrise>,
    to: Option<Maitrise>,
) -> Result<bool> {
    use cycle_bilan_component::{ActiveModel, Column, Entity};
    let this_cell = Condition::all()
        .add(Column::CycleBilanId.eq(bilan_id))
        .add(Column::Code.eq(code));
    if from == to {
        return Ok(true);
    }
    let rows = match (from, to) {
        (None, Some(to)) => {
            Entity::insert(ActiveModel {
                cycle_bilan_id: Set(bilan_id),
                code: Set(code.to_owned()),
                level: Set(to.level()),
            })
            .on_conflict(
                OnConflict::columns([Column::CycleBilanId, Column::Code])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?
        }
        (Some(from), Some(to)) => {
            Entity::update_many()
                .col_expr(Column::Level, Expr::value(to.level()))
                .filter(this_cell)
                .filter(Column::Level.eq(from.level()))
                .exec(db)
                .await?
                .rows_affected
        }
        (Some(from), None) => {
            Entity::delete_many()
                .filter(this_cell)
                .filter(Column::Level.eq(from.level()))
                .exec(db)
                .await?
                .rows_affected
        }
        // Equal values returned above.
        (None, None) => 1,
    };
    Ok(rows == 1)
}

/// The component's stored value now (after a conditional write found another one).
pub async fn stored_component(
    db: &impl ConnectionTrait,
    bilan_id: i32,
    code: &str,
) -> Result<Option<Maitrise>> {
    Ok(cycle_bilan_component::Entity::find()
        .filter(cycle_bilan_component::Column::CycleBilanId.eq(bilan_id))
        .filter(cycle_bilan_component::Column::Code.eq(code))
        .one(db)
        .await?
        .and_then(|row| Maitrise::from_level(row.level)))
}

/// The component with this code, or a refusal naming it.
pub fn component(code: &str) -> Result<&'static socle::Component> {
    socle::component(code).ok_or_else(|| {
        AppError::invalid(
            "composante",
            format!("« {code} » n'est pas une composante du socle commun"),
        )
    })
}
