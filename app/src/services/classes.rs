use crate::domain::{Level, PositionnementType, Role};
use crate::entities::{
    class_level, guardian, role_grant, school_class, school_year, student, teacher_assignment, user,
};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::{accounts, audit, periods, school_years};
use crate::wire::classes::{ClassRow, Teacher};
use chrono::NaiveDate;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;

/// The classes of the establishment's current school year, with their levels, pupils still
/// enrolled, teachers and positionnement type (directeur only).
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, today = %today, user = ?actor.user_id()))]
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    establishment_id: i32,
    today: NaiveDate,
) -> Result<Vec<ClassRow>> {
    actor.require_director_of(establishment_id)?;
    let Some(year) = school_years::current(db, establishment_id).await? else {
        return Ok(Vec::new());
    };
    let classes = school_class::Entity::find()
        .filter(school_class::Column::SchoolYearId.eq(year.id))
        .order_by_asc(school_class::Column::Label)
        .all(db)
        .await?;
    let mut rows = Vec::with_capacity(classes.len());
    for class in classes {
        let mut levels: Vec<Level> = class_level::Entity::find()
            .filter(class_level::Column::ClassId.eq(class.id))
            .all(db)
            .await?
            .iter()
            .filter_map(|l| Level::parse(&l.level).ok())
            .collect();
        levels.sort();
        let pupils = student::Entity::find()
            .filter(student::Column::ClassId.eq(class.id))
            .filter(student::Column::LeftOn.is_null())
            .count(db)
            .await?;
        let with_responsable = Query::select()
            .column(guardian::Column::StudentId)
            .from(guardian::Entity)
            .to_owned();
        let without_responsable = student::Entity::find()
            .filter(student::Column::ClassId.eq(class.id))
            .filter(student::Column::LeftOn.is_null())
            .filter(student::Column::Id.not_in_subquery(with_responsable))
            .count(db)
            .await?;
        let teacher_ids: Vec<i32> = teacher_assignment::Entity::find()
            .filter(teacher_assignment::Column::ClassId.eq(class.id))
            .all(db)
            .await?
            .iter()
            .map(|a| a.user_id)
            .collect();
        let teachers = user::Entity::find()
            .filter(user::Column::Id.is_in(teacher_ids))
            .order_by_asc(user::Column::LastName)
            .all(db)
            .await?
            .iter()
            .map(|account| Teacher {
                id: account.id,
                name: accounts::display_name(account),
            })
            .collect();
        let positionnement =
            PositionnementType::from_code(&class.positionnement_type).ok_or_else(|| {
                AppError::internal("stored positionnement type", &class.positionnement_type)
            })?;
        let periodicity = periods::class_periodicity(db, class.id).await?;
        rows.push(ClassRow {
            periodicity,
            id: class.id,
            label: class.label,
            levels,
            pupils,
            without_responsable,
            teachers,
            positionnement,
        });
    }
    Ok(rows)
}

/// The teachers of an establishment, by name (directeur only).
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user = ?actor.user_id()))]
pub async fn teachers_of(
    db: &impl ConnectionTrait,
    actor: &Actor,
    establishment_id: i32,
) -> Result<Vec<Teacher>> {
    actor.require_director_of(establishment_id)?;
    let ids: Vec<i32> = role_grant::Entity::find()
        .filter(role_grant::Column::EstablishmentId.eq(establishment_id))
        .filter(role_grant::Column::Role.eq(Role::Enseignant.code()))
        .all(db)
        .await?
        .iter()
        .map(|grant| grant.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .order_by_asc(user::Column::LastName)
        .order_by_asc(user::Column::FirstName)
        .all(db)
        .await?
        .iter()
        .map(|account| Teacher {
            id: account.id,
            name: accounts::display_name(account),
        })
        .collect())
}

/// The class and the establishment it belongs to, for a check of the actor's grants. A class
/// that does not exist is refused like someone else's: its existence is no one else's business.
pub async fn class_in_establishment(
    db: &impl ConnectionTrait,
    class_id: i32,
) -> Result<(school_class::Model, i32)> {
    let (class, year) = class_with_year(db, class_id).await?;
    Ok((class, year.establishment_id))
}

/// Whether a class (of any year) is one of the school's.
pub async fn belongs_to(
    db: &impl ConnectionTrait,
    class_id: i32,
    establishment_id: i32,
) -> Result<bool> {
    match class_with_year(db, class_id).await {
        Ok((_, year)) => Ok(year.establishment_id == establishment_id),
        Err(AppError::Forbidden) => Ok(false),
        Err(error) => Err(error),
    }
}

/// The class and its school year.
async fn class_with_year(
    db: &impl ConnectionTrait,
    class_id: i32,
) -> Result<(school_class::Model, school_year::Model)> {
    let class = school_class::Entity::find_by_id(class_id)
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)?;
    let year = school_year::Entity::find_by_id(class.school_year_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("class without school year", class_id))?;
    Ok((class, year))
}

