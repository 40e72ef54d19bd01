use super::form::{FieldMessage, FormAlert, OneTimePassword};
use super::frame::reload_after;
use crate::api::academie::{
    AddDirector, AssistEstablishment, CreateEstablishment, GrantDirector, RevokeDirector,
    academie_establishments, establishment_directors,
};
use crate::api::second_factor::ResetSecondFactor;
use crate::error::AppError;
use crate::wire::academie::{EstablishmentRow, EstablishmentStaff};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// « Établissements de l'académie »: for the administrateur, every school with its year, pupils
/// and locked bilans per period, and the form that creates a school with its director.
#[component]
pub fn AcademiePage() -> impl IntoView {
    let create = ServerAction::<CreateEstablishment>::new();
    let created = super::successes(move || matches!(create.value().get(), Some(Ok(_))));
    let schools = Resource::new(move || created.get(), |_| academie_establishments());
    view! {
        <Title text="Établissements — Livret" />
        <h1>"Établissements de l'académie"</h1>
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match schools.await {
                    Ok(rows) => Either::Left(view! { <Establishments rows /> }),
                    Err(error) => Either::Right(view! { <p class="alerte" role="alert">{error.to_string()}</p> }),
                }
            })}
        </Transition>
        <NewEstablishment create />
    }
}

