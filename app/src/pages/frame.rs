use super::JsonBytes;
use super::form::{PostForm, field};
use super::password::forced_password_form;
use super::second_factor::forced_enrolment;
use crate::api::academie::LeaveAssistance;
use crate::api::second_factor::ConfirmEnrolment;
use crate::api::session::{ChangePassword, Logout, SwitchEstablishment, current_session};
use crate::domain::Role;
use crate::error::AppError;
use crate::wire::session::SessionView;
use leptos::either::EitherOf5;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};

/// The session, loaded once by the frame for the pages inside it.
pub type SessionResource = Resource<Result<SessionView, AppError>, JsonBytes>;

/// Menu bar, current establishment (with the switch when there are several), the person and
/// « Se déconnecter », around the page of the current route.
#[component]
pub fn Frame() -> impl IntoView {
    let switch = ServerAction::<SwitchEstablishment>::new();
    let change_password = ServerAction::<ChangePassword>::new();
    let leave = ServerAction::<LeaveAssistance>::new();
    let enrol = ServerAction::<ConfirmEnrolment>::new();
    reload_after(leave, "/academie");
    let password_changed =
        super::successes(move || matches!(change_password.value().get(), Some(Ok(()))));
    let session: SessionResource = Resource::new_with_options(
        move || (switch.version().get(), password_changed.get()),
        |_| current_session(),
        false,
    );
    provide_context(session);

    view! {
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match session.await {
                    // A one-time password: the person chooses their own before anything else.
                    Ok(session) if session.must_change_password => {
                        let form = forced_password_form(change_password).await;
                        EitherOf5::A(view! {
                            <Banner session switch leave />
                            <main id="contenu">{form}</main>
                        })
                    }
                    // A director without a second factor enrols before anything else.
                    Ok(session) if session.must_enrol_second_factor => {
                        let form = forced_enrolment(enrol).await;
                        EitherOf5::D(view! {
                            <Banner session switch leave />
                            <main id="contenu">{form}</main>
                        })
                    }
                    Ok(session) => EitherOf5::B(view! {
                        <Banner session switch leave />
                        <main id="contenu">
                            <Outlet />
                        </main>
                    }),
                    Err(AppError::Unauthenticated) => EitherOf5::C(view! { <Redirect path="/connexion" /> }),
                    Err(error) => EitherOf5::E(view! {
                        <main id="contenu">
                            <p class="alerte" role="alert">{error.to_string()}</p>
                        </main>
                    }),
                }
            })}
        </Transition>
    }
}

/// Loads `path` afresh once `action` succeeded: after entering or leaving a school an
/// administrateur helps, everything on the page belongs to another school, so nothing of it is
/// kept (the server redirects a form posted without JavaScript itself).
pub fn reload_after<A>(action: ServerAction<A>, path: &'static str)
where
    A: leptos::server_fn::ServerFn<Output = (), Error = AppError> + Clone + Send + Sync + 'static,
{
    Effect::new(move || {
        if matches!(action.value().get(), Some(Ok(())))
            && let Some(window) = web_sys::window()
        {
            let _ = window.location().assign(path);
        }
    });
}

#[component]
fn Banner(
    session: SessionView,
    switch: ServerAction<SwitchEstablishment>,
    leave: ServerAction<LeaveAssistance>,
) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let administrator = session.is_administrator;
    let assisting = session.assisting;
    let is_director = session.has_current_role(Role::Directeur);
    let fills_in = is_director || session.has_current_role(Role::Enseignant);
    let family = session.has_current_role(Role::Responsable);
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
                    <A href="/mot-de-passe" attr:title="Changer de mot de passe">
                        {session.display_name.clone()}
                    </A>
                    <PostForm action=logout read=|_| Some(Logout {})>
                        <button type="submit" class="secondaire">"Se déconnecter"</button>
                    </PostForm>
                </div>
            </div>
            {assisting.then(|| view! {
                <div class="assistance" role="note">
                    <span>"Vous aidez cet établissement en tant qu'administrateur de l'académie : vos actions y sont enregistrées."</span>
                    <PostForm action=leave read=|_| Some(LeaveAssistance {})>
                        <button type="submit" class="secondaire">"Quitter l'établissement"</button>
                    </PostForm>
                </div>
            })}
            <nav class="menu" aria-label="Menu principal">
                <ul>
                    <li>
                        <A href="/" exact=true>"Accueil"</A>
                    </li>
                    {fills_in.then(|| view! {
                        <li>
                            <A href="/saisie">"Saisie collective"</A>
                        </li>
                        <li>
                            <A href="/bilans">"Bilans"</A>
                        </li>
                    })}
                    {is_director.then(|| view! {
                        <li>
                            <A href="/parametrage">"Paramétrage"</A>
                        </li>
                    })}
                    {family.then(|| view! {
                        <li>
                            <A href="/famille">"Mes enfants"</A>
                        </li>
                    })}
                    {administrator.then(|| view! {
                        <li>
                            <A href="/academie">"Académie"</A>
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
        <PostForm action=switch read=read_switch attr:class="changer-etablissement">
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
        </PostForm>
    }
}

/// The establishment chosen in the switch, as `SwitchEstablishment`'s argument.
fn read_switch(data: &web_sys::FormData) -> Option<SwitchEstablishment> {
    Some(SwitchEstablishment {
        establishment_id: field(data, "establishment_id")?.parse().ok()?,
    })
}
