use super::bilan_editor::bilan_href;
use super::bilans::{status_class, status_text};
use super::cycle_bilans::cycle_bilan_href;
use crate::api::bilan_editor::bilan_history;
use crate::domain::BilanStatus;
use crate::error::AppError;
use crate::wire::bilan_editor::{HistoryBilan, HistoryCycleBilan, HistoryView, TrailEntry};
use crate::wire::bilans::LockView;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// « Consulter l'historique des bilans de l'élève »: every bilan of the pupil, newest period
/// first, each one a link to read it, with who changed what and when.
#[component]
pub fn BilanHistoryPage() -> impl IntoView {
    let query = use_query_map();
    let student = Memo::new(move |_| query.with(|q| q.get("eleve")?.parse::<i32>().ok()));
    let data = Resource::new(
        move || student.get(),
        |student| async move {
            match student {
                Some(id) => bilan_history(id).await,
                None => Err(AppError::invalid(
                    "eleve",
                    "l'adresse ne désigne aucun élève",
                )),
            }
        },
    );
    view! {
        <Title text="Historique des bilans — Livret" />
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => Either::Left(view! { <History view /> }),
                    Err(error) => Either::Right(view! {
                        <h1>"Historique des bilans"</h1>
                        <p class="alerte" role="alert">{error.to_string()}</p>
                    }),
                }
            })}
        </Transition>
    }
}

#[component]
fn History(view: HistoryView) -> impl IntoView {
    let HistoryView {
        pupil_name,
        bilans,
        cycle_bilans,
    } = view;
    view! {
        <h1>{format!("Historique des bilans de {pupil_name}")}</h1>
        {match bilans.is_empty() && cycle_bilans.is_empty() {
            true => Some(view! { <p class="carte">"Aucun bilan n'a encore été créé pour cet élève."</p> }),
            false => None,
        }}
        <ol class="historique-bilans">
            {cycle_bilans.into_iter().map(|bilan| view! { <CycleHistoryEntry bilan /> }).collect_view()}
            {bilans.into_iter().map(|bilan| view! { <HistoryEntry bilan /> }).collect_view()}
        </ol>
    }
}

#[component]
fn CycleHistoryEntry(bilan: HistoryCycleBilan) -> impl IntoView {
    let HistoryCycleBilan {
        student_id,
        year,
        title,
        class_label,
        status,
        lock,
        trail,
    } = bilan;
    let title = format!("{year} — {title} — {class_label}");
    view! { <Entry href=cycle_bilan_href(student_id) title status lock trail /> }
}

#[component]
fn HistoryEntry(bilan: HistoryBilan) -> impl IntoView {
    let HistoryBilan {
        key,
        year,
        period_label,
        class_label,
        status,
        lock,
        trail,
    } = bilan;
    let title = format!("{year} — {period_label} — {class_label}");
    view! { <Entry href=bilan_href(key) title status lock trail /> }
}

/// A bilan of the history: its title as a link to it, its status, and its changes.
#[component]
fn Entry(
    href: String,
    title: String,
    status: BilanStatus,
    lock: Option<LockView>,
    trail: Vec<TrailEntry>,
) -> impl IntoView {
    let changes = trail.len();
    let caption = format!("Modifications — {title}");
    view! {
        <li class="carte">
            <h2>
                <A href=href>{title.clone()}</A>
            </h2>
            <p>
                <span class=status_class(status)>
                    {status_text(status)}
                </span>
                {lock.map(|lock| view! {
                    <span class="detail-verrou">{format!("par {} le {}", lock.by, lock.at)}</span>
                })}
            </p>
            <details>
                <summary>{format!("Modifications du bilan ({changes})")}</summary>
                <div class="tableau-defilant">
                    <table class="tableau">
                        <caption>{caption}</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Quand"</th>
                                <th scope="col">"Qui"</th>
                                <th scope="col">"Quoi"</th>
                                <th scope="col">"Valeur"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {trail
                                .into_iter()
                                .map(|entry| view! {
                                    <tr>
                                        <td>{entry.at}</td>
                                        <td>{entry.by}</td>
                                        <td>{entry.what}</td>
                                        <td>{entry.value}</td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </li>
    }
}

/// The pupil's history of bilans, loaded on demand: a chunk of its own in the WASM bundle.
pub struct BilanHistoryRoute;

#[lazy_route]
impl LazyRoute for BilanHistoryRoute {
    fn data() -> Self {
        BilanHistoryRoute
    }

    fn view(this: Self) -> AnyView {
        let BilanHistoryRoute = this;
        view! { <BilanHistoryPage /> }.into_any()
    }
}
