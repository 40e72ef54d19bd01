use super::form::{PostForm, field};
use crate::api::session::{Login, VerifyCode};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// « Connexion »: a plain form that works without JavaScript; once hydrated, it logs in without
/// reloading the page and can show the password being typed.
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let next = use_query_map().with_untracked(|query| query.get("suivant").unwrap_or_default());
    let password_shown = RwSignal::new(false);
    let error = move || {
        login
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| view! { <p class="alerte" role="alert">{error.to_string()}</p> })
    };

    view! {
        <Title text="Connexion — Livret" />
        <main class="connexion">
            <div class="carte">
                <h1>"Livret"</h1>
                <p class="sous-titre">"Livret scolaire unique, du CP à la 3e"</p>
                <PostForm action=login read=read_login>
                    <input type="hidden" name="next" value=next />
                    <label for="identifiant">"Identifiant"</label>
                    <input
                        id="identifiant"
                        name="login"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                    />
                    <label for="mot-de-passe">"Mot de passe"</label>
                    <div class="mot-de-passe">
                        <input
                            id="mot-de-passe"
                            name="password"
                            type=move || if password_shown.get() { "text" } else { "password" }
                            autocomplete="current-password"
                            required
                        />
                        <button
                            type="button"
                            class="secondaire"
                            aria-controls="mot-de-passe"
                            aria-pressed=move || password_shown.get().to_string()
                            on:click=move |_| password_shown.update(|shown| *shown = !*shown)
                        >
                            {move || if password_shown.get() { "Masquer" } else { "Afficher" }}
                        </button>
                    </div>
                    {error}
                    <button type="submit" class="principal" disabled=move || login.pending().get()>
                        {move || if login.pending().get() { "Connexion…" } else { "Se connecter" }}
                    </button>
                </PostForm>
            </div>
        </main>
    }
}

/// The login form's fields, as `Login`'s arguments.
fn read_login(data: &web_sys::FormData) -> Option<Login> {
    Some(Login {
        login: field(data, "login")?,
        password: field(data, "password")?,
        next: field(data, "next")?,
    })
}

/// « Code de connexion »: the second step of a login with a second factor, the six digits of
/// the authenticator app or one of the recovery codes. Works without JavaScript.
#[component]
pub fn CodePage() -> impl IntoView {
    let verify = ServerAction::<VerifyCode>::new();
    let error = move || {
        verify.value().get().and_then(Result::err).map(|error| {
            let again = matches!(error, crate::error::AppError::Unauthenticated);
            view! {
                <p class="alerte" role="alert">
                    {if again {
                        "Le délai de 5 minutes est passé : reprenez la connexion.".to_owned()
                    } else {
                        error.to_string()
                    }}
                </p>
                {again.then(|| view! { <p><a href="/connexion">"Revenir à la connexion"</a></p> })}
            }
        })
    };
    view! {
        <Title text="Code de connexion — Livret" />
        <main class="connexion">
            <div class="carte">
                <h1>"Livret"</h1>
                <p class="sous-titre">"Double authentification"</p>
                <PostForm action=verify read=read_code>
                    <label for="code">"Code à six chiffres de votre application d'authentification"</label>
                    <input
                        id="code"
                        name="code"
                        autocomplete="one-time-code"
                        inputmode="numeric"
                        autocapitalize="none"
                        spellcheck="false"
                        autofocus
                        required
                    />
                    <p class="aide-champ">"Sans votre téléphone, saisissez l'un de vos codes de secours."</p>
                    {error}
                    <button type="submit" class="principal" disabled=move || verify.pending().get()>
                        {move || if verify.pending().get() { "Vérification…" } else { "Valider" }}
                    </button>
                </PostForm>
            </div>
        </main>
    }
}

/// The code form's field, as `VerifyCode`'s argument.
fn read_code(data: &web_sys::FormData) -> Option<VerifyCode> {
    Some(VerifyCode {
        code: field(data, "code")?,
    })
}
