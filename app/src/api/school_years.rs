use crate::error::AppError;
use crate::wire::school_years::{OpenYearForm, YearDatesForm, YearSetupView};
use leptos::prelude::*;

/// The open school year of the current establishment, the next one to open and what opening
/// it would remove (directeur only).
#[server(endpoint = "school-year-setup")]
pub async fn school_year_setup() -> Result<YearSetupView, AppError> {
    use crate::domain::Role;
    use crate::services::school_years;
    use crate::{auth::RequestContext, time::today_in_paris};
    RequestContext::serve(async |request, actor| {
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        school_years::setup(&request.db, actor, establishment_id, today_in_paris()).await
    })
    .await
}

/// Opens the school year given, or the next one (« Passer à l'année suivante », with the
/// number of unlocked bilans the director confirmed removing). Directeur only.
#[server(endpoint = "open-school-year")]
pub async fn open_school_year(annee: OpenYearForm) -> Result<(), AppError> {
    use crate::auth::RequestContext;
    use crate::domain::{Role, SchoolYear};
    use crate::error::FieldError;
    use crate::services::school_years::{self, NewSchoolYear};
    RequestContext::serve(async |request, actor| {
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        let mut errors = Vec::new();
        let year = FieldError::check(
            &mut errors,
            "millesime",
            SchoolYear::parse(&annee.millesime),
        );
        let starts_on = FieldError::check(&mut errors, "debut", typed_date(&annee.debut));
        let ends_on = FieldError::check(&mut errors, "fin", typed_date(&annee.fin));
        let confirmed = match annee.suppression.trim() {
            "" => None,
            count => FieldError::check(
                &mut errors,
                "suppression",
                count
                    .parse::<u64>()
                    .map_err(|_| format!("nombre invalide « {count} »")),
            ),
        };
        let (Some(year), Some(starts_on), Some(ends_on)) = (year, starts_on, ends_on) else {
            return Err(AppError::Invalid(errors));
        };
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let new = NewSchoolYear {
            year,
            starts_on,
            ends_on,
        };
        school_years::open(&request.db, actor, establishment_id, new, confirmed).await?;
        request.redirect_form_post("/");
        Ok(())
    })
    .await
}

/// Sets the first and last day of the open school year (directeur only).
#[server(endpoint = "set-school-year-dates")]
pub async fn set_school_year_dates(dates: YearDatesForm) -> Result<(), AppError> {
    use crate::auth::RequestContext;
    use crate::domain::Role;
    use crate::error::FieldError;
    use crate::services::school_years;
    RequestContext::serve(async |request, actor| {
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        let mut errors = Vec::new();
        let starts_on = FieldError::check(&mut errors, "debut", typed_date(&dates.debut));
        let ends_on = FieldError::check(&mut errors, "fin", typed_date(&dates.fin));
        let (Some(starts_on), Some(ends_on)) = (starts_on, ends_on) else {
            return Err(AppError::Invalid(errors));
        };
        school_years::set_dates(&request.db, actor, establishment_id, starts_on, ends_on).await?;
        request.redirect_form_post("/parametrage/annee");
        Ok(())
    })
    .await
}

/// A date typed JJ/MM/AAAA (or sent by a date input), with a French refusal.
#[cfg(feature = "ssr")]
fn typed_date(text: &str) -> Result<chrono::NaiveDate, String> {
    if text.trim().is_empty() {
        return Err("date manquante".to_owned());
    }
    crate::time::parse_typed_date(text)
        .ok_or_else(|| format!("date invalide « {} » : écrivez-la JJ/MM/AAAA", text.trim()))
}
