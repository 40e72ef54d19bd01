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

/// The classes of the current establishment the person fills in (assigned ones for a teacher,
/// all for the director).
#[server(endpoint = "teaching-classes")]
pub async fn teaching_classes() -> Result<Vec<TeachingClass>, AppError> {
    use crate::auth::RequestContext;
    use crate::domain::Role;
    use crate::services::{access::Actor, saisie};
    let request = RequestContext::current()?;
    request.reply(
        async {
            let user = request.acting_user().await?;
            let establishment_id = user.require_current(&[Role::Directeur, Role::Enseignant])?;
            let today = crate::time::today_in_paris();
            saisie::teaching_classes(&request.db, &Actor::User(user), establishment_id, today).await
        }
        .await,
    )
}

/// The programme elements of a class, level, period and domain row, with the national
/// suggestions for that level's cycle and row.
#[server(endpoint = "programme-list")]
pub async fn programme_list(
    class_id: i32,
    level: Level,
    period_id: i32,
    domain_code: String,
) -> Result<(Vec<String>, Vec<String>), AppError> {
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
            let items = programme::elements(&request.db, &actor, &key).await?;
            let suggestions = programme::aide_saisie(level, &key.domain_code).to_vec();
            Ok((items, suggestions))
        }
        .await,
    )
}

/// Replaces the programme elements of a class, level, period and domain row.
#[server(endpoint = "save-programme-list", input = Json)]
pub async fn save_programme_list(
    class_id: i32,
    level: Level,
    period_id: i32,
    domain_code: String,
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
            programme::save_elements(&request.db, &actor, &key, &items).await
        }
        .await,
    )
}

/// The acquis grid of a class, period and domain row.
#[server(endpoint = "acquis-grid")]
pub async fn acquis_grid(
    class_id: i32,
    period_id: i32,
    domain_code: String,
) -> Result<AcquisView, AppError> {
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
            acquis::grid(&request.db, &actor, &key).await
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

/// The parcours éducatifs of a class and period.
#[server(endpoint = "class-parcours")]
pub async fn class_parcours(class_id: i32, period_id: i32) -> Result<Vec<ParcoursEntry>, AppError> {
    use crate::auth::RequestContext;
    use crate::services::{access::Actor, parcours};
    let request = RequestContext::current()?;
    request.reply(
        async {
            let actor = Actor::User(request.acting_user().await?);
            parcours::texts(&request.db, &actor, class_id, period_id).await
        }
        .await,
    )
}

/// Saves the parcours éducatifs of a class and period, given as (code, text).
#[server(endpoint = "save-class-parcours", input = Json)]
pub async fn save_class_parcours(
    class_id: i32,
    period_id: i32,
    texts: Vec<(String, String)>,
) -> Result<(), AppError> {
    use crate::auth::RequestContext;
    use crate::services::{access::Actor, parcours};
    let request = RequestContext::current()?;
    request.reply(
        async {
            let actor = Actor::User(request.acting_user().await?);
            parcours::save(&request.db, &actor, class_id, period_id, &texts).await
        }
        .await,
    )
}
