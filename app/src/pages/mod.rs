use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, provide_meta_context};
use leptos_router::{
    ChooseView, LazyRoute, SsrMode,
    components::{ParentRoute, Redirect, Route, Router, Routes},
    path,
};
use std::{future::Future, pin::Pin};

/// Pages of the académie's administrateur: its establishments, one establishment's directors.
mod academie;
/// Page « Comptes de l'établissement » (Paramétrage).
mod accounts;
/// Page « Acquis scolaires » (Saisie collective): the grid.
mod acquis;
/// What the grid and the bilan editor share to save themselves.
mod autosave;
/// Page « Bilan » of one pupil and period: recto, verso, autosave, lock.
mod bilan_editor;
/// Page « Historique des bilans de l'élève ».
mod bilan_history;
/// Page « Bilans »: a class's bilans for a period; create, lock, unlock.
mod bilans;
/// Page « Classes et type de positionnement » (Paramétrage).
mod classes;
/// Pages « Bilans de fin de cycle »: a class's list, a component's grid, a pupil's bilan.
mod cycle_bilans;
/// The parent space: children, published bilans, visa.
mod family;
/// What the import pages share: the file form, sent for a preview and then to apply.
mod file_import;
/// What forms share: the messages of a refused answer.
mod form;
/// The frame of every page after login: menu bar, establishment, logout.
mod frame;
/// The grid of pupils × values that saves itself (acquis, bilans de fin de cycle).
mod grid;
/// Home page after login.
mod home;
/// Icons in SVG, never emoji.
mod icons;
/// The login page.
mod login;
/// Page « Export vers le LSU » (Paramétrage).
mod lsu_export;
/// The page for addresses that lead nowhere.
mod not_found;
/// What the Paramétrage pages share.
mod parametrage;
/// Page « Parcours éducatifs » (Saisie collective).
mod parcours;
/// Page « Mot de passe », also shown in place of any page while a one-time password is in use.
mod password;
/// Page « Périodes de l'année » (Paramétrage).
mod periods;
/// Page « Éléments du programme » (Saisie collective).
mod programme;
/// Page « Import des élèves » (Paramétrage).
mod pupil_import;
/// Page « Responsables légaux » (Paramétrage).
mod responsables;
/// What the « Saisie collective » pages share: their menu and the choice of class and period.
mod saisie;
/// Page « Année scolaire » (Paramétrage): opening the year, its dates, the next year.
mod school_year;
/// « Double authentification »: enrolment, recovery codes (on « Mot de passe et sécurité »).
mod second_factor;
/// Page « Synchronisation élèves enseignants » (Paramétrage).
mod synchronisation;
/// Page « Import des enseignants » (Paramétrage).
mod teacher_import;

/// A small blue notebook, inline so that no page makes a request for a favicon.
const FAVICON: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect x='2' y='1' width='12' height='14' rx='2' fill='%23000091'/%3E%3Crect x='5' y='4' width='6' height='1.5' fill='white'/%3E%3C/svg%3E";

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    send_content_security_policy();
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

/// Only Livret's own code runs on its pages: the inline hydration loader carries this
/// response's nonce, scripts and the WASM come from `/pkg`, and no other site may frame a page
/// or receive a form. A comment that slipped markup in could not run it.
#[cfg(feature = "ssr")]
fn send_content_security_policy() {
    use axum::http::{HeaderValue, header::CONTENT_SECURITY_POLICY};
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    let value = HeaderValue::from_str(&policy).expect("a nonce is URL-safe base64");
    response.insert_header(CONTENT_SECURITY_POLICY, value);
}

/// How many times a condition (an action's success) has become true: a resource keyed on it
/// reloads after a save that worked, not after a refused one, which keeps the form as typed.
pub fn successes(succeeded: impl Fn() -> bool + Send + Sync + 'static) -> ReadSignal<u32> {
    let count = RwSignal::new(0_u32);
    Effect::new(move || {
        if succeeded() {
            count.update(|count| *count += 1);
        }
    });
    count.read_only()
}

