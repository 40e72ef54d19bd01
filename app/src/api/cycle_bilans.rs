//! Bilans de fin de cycle: a class's list, the grid of a component, one pupil's page; for the
//! class's teachers and the director.

use crate::error::AppError;
use crate::wire::cycle_bilans::{
    CycleActionReport, CycleActionRequest, CycleBilanChanges, CycleBilanKey, CycleBilanSaved,
    CycleBilanView, CycleGridKey, CycleGridView, CycleListView, CyclePage, CycleQuery,
    MaitriseChange, MaitriseSaved,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The classes with CE2 pupils the person fills in, and the one the address chooses (else the
/// first).
#[cfg(feature = "ssr")]
async fn choose(
    db: &sea_orm::DatabaseConnection,
    actor: &crate::services::access::Actor,
    query: &CycleQuery,
) -> Result<CyclePage<()>, AppError> {
    let classes = crate::services::cycle_bilans::classes_with_cycle_end(db, actor).await?;
    let class = classes
        .iter()
        .find(|class| Some(class.id) == query.classe)
        .or_else(|| classes.first())
        .cloned();
    Ok(CyclePage {
        classes,
        class,
        content: None,
    })
}

/// « Bilans de fin de cycle »: the classes to choose from and the chosen class's list.
#[server(endpoint = "cycle-list-page", input = Json)]
pub async fn cycle_list_page(query: CycleQuery) -> Result<CyclePage<CycleListView>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::cycle_bilans::list;
    RequestContext::serve(async |request, actor| {
        let CyclePage { classes, class, .. } = choose(&request.db, actor, &query).await?;
        let content = match &class {
            Some(class) => Some(list::list(&request.db, actor, class.id).await?),
            None => None,
        };
        Ok(CyclePage {
            classes,
            class,
            content,
        })
    })
    .await
}

/// The grid of a component of the socle (the address's, else the first) for the chosen class.
#[server(endpoint = "cycle-grid-page", input = Json)]
pub async fn cycle_grid_page(query: CycleQuery) -> Result<CyclePage<CycleGridView>, AppError> {
    use crate::auth::RequestContext;
    use crate::domain::socle::COMPONENTS;
    use crate::services::cycle_bilans::entry;
    RequestContext::serve(async |request, actor| {
        let CyclePage { classes, class, .. } = choose(&request.db, actor, &query).await?;
        let content = match &class {
            Some(class) => {
                let code = query
                    .composante
                    .clone()
                    .unwrap_or_else(|| COMPONENTS[0].code.to_owned());
                let key = CycleGridKey {
                    class_id: class.id,
                    code,
                };
                Some(entry::grid(&request.db, actor, &key).await?)
            }
            None => None,
        };
        Ok(CyclePage {
            classes,
            class,
            content,
        })
    })
    .await
}

/// Saves the changed cells of a component's grid, in one transaction.
#[server(endpoint = "save-cycle-grid", input = Json)]
pub async fn save_cycle_grid(
    key: CycleGridKey,
    changes: Vec<MaitriseChange>,
) -> Result<Vec<MaitriseSaved>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::cycle_bilans::entry;
    RequestContext::serve(async |request, actor| {
        entry::save_grid(&request.db, actor, &key, &changes).await
    })
    .await
}

/// One pupil's bilan de fin de cycle.
#[server(endpoint = "cycle-bilan-page", input = Json)]
pub async fn cycle_bilan_page(key: CycleBilanKey) -> Result<CycleBilanView, AppError> {
    use crate::auth::RequestContext;
    use crate::services::cycle_bilans::entry;
    RequestContext::serve(async |request, actor| entry::page(&request.db, actor, key.eleve).await)
        .await
}

/// Saves a pupil's changed components and synthèse, in one transaction.
#[server(endpoint = "save-cycle-bilan", input = Json)]
pub async fn save_cycle_bilan(changes: CycleBilanChanges) -> Result<CycleBilanSaved, AppError> {
    use crate::auth::RequestContext;
    use crate::services::cycle_bilans::entry;
    RequestContext::serve(async |request, actor| {
        entry::save_page(&request.db, actor, &changes).await
    })
    .await
}

/// Locks, unlocks, publishes or withdraws the selected bilans de fin de cycle of a class.
#[server(endpoint = "cycle-action", input = Json)]
pub async fn cycle_action(request: CycleActionRequest) -> Result<CycleActionReport, AppError> {
    use crate::auth::RequestContext;
    use crate::services::cycle_bilans::list;
    RequestContext::serve(async |context, actor| list::act(&context.db, actor, &request).await)
        .await
}
