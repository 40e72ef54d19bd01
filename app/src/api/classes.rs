use crate::domain::{Level, PositionnementType};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A class of the current school year, as the director sets it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassRow {
    pub id: i32,
    pub label: String,
    pub levels: Vec<Level>,
    /// Pupils enrolled (those who left are not counted).
    pub pupils: u64,
    pub teachers: Vec<String>,
    pub positionnement: PositionnementType,
}

/// The classes of the current establishment's school year (directeur only).
#[server(endpoint = "school-classes")]
pub async fn school_classes() -> Result<Vec<ClassRow>, AppError> {
    use crate::domain::Role;
    use crate::{
        auth::RequestContext,
        services::{access::Actor, classes},
    };
    let request = RequestContext::current()?;
    request.reply(
        async {
            let user = request.acting_user().await?;
            let establishment_id = user.require_current(&[Role::Directeur])?;
            let today = crate::time::today_in_paris();
            classes::list(&request.db, &Actor::User(user), establishment_id, today).await
        }
        .await,
    )
}

/// Sets a class's positionnement type, given by its code (directeur of its school only).
#[server(endpoint = "set-positionnement")]
pub async fn set_positionnement(class_id: i32, positionnement: String) -> Result<(), AppError> {
    use crate::{
        auth::RequestContext,
        services::{access::Actor, classes},
    };
    let request = RequestContext::current()?;
    request.reply(
        async {
            let user = request.acting_user().await?;
            classes::set_positionnement_type(
                &request.db,
                &Actor::User(user),
                class_id,
                &positionnement,
            )
            .await
        }
        .await,
    )
}
