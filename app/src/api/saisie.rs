//! The collective entries of a class (« Saisie collective »): programme elements, acquis
//! scolaires, parcours éducatifs; for the class's teachers and the director.

use crate::domain::{BilanStatus, Level, Positionnement, PositionnementType};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A period a class follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodChoice {
    pub id: i32,
    /// « Trimestre 1 ».
    pub label: String,
    /// Today falls within it: the one the entry pages open on.
    pub current: bool,
}

/// A domain row a class works on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainChoice {
    /// LSU code (`FRA-LGO`).
    pub code: String,
    pub label: String,
    /// The domain it belongs to (« Français »), itself for a whole domain.
    pub domain: String,
    /// The class's levels that have this row (a CE2-CM1 class: QLM only for the CE2).
    pub levels: Vec<Level>,
}

/// A class the person fills in, with what its entries are chosen from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeachingClass {
    pub id: i32,
    pub label: String,
    pub levels: Vec<Level>,
    pub periods: Vec<PeriodChoice>,
    pub domains: Vec<DomainChoice>,
    /// The language named on the « Langue vivante » row.
    pub language: Option<String>,
}

/// What the address of an entry page asks for (`?classe=…&periode=…&domaine=…&niveau=…`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaisieQuery {
    pub classe: Option<i32>,
    pub periode: Option<i32>,
    pub domaine: Option<String>,
    pub niveau: Option<String>,
}

/// What an entry page works on: what its address names when the person may fill it in, else
/// the first class, the current period, the first domain and its first level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    pub class: TeachingClass,
    pub period: PeriodChoice,
    pub domain: Option<DomainChoice>,
    pub level: Option<Level>,
}

impl Selection {
    pub fn resolve(classes: &[TeachingClass], query: &SaisieQuery) -> Option<Selection> {
        // A class without periods has nothing to fill in: the first class that has some.
        let has_periods = |class: &&TeachingClass| !class.periods.is_empty();
        let class = classes
            .iter()
            .filter(has_periods)
            .find(|class| query.classe == Some(class.id))
            .or_else(|| classes.iter().find(has_periods))?
            .clone();
        let period = class
            .periods
            .iter()
            .find(|period| query.periode == Some(period.id))
            .or_else(|| class.periods.iter().find(|period| period.current))
            .or_else(|| class.periods.first())?
            .clone();
        let domain = class
            .domains
            .iter()
            .find(|domain| query.domaine.as_deref() == Some(domain.code.as_str()))
            .or_else(|| class.domains.first())
            .cloned();
        let level = domain.as_ref().and_then(|domain| {
            domain
                .levels
                .iter()
                .find(|level| query.niveau.as_deref() == Some(level.code()))
                .or_else(|| domain.levels.first())
                .copied()
        });
        Some(Selection {
            class,
            period,
            domain,
            level,
        })
    }
}

/// An entry page: the classes to choose from, what is chosen (none when there is nothing to
/// fill in) and what the page shows for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaisiePage<T> {
    pub classes: Vec<TeachingClass>,
    pub selection: Option<Selection>,
    pub content: Option<T>,
}

/// One pupil's row of the acquis grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcquisRow {
    pub student_id: i32,
    /// « NOM Prénoms ».
    pub name: String,
    pub level: Option<Level>,
    pub value: Option<Positionnement>,
    pub status: BilanStatus,
}

/// The acquis grid of a class, period and domain row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcquisView {
    /// How the class's scale names the levels.
    pub scale: PositionnementType,
    pub rows: Vec<AcquisRow>,
}

/// A changed cell: the value the page saw when it loaded (or last saved) and the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcquisChange {
    pub student_id: i32,
    pub was: Option<Positionnement>,
    pub now: Option<Positionnement>,
}

/// What became of a changed cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AcquisOutcome {
    /// Stored (or already the stored value).
    Saved,
    /// Someone else changed the value since the page saw it: nothing was written.
    Conflict { current: Option<Positionnement> },
    /// The bilan is locked: nothing was written.
    Locked,
    /// The pupil is no longer in this grid (moved to another class, left before the period):
    /// nothing was written.
    NotInGrid,
}

/// A changed cell's outcome and its pupil's bilan status after the save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcquisSaved {
    pub student_id: i32,
    pub outcome: AcquisOutcome,
    pub status: BilanStatus,
}

/// One parcours éducatif of a class and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcoursEntry {
    /// `PAR_CIT`, `PAR_ART`, `PAR_SAN`.
    pub code: String,
    pub label: String,
    /// Empty when nothing is entered.
    pub text: String,
}

