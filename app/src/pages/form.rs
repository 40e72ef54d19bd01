use crate::error::AppError;
use crate::wire::accounts::IssuedPassword;
use leptos::prelude::*;
use leptos::server_fn::{
    ServerFn,
    error::{FromServerFnError, IntoAppError, ServerFnErrorErr},
};
use leptos::wasm_bindgen::JsCast;

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

/// `ActionForm` for the forms of every page's frame and of the login: the same
/// `<form action=… method="post">`, which works without JavaScript, and the same dispatch of the
/// action on submit, but the server function's arguments are read from the form by `read`
/// rather than by serde_qs, whose deserializer would otherwise weigh on the main WASM bundle.
/// (The submit buttons of these forms have no name, so that the form's fields are all there is.)
#[component]
pub fn PostForm<ServFn, Fields>(
    action: ServerAction<ServFn>,
    /// The arguments, from the form's fields; `None` if one is missing or unreadable.
    read: fn(&web_sys::FormData) -> Option<ServFn>,
    // Typed rather than `Children`: each form's content is hydrated as what it is, without the
    // type-erased view machinery of `AnyView` for each of them.
    children: TypedChildren<Fields>,
) -> impl IntoView
where
    Fields: IntoView + 'static,
    ServFn: ServerFn + Clone + Send + Sync + 'static,
    ServFn::Output: Send + Sync + 'static,
    ServFn::Error: FromServerFnError + Send + Sync + 'static,
{
    let on_submit = move |ev: web_sys::SubmitEvent| {
        if ev.default_prevented() {
            return;
        }
        ev.prevent_default();
        let input = ev
            .target()
            .and_then(|form| {
                web_sys::FormData::new_with_form(form.unchecked_ref::<web_sys::HtmlFormElement>())
                    .ok()
            })
            .and_then(|data| read(&data));
        match input {
            Some(input) => {
                action.dispatch(input);
            }
            None => {
                let error = ServerFnErrorErr::Serialization(
                    "champ du formulaire manquant ou illisible".to_owned(),
                );
                action.value().set(Some(Err(error.into_app_error())));
                action.version().update(|n| *n += 1);
            }
        }
    };
    let children = children.into_inner();
    view! {
        <form action=ServFn::url() method="post" on:submit=on_submit>
            {children()}
        </form>
    }
}

/// The text of a form's field, for `PostForm`'s `read`.
pub fn field(data: &web_sys::FormData, name: &str) -> Option<String> {
    data.get(name).as_string()
}
