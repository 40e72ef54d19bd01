use crate::error::AppError;
use crate::wire::academie::{
    EstablishmentRow, EstablishmentStaff, NewDirectorForm, NewEstablishmentForm,
};
use crate::wire::accounts::IssuedPassword;
use leptos::prelude::*;

/// Every establishment of the académie, with its year, pupils and locked bilans
/// (administrateurs only).
#[server(endpoint = "academie-establishments")]
pub async fn academie_establishments() -> Result<Vec<EstablishmentRow>, AppError> {
    use crate::{auth::RequestContext, services::academie};
    RequestContext::serve(async |request, actor| academie::overview(&request.db, actor).await).await
}

/// One establishment and its directors (administrateurs only).
#[server(endpoint = "establishment-directors")]
pub async fn establishment_directors(
    establishment_id: i32,
) -> Result<EstablishmentStaff, AppError> {
    use crate::{auth::RequestContext, services::academie};
    RequestContext::serve(async |request, actor| {
        academie::staff(&request.db, actor, establishment_id).await
    })
    .await
}

/// Creates an establishment and its director's account, whose one-time password is in the
/// answer only (administrateurs only).
#[server(endpoint = "create-establishment")]
pub async fn create_establishment(ecole: NewEstablishmentForm) -> Result<IssuedPassword, AppError> {
    use crate::auth::RequestContext;
    use crate::domain::Uai;
    use crate::error::FieldError;
    use crate::services::accounts::{self, NewStaff};
    use crate::services::{academie, establishments::NewEstablishment};
    RequestContext::serve(async |request, actor| {
        actor.require_administration()?;
        let mut errors = Vec::new();
        let uai = FieldError::check(&mut errors, "uai", Uai::parse(&ecole.uai));
        let director = NewStaff::from_form(
            &mut errors,
            &ecole.civility,
            &ecole.last_name,
            &ecole.first_name,
            &ecole.login,
        );
        let (Some(uai), Some(director)) = (uai, director) else {
            return Err(AppError::Invalid(errors));
        };
        let new = NewEstablishment {
            uai,
            name: ecole.name,
            city: Some(ecole.city),
        };
        let (_, account, one_time_password) =
            academie::create_with_director(&request.db, actor, new, director).await?;
        Ok(IssuedPassword {
            name: accounts::display_name(&account),
            login: account.login,
            one_time_password,
        })
    })
    .await
}

/// A new director's account for an establishment, with a one-time password (administrateurs
/// only).
#[server(endpoint = "add-director")]
pub async fn add_director(directeur: NewDirectorForm) -> Result<IssuedPassword, AppError> {
    use crate::auth::RequestContext;
    use crate::services::academie;
    use crate::services::accounts::{self, NewStaff};
    RequestContext::serve(async |request, actor| {
        actor.require_administration()?;
        let mut errors = Vec::new();
        let Some(director) = NewStaff::from_form(
            &mut errors,
            &directeur.civility,
            &directeur.last_name,
            &directeur.first_name,
            &directeur.login,
        ) else {
            return Err(AppError::Invalid(errors));
        };
        let (account, one_time_password) =
            academie::add_director(&request.db, actor, directeur.establishment_id, director)
                .await?;
        Ok(IssuedPassword {
            name: accounts::display_name(&account),
            login: account.login,
            one_time_password,
        })
    })
    .await
}

/// Gives the director's role in an establishment to an existing account (administrateurs
/// only).
#[server(endpoint = "grant-director")]
pub async fn grant_director(establishment_id: i32, login: String) -> Result<(), AppError> {
    use crate::auth::RequestContext;
    use crate::domain::Login;
    use crate::services::academie;
    RequestContext::serve(async |request, actor| {
        let login = Login::parse(&login).map_err(|message| AppError::invalid("login", message))?;
        academie::grant_director(&request.db, actor, establishment_id, &login).await?;
        Ok(())
    })
    .await
}

/// Takes the director's role in an establishment away from a person (administrateurs only).
#[server(endpoint = "revoke-director")]
pub async fn revoke_director(establishment_id: i32, user_id: i32) -> Result<(), AppError> {
    use crate::{auth::RequestContext, services::academie};
    RequestContext::serve(async |request, actor| {
        academie::revoke_director(&request.db, actor, establishment_id, user_id).await
    })
    .await
}

/// « Aider cet établissement »: the administrateur works inside the school as its directeur
/// until they leave; both are recorded in the audit trail.
#[server(endpoint = "assist-establishment")]
pub async fn assist_establishment(establishment_id: i32) -> Result<(), AppError> {
    use crate::{auth::RequestContext, services::academie};
    RequestContext::serve(async |request, actor| {
        academie::record_assistance(&request.db, actor, establishment_id, true).await?;
        request.set_assisting(Some(establishment_id)).await?;
        request.set_current_establishment(establishment_id).await?;
        request.redirect_form_post("/");
        Ok(())
    })
    .await
}

/// Leaves the school the administrateur was helping (recorded), back to the académie's list;
/// an administrateur helping none has nothing to leave.
#[server(endpoint = "leave-assistance")]
pub async fn leave_assistance() -> Result<(), AppError> {
    use crate::auth::RequestContext;
    use crate::services::{academie, access::Actor};
    RequestContext::answer(async |request| {
        let user = request.acting_user().await?;
        let assisting = user.assisting;
        let actor = Actor::User(user);
        actor.require_administration()?;
        if let Some(establishment_id) = assisting {
            academie::record_assistance(&request.db, &actor, establishment_id, false).await?;
            request.set_assisting(None).await?;
        }
        request.redirect_form_post("/academie");
        Ok(())
    })
    .await
}
