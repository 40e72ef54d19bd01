use crate::domain::PeriodDates;
#[cfg(feature = "ssr")]
use crate::domain::Periodicity;
use crate::error::AppError;
use crate::wire::periods::PeriodsView;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The periods of the current establishment's school year and its classes (directeur only).
#[server(endpoint = "period-settings")]
pub async fn period_settings() -> Result<PeriodsView, AppError> {
    use crate::domain::Role;
    use crate::services::{classes, periods};
    use crate::{auth::RequestContext, time::today_in_paris};
    RequestContext::serve(async |request, actor| {
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        let today = today_in_paris();
        let Some((year, plans)) =
            periods::year_plans(&request.db, actor, establishment_id, today).await?
        else {
            return Ok(PeriodsView {
                year: None,
                plans: Vec::new(),
                classes: Vec::new(),
            });
        };
        Ok(PeriodsView {
            year: Some(year),
            plans,
            classes: classes::list(&request.db, actor, establishment_id, today).await?,
        })
    })
    .await
}

/// Saves the periods of one periodicity (given by its code) and makes exactly the given classes
/// follow them (directeur only). Errors name the period at fault (`periode-N`).
#[server(endpoint = "save-periods", input = Json)]
pub async fn save_periods(
    periodicity: String,
    periods: Vec<PeriodDates>,
    class_ids: Vec<i32>,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::services::periods as service;
    use crate::{auth::RequestContext, time::today_in_paris};
    RequestContext::serve(async |request, actor| {
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        let periodicity = Periodicity::from_code(&periodicity)
            .ok_or_else(|| AppError::invalid("periodicite", "périodicité inconnue"))?;
        service::follow_periods(
            &request.db,
            actor,
            establishment_id,
            periodicity,
            periods,
            &class_ids,
            today_in_paris(),
        )
        .await
    })
    .await
}
