//! The collective entries of a class (« Saisie collective »): programme elements, acquis
//! scolaires, parcours éducatifs; for the class's teachers and the director.

use crate::error::AppError;
use crate::wire::saisie::{
    AcquisChange, AcquisSaved, AcquisView, ClassPeriodKey, GridKey, ListKey, ParcoursEntry,
    ParcoursSaved, ParcoursTexts, ProgrammeList, SaisiePage, SaisieQuery,
};
#[cfg(feature = "ssr")]
use crate::wire::saisie::{Selection, TeachingClass};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The classes, periods and domains the person fills in and what the address chooses among
/// them: from one call, so that the page is rendered complete on the server.
#[cfg(feature = "ssr")]
pub(crate) async fn choose(
    request: &crate::auth::RequestContext,
    query: &SaisieQuery,
) -> Result<
    (
        crate::services::access::Actor,
        Vec<TeachingClass>,
        Option<Selection>,
    ),
    AppError,
> {
    use crate::domain::Role;
    use crate::services::{access::Actor, saisie};
    let user = request.acting_user().await?;
    let establishment_id = user.require_current(&[Role::Directeur, Role::Enseignant])?;
    let actor = Actor::User(user);
    let today = crate::time::today_in_paris();
    let classes = saisie::teaching_classes(&request.db, &actor, establishment_id, today).await?;
    let selection = Selection::resolve(&classes, query);
    Ok((actor, classes, selection))
}

/// « Acquis scolaires »: the classes to choose from and the grid the address chooses.
#[server(endpoint = "acquis-page", input = Json)]
pub async fn acquis_page(query: SaisieQuery) -> Result<SaisiePage<AcquisView>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::acquis;
    RequestContext::answer(async |request| {
        let (actor, classes, selection) = choose(request, &query).await?;
        let key = selection.as_ref().and_then(|selection| {
            Some(GridKey {
                class_id: selection.class.id,
                period_id: selection.period.id,
                domain_code: selection.domain.as_ref()?.code.clone(),
            })
        });
        let content = match key {
            Some(key) => Some(acquis::grid(&request.db, &actor, &key).await?),
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

/// « Éléments du programme »: the classes to choose from and the list the address chooses.
#[server(endpoint = "programme-page", input = Json)]
pub async fn programme_page(query: SaisieQuery) -> Result<SaisiePage<ProgrammeList>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::programme;
    RequestContext::answer(async |request| {
        let (actor, classes, selection) = choose(request, &query).await?;
        let key = selection.as_ref().and_then(|selection| {
            Some(ListKey {
                class_id: selection.class.id,
                level: selection.level?,
                period_id: selection.period.id,
                domain_code: selection.domain.as_ref()?.code.clone(),
            })
        });
        let content = match key {
            Some(key) => Some(ProgrammeList {
                items: programme::elements(&request.db, &actor, &key).await?,
                suggestions: programme::aide_saisie(key.level, &key.domain_code).to_vec(),
            }),
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

/// « Parcours éducatifs »: the classes to choose from and the texts of the class and period
/// the address chooses.
#[server(endpoint = "parcours-page", input = Json)]
pub async fn parcours_page(query: SaisieQuery) -> Result<SaisiePage<Vec<ParcoursEntry>>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::parcours;
    RequestContext::answer(async |request| {
        let (actor, classes, selection) = choose(request, &query).await?;
        let content = match &selection {
            Some(selection) => Some(
                parcours::texts(&request.db, &actor, selection.class.id, selection.period.id)
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

/// Replaces the programme elements of a class, level, period and domain row, if they are still
/// `was` (as the page loaded them).
#[server(endpoint = "save-programme-list", input = Json)]
pub async fn save_programme_list(
    key: ListKey,
    was: Vec<String>,
    items: Vec<String>,
) -> Result<Vec<String>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::programme;
    RequestContext::serve(async |request, actor| {
        programme::save_elements(&request.db, actor, &key, &was, &items).await
    })
    .await
}

/// Saves the changed cells of an acquis grid, in one transaction.
#[server(endpoint = "save-acquis", input = Json)]
pub async fn save_acquis(
    key: GridKey,
    changes: Vec<AcquisChange>,
) -> Result<Vec<AcquisSaved>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::acquis;
    RequestContext::serve(async |request, actor| {
        acquis::save(&request.db, actor, &key, &changes).await
    })
    .await
}

/// Saves the parcours éducatifs of a class and period: the texts the page shows (`now`, a
/// blank one removes its parcours) with those it read (`was`). A plain form, which also works
/// without JavaScript. Answers each parcours as stored, those changed by someone else
/// meanwhile left as they are.
#[server(endpoint = "save-class-parcours")]
pub async fn save_class_parcours(
    class: ClassPeriodKey,
    now: ParcoursTexts,
    was: ParcoursTexts,
) -> Result<Vec<ParcoursSaved>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::parcours;
    RequestContext::serve(async |request, actor| {
        let changes = [
            ("PAR_CIT", now.par_cit, was.par_cit),
            ("PAR_ART", now.par_art, was.par_art),
            ("PAR_SAN", now.par_san, was.par_san),
        ]
        .map(|(code, now, was)| parcours::ParcoursChange {
            code: code.to_owned(),
            now,
            was,
        });
        parcours::save(
            &request.db,
            actor,
            class.class_id,
            class.period_id,
            &changes,
        )
        .await
    })
    .await
}

/// Names the language a class learns (a blank name removes it); answers the name kept.
#[server(endpoint = "set-class-language")]
pub async fn set_class_language(
    class_id: i32,
    language: String,
) -> Result<Option<String>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::saisie;
    RequestContext::serve(async |request, actor| {
        saisie::set_language(&request.db, actor, class_id, &language).await
    })
    .await
}
