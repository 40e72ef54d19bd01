//! Families: the parent space (their children's published bilans, the visa) and, for the
//! director, publishing a class's locked bilans.

use crate::error::AppError;
use crate::wire::bilan_editor::BilanKey;
use crate::wire::families::{
    AttachAnswer, FamilyBilanView, FamilySpaceView, NewResponsableForm, PublishReport,
    PupilResponsables, ResponsablesReport,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "family-space", input = Json)]
pub async fn family_space() -> Result<FamilySpaceView, AppError> {
    use crate::auth::RequestContext;
    use crate::services::families;
    RequestContext::serve(async |request, actor| families::space(&request.db, actor).await).await
}

#[server(endpoint = "family-bilan", input = Json)]
pub async fn family_bilan(key: BilanKey) -> Result<FamilyBilanView, AppError> {
    use crate::auth::RequestContext;
    use crate::services::families;
    RequestContext::serve(async |request, actor| families::read(&request.db, actor, key).await)
        .await
}

/// « J'ai pris connaissance du bilan »; answers when it was recorded.
#[server(endpoint = "acknowledge-bilan", input = Json)]
pub async fn acknowledge_bilan(key: BilanKey) -> Result<String, AppError> {
    use crate::auth::RequestContext;
    use crate::services::families;
    RequestContext::serve(async |request, actor| {
        families::acknowledge(&request.db, actor, key).await
    })
    .await
}

/// Publishes a class's locked bilans for a period to the families, or withdraws them.
#[server(endpoint = "publish-bilans", input = Json)]
pub async fn publish_bilans(
    class_id: i32,
    period_id: i32,
    publish: bool,
) -> Result<PublishReport, AppError> {
    use crate::auth::RequestContext;
    use crate::services::families;
    RequestContext::serve(async |request, actor| {
        families::publish(&request.db, actor, class_id, period_id, publish).await
    })
    .await
}

/// Reads an ONDE responsables extraction sent from « Responsables légaux » and attaches its
/// responsables to the current school's pupils (directeur only). A bad file is refused whole,
/// with the line and column at fault; a child found nowhere, or twice, is reported.
#[server(endpoint = "import-responsables", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn import_responsables(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<ResponsablesReport, AppError> {
    use super::pupil_import::read_form;
    use crate::auth::RequestContext;
    use crate::domain::Role;
    use crate::services::{families, responsables_file};
    use crate::wire::pupil_import::{FILE_FIELD, ImportedFile};
    RequestContext::serve(async |request, actor| {
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        // The mode field of the pupils' import is not sent: this import only attaches.
        let (bytes, _) = read_form(data, ImportedFile::Responsables).await?;
        let rows = responsables_file::parse(&bytes)
            .map_err(|error| AppError::invalid(FILE_FIELD, error.to_string()))?;
        families::import(&request.db, actor, establishment_id, &rows).await
    })
    .await
}

/// The current school's pupils and their responsables (directeur only).
#[server(endpoint = "school-responsables", input = Json)]
pub async fn school_responsables() -> Result<Vec<PupilResponsables>, AppError> {
    use crate::auth::RequestContext;
    use crate::domain::Role;
    use crate::services::families;
    RequestContext::serve(async |request, actor| {
        let establishment_id = actor.require_current(&[Role::Directeur])?;
        families::school_responsables(&request.db, actor, establishment_id).await
    })
    .await
}

/// Attaches a responsable to a pupil by hand; answers their login and, for a new account, the
/// one-time activation code.
/// A plain form post, so that the page's form also works before the WASM has loaded.
#[server(endpoint = "attach-responsable")]
pub async fn attach_responsable(responsable: NewResponsableForm) -> Result<AttachAnswer, AppError> {
    use crate::auth::RequestContext;
    use crate::domain::{Civility, PersonName};
    use crate::error::FieldError;
    use crate::services::{families, responsables_file};
    use crate::wire::families::{HomonymView, ImportedResponsable};
    RequestContext::serve(async |request, actor| {
        // Who may comes first: nobody else learns what the form lacks.
        families::pupil_directed_by(&request.db, actor, responsable.student_id).await?;
        let form = responsable.clone();
        let NewResponsableForm {
            student_id,
            civility,
            last_name,
            first_name,
            email,
            account,
        } = responsable;
        let mut errors = Vec::new();
        let civility = match civility.trim() {
            "" => Some(None),
            given => FieldError::check(&mut errors, "civility", Civility::parse(given)).map(Some),
        };
        let last = FieldError::check(&mut errors, "last_name", PersonName::parse(&last_name));
        let first = FieldError::check(&mut errors, "first_name", PersonName::parse(&first_name));
        let email = match email.trim() {
            "" => Some(None),
            given => FieldError::check(
                &mut errors,
                "email",
                responsables_file::looks_like_email(given)
                    .then(|| given.to_owned())
                    .ok_or_else(|| format!("adresse électronique invalide « {given} »")),
            )
            .map(Some),
        };
        let identity = match account.trim() {
            "" => Some(families::Identity::Unknown),
            "nouveau" => Some(families::Identity::New),
            id => FieldError::check(
                &mut errors,
                "account",
                id.parse()
                    .map(families::Identity::Existing)
                    .map_err(|_| format!("compte inconnu « {id} »")),
            ),
        };
        let (Some(civility), Some(last_name), Some(first_name), Some(email), Some(identity)) =
            (civility, last, first, email, identity)
        else {
            return Err(AppError::Invalid(errors));
        };
        let who = families::NewResponsable {
            civility,
            last_name,
            first_name,
            email,
            address: None,
        };
        Ok(
            match families::attach(&request.db, actor, student_id, who, identity).await? {
                families::Attachment::Done(done) => AttachAnswer::Attached(ImportedResponsable {
                    line: 0,
                    name: done.name,
                    login: done.login,
                    activation_code: done.activation_code,
                    children: Vec::new(),
                }),
                families::Attachment::Homonyms(homonyms) => AttachAnswer::Homonyms {
                    form,
                    homonyms: homonyms
                        .into_iter()
                        .map(|h| HomonymView {
                            user_id: h.user_id,
                            login: h.login,
                            name: h.name,
                            children: h.children,
                        })
                        .collect(),
                },
            },
        )
    })
    .await
}

/// « J'ai pris connaissance du bilan » for a child's published bilan de fin de cycle.
#[server(endpoint = "acknowledge-cycle-bilan", input = Json)]
pub async fn acknowledge_cycle_bilan(student_id: i32) -> Result<String, AppError> {
    use crate::auth::RequestContext;
    use crate::services::families;
    RequestContext::serve(async |request, actor| {
        families::acknowledge_cycle_bilan(&request.db, actor, student_id).await
    })
    .await
}
