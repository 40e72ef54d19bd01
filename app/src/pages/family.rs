use super::bilan_editor::pdf_href;
use super::cycle_bilans::cycle_pdf_href;
use crate::api::families::{AcknowledgeBilan, AcknowledgeCycleBilan, family_bilan, family_space};
use crate::error::AppError;
use crate::wire::bilan_document::{BilanDocument, PrintedRow};
use crate::wire::bilan_editor::BilanKey;
use crate::wire::families::{
    ChildBilans, FamilyBilanView, FamilySpaceView, PublishedBilan, PublishedCycleBilan,
};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

fn family_bilan_href(student_id: i32, period_id: i32) -> String {
    format!("/famille/bilan?eleve={student_id}&periode={period_id}")
}

/// « Mes enfants »: each child and their published bilans, newest first.
#[component]
pub fn FamilyPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| family_space());
    view! {
        <Title text="Mes enfants — Livret" />
        <h1>"Les bilans de mes enfants"</h1>
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => Either::Left(view! { <Children view /> }),
                    Err(error) => Either::Right(view! {
                        <p class="alerte" role="alert">{error.to_string()}</p>
                    }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Children(view: FamilySpaceView) -> impl IntoView {
    match view.children.is_empty() {
        true => Either::Left(view! {
            <p class="carte">
                "Aucun enfant n'est rattaché à votre compte. Adressez-vous à la direction de l'école."
            </p>
        }),
        false => Either::Right(
            view.children
                .into_iter()
                .map(|child| view! { <Child child /> })
                .collect_view(),
        ),
    }
}

#[component]
fn Child(child: ChildBilans) -> impl IntoView {
    let ChildBilans {
        student_id,
        name,
        class,
        bilans,
        cycle_bilan,
    } = child;
    let empty = bilans.is_empty() && cycle_bilan.is_none();
    view! {
        <section class="carte enfant" aria-label=name.clone()>
            <h2>{name.clone()}</h2>
            <p class="detail">{class}</p>
            {empty.then(|| view! { <p>"Aucun bilan n'a encore été publié."</p> })}
            <ul class="bilans-famille">
                {cycle_bilan.map(|bilan| view! { <CycleEntry student_id bilan /> })}
                {bilans
                    .into_iter()
                    .map(|bilan| view! { <PublishedEntry student_id bilan /> })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn PublishedEntry(student_id: i32, bilan: PublishedBilan) -> impl IntoView {
    let PublishedBilan {
        period_id,
        title,
        class,
        published_on,
        acknowledged,
    } = bilan;
    let key = BilanKey {
        student_id,
        period_id,
    };
    view! {
        <li>
            <A href=family_bilan_href(student_id, period_id)>{format!("Bilan — {title}")}</A>
            <span class="detail">{format!("{class} · publié le {published_on}")}</span>
            {match acknowledged {
                Some(at) => Either::Left(view! { <span class="statut-bilan verrouille">{format!("✓ Vu le {at}")}</span> }),
                None => Either::Right(view! { <span class="statut-bilan en-cours">"À lire"</span> }),
            }}
            <a class="bouton-lien" href=pdf_href(key) download="">"Télécharger (PDF)"</a>
        </li>
    }
}

/// A published bilan de fin de cycle: its PDF to read, and the visa, given from the list.
#[component]
fn CycleEntry(student_id: i32, bilan: PublishedCycleBilan) -> impl IntoView {
    let PublishedCycleBilan {
        title,
        class,
        published_on,
        acknowledged,
    } = bilan;
    let acknowledge = ServerAction::<AcknowledgeCycleBilan>::new();
    let seen = move || match acknowledge.value().get() {
        Some(Ok(at)) => Some(at),
        _ => acknowledged.clone(),
    };
    let failed = move || match acknowledge.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    view! {
        <li>
            <a href=cycle_pdf_href(student_id) download="" rel="external">{format!("{title} (PDF)")}</a>
            <span class="detail">{format!("{class} · publié le {published_on}")}</span>
            {move || match seen() {
                Some(at) => Either::Left(view! { <span class="statut-bilan verrouille" role="status">{format!("✓ Vu le {at}")}</span> }),
                None => Either::Right(view! {
                    <button
                        type="button"
                        class="principal"
                        disabled=move || acknowledge.pending().get()
                        on:click=move |_| {
                            acknowledge.dispatch(AcknowledgeCycleBilan { student_id });
                        }
                    >
                        "J'ai pris connaissance du bilan de fin de cycle"
                    </button>
                }),
            }}
            {move || failed().map(|error| view! { <p class="alerte" role="alert">{error}</p> })}
        </li>
    }
}

/// One published bilan, to read on a phone, download, and acknowledge.
#[component]
pub fn FamilyBilanPage() -> impl IntoView {
    let query = use_query_map();
    let key = Memo::new(move |_| {
        query.with(|q| {
            Some(BilanKey {
                student_id: q.get("eleve")?.parse().ok()?,
                period_id: q.get("periode")?.parse().ok()?,
            })
        })
    });
    let acknowledge = ServerAction::<AcknowledgeBilan>::new();
    let data = Resource::new(
        move || key.get(),
        |key| async move {
            match key {
                Some(key) => family_bilan(key).await,
                None => Err(AppError::invalid(
                    "bilan",
                    "l'adresse ne désigne aucun bilan",
                )),
            }
        },
    );
    view! {
        <Title text="Bilan périodique — Livret" />
        <p>
            <A href="/famille">"← Les bilans de mes enfants"</A>
        </p>
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => Either::Left(view! { <Reading view acknowledge /> }),
                    Err(error) => Either::Right(view! {
                        <h1>"Bilan périodique"</h1>
                        <p class="alerte" role="alert">{error.to_string()}</p>
                    }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Reading(view: FamilyBilanView, acknowledge: ServerAction<AcknowledgeBilan>) -> impl IntoView {
    let FamilyBilanView {
        key,
        document,
        acknowledged,
    } = view;
    let done = move || match acknowledge.value().get() {
        Some(Ok(at)) => Some(at),
        _ => None,
    };
    let failed = move || match acknowledge.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    let already = acknowledged.clone();
    view! {
        <Document key document />
        <section class="carte visa" aria-labelledby="visa-titre">
            <h2 id="visa-titre">"Visa de la famille"</h2>
            {move || match done().or_else(|| already.clone()) {
                Some(at) => Either::Left(view! {
                    <p class="statut-bilan verrouille" role="status">
                        {format!("✓ Vous avez pris connaissance de ce bilan le {at}.")}
                    </p>
                }),
                None => Either::Right(view! {
                    <p>"Après l'avoir lu, indiquez à l'école que vous en avez pris connaissance."</p>
                    <button
                        type="button"
                        class="principal"
                        disabled=move || acknowledge.pending().get()
                        on:click=move |_| {
                            acknowledge.dispatch(AcknowledgeBilan { key });
                        }
                    >
                        "J'ai pris connaissance du bilan"
                    </button>
                }),
            }}
            {move || failed().map(|error| view! { <p class="alerte" role="alert">{error}</p> })}
            <p>
                <a class="bouton-lien" href=pdf_href(key) download="">"Télécharger le bilan (PDF)"</a>
            </p>
        </section>
    }
}

/// The bilan as it prints, laid out for a narrow screen: one card per domain.
#[component]
fn Document(key: BilanKey, document: BilanDocument) -> impl IntoView {
    let BilanDocument {
        school,
        year,
        period,
        class,
        pupil,
        teachers,
        scale,
        rows,
        parcours,
        modalites,
        ppre,
        appreciation,
        ..
    } = document;
    let level_name = move |row: &PrintedRow| match (row.not_evaluated, row.level) {
        (true, _) => "Non évalué".to_owned(),
        (false, Some(level)) => scale
            .get(usize::try_from(level - 1).unwrap_or(0))
            .cloned()
            .unwrap_or_default(),
        (false, None) => String::new(),
    };
    view! {
        <h1>{format!("Bilan périodique de {}", pupil.name)}</h1>
        <p class="detail">
            {format!("{} · {} ({}) · {} · {}", school.name, period.label, period.dates, year, class)}
        </p>
        <p class="detail">{format!("Né(e) le {} · Enseignant(s) : {}", pupil.birth_date, teachers)}</p>
        <p>
            <a class="bouton-lien" href=pdf_href(key) download="">"Télécharger (PDF)"</a>
        </p>
        <h2>"Suivi des acquis scolaires"</h2>
        <ol class="domaines-famille">
            {rows
                .into_iter()
                .map(|row| {
                    // A domain's comment covers its sub-domains: it comes with the first.
                    let shown_comment = (row.comment_span > 0 && !row.comment.is_empty()).then(|| {
                        match row.sub_domain {
                            true => format!("Acquisitions, progrès et difficultés en {} : ", row.domain),
                            false => "Acquisitions, progrès et difficultés : ".to_owned(),
                        }
                    }).map(|label| (label, row.comment.clone()));
                    let level = level_name(&row);
                    view! {
                        <li class="carte domaine-famille">
                            <h3>
                                {row.sub_domain.then(|| view! { <span class="detail">{format!("{} — ", row.domain)}</span> })}
                                {row.label.clone()}
                            </h3>
                            <p class="positionnement-famille">"Positionnement : "<strong>{level}</strong></p>
                            {(!row.elements.is_empty()).then(|| view! {
                                <ul class="elements-famille">
                                    {row.elements.into_iter().map(|element| view! { <li>{element}</li> }).collect_view()}
                                </ul>
                            })}
                            {shown_comment.map(|(label, text)| view! { <p class="commentaire-famille"><strong>{label}</strong>{text}</p> })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        <h2>"Parcours éducatifs"</h2>
        {match parcours.is_empty() {
            true => Either::Left(view! { <p>"Aucun parcours renseigné pour cette période."</p> }),
            false => Either::Right(view! {
                <dl class="fiche">
                    {parcours.into_iter().map(|p| view! { <dt>{p.label}</dt><dd>{p.text}</dd> }).collect_view()}
                </dl>
            }),
        }}
        {(!modalites.is_empty()).then(|| view! {
            <h2>"Modalités spécifiques d'accompagnement"</h2>
            <ul>{modalites.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
            {(!ppre.is_empty()).then(|| view! { <p>{format!("Complément du PPRE : {ppre}")}</p> })}
        })}
        <h2>"Appréciation générale"</h2>
        <p class="carte">{appreciation}</p>
    }
}

/// The parent space, loaded on demand: a chunk of its own in the WASM bundle.
pub struct FamilyRoute;

#[lazy_route]
impl LazyRoute for FamilyRoute {
    fn data() -> Self {
        FamilyRoute
    }

    fn view(this: Self) -> AnyView {
        let FamilyRoute = this;
        view! { <FamilyPage /> }.into_any()
    }
}

/// One published bilan for its family, loaded on demand.
pub struct FamilyBilanRoute;

#[lazy_route]
impl LazyRoute for FamilyBilanRoute {
    fn data() -> Self {
        FamilyBilanRoute
    }

    fn view(this: Self) -> AnyView {
        let FamilyBilanRoute = this;
        view! { <FamilyBilanPage /> }.into_any()
    }
}
