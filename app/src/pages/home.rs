use super::JsonBytes;
use super::frame::SessionResource;
use crate::api::classes::school_classes;
use crate::domain::Role;
use crate::error::AppError;
use crate::time::format_date;
use crate::wire::classes::{ClassRow, ClassesView};
use crate::wire::session::SessionView;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;

/// What « Mise en route de l'année » is made from: the classes, read for a director only.
type SetupData = Option<Result<ClassesView, AppError>>;

/// « Accueil »: the establishment, the school year and what the person can do here.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    // Made with the page, never inside a `Suspend`: the server runs a Suspend's body once per
    // pass of its Suspense (dry runs included), the browser once, so a resource made there gets
    // another hydration id in the browser, loads again, and its view is mounted a second time
    // beside the server's (the checklist once showed twice).
    let classes: Resource<SetupData, JsonBytes> = Resource::new_with_options(
        move || session.with(|s| matches!(s, Some(Ok(s)) if s.has_current_role(Role::Directeur))),
        |director| async move {
            match director {
                true => Some(school_classes().await),
                false => None,
            }
        },
        false,
    );
    view! {
        <Title text="Accueil — Livret" />
        <Suspense>
            {move || Suspend::new(async move {
                let classes = classes.await;
                session.await.ok().map(|session| view! { <Welcome session classes /> })
            })}
        </Suspense>
    }
}

