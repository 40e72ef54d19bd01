use super::form::{FieldMessage, FormAlert, OneTimePassword};
use super::parametrage::ParametrageNav;
use crate::api::classes::{
    AssignTeacher, CreateTeacher, SetPositionnement, UnassignTeacher, school_classes,
};
use crate::domain::PositionnementType;
use crate::error::AppError;
use crate::wire::classes::{ClassRow, Teacher};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::{LazyRoute, lazy_route};

/// The three things the director does on this page, each a form that also works without
/// JavaScript.
#[derive(Clone, Copy)]
struct ClassActions {
    positionnement: ServerAction<SetPositionnement>,
    assign: ServerAction<AssignTeacher>,
    unassign: ServerAction<UnassignTeacher>,
}

impl ClassActions {
    fn last_error(self) -> Option<AppError> {
        [
            self.positionnement.value().get().and_then(Result::err),
            self.assign.value().get().and_then(Result::err),
            self.unassign.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    }
}

/// « Classes et type de positionnement »: the classes of the year with their levels, pupils and
/// teachers; the director assigns teachers and picks each class's positionnement type.
#[component]
pub fn ClassesPage() -> impl IntoView {
    let actions = ClassActions {
        positionnement: ServerAction::new(),
        assign: ServerAction::new(),
        unassign: ServerAction::new(),
    };
    let create = ServerAction::<CreateTeacher>::new();
    let created = super::successes(move || matches!(create.value().get(), Some(Ok(_))));
    let classes = Resource::new(
        move || {
            (
                actions.positionnement.version().get(),
                actions.assign.version().get(),
                actions.unassign.version().get(),
                created.get(),
            )
        },
        |_| school_classes(),
    );
    view! {
        <Title text="Classes — Livret" />
        <h1>"Classes et type de positionnement"</h1>
        <ParametrageNav />
        {move || {
            actions
                .last_error()
                .map(|error| view! { <p class="alerte" role="alert">{error.to_string()}</p> })
        }}
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match classes.await {
                    Ok(view) if view.classes.is_empty() => EitherOf3::A(view! {
                        <p class="carte">
                            "Aucune classe pour l'année en cours : "
                            <A href="/parametrage/import">"importez les élèves depuis ONDE"</A>
                            "."
                        </p>
                    }),
                    Ok(view) => {
                        let teachers = view.teachers;
                        let class_choices: Vec<(i32, String)> =
                            view.classes.iter().map(|c| (c.id, c.label.clone())).collect();
                        EitherOf3::B(view! {
                            <div class="tableau-defilant">
                                <table class="tableau">
                                    <caption>{format!("{} classe(s)", view.classes.len())}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">"Classe"</th>
                                            <th scope="col">"Périodicité"</th>
                                            <th scope="col">"Enseignants"</th>
                                            <th scope="col">"Type de positionnement"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {view
                                            .classes
                                            .into_iter()
                                            .map(|row| {
                                                view! { <ClassLine row teachers=teachers.clone() actions /> }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <p class="aide-champ">
                                "« Notes » (une note sur 20, au collège) est retenu pour la classe mais pas encore pris en charge : sa saisie et ses bilans gardent l'échelle des objectifs d'apprentissage."
                            </p>
                            <NewTeacherForm create classes=class_choices />
                        })
                    }
                    Err(error) => EitherOf3::C(view! { <p class="alerte" role="alert">{error.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn ClassLine(row: ClassRow, teachers: Vec<Teacher>, actions: ClassActions) -> impl IntoView {
    let levels = row
        .levels
        .iter()
        .map(|l| l.code())
        .collect::<Vec<_>>()
        .join(", ");
    let available: Vec<Teacher> = teachers
        .into_iter()
        .filter(|teacher| !row.teachers.contains(teacher))
        .collect();
    let select_id = format!("positionnement-{}", row.id);
    let teacher_select_id = format!("enseignant-{}", row.id);
    let class_id = row.id;
    let label = row.label.clone();
    let assigned = row
        .teachers
        .clone()
        .into_iter()
        .map(|teacher| {
            let remove_label = format!("Retirer {} de la classe {}", teacher.name, label);
            view! {
                <li>
                    <span>{teacher.name}</span>
                    <ActionForm action=actions.unassign>
                        <input type="hidden" name="class_id" value=class_id />
                        <input type="hidden" name="teacher_id" value=teacher.id />
                        <button type="submit" class="secondaire" aria-label=remove_label>
                            "Retirer"
                        </button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    view! {
        <tr>
            <th scope="row">
                {row.label.clone()}
                <span class="detail">
                    {if levels.is_empty() { "Niveau non précisé".to_owned() } else { levels }}
                    " · "
                    {match row.pupils {
                        0 => "aucun élève".to_owned(),
                        1 => "1 élève".to_owned(),
                        n => format!("{n} élèves"),
                    }}
                </span>
            </th>
            <td>{row.periodicity.map_or("Non définie", |p| p.label())}</td>
            <td>
                <ul class="enseignants">
                    {assigned}
                </ul>
                {(!available.is_empty()).then(|| view! {
                    <ActionForm action=actions.assign attr:class="choix-enseignant">
                        <input type="hidden" name="class_id" value=class_id />
                        <label class="visuellement-cache" for=teacher_select_id.clone()>
                            {format!("Enseignant à affecter à la classe {label}")}
                        </label>
                        <select id=teacher_select_id name="teacher_id">
                            {available
                                .into_iter()
                                .map(|teacher| view! { <option value=teacher.id>{teacher.name}</option> })
                                .collect_view()}
                        </select>
                        <button type="submit" class="secondaire">"Affecter"</button>
                    </ActionForm>
                })}
            </td>
            <td>
                <ActionForm action=actions.positionnement attr:class="choix-positionnement">
                    <input type="hidden" name="class_id" value=class_id />
                    <label class="visuellement-cache" for=select_id.clone()>
                        {format!("Type de positionnement de la classe {}", row.label)}
                    </label>
                    <select id=select_id name="positionnement">
                        {PositionnementType::ALL
                            .into_iter()
                            .map(|kind| {
                                view! {
                                    <option value=kind.code() selected=kind == row.positionnement>
                                        {kind.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <button type="submit" class="secondaire">"Enregistrer"</button>
                </ActionForm>
            </td>
        </tr>
    }
    // A row's view type is deep enough to exceed the compiler's limits once nested in the
    // page: erased here.
    .into_any()
}

/// « Créer un compte enseignant »: the account gets a one-time password, shown here once.
#[component]
fn NewTeacherForm(
    create: ServerAction<CreateTeacher>,
    classes: Vec<(i32, String)>,
) -> impl IntoView {
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    view! {
        <section class="carte nouvel-enseignant" aria-labelledby="titre-nouvel-enseignant">
            <h2 id="titre-nouvel-enseignant">"Créer un compte enseignant"</h2>
            <p>
                "Le compte reçoit un mot de passe provisoire, affiché une seule fois : remettez-le "
                "à l'enseignant, qui choisira le sien à sa première connexion."
            </p>
            <noscript>
                <p class="alerte">
                    "La création d'un compte demande JavaScript (le mot de passe provisoire "
                    "s'affiche sur cette page) : activez-le dans le navigateur."
                </p>
            </noscript>
            <ActionForm action=create attr:class="grille-formulaire">
                <div>
                    <label for="nouveau-civilite">"Civilité"</label>
                    <select id="nouveau-civilite" name="teacher[civility]">
                        <option value="MME">"Mme"</option>
                        <option value="M">"M."</option>
                    </select>
                </div>
                <div>
                    <label for="nouveau-nom">"Nom"</label>
                    <input id="nouveau-nom" name="teacher[last_name]" autocomplete="off" required />
                    <FieldMessage error field="last_name" />
                </div>
                <div>
                    <label for="nouveau-prenom">"Prénom"</label>
                    <input id="nouveau-prenom" name="teacher[first_name]" autocomplete="off" required />
                    <FieldMessage error field="first_name" />
                </div>
                <div>
                    <label for="nouveau-identifiant">"Identifiant de connexion"</label>
                    <input
                        id="nouveau-identifiant"
                        name="teacher[login]"
                        autocomplete="off"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                    />
                    <FieldMessage error field="login" />
                </div>
                <div>
                    <label for="nouveau-classe">"Affecter à la classe"</label>
                    <select id="nouveau-classe" name="teacher[class_id]">
                        <option value="">"Aucune pour l'instant"</option>
                        {classes
                            .into_iter()
                            .map(|(id, label)| view! { <option value=id>{label}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="actions">
                    <button type="submit" class="principal" disabled=move || create.pending().get()>
                        "Créer le compte"
                    </button>
                </div>
            </ActionForm>
            <FormAlert error at_fields=&["last_name", "first_name", "login"] />
            <div aria-live="polite">
                {move || {
                    create
                        .value()
                        .get()
                        .and_then(Result::ok)
                        .map(|issued| {
                            let heading = format!("Compte créé pour {}.", issued.name);
                            view! { <OneTimePassword issued heading /> }
                        })
                }}
            </div>
        </section>
    }
}

/// « Classes et type de positionnement », loaded on demand: its code is a chunk of its own in the WASM bundle.
pub struct ClassesRoute;

#[lazy_route]
impl LazyRoute for ClassesRoute {
    fn data() -> Self {
        ClassesRoute
    }

    fn view(this: Self) -> AnyView {
        let ClassesRoute = this;
        view! { <ClassesPage /> }.into_any()
    }
}
