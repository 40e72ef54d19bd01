use super::parametrage::ParametrageNav;
use crate::api::families::{AttachResponsable, import_responsables, school_responsables};
use crate::error::AppError;
use crate::wire::families::{
    AttachAnswer, HomonymView, ImportedResponsable, NewResponsableForm, PupilResponsables,
    ResponsablesReport,
};
use crate::wire::pupil_import::{FILE_FIELD, ImportedFile};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// « Responsables légaux »: the director imports ONDE's responsables extraction or attaches a
/// responsable by hand, and hands each new account its activation code.
#[component]
pub fn ResponsablesPage() -> impl IntoView {
    let imported = RwSignal::new(None::<Result<ResponsablesReport, AppError>>);
    let importing = RwSignal::new(false);
    let attach = ServerAction::<AttachResponsable>::new();
    let attached = super::successes(move || {
        matches!(attach.value().get(), Some(Ok(AttachAnswer::Attached(_))))
    });
    let imports = RwSignal::new(0_u32);
    // « Rattacher » is pressed far down the list: its answer (a question, or the new code) is
    // brought into view above it.
    let answer = NodeRef::<leptos::html::Div>::new();
    Effect::new(move || {
        if attach.value().with(Option::is_some)
            && let Some(answer) = answer.get_untracked()
        {
            answer.scroll_into_view();
        }
    });
    let pupils = Resource::new(
        move || (attached.get(), imports.get()),
        |_| school_responsables(),
    );
    let form = NodeRef::<leptos::html::Form>::new();
    let file = NodeRef::<leptos::html::Input>::new();
    let send = move || {
        let data = match super::file_import::file_form_data(form, file, ImportedFile::Responsables)
        {
            Some(Ok(data)) => data,
            Some(Err(too_big)) => return imported.set(Some(Err(too_big))),
            None => return,
        };
        importing.set(true);
        leptos::task::spawn_local(async move {
            let answer = import_responsables(data.into()).await;
            importing.set(false);
            if answer.is_ok() {
                imports.update(|n| *n += 1);
            }
            imported.set(Some(answer));
        });
    };
    view! {
        <Title text="Responsables légaux — Livret" />
        <h1>"Responsables légaux"</h1>
        <ParametrageNav />
        <section class="carte">
            <h2>"Importer depuis ONDE"</h2>
            <p>
                "Téléchargez dans ONDE l'extraction des responsables (format CSV), puis choisissez "
                "le fichier ici. Chaque responsable est rattaché à ses enfants, retrouvés par leur "
                "nom et leur prénom ; un enfant introuvable, ou qui pourrait être plusieurs élèves, "
                "vous est signalé avec sa ligne, pour le rattacher à la main."
            </p>
            <form
                node_ref=form
                class="envoi-fichier"
                on:submit=move |event| {
                    event.prevent_default();
                    send();
                }
            >
                <label for="fichier-responsables">"Extraction ONDE des responsables (.csv)"</label>
                <input
                    id="fichier-responsables"
                    type="file"
                    name=FILE_FIELD
                    accept=".csv,text/csv"
                    required
                    node_ref=file
                    on:change=move |_| imported.set(None)
                />
                <button type="submit" class="principal" disabled=move || importing.get()>
                    "Importer les responsables"
                </button>
            </form>
            <noscript>
                <p class="alerte">"L'envoi du fichier demande JavaScript : activez-le dans le navigateur."</p>
            </noscript>
        </section>
        <div aria-live="polite">
            {move || match (importing.get(), imported.get()) {
                (true, _) => EitherOf3::A(view! { <p class="chargement">"Import en cours…"</p> }),
                (false, Some(Ok(report))) => EitherOf3::B(view! { <ImportOutcome report /> }),
                (false, Some(Err(error))) => EitherOf3::C(Some(view! {
                    <p class="alerte" role="alert">{error.to_string()}</p>
                })),
                (false, None) => EitherOf3::C(None),
            }}
        </div>
        <div node_ref=answer>
            <Attached attach />
        </div>
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match pupils.await {
                    Ok(pupils) => Either::Left(view! { <PupilsTable pupils attach /> }),
                    Err(error) => Either::Right(view! {
                        <p class="alerte" role="alert">{error.to_string()}</p>
                    }),
                }
            })}
        </Transition>
    }
}

