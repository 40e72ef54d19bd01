use crate::error::AppError;
use crate::wire::accounts::IssuedPassword;
use leptos::prelude::*;

/// Under a field: what the last answer said about it, when it was a validation error.
#[component]
pub fn FieldMessage(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    move || {
        error.with(|error| {
            error
                .as_ref()
                .and_then(|error| error.field_message(field))
                .map(|message| view! { <p class="erreur-champ">{message.to_owned()}</p> })
        })
    }
}

/// Under a form: the last answer's error, except the messages shown at their field (`at_fields`,
/// each with its `FieldMessage`).
#[component]
pub fn FormAlert(
    error: Signal<Option<AppError>>,
    at_fields: &'static [&'static str],
) -> impl IntoView {
    move || {
        let message = match error.get()? {
            AppError::Invalid(errors) => {
                let others: Vec<String> = errors
                    .into_iter()
                    .filter(|e| !at_fields.contains(&e.field.as_str()))
                    .map(|e| e.message)
                    .collect();
                if others.is_empty() {
                    return None;
                }
                others.join(" ; ")
            }
            error => error.to_string(),
        };
        Some(view! { <p class="alerte" role="alert">{message}</p> })
    }
}

/// A one-time password just issued, shown once, with what to do with it.
#[component]
pub fn OneTimePassword(issued: IssuedPassword, heading: String) -> impl IntoView {
    view! {
        <div class="mot-de-passe-provisoire">
            <p>
                <strong>{heading}</strong>
            </p>
            <dl class="fiche">
                <dt>"Identifiant"</dt>
                <dd>
                    <code>{issued.login}</code>
                </dd>
                <dt>"Mot de passe provisoire"</dt>
                <dd>
                    <code class="secret">{issued.one_time_password}</code>
                </dd>
            </dl>
            <p>
                "Notez-le maintenant et remettez-le à la personne : il ne sera plus jamais affiché. "
                "Elle choisira son propre mot de passe à sa première connexion."
            </p>
        </div>
    }
}