/// A parcours once saved: the text stored now (empty when there is none), and whether it is
/// someone else's, written after the page read it, and left as it was (a conflict).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcoursSaved {
    pub code: String,
    pub stored: String,
    pub conflict: bool,
}

/// The programme elements of a list with the national suggestions for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeList {
    pub items: Vec<String>,
    /// The aide à la saisie for the level's cycle and the domain row.
    pub suggestions: Vec<String>,
}

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
    let request = RequestContext::current()?;
    request.reply(
        async {
            let (actor, classes, selection) = choose(&request, &query).await?;
            let key = selection.as_ref().and_then(|selection| {
                Some(acquis::GridKey {
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
        }
        .await,
    )
}

/// « Éléments du programme »: the classes to choose from and the list the address chooses.
#[server(endpoint = "programme-page", input = Json)]
pub async fn programme_page(query: SaisieQuery) -> Result<SaisiePage<ProgrammeList>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::programme;
    let request = RequestContext::current()?;
    request.reply(
        async {
            let (actor, classes, selection) = choose(&request, &query).await?;
            let key = selection.as_ref().and_then(|selection| {
                Some(programme::ListKey {
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
        }
        .await,
    )
}

/// « Parcours éducatifs »: the classes to choose from and the texts of the class and period
/// the address chooses.
#[server(endpoint = "parcours-page", input = Json)]
pub async fn parcours_page(query: SaisieQuery) -> Result<SaisiePage<Vec<ParcoursEntry>>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::parcours;
    let request = RequestContext::current()?;
    request.reply(
        async {
            let (actor, classes, selection) = choose(&request, &query).await?;
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
        }
        .await,
    )
}

/// Replaces the programme elements of a class, level, period and domain row, if they are still
/// `was` (as the page loaded them).
#[server(endpoint = "save-programme-list", input = Json)]
pub async fn save_programme_list(
    class_id: i32,
    level: Level,
    period_id: i32,
    domain_code: String,
    was: Vec<String>,
    items: Vec<String>,
) -> Result<Vec<String>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::{access::Actor, programme};
    let request = RequestContext::current()?;
    request.reply(
        async {
            let actor = Actor::User(request.acting_user().await?);
            let key = programme::ListKey {
                class_id,
                level,
                period_id,
                domain_code,
            };
            programme::save_elements(&request.db, &actor, &key, &was, &items).await
        }
        .await,
    )
}

/// Saves the changed cells of an acquis grid, in one transaction.
#[server(endpoint = "save-acquis", input = Json)]
pub async fn save_acquis(
    class_id: i32,
    period_id: i32,
    domain_code: String,
    changes: Vec<AcquisChange>,
) -> Result<Vec<AcquisSaved>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::{access::Actor, acquis};
    let request = RequestContext::current()?;
    request.reply(
        async {
            let actor = Actor::User(request.acting_user().await?);
            let key = acquis::GridKey {
                class_id,
                period_id,
                domain_code,
            };
            acquis::save(&request.db, &actor, &key, &changes).await
        }
        .await,
    )
}

/// The three parcours' texts as a form sends them (`now[par_cit]`, `was[par_cit]`, …).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ParcoursTexts {
    pub par_cit: String,
    pub par_art: String,
    pub par_san: String,
}

/// Saves the parcours éducatifs of a class and period: the texts the page shows (`now`, a
/// blank one removes its parcours) with those it read (`was`). A plain form, which also works
/// without JavaScript. Answers each parcours as stored, those changed by someone else
/// meanwhile left as they are.
#[server(endpoint = "save-class-parcours")]
pub async fn save_class_parcours(
    class_id: i32,
    period_id: i32,
    now: ParcoursTexts,
    was: ParcoursTexts,
) -> Result<Vec<ParcoursSaved>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::{access::Actor, parcours};
    let request = RequestContext::current()?;
    request.reply(
        async {
            let actor = Actor::User(request.acting_user().await?);
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
            parcours::save(&request.db, &actor, class_id, period_id, &changes).await
        }
        .await,
    )
}

/// Names the language a class learns (a blank name removes it); answers the name kept.
#[server(endpoint = "set-class-language")]
pub async fn set_class_language(
    class_id: i32,
    language: String,
) -> Result<Option<String>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::{access::Actor, saisie};
    let request = RequestContext::current()?;
    request.reply(
        async {
            let actor = Actor::User(request.acting_user().await?);
            saisie::set_language(&request.db, &actor, class_id, &language).await
        }
        .await,
    )
}