/// « Paramétrage du type de positionnement » of one class (directeur of its school only).
#[tracing::instrument(skip_all, fields(class_id = class_id, user = ?actor.user_id()))]
pub async fn set_positionnement_type(
    db: &impl ConnectionTrait,
    actor: &Actor,
    class_id: i32,
    code: &str,
) -> Result<()> {
    let (class, establishment_id) = class_run_by(db, actor, class_id).await?;
    let kind = PositionnementType::from_code(code).ok_or_else(|| {
        AppError::invalid(
            "positionnement",
            format!("type de positionnement inconnu « {code} »"),
        )
    })?;
    if class.positionnement_type == kind.code() {
        return Ok(());
    }
    let label = class.label.clone();
    let mut class: school_class::ActiveModel = class.into();
    class.positionnement_type = Set(kind.code().to_owned());
    class.update(db).await?;
    audit::record(
        db,
        actor,
        Some(establishment_id),
        "type de positionnement",
        &label,
        json!({ "type": kind.code() }),
    )
    .await
}

/// The class, once the actor is known to run its school.
async fn class_run_by(
    db: &impl ConnectionTrait,
    actor: &Actor,
    class_id: i32,
) -> Result<(school_class::Model, i32)> {
    let (class, establishment_id) = class_in_establishment(db, class_id).await?;
    actor.require_director_of(establishment_id)?;
    Ok((class, establishment_id))
}

/// The class, once the actor is known to teach it (assigned to it) or to run its school.
#[tracing::instrument(skip_all, fields(class_id = class_id, user = ?actor.user_id()))]
pub async fn class_taught_by(
    db: &impl ConnectionTrait,
    actor: &Actor,
    class_id: i32,
) -> Result<(school_class::Model, i32)> {
    let (class, year) = class_with_year(db, class_id).await?;
    let establishment_id = year.establishment_id;
    if actor.require_director_of(establishment_id).is_ok() {
        return Ok((class, establishment_id));
    }
    let Actor::User(user) = actor else {
        return Err(AppError::Forbidden);
    };
    // A teacher's assignment ends with its school year.
    let assigned = year.closed_at.is_none()
        && user.has_role(establishment_id, Role::Enseignant)
        && teacher_assignment::Entity::find()
            .filter(teacher_assignment::Column::ClassId.eq(class_id))
            .filter(teacher_assignment::Column::UserId.eq(user.id))
            .one(db)
            .await?
            .is_some();
    if assigned {
        Ok((class, establishment_id))
    } else {
        Err(AppError::Forbidden)
    }
}

/// Assigns a teacher of the school to a class (directeur only); assigning twice is harmless.
#[tracing::instrument(skip_all, fields(class_id = class_id, user_id = user_id, user = ?actor.user_id()))]
pub async fn assign_teacher(
    db: &impl ConnectionTrait,
    actor: &Actor,
    class_id: i32,
    user_id: i32,
) -> Result<()> {
    let (class, establishment_id) = class_run_by(db, actor, class_id).await?;
    let teaches_here = role_grant::Entity::find()
        .filter(role_grant::Column::UserId.eq(user_id))
        .filter(role_grant::Column::EstablishmentId.eq(establishment_id))
        .filter(role_grant::Column::Role.eq(Role::Enseignant.code()))
        .one(db)
        .await?
        .is_some();
    if !teaches_here {
        return Err(AppError::invalid(
            "enseignant",
            "cette personne n'est pas enseignante dans l'établissement",
        ));
    }
    let already = teacher_assignment::Entity::find_by_id((class_id, user_id))
        .one(db)
        .await?
        .is_some();
    if !already {
        teacher_assignment::ActiveModel {
            class_id: Set(class_id),
            user_id: Set(user_id),
        }
        .insert(db)
        .await?;
        audit::record(
            db,
            actor,
            Some(establishment_id),
            "enseignant affecté",
            &class.label,
            json!({ "compte": user_id }),
        )
        .await?;
    }
    Ok(())
}

/// Removes a teacher from a class (directeur only); removing an absent one is harmless.
#[tracing::instrument(skip_all, fields(class_id = class_id, user_id = user_id, user = ?actor.user_id()))]
pub async fn unassign_teacher(
    db: &impl ConnectionTrait,
    actor: &Actor,
    class_id: i32,
    user_id: i32,
) -> Result<()> {
    let (class, establishment_id) = class_run_by(db, actor, class_id).await?;
    let removed = teacher_assignment::Entity::delete_by_id((class_id, user_id))
        .exec(db)
        .await?;
    if removed.rows_affected > 0 {
        audit::record(
            db,
            actor,
            Some(establishment_id),
            "enseignant retiré",
            &class.label,
            json!({ "compte": user_id }),
        )
        .await?;
    }
    Ok(())
}