#[component]
fn Establishments(rows: Vec<EstablishmentRow>) -> impl IntoView {
    if rows.is_empty() {
        return Either::Left(
            view! { <p class="carte">"Aucun établissement pour l'instant : créez le premier ci-dessous."</p> },
        );
    }
    Either::Right(view! {
        <div class="tableau-defilant">
            <table class="tableau">
                <caption>{format!("{} établissement(s)", rows.len())}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Établissement"</th>
                        <th scope="col">"Direction"</th>
                        <th scope="col">"Année"</th>
                        <th scope="col">"Élèves"</th>
                        <th scope="col">"Bilans verrouillés"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            let href = format!("/academie/etablissement?id={}", row.id);
                            let place = match &row.city {
                                Some(city) => format!("UAI {} — {city}", row.uai),
                                None => format!("UAI {}", row.uai),
                            };
                            let locks = if row.periods.is_empty() {
                                "aucune période".to_owned()
                            } else {
                                row.periods
                                    .iter()
                                    .map(|p| format!("{} : {}/{}", p.label, p.locked, p.total))
                                    .collect::<Vec<_>>()
                                    .join(" ; ")
                            };
                            let directors = if row.directors.is_empty() {
                                "aucune".to_owned()
                            } else {
                                row.directors.join(", ")
                            };
                            view! {
                                <tr>
                                    <td>
                                        <A href=href>{row.name}</A>
                                        <br />
                                        <span class="detail">{place}</span>
                                    </td>
                                    <td>{directors}</td>
                                    <td>{row.year.unwrap_or_else(|| "non ouverte".to_owned())}</td>
                                    <td>{row.pupils}</td>
                                    <td>{locks}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    })
}

/// « Nouvel établissement »: the school and its director's account, whose one-time password is
/// shown here once.
#[component]
fn NewEstablishment(create: ServerAction<CreateEstablishment>) -> impl IntoView {
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    view! {
        <section class="carte" aria-labelledby="nouvel-etablissement">
            <h2 id="nouvel-etablissement">"Nouvel établissement"</h2>
            <noscript>
                <p class="alerte">
                    "Le mot de passe provisoire de la direction s'affiche sur cette page : "
                    "activez JavaScript dans le navigateur."
                </p>
            </noscript>
            <ActionForm action=create attr:class="grille-formulaire">
                <div>
                    <label for="ecole-uai">"Code UAI"</label>
                    <input id="ecole-uai" name="ecole[uai]" autocomplete="off" autocapitalize="characters" required />
                    <FieldMessage error field="uai" />
                </div>
                <div>
                    <label for="ecole-nom">"Nom de l'établissement"</label>
                    <input id="ecole-nom" name="ecole[name]" autocomplete="off" required />
                    <FieldMessage error field="nom" />
                </div>
                <div>
                    <label for="ecole-commune">"Commune"</label>
                    <input id="ecole-commune" name="ecole[city]" autocomplete="off" required />
                    <FieldMessage error field="commune" />
                </div>
                <StaffFields prefix="ecole" error legend="Sa direction" />
                <div class="actions">
                    <button type="submit" class="principal" disabled=move || create.pending().get()>
                        "Créer l'établissement"
                    </button>
                </div>
            </ActionForm>
            <FormAlert error at_fields=&["uai", "nom", "commune", "last_name", "first_name", "login"] />
            <div aria-live="polite">
                {move || {
                    create.value().get().and_then(Result::ok).map(|issued| {
                        let heading = format!("Établissement créé ; compte de direction pour {}.", issued.name);
                        view! { <OneTimePassword issued heading /> }
                    })
                }}
            </div>
        </section>
    }
}

/// The person fields of a form (civilité, nom, prénom, identifiant), named `prefix[…]`.
#[component]
fn StaffFields(
    prefix: &'static str,
    error: Signal<Option<AppError>>,
    legend: &'static str,
) -> impl IntoView {
    let id = move |field: &str| format!("{prefix}-{field}");
    let name = move |field: &str| format!("{prefix}[{field}]");
    view! {
        <fieldset class="grille-formulaire personne">
            <legend>{legend}</legend>
            <div>
                <label for=id("civilite")>"Civilité"</label>
                <select id=id("civilite") name=name("civility")>
                    <option value="MME">"Mme"</option>
                    <option value="M">"M."</option>
                </select>
            </div>
            <div>
                <label for=id("nom-personne")>"Nom"</label>
                <input id=id("nom-personne") name=name("last_name") autocomplete="off" required />
                <FieldMessage error field="last_name" />
            </div>
            <div>
                <label for=id("prenom")>"Prénom"</label>
                <input id=id("prenom") name=name("first_name") autocomplete="off" required />
                <FieldMessage error field="first_name" />
            </div>
            <div>
                <label for=id("identifiant")>"Identifiant de connexion"</label>
                <input id=id("identifiant") name=name("login") autocomplete="off" autocapitalize="none" spellcheck="false" required />
                <FieldMessage error field="login" />
            </div>
        </fieldset>
    }
}

/// One establishment for the administrateur: its directors (a second one, a role taken away)
/// and « Aider cet établissement ».
#[component]
pub fn EstablishmentPage() -> impl IntoView {
    let query = use_query_map();
    let id = Memo::new(move |_| query.with(|q| q.get("id")?.parse::<i32>().ok()));
    let add = ServerAction::<AddDirector>::new();
    let grant = ServerAction::<GrantDirector>::new();
    let revoke = ServerAction::<RevokeDirector>::new();
    let reset = ServerAction::<ResetSecondFactor>::new();
    let staff = Resource::new(
        move || {
            (
                id.get(),
                add.version().get(),
                grant.version().get(),
                revoke.version().get(),
                reset.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => establishment_directors(id).await,
                None => Err(AppError::invalid(
                    "id",
                    "l'adresse ne désigne aucun établissement",
                )),
            }
        },
    );
    view! {
        <Title text="Établissement — Livret" />
        <p>
            <A href="/academie">"← Établissements de l'académie"</A>
        </p>
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match staff.await {
                    Ok(staff) => Either::Left(view! { <Directors staff add grant revoke reset /> }),
                    Err(error) => Either::Right(view! {
                        <h1>"Établissement"</h1>
                        <p class="alerte" role="alert">{error.to_string()}</p>
                    }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Directors(
    staff: EstablishmentStaff,
    add: ServerAction<AddDirector>,
    grant: ServerAction<GrantDirector>,
    revoke: ServerAction<RevokeDirector>,
    reset: ServerAction<ResetSecondFactor>,
) -> impl IntoView {
    let assist = ServerAction::<AssistEstablishment>::new();
    reload_after(assist, "/");
    let add_error = Signal::derive(move || add.value().get().and_then(Result::err));
    let grant_error = Signal::derive(move || grant.value().get().and_then(Result::err));
    let revoke_error = Signal::derive(move || revoke.value().get().and_then(Result::err));
    let reset_error = Signal::derive(move || reset.value().get().and_then(Result::err));
    let establishment_id = staff.id;
    let place = match &staff.city {
        Some(city) => format!("UAI {} — {city}", staff.uai),
        None => format!("UAI {}", staff.uai),
    };
    view! {
        <h1>{staff.name.clone()}</h1>
        <p>{place}</p>
        <section class="carte" aria-labelledby="aider-titre">
            <h2 id="aider-titre">"Aider cet établissement"</h2>
            <p>
                "Vous travaillez alors dans l'établissement comme sa direction (ouvrir l'année, "
                "importer les élèves, créer les comptes…), jusqu'à ce que vous le quittiez. "
                "L'entrée et la sortie sont enregistrées dans le journal de l'établissement."
            </p>
            <ActionForm action=assist>
                <input type="hidden" name="establishment_id" value=establishment_id />
                <button type="submit" class="principal">"Aider cet établissement"</button>
            </ActionForm>
        </section>
        <section class="carte" aria-labelledby="direction-titre">
            <h2 id="direction-titre">"Direction"</h2>
            <FormAlert error=revoke_error at_fields=&[] />
            <FormAlert error=reset_error at_fields=&[] />
            <ul class="liste-comptes">
                {staff
                    .directors
                    .into_iter()
                    .map(|director| {
                        let label = format!("Retirer le rôle de direction à {}", director.name);
                        let reset_label = format!(
                            "Réinitialiser la double authentification de {}",
                            director.name,
                        );
                        let user_id = director.user_id.to_string();
                        view! {
                            <li>
                                <span>
                                    {format!("{} ({})", director.name, director.login)}
                                    <br />
                                    <small>
                                        {if director.second_factor {
                                            "Double authentification activée"
                                        } else {
                                            "Double authentification à activer à la prochaine connexion"
                                        }}
                                    </small>
                                </span>
                                {director.second_factor.then(|| view! {
                                    <ActionForm action=reset>
                                        <input type="hidden" name="user_id" value=user_id.clone() />
                                        <button type="submit" class="secondaire" aria-label=reset_label>
                                            "Réinitialiser la double authentification"
                                        </button>
                                    </ActionForm>
                                })}
                                <ActionForm action=revoke>
                                    <input type="hidden" name="establishment_id" value=establishment_id />
                                    <input type="hidden" name="user_id" value=director.user_id.to_string() />
                                    <button type="submit" class="secondaire" aria-label=label>"Retirer le rôle"</button>
                                </ActionForm>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <h3>"Nouveau compte de direction"</h3>
            <ActionForm action=add attr:class="grille-formulaire">
                <input type="hidden" name="directeur[establishment_id]" value=establishment_id />
                <StaffFields prefix="directeur" error=add_error legend="La personne" />
                <div class="actions">
                    <button type="submit" class="principal" disabled=move || add.pending().get()>
                        "Créer le compte"
                    </button>
                </div>
            </ActionForm>
            <FormAlert error=add_error at_fields=&["last_name", "first_name", "login"] />
            <div aria-live="polite">
                {move || {
                    add.value().get().and_then(Result::ok).map(|issued| {
                        let heading = format!("Compte de direction créé pour {}.", issued.name);
                        view! { <OneTimePassword issued heading /> }
                    })
                }}
            </div>
            <h3>"Donner le rôle à un compte existant"</h3>
            <ActionForm action=grant attr:class="grille-formulaire">
                <input type="hidden" name="establishment_id" value=establishment_id />
                <div>
                    <label for="role-identifiant">"Identifiant du compte"</label>
                    <input id="role-identifiant" name="login" autocomplete="off" autocapitalize="none" spellcheck="false" required />
                    <FieldMessage error=grant_error field="login" />
                </div>
                <div class="actions">
                    <button type="submit" class="secondaire">"Donner le rôle de direction"</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// « Établissements de l'académie », loaded on demand: a chunk of its own in the WASM bundle.
pub struct AcademieRoute;

#[lazy_route]
impl LazyRoute for AcademieRoute {
    fn data() -> Self {
        AcademieRoute
    }

    fn view(this: Self) -> AnyView {
        let AcademieRoute = this;
        view! { <AcademiePage /> }.into_any()
    }
}

/// One establishment for the administrateur, loaded on demand.
pub struct EstablishmentRoute;

#[lazy_route]
impl LazyRoute for EstablishmentRoute {
    fn data() -> Self {
        EstablishmentRoute
    }

    fn view(this: Self) -> AnyView {
        let EstablishmentRoute = this;
        view! { <EstablishmentPage /> }.into_any()
    }
}