#[component]
fn Welcome(session: SessionView, classes: SetupData) -> impl IntoView {
    let roles = |roles: &[Role]| {
        roles
            .iter()
            .map(|role| role.label())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let is_director = session.has_current_role(Role::Directeur);
    let fills_in = is_director || session.has_current_role(Role::Enseignant);
    let family = session.has_current_role(Role::Responsable);
    let year_open = session
        .current
        .as_ref()
        .and_then(|school| school.school_year.as_ref())
        .map(|year| year.label.clone());
    view! {
        <h1>{format!("Bonjour, {}", session.display_name)}</h1>
        {match session.current {
            Some(school) => {
                EitherOf3::A(view! {
                    <section class="carte" aria-labelledby="etablissement-titre">
                        <h2 id="etablissement-titre">{school.name.clone()}</h2>
                        <dl class="fiche">
                            <dt>"Code UAI"</dt>
                            <dd>{school.uai.clone()}</dd>
                            <dt>"Année scolaire"</dt>
                            <dd>
                                {school
                                    .school_year
                                    .as_ref()
                                    .map(|year| {
                                        format!(
                                            "{} (du {} au {})",
                                            year.label,
                                            format_date(year.starts_on),
                                            format_date(year.ends_on),
                                        )
                                    })
                                    .unwrap_or_else(|| "Aucune année scolaire ouverte".to_owned())}
                            </dd>
                            <dt>"Votre rôle"</dt>
                            <dd>{roles(&school.roles)}</dd>
                        </dl>
                        <p>
                            <a href="/mot-de-passe">"Changer de mot de passe"</a>
                        </p>
                    </section>
                })
            }
            None if session.is_administrator => {
                EitherOf3::B(view! {
                    <section class="carte" aria-labelledby="academie-titre">
                        <h2 id="academie-titre">"Administration de l'académie"</h2>
                        <p>
                            <a href="/academie">"Établissements de l'académie"</a>
                            " — leur année, leurs élèves, leurs bilans verrouillés ; créer un "
                            "établissement et sa direction ; aider un établissement."
                        </p>
                        <p>
                            "Vous n'avez pas accès aux données des élèves, sauf dans un "
                            "établissement que vous aidez : vos actions y sont enregistrées."
                        </p>
                    </section>
                })
            }
            None => {
                EitherOf3::C(view! {
                    <p class="carte">
                        "Votre compte n'est rattaché à aucun établissement. "
                        "Demandez à la direction de votre école de vous y ajouter."
                    </p>
                })
            }
        }}
        {family.then(|| view! {
            <section class="carte" aria-labelledby="famille-titre">
                <h2 id="famille-titre">"Mes enfants"</h2>
                <p>
                    <a href="/famille">"Lire les bilans de mes enfants"</a>
                    " — les bilans périodiques publiés par l'école, à lire, télécharger et viser"
                </p>
            </section>
        })}
        {fills_in.then(|| view! { <SaisieLinks /> })}
        {classes.map(|classes| view! { <SetupChecklist classes year_open /> })}
    }
}

/// The collective entries, one click from home.
#[component]
fn SaisieLinks() -> impl IntoView {
    view! {
        <section class="carte" aria-labelledby="saisie-titre">
            <h2 id="saisie-titre">"Saisie collective"</h2>
            <ul class="liens">
                <li>
                    <a href="/saisie/acquis">"Acquis scolaires"</a>
                    " — positionner toute la classe, domaine par domaine"
                </li>
                <li>
                    <a href="/saisie/elements-programme">"Éléments du programme"</a>
                    " — ce qui a été travaillé pendant la période"
                </li>
                <li>
                    <a href="/saisie/parcours">"Parcours éducatifs"</a>
                    " — citoyen, artistique et culturel, santé"
                </li>
            </ul>
        </section>
    }
}

/// « Mise en route de l'année »: what the director still has to set up before teachers can
/// write bilans, from the data itself.
#[component]
fn SetupChecklist(
    classes: Result<ClassesView, AppError>,
    /// The open school year's label, if one is open.
    year_open: Option<String>,
) -> impl IntoView {
    let error = classes
        .as_ref()
        .err()
        .map(|error| view! { <p class="alerte" role="alert">{error.to_string()}</p> });
    let steps = classes.ok().map(|view| {
        view! {
            <ol class="etapes">
                {setup_steps(year_open.as_deref(), &view.classes)
                    .into_iter()
                    .map(|step| {
                        view! {
                            <li class=if step.done { "etape faite" } else { "etape" }>
                                <a href=step.href>{step.title}</a>
                                <span class="detail">
                                    {if step.done { "Fait — " } else { "À faire — " }}
                                    {step.detail}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            <p>
                <a href="/parametrage/comptes">"Comptes de l'établissement"</a>
            </p>
        }
    });
    view! {
        <section class="carte" aria-labelledby="mise-en-route-titre">
            <h2 id="mise-en-route-titre">"Mise en route de l'année"</h2>
            {error}
            {steps}
        </section>
    }
}

struct SetupStep {
    title: &'static str,
    href: &'static str,
    done: bool,
    detail: String,
}

/// Names of the classes matching a condition, for « à faire » details.
fn class_names(classes: &[ClassRow], missing: impl Fn(&ClassRow) -> bool) -> Vec<&str> {
    classes
        .iter()
        .filter(|class| missing(class))
        .map(|class| class.label.as_str())
        .collect()
}

fn setup_steps(year: Option<&str>, classes: &[ClassRow]) -> Vec<SetupStep> {
    let pupils: u64 = classes.iter().map(|class| class.pupils).sum();
    let without_periods = class_names(classes, |class| class.periodicity.is_none());
    let without_teachers = class_names(classes, |class| class.teachers.is_empty());
    let without_responsable: u64 = classes.iter().map(|class| class.without_responsable).sum();
    let imported = !classes.is_empty();
    vec![
        SetupStep {
            title: "Ouvrir l'année scolaire",
            href: "/parametrage/annee",
            done: year.is_some(),
            detail: match year {
                Some(label) => format!("année {label} ouverte"),
                None => "les dates sont proposées d'après le calendrier national".to_owned(),
            },
        },
        SetupStep {
            title: "Importer les élèves depuis ONDE",
            href: "/parametrage/import",
            done: imported,
            detail: if imported {
                format!("{pupils} élève(s) dans {} classe(s)", classes.len())
            } else if year.is_none() {
                "après l'ouverture de l'année".to_owned()
            } else {
                "l'extraction ONDE crée les classes et les élèves de l'année".to_owned()
            },
        },
        SetupStep {
            title: "Définir les périodes",
            href: "/parametrage/periodes",
            done: imported && without_periods.is_empty(),
            detail: if !imported {
                "après l'import des élèves".to_owned()
            } else if without_periods.is_empty() {
                "chaque classe suit ses périodes".to_owned()
            } else {
                format!("sans périodes : {}", without_periods.join(", "))
            },
        },
        SetupStep {
            title: "Créer les comptes des enseignants et les affecter à leurs classes",
            href: "/parametrage/enseignants",
            done: imported && without_teachers.is_empty(),
            detail: if !imported {
                "après l'import des élèves".to_owned()
            } else if without_teachers.is_empty() {
                "chaque classe a son enseignant".to_owned()
            } else {
                format!("sans enseignant : {}", without_teachers.join(", "))
            },
        },
        SetupStep {
            title: "Rattacher les responsables légaux",
            href: "/parametrage/responsables",
            done: imported && without_responsable == 0,
            detail: if !imported {
                "après l'import des élèves".to_owned()
            } else if without_responsable == 0 {
                "chaque élève a son responsable : les familles peuvent lire les bilans publiés"
                    .to_owned()
            } else {
                format!(
                    "{without_responsable} élève(s) sans responsable (import ONDE des responsables)"
                )
            },
        },
    ]
}
