use crate::error::AppError;
use crate::wire::accounts::IssuedPassword;
use crate::wire::classes::{ClassesView, NewTeacherForm};
use leptos::prelude::*;

/// The classes of the current establishment's school year and its teachers (directeur only).
#[server(endpoint = "school-classes")]
pub async fn school_classes() -> Result<ClassesView, AppError> {
    use crate::domain::Role;
    use crate::{auth::RequestContext, services::classes};
    RequestContext::serve(async |request, actor| {
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        let today = crate::time::today_in_paris();
        Ok(ClassesView {
            classes: classes::list(&request.db, actor, establishment_id, today).await?,
            teachers: classes::teachers_of(&request.db, actor, establishment_id).await?,
        })
    })
    .await
}

/// Sets a class's positionnement type, given by its code (directeur of its school only).
#[server(endpoint = "set-positionnement")]
pub async fn set_positionnement(class_id: i32, positionnement: String) -> Result<(), AppError> {
    use crate::{auth::RequestContext, services::classes};
    RequestContext::serve(async |request, actor| {
        classes::set_positionnement_type(&request.db, actor, class_id, &positionnement).await
    })
    .await
}

/// Assigns a teacher of the school to a class (directeur of its school only).
#[server(endpoint = "assign-teacher")]
pub async fn assign_teacher(class_id: i32, teacher_id: i32) -> Result<(), AppError> {
    use crate::{auth::RequestContext, services::classes};
    RequestContext::serve(async |request, actor| {
        classes::assign_teacher(&request.db, actor, class_id, teacher_id).await
    })
    .await
}

/// Removes a teacher from a class (directeur of its school only).
#[server(endpoint = "unassign-teacher")]
pub async fn unassign_teacher(class_id: i32, teacher_id: i32) -> Result<(), AppError> {
    use crate::{auth::RequestContext, services::classes};
    RequestContext::serve(async |request, actor| {
        classes::unassign_teacher(&request.db, actor, class_id, teacher_id).await
    })
    .await
}

/// Creates a teacher account in the current establishment, with a one-time password, and
/// assigns it to a class when one is given (`class_id` empty: none). Directeur only.
#[server(endpoint = "create-teacher")]
pub async fn create_teacher(teacher: NewTeacherForm) -> Result<IssuedPassword, AppError> {
    use crate::auth::RequestContext;
    use crate::domain::Role;
    use crate::error::FieldError;
    use crate::services::accounts::{self, NewStaff};
    RequestContext::serve(async |request, actor| {
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        let NewTeacherForm {
            civility,
            last_name,
            first_name,
            login,
            class_id,
        } = teacher;
        let mut errors = Vec::new();
        let teacher = NewStaff::from_form(&mut errors, &civility, &last_name, &first_name, &login);
        let class_id = FieldError::check(
            &mut errors,
            "class_id",
            match class_id.trim() {
                "" => Ok(None),
                id => id
                    .parse()
                    .map(Some)
                    .map_err(|_| "classe inconnue".to_owned()),
            },
        );
        let (Some(teacher), Some(class_id)) = (teacher, class_id) else {
            return Err(AppError::Invalid(errors));
        };
        let (account, one_time_password) =
            accounts::create_teacher(&request.db, actor, establishment_id, teacher, class_id)
                .await?;
        Ok(IssuedPassword {
            name: accounts::display_name(&account),
            login: account.login,
            one_time_password,
        })
    })
    .await
}
