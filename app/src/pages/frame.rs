use crate::api::session::{Logout, SessionView, SwitchEstablishment, current_session};
use crate::domain::Role;
use crate::error::AppError;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};

/// The session, loaded once by the frame for the pages inside it.
pub type SessionResource = Resource<Result<SessionView, AppError>>;

/// Menu bar, current establishment (with the switch when there are several), the person and
/// « Se déconnecter », around the page of the current route.
#[component]
pub fn Frame() -> impl IntoView {
    let switch = ServerAction::<SwitchEstablishment>::new();
    let session: SessionResource =
        Resource::new(move || switch.version().get(), |_| current_session());
    provide_context(session);

    view! {
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(session) => EitherOf3::A(view! {
                        <Banner session switch />
                        <main id="contenu">
                            <Outlet />
                        </main>
                    }),
                    Err(AppError::Unauthenticated) => EitherOf3::B(view! { <Redirect path="/connexion" /> }),
                    Err(error) => EitherOf3::C(view! {
                        <main id="contenu">
                            <p class="alerte" role="alert">{error.to_string()}</p>
                        </main>
                    }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Banner(session: SessionView, switch: ServerAction<SwitchEstablishment>) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let is_director = session.has_current_role(Role::Directeur);
    let current = session.current.clone();
    let others = session.establishments.len() > 1;

    view! {
        <header class="bandeau">
            <div class="bandeau-haut">
                <a class="marque" href="/">"Livret"</a>
                <div class="etablissement">
                    {current
                        .as_ref()
                        .map(|school| {
                            view! {
                                <span class="etablissement-nom">{school.name.clone()}</span>
                                <span class="etablissement-uai">{format!("UAI {}", school.uai)}</span>
                            }
                        })}
                    {others.then(|| view! { <EstablishmentSwitch session=session.clone() switch /> })}
                </div>
                <div class="utilisateur">
                    <span>{session.display_name.clone()}</span>
                    <ActionForm action=logout>
                        <button type="submit" class="secondaire">"Se déconnecter"</button>
                    </ActionForm>
                </div>
            </div>
            <nav class="menu" aria-label="Menu principal">
                <ul>
                    <li>
                        <A href="/" exact=true>"Accueil"</A>
                    </li>
                    {is_director.then(|| view! {
                        <li>
                            <A href="/parametrage/classes">"Paramétrage"</A>
                        </li>
                    })}
                </ul>
            </nav>
        </header>
    }
}

/// « Changer d'établissement »: a form that also works without JavaScript.
#[component]
fn EstablishmentSwitch(
    session: SessionView,
    switch: ServerAction<SwitchEstablishment>,
) -> impl IntoView {
    let current_id = session.current.as_ref().map(|c| c.id);
    view! {
        <ActionForm action=switch attr:class="changer-etablissement">
            <label for="choix-etablissement">"Changer d'établissement"</label>
            <select id="choix-etablissement" name="establishment_id">
                {session
                    .establishments
                    .into_iter()
                    .map(|school| {
                        view! {
                            <option value=school.id selected=Some(school.id) == current_id>
                                {format!("{} ({})", school.name, school.uai)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="secondaire">"Changer"</button>
        </ActionForm>
    }
}
