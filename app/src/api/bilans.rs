//! « Bilans »: the list of a class's bilans for a period, and what is done to several at once
//! (create, lock, unlock).

use crate::error::AppError;
use crate::wire::bilans::{BilanActionReport, BilanActionRequest, BilansView};
use crate::wire::saisie::{SaisiePage, SaisieQuery};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// « Bilans »: the classes to choose from and the list the address chooses.
#[server(endpoint = "bilans-page", input = Json)]
pub async fn bilans_page(query: SaisieQuery) -> Result<SaisiePage<BilansView>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::bilan_list;
    RequestContext::answer(async |request| {
        let (actor, classes, selection) = super::saisie::choose(request, &query).await?;
        let content = match &selection {
            Some(selection) => Some(
                bilan_list::list(&request.db, &actor, selection.class.id, selection.period.id)
                    .await?,
            ),
            None => None,
        };
        Ok(SaisiePage {
            classes,
            selection,
            content,
        })
    })
    .await
}

/// Creates, locks or unlocks the selected pupils' bilans of a class and period.
#[server(endpoint = "bilans-action", input = Json)]
pub async fn bilans_action(request: BilanActionRequest) -> Result<BilanActionReport, AppError> {
    use crate::auth::RequestContext;
    use crate::services::bilan_list;
    RequestContext::serve(async |context, actor| {
        bilan_list::act(&context.db, actor, &request).await
    })
    .await
}
