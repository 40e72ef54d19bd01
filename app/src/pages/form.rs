use crate::error::AppError;
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

/// Under a form: the last answer's error when it concerns no single field.
#[component]
pub fn FormAlert(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|error| !matches!(error, AppError::Invalid(_)))
            .map(|error| view! { <p class="alerte" role="alert">{error.to_string()}</p> })
    }
}
