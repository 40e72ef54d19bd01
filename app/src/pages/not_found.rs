use leptos::prelude::*;
use leptos_meta::Title;

/// « Page introuvable », sent with a 404 status.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page introuvable — Livret" />
        <main class="connexion">
            <div class="carte">
                <h1>"Page introuvable"</h1>
                <p>"Cette adresse ne mène à aucune page de Livret."</p>
                <a href="/">"Retour à l'accueil"</a>
            </div>
        </main>
    }
}
