use super::form::{PostForm, field};
use crate::api::session::Login;
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
