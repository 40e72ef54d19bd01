use crate::domain::{Role, Uai};
use crate::entities::establishment;
use crate::error::{AppError, Result};
use crate::services::access::{ActingUser, Actor};
use crate::services::{audit, school_years};
use crate::wire::session::EstablishmentChoice;
use chrono::Utc;
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
    /// Its commune, as the académie's list shows it.
    pub city: Option<String>,
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
    let city = new
        .city
        .map(|city| city.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|city| !city.is_empty());
    if let Some(Err(character)) = city.as_deref().map(crate::domain::printable::check) {
        return Err(AppError::invalid("commune", character.to_string()));
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
        city: Set(city),
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
        json!({ "nom": created.name, "commune": created.city }),
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

/// The establishments a person works in, with their roles there, ordered by name.
pub async fn choices_for(
    db: &impl ConnectionTrait,
    user: &ActingUser,
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
        let year = school_years::current(db, school.id).await?;
        choices.push(EstablishmentChoice {
            id: school.id,
            uai: school.uai,
            name: school.name,
            roles: user.roles_in(school.id),
            school_year: year.map(school_years::view).transpose()?,
        });
    }
    Ok(choices)
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