/// Who was attached, with the codes of the new accounts, and the rows left for the director.
#[component]
fn ImportOutcome(report: ResponsablesReport) -> impl IntoView {
    let ResponsablesReport { attached, problems } = report;
    view! {
        <section class="carte rapport-bilans" role="status">
            <h2>{format!("{} responsable(s) rattaché(s)", attached.len())}</h2>
            {(!attached.is_empty()).then(|| view! { <CodesTable people=attached /> })}
            {(!problems.is_empty()).then(|| view! {
                <h3>{format!("{} ligne(s) à reprendre à la main", problems.len())}</h3>
                <ul class="manque-bilan">
                    {problems
                        .into_iter()
                        .map(|problem| view! { <li>{format!("ligne {} : {}", problem.line, problem.message)}</li> })
                        .collect_view()}
                </ul>
            })}
        </section>
    }
}

/// Logins and one-time activation codes, to print or send: each code is shown only now.
#[component]
fn CodesTable(people: Vec<ImportedResponsable>) -> impl IntoView {
    view! {
        <p>
            "Les codes d'activation ne sont montrés qu'une fois : imprimez-les ou transmettez-les "
            "maintenant. À la première connexion, avec son identifiant et ce code, le parent choisit "
            "son mot de passe."
        </p>
        <div class="tableau-defilant">
            <table class="tableau codes-activation">
                <caption>"Comptes des responsables"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Responsable"</th>
                        <th scope="col">"Enfant(s)"</th>
                        <th scope="col">"Identifiant"</th>
                        <th scope="col">"Code d'activation"</th>
                    </tr>
                </thead>
                <tbody>
                    {people
                        .into_iter()
                        .map(|person| view! {
                            <tr>
                                <th scope="row">{person.name}</th>
                                <td>{person.children.join(", ")}</td>
                                <td><code>{person.login}</code></td>
                                <td>{match person.activation_code {
                                    Some(code) => Either::Left(view! { <code class="code-activation">{code}</code> }),
                                    None => Either::Right("compte déjà existant"),
                                }}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <button type="button" class="secondaire" on:click=|_| print_page()>"Imprimer les codes"</button>
    }
}

fn print_page() {
    if let Some(window) = leptos::web_sys::window() {
        let _ = window.print();
    }
}

/// The answer to « Rattacher »: the login and, for a new account, its code; or, when
/// responsables of the school bear the same name, the question whether this is one of them.
#[component]
fn Attached(attach: ServerAction<AttachResponsable>) -> impl IntoView {
    move || {
        attach.value().get().map(|answer| match answer {
            Ok(AttachAnswer::Attached(person)) => EitherOf3::A(view! {
                <section class="carte rapport-bilans" role="status">
                    <h2>{format!("{} est rattaché(e)", person.name)}</h2>
                    <CodesTable people=vec![person] />
                </section>
            }),
            Ok(AttachAnswer::Homonyms { form, homonyms }) => {
                EitherOf3::B(view! { <SamePerson attach form homonyms /> })
            }
            Err(error) => {
                EitherOf3::C(view! { <p class="alerte" role="alert">{error.to_string()}</p> })
            }
        })
    }
}

/// « Est-ce la même personne ? »: never decided from a name alone. Each answer sends the form
/// again, saying which account it is, or that it is a new one.
#[component]
fn SamePerson(
    attach: ServerAction<AttachResponsable>,
    form: NewResponsableForm,
    homonyms: Vec<HomonymView>,
) -> impl IntoView {
    let who = format!("{} {}", form.first_name, form.last_name);
    let answer = move |account: String, label: String, class: &'static str| {
        let form = form.clone();
        view! {
            <ActionForm action=attach>
                <input type="hidden" name="responsable[student_id]" value=form.student_id />
                <input type="hidden" name="responsable[civility]" value=form.civility />
                <input type="hidden" name="responsable[last_name]" value=form.last_name />
                <input type="hidden" name="responsable[first_name]" value=form.first_name />
                <input type="hidden" name="responsable[email]" value=form.email />
                <input type="hidden" name="responsable[account]" value=account />
                <button type="submit" class=class>{label}</button>
            </ActionForm>
        }
    };
    view! {
        <section class="carte meme-personne" role="alert">
            <h2>"Est-ce la même personne ?"</h2>
            <p>
                {format!(
                    "Un responsable de l'école s'appelle déjà {who}. Deux parents peuvent porter le \
                     même nom : un compte partagé par erreur montrerait à l'un les bilans des \
                     enfants de l'autre."
                )}
            </p>
            <ul class="choix-personne">
                {homonyms
                    .into_iter()
                    .map(|homonym| {
                        let whose = match homonym.children.as_slice() {
                            [] => String::new(),
                            children => format!(", responsable de {}", children.join(", ")),
                        };
                        let label = format!(
                            "Oui : c'est {} (identifiant {}{whose})",
                            homonym.name,
                            homonym.login,
                        );
                        view! { <li>{answer(homonym.user_id.to_string(), label, "secondaire")}</li> }
                    })
                    .collect_view()}
                <li>{answer("nouveau".to_owned(), format!("Non : créer un compte pour {who}"), "principal")}</li>
            </ul>
        </section>
    }
}

#[component]
fn PupilsTable(
    pupils: Vec<PupilResponsables>,
    attach: ServerAction<AttachResponsable>,
) -> impl IntoView {
    view! {
        <div class="tableau-defilant">
            <table class="tableau liste-responsables">
                <caption>"Élèves de l'école et leurs responsables"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Élève"</th>
                        <th scope="col">"Classe"</th>
                        <th scope="col">"Responsables"</th>
                    </tr>
                </thead>
                <tbody>
                    {pupils
                        .into_iter()
                        .map(|pupil| view! { <PupilRow pupil attach /> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn PupilRow(pupil: PupilResponsables, attach: ServerAction<AttachResponsable>) -> impl IntoView {
    let PupilResponsables {
        student_id,
        name,
        class,
        responsables,
    } = pupil;
    let full = responsables.len() >= 2;
    let id = move |field: &str| format!("{field}-{student_id}");
    view! {
        <tr>
            <th scope="row">{name.clone()}</th>
            <td>{class}</td>
            <td>
                {match responsables.is_empty() {
                    true => Either::Left(view! { <span class="detail">"aucun"</span> }),
                    false => Either::Right(view! {
                        <ul class="visas-famille">
                            {responsables.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
                        </ul>
                    }),
                }}
                {(!full).then(|| view! {
                    <details>
                        <summary>{format!("Ajouter un responsable de {name}")}</summary>
                        <ActionForm action=attach attr:class="formulaire-responsable">
                            <input type="hidden" name="responsable[student_id]" value=student_id />
                            <label for=id("civilite")>"Civilité"</label>
                            <select id=id("civilite") name="responsable[civility]">
                                <option value="">"—"</option>
                                <option value="MME">"Mme"</option>
                                <option value="M">"M."</option>
                            </select>
                            <label for=id("nom")>"Nom"</label>
                            <input id=id("nom") name="responsable[last_name]" required autocomplete="off" />
                            <label for=id("prenom")>"Prénom"</label>
                            <input id=id("prenom") name="responsable[first_name]" required autocomplete="off" />
                            <label for=id("courriel")>"Courriel (facultatif)"</label>
                            <input id=id("courriel") name="responsable[email]" type="email" autocomplete="off" />
                            <button type="submit" disabled=move || attach.pending().get()>"Rattacher"</button>
                        </ActionForm>
                    </details>
                })}
            </td>
        </tr>
    }
}

/// « Responsables légaux », loaded on demand.
pub struct ResponsablesRoute;

#[lazy_route]
impl LazyRoute for ResponsablesRoute {
    fn data() -> Self {
        ResponsablesRoute
    }

    fn view(this: Self) -> AnyView {
        let ResponsablesRoute = this;
        view! { <ResponsablesPage /> }.into_any()
    }
}
