use crate::domain::{Level, Periodicity, PositionnementType};
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
    pub teachers: Vec<Teacher>,
    pub positionnement: PositionnementType,
    /// `None` while the class follows no periods (« Non définie »).
    pub periodicity: Option<Periodicity>,
}

/// A teacher of the establishment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Teacher {
    pub id: i32,
    pub name: String,
}

/// What the « Classes » page shows: the classes, and the school's teachers to assign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassesView {
    pub classes: Vec<ClassRow>,
    pub teachers: Vec<Teacher>,
}

/// The classes of the current establishment's school year and its teachers (directeur only).
#[server(endpoint = "school-classes")]
pub async fn school_classes() -> Result<ClassesView, AppError> {
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
            let actor = Actor::User(user);
            Ok(ClassesView {
                classes: classes::list(&request.db, &actor, establishment_id, today).await?,
                teachers: classes::teachers_of(&request.db, &actor, establishment_id).await?,
            })
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

/// Assigns a teacher of the school to a class (directeur of its school only).
#[server(endpoint = "assign-teacher")]
pub async fn assign_teacher(class_id: i32, teacher_id: i32) -> Result<(), AppError> {
    use crate::{
        auth::RequestContext,
        services::{access::Actor, classes},
    };
    let request = RequestContext::current()?;
    request.reply(
        async {
            let user = request.acting_user().await?;
            classes::assign_teacher(&request.db, &Actor::User(user), class_id, teacher_id).await
        }
        .await,
    )
}

/// Removes a teacher from a class (directeur of its school only).
#[server(endpoint = "unassign-teacher")]
pub async fn unassign_teacher(class_id: i32, teacher_id: i32) -> Result<(), AppError> {
    use crate::{
        auth::RequestContext,
        services::{access::Actor, classes},
    };
    let request = RequestContext::current()?;
    request.reply(
        async {
            let user = request.acting_user().await?;
            classes::unassign_teacher(&request.db, &Actor::User(user), class_id, teacher_id).await
        }
        .await,
    )
}
