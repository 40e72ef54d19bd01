use super::form::{FieldMessage, FormAlert};
use super::second_factor::SecondFactorSection;
use crate::api::session::ChangePassword;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// « Mot de passe »: the person replaces their password.
#[component]
pub fn PasswordPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    view! {
        <PasswordForm change forced=false />
        <SecondFactorSection />
    }
}

/// The password form; `forced` when the account still has a one-time password and may do
/// nothing else. Works without JavaScript.
#[component]
pub fn PasswordForm(change: ServerAction<ChangePassword>, forced: bool) -> impl IntoView {
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let done = move || matches!(change.value().get(), Some(Ok(())));
    let current_label = if forced {
        "Mot de passe provisoire"
    } else {
        "Mot de passe actuel"
    };
    view! {
        <Title text="Mot de passe — Livret" />
        <h1>{if forced { "Choisissez votre mot de passe" } else { "Changer de mot de passe" }}</h1>
        <div class="carte formulaire-etroit">
            {forced.then(|| view! {
                <p>
                    "Votre compte a été créé avec un mot de passe provisoire. Choisissez maintenant "
                    "votre mot de passe personnel : vous pourrez ensuite utiliser Livret."
                </p>
            })}
            <ActionForm action=change>
                <label for="mot-de-passe-actuel">{current_label}</label>
                <input id="mot-de-passe-actuel" name="current" type="password" autocomplete="current-password" required />
                <FieldMessage error field="current" />
                <label for="nouveau-mot-de-passe">"Nouveau mot de passe (8 caractères au moins)"</label>
                <input id="nouveau-mot-de-passe" name="new_password" type="password" autocomplete="new-password" minlength="8" required />
                <FieldMessage error field="new_password" />
                <label for="confirmation">"Confirmez le nouveau mot de passe"</label>
                <input id="confirmation" name="confirmation" type="password" autocomplete="new-password" required />
                <FieldMessage error field="confirmation" />
                <FormAlert error at_fields=&["current", "new_password", "confirmation"] />
                <div class="actions">
                    <button type="submit" class="principal" disabled=move || change.pending().get()>
                        "Enregistrer le mot de passe"
                    </button>
                </div>
                <div aria-live="polite">
                    {move || done().then(|| view! { <p class="confirmation">"Mot de passe enregistré."</p> })}
                </div>
            </ActionForm>
        </div>
    }
}

/// The password form in place of any page while the account has a one-time password: loaded on
/// demand like a lazy page (few sessions ever show it), so that its code stays out of the main
/// WASM bundle, which the frame around every page is part of.
#[leptos::lazy]
pub fn forced_password_form(change: ServerAction<ChangePassword>) -> AnyView {
    view! { <PasswordForm change forced=true /> }.into_any()
}

/// « Mot de passe », loaded on demand: its code is a chunk of its own in the WASM bundle.
pub struct PasswordRoute;

#[lazy_route]
impl LazyRoute for PasswordRoute {
    fn data() -> Self {
        PasswordRoute
    }

    fn view(this: Self) -> AnyView {
        let PasswordRoute = this;
        view! { <PasswordPage /> }.into_any()
    }
}
