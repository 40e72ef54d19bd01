//! « Bilans »: the list of a class's bilans for a period, and what is done to several at once
//! (create, lock, unlock).

use crate::error::AppError;
use crate::wire::bilans::{BilanAction, BilanActionReport, BilansView};
use crate::wire::saisie::{SaisiePage, SaisieQuery};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// « Bilans »: the classes to choose from and the list the address chooses.
#[server(endpoint = "bilans-page", input = Json)]
pub async fn bilans_page(query: SaisieQuery) -> Result<SaisiePage<BilansView>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::bilan_list;
    let request = RequestContext::current()?;
    request.reply(
        async {
            let (actor, classes, selection) = super::saisie::choose(&request, &query).await?;
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
        }
        .await,
    )
}

/// Creates, locks or unlocks the selected pupils' bilans of a class and period.
#[server(endpoint = "bilans-action", input = Json)]
pub async fn bilans_action(
    class_id: i32,
    period_id: i32,
    action: BilanAction,
    student_ids: Vec<i32>,
) -> Result<BilanActionReport, AppError> {
    use crate::auth::RequestContext;
    use crate::services::{access::Actor, bilan_list};
    let request = RequestContext::current()?;
    request.reply(
        async {
            let actor = Actor::User(request.acting_user().await?);
            bilan_list::act(
                &request.db,
                &actor,
                class_id,
                period_id,
                action,
                &student_ids,
            )
            .await
        }
        .await,
    )
}
