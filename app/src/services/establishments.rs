use crate::domain::{Role, SchoolYear, Uai};
use crate::entities::{establishment, school_year};
use crate::error::{AppError, Result};
use crate::services::access::{ActingUser, Actor};
use crate::services::audit;
use crate::wire::session::{EstablishmentChoice, SchoolYearView};
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};
use serde_json::json;

/// What is needed to open an establishment in Livret.
#[derive(Debug, Clone)]
pub struct NewEstablishment {
    pub uai: Uai,
    pub name: String,
}

#[tracing::instrument(skip_all, fields(user = ?actor.user_id()))]
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    new: NewEstablishment,
) -> Result<establishment::Model> {
    actor.require_administration()?;
    let name = new.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(AppError::invalid(
            "nom",
            "le nom de l'établissement est vide",
        ));
    }
    if let Err(character) = crate::domain::printable::check(&name) {
        return Err(AppError::invalid("nom", character.to_string()));
    }
    let txn = db.begin().await?;
    if find_by_uai(&txn, &new.uai).await?.is_some() {
        return Err(AppError::invalid(
            "uai",
            format!("l'établissement {} existe déjà", new.uai),
        ));
    }
    let created = establishment::ActiveModel {
        uai: Set(new.uai.to_string()),
        name: Set(name),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Some(created.id),
        "établissement créé",
        created.uai.as_str(),
        json!({ "nom": created.name }),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

pub async fn find_by_uai(
    db: &impl ConnectionTrait,
    uai: &Uai,
) -> Result<Option<establishment::Model>> {
    Ok(establishment::Entity::find()
        .filter(establishment::Column::Uai.eq(uai.as_str()))
        .one(db)
        .await?)
}

/// Opens a school year in an establishment if it is not open yet, with the default dates.
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user = ?actor.user_id()))]
pub async fn ensure_school_year(
    db: &impl ConnectionTrait,
    actor: &Actor,
    establishment_id: i32,
    year: SchoolYear,
) -> Result<school_year::Model> {
    actor.require_director_of(establishment_id)?;
    let existing = school_year::Entity::find()
        .filter(school_year::Column::EstablishmentId.eq(establishment_id))
        .filter(school_year::Column::Millesime.eq(year.millesime()))
        .one(db)
        .await?;
    if let Some(existing) = existing {
        return Ok(existing);
    }
    Ok(school_year::ActiveModel {
        establishment_id: Set(establishment_id),
        millesime: Set(year.millesime()),
        starts_on: Set(year.default_start()),
        ends_on: Set(year.default_end()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The school year of an establishment that contains `today`, else its latest one.
pub async fn current_school_year(
    db: &impl ConnectionTrait,
    establishment_id: i32,
    today: NaiveDate,
) -> Result<Option<school_year::Model>> {
    let years = school_year::Entity::find()
        .filter(school_year::Column::EstablishmentId.eq(establishment_id))
        .order_by_desc(school_year::Column::Millesime)
        .all(db)
        .await?;
    let containing = years
        .iter()
        .find(|y| y.starts_on <= today && today <= y.ends_on)
        .cloned();
    Ok(containing.or_else(|| years.into_iter().next()))
}

/// The establishments a person works in, with their roles there, ordered by name.
pub async fn choices_for(
    db: &impl ConnectionTrait,
    user: &ActingUser,
    today: NaiveDate,
) -> Result<Vec<EstablishmentChoice>> {
    let mut ids: Vec<i32> = user
        .grants
        .iter()
        .filter_map(|g| g.establishment_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let establishments = establishment::Entity::find()
        .filter(establishment::Column::Id.is_in(ids))
        .order_by_asc(establishment::Column::Name)
        .all(db)
        .await?;
    let mut choices = Vec::with_capacity(establishments.len());
    for school in establishments {
        let year = current_school_year(db, school.id, today).await?;
        choices.push(EstablishmentChoice {
            id: school.id,
            uai: school.uai,
            name: school.name,
            roles: user.roles_in(school.id),
            school_year: year.map(school_year_view).transpose()?,
        });
    }
    Ok(choices)
}

/// A school year as the pages show it.
pub fn school_year_view(year: school_year::Model) -> Result<SchoolYearView> {
    let label = SchoolYear::new(year.millesime)
        .map_err(|e| AppError::internal("stored millésime", e))?
        .to_string();
    Ok(SchoolYearView {
        label,
        starts_on: year.starts_on,
        ends_on: year.ends_on,
    })
}

/// Whether a person holds any role in an establishment (to switch to it).
pub fn require_member(user: &ActingUser, establishment_id: i32) -> Result<()> {
    if Role::ALL
        .iter()
        .any(|role| user.has_role(establishment_id, *role))
    {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