/// A lazy route's page, whatever the page: what `Lazy::<Page>::new()` does, behind one type.
/// With a `Lazy` of its own type per page, the router's matching and view code (generic over
/// each route's view) was compiled again for every lazy page into the main WASM bundle; with
/// this one type it is compiled once, and each page's code stays in its chunk. Our pages'
/// `data()` make nothing (unit structs), so it is made again on `choose` instead of being kept
/// from `preload` as `Lazy` does.
#[derive(Clone, Copy)]
struct LazyPage {
    view: fn() -> Pin<Box<dyn Future<Output = AnyView>>>,
    preload: fn() -> Pin<Box<dyn Future<Output = ()>>>,
}

impl LazyPage {
    fn of<Page: LazyRoute>() -> Self {
        LazyPage {
            view: || Box::pin(Page::view(Page::data())),
            preload: || Box::pin(Page::preload()),
        }
    }
}

impl ChooseView for LazyPage {
    async fn choose(self) -> AnyView {
        (self.view)().await
    }

    async fn preload(&self) {
        (self.preload)().await
    }
}

/// The codec of the resources that the main bundle hydrates (the session, the home page's
/// classes): JSON as with `Resource::new`, read with `serde_json::from_slice` like the answers
/// of server functions, so that the browser has one JSON reader per type instead of two (one for
/// `&str`, one for bytes).
pub struct JsonBytes;

impl<T: serde::Serialize> leptos::server::codee::Encoder<T> for JsonBytes {
    type Error = leptos::serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, Self::Error> {
        leptos::serde_json::to_string(value)
    }
}

impl<T: serde::de::DeserializeOwned> leptos::server::codee::Decoder<T> for JsonBytes {
    type Error = leptos::serde_json::Error;
    type Encoded = str;

    fn decode(encoded: &str) -> Result<T, Self::Error> {
        leptos::serde_json::from_slice(encoded.as_bytes())
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
                <Route path=path!("/connexion/code") view=login::CodePage ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=frame::Frame ssr=SsrMode::Async>
                    <Route path=path!("") view=home::HomePage ssr=SsrMode::Async />
                    // A section's address leads to its first page; the menu links there, so
                    // that the section stays marked on each of its pages.
                    <Route path=path!("/saisie") view=|| view! { <Redirect path="/saisie/acquis" /> } />
                    <Route
                        path=path!("/parametrage")
                        view=|| view! { <Redirect path="/parametrage/classes" /> }
                    />
                    <Route
                        path=path!("/academie")
                        view={LazyPage::of::<academie::AcademieRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/academie/etablissement")
                        view={LazyPage::of::<academie::EstablishmentRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/parametrage/annee")
                        view={LazyPage::of::<school_year::SchoolYearRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/parametrage/classes")
                        view={LazyPage::of::<classes::ClassesRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/mot-de-passe") view={LazyPage::of::<password::PasswordRoute>()} ssr=SsrMode::Async />
                    <Route
                        path=path!("/parametrage/periodes")
                        view={LazyPage::of::<periods::PeriodsRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/parametrage/enseignants")
                        view={LazyPage::of::<teacher_import::TeacherImportRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/parametrage/import")
                        view={LazyPage::of::<pupil_import::PupilImportRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/bilans")
                        view={LazyPage::of::<bilans::BilansRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/bilans/bilan")
                        view={LazyPage::of::<bilan_editor::BilanEditorRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/bilans/fin-de-cycle")
                        view={LazyPage::of::<cycle_bilans::CycleListRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/bilans/fin-de-cycle/saisie")
                        view={LazyPage::of::<cycle_bilans::CycleGridRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/bilans/fin-de-cycle/eleve")
                        view={LazyPage::of::<cycle_bilans::CycleBilanRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/bilans/historique")
                        view={LazyPage::of::<bilan_history::BilanHistoryRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/saisie/acquis")
                        view={LazyPage::of::<acquis::AcquisRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/saisie/elements-programme")
                        view={LazyPage::of::<programme::ProgrammeRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/saisie/parcours")
                        view={LazyPage::of::<parcours::ParcoursRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/parametrage/export-lsu")
                        view={LazyPage::of::<lsu_export::LsuExportRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/parametrage/synchronisation")
                        view={LazyPage::of::<synchronisation::SynchronisationRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/famille")
                        view={LazyPage::of::<family::FamilyRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/famille/bilan")
                        view={LazyPage::of::<family::FamilyBilanRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/parametrage/responsables")
                        view={LazyPage::of::<responsables::ResponsablesRoute>()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/parametrage/comptes")
                        view={LazyPage::of::<accounts::AccountsRoute>()}
                        ssr=SsrMode::Async
                    />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
