use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{ParentRoute, Route, Router, Routes},
    path,
};

/// Page « Comptes de l'établissement » (Paramétrage).
mod accounts;
/// The frame of every page after login: menu bar, establishment, logout.
mod frame;
/// Home page after login.
mod home;
/// The login page.
mod login;
/// The page for addresses that lead nowhere.
mod not_found;

/// A small blue notebook, inline so that no page makes a request for a favicon.
const FAVICON: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect x='2' y='1' width='12' height='14' rx='2' fill='%23000091'/%3E%3Crect x='5' y='4' width='6' height='1.5' fill='white'/%3E%3C/svg%3E";

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="fr">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href=FAVICON />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The whole application: its routes. Pages wait for their data on the server (`SsrMode::Async`)
/// so that they arrive complete and work without JavaScript.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/livret.css" />
        <Router>
            <Routes fallback=not_found::NotFound>
                <Route path=path!("/connexion") view=login::LoginPage ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=frame::Frame ssr=SsrMode::Async>
                    <Route path=path!("") view=home::HomePage ssr=SsrMode::Async />
                    <Route
                        path=path!("/parametrage/comptes")
                        view=accounts::AccountsPage
                        ssr=SsrMode::Async
                    />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
