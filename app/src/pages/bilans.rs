use super::bilan_editor::{bilan_href, pdf_href};
use super::icons::LockIcon;
use super::saisie::{SaisieChooser, saisie_content, use_saisie_query};
use crate::api::bilans::{BilansAction, bilans_page};
use crate::api::families::PublishBilans;
use crate::api::printing::{StartClassPrint, print_jobs};
use crate::domain::BilanStatus;
use crate::error::AppError;
use crate::wire::bilan_editor::BilanKey;
use crate::wire::bilans::{
    BilanAction, BilanActionReport, BilanActionRequest, BilanRow, BilansView,
};
use crate::wire::families::PublishReport;
use crate::wire::printing::PrintJobView;
use crate::wire::saisie::Selection;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::{LazyRoute, lazy_route};
use std::collections::BTreeSet;

/// « Saisie individuelle et recherche de bilans »: a class's pupils for a period with the
/// status of their bilan; bilans are created, locked or (by the director) unlocked, one or
/// several at once.
#[component]
pub fn BilansPage() -> impl IntoView {
    let query = use_saisie_query();
    let act = ServerAction::<BilansAction>::new();
    let publish = ServerAction::<PublishBilans>::new();
    // Another class or period: the last report was about the previous one.
    Effect::watch(
        move || query.get(),
        move |_, _, _| {
            act.value().set(None);
            publish.value().set(None);
        },
        false,
    );
    let done = super::successes(move || matches!(act.value().get(), Some(Ok(_))));
    let published = super::successes(move || matches!(publish.value().get(), Some(Ok(_))));
    let data = Resource::new(
        move || (query.get(), done.get(), published.get()),
        |(query, _, _)| bilans_page(query),
    );
    let prints = Prints::new();
    view! {
        <Title text="Bilans — Livret" />
        <h1>"Bilans"</h1>
        <super::cycle_bilans::BilansNav />
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                saisie_content(data.await, move |classes, selection, content| {
                    view! {
                        <SaisieChooser classes selection=selection.clone() />
                        {content.map(|view| view! { <BilansTable view selection act publish prints /> })}
                    }
                })
            })}
        </Transition>
        <ActionReport act />
        <PublishOutcome publish />
    }
}

#[component]
fn BilansTable(
    view: BilansView,
    selection: Selection,
    act: ServerAction<BilansAction>,
    publish: ServerAction<PublishBilans>,
    prints: Prints,
) -> impl IntoView {
    let BilansView {
        teachers,
        levels,
        rows,
        may_unlock,
    } = view;
    let (class_id, period_id) = (selection.class.id, selection.period.id);
    let chosen = RwSignal::new(BTreeSet::<i32>::new());
    let all_ids: Vec<i32> = rows.iter().map(|row| row.student_id).collect();
    let run = move |action: BilanAction, student_ids: Vec<i32>| {
        act.dispatch(BilansAction {
            request: BilanActionRequest {
                class_id,
                period_id,
                action,
                student_ids,
            },
        });
    };
    let run_on_chosen = move |action: BilanAction| {
        let ids: Vec<i32> = chosen.get_untracked().into_iter().collect();
        if !ids.is_empty() {
            run(action, ids);
        }
    };
    let nothing_chosen = move || chosen.with(BTreeSet::is_empty) || act.pending().get();
    let levels = levels
        .iter()
        .map(|level| level.code())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <dl class="fiche entete-bilans">
            <dt>"Enseignant(s)"</dt>
            <dd>{if teachers.is_empty() { "aucun".to_owned() } else { teachers.join(", ") }}</dd>
            <dt>"Niveau(x)"</dt>
            <dd>{levels}</dd>
        </dl>
        <ClassPrints class_id period_id prints />
        {may_unlock.then(|| view! {
            <div class="editions-classe publication">
                <button
                    type="button"
                    class="principal"
                    disabled=move || publish.pending().get()
                    on:click=move |_| {
                        publish.dispatch(PublishBilans { class_id, period_id, publish: true });
                    }
                >
                    "Publier aux familles les bilans verrouillés"
                </button>
                <button
                    type="button"
                    class="secondaire"
                    disabled=move || publish.pending().get()
                    on:click=move |_| {
                        publish.dispatch(PublishBilans { class_id, period_id, publish: false });
                    }
                >
                    "Retirer la publication"
                </button>
                <span class="detail">"Les familles lisent les bilans publiés dans leur espace ; un bilan déverrouillé n'est plus publié."</span>
            </div>
        })}
        <noscript>
            <p class="alerte">"Créer ou verrouiller des bilans demande JavaScript."</p>
        </noscript>
        <div class="actions-elements">
            {[
                (BilanAction::Create, "Créer les bilans sélectionnés"),
                (BilanAction::Lock, "Verrouiller les bilans sélectionnés"),
                (BilanAction::Unlock, "Déverrouiller les bilans sélectionnés"),
            ]
                .into_iter()
                .filter(|(action, _)| may_unlock || *action != BilanAction::Unlock)
                .map(|(action, label)| {
                    view! {
                        <button
                            type="button"
                            class="secondaire"
                            disabled=nothing_chosen
                            on:click=move |_| run_on_chosen(action)
                        >
                            {label}
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <div class="tableau-defilant">
            <table class="tableau liste-bilans">
                <caption>{format!("{} — {}", selection.class.label, selection.period.label)}</caption>
                <thead>
                    <tr>
                        <th scope="col" class="case">
                            <SelectAll chosen all_ids />
                        </th>
                        <th scope="col">"N°"</th>
                        <th scope="col">"Nom"</th>
                        <th scope="col">"Prénom"</th>
                        <th scope="col">"Statut"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| view! { <Row row period_id chosen may_unlock run /> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Row<F>(
    row: BilanRow,
    period_id: i32,
    chosen: RwSignal<BTreeSet<i32>>,
    may_unlock: bool,
    run: F,
) -> impl IntoView
where
    F: Fn(BilanAction, Vec<i32>) + Copy + Send + Sync + 'static,
{
    let id = row.student_id;
    let open_label = match row.status {
        BilanStatus::NonCree => "Saisir",
        BilanStatus::Verrouille => "Consulter",
        _ => "Consulter / modifier",
    };
    let name = format!("{} {}", row.last_name, row.first_names);
    let action = match row.status {
        BilanStatus::NonCree => Some((BilanAction::Create, "Créer le bilan")),
        BilanStatus::Complet => Some((BilanAction::Lock, "Verrouiller le bilan")),
        BilanStatus::Verrouille if may_unlock => {
            Some((BilanAction::Unlock, "Déverrouiller le bilan"))
        }
        _ => None,
    };
    view! {
        <tr>
            <td class="case">
                <SelectPupil chosen id name=name.clone() />
            </td>
            <td>{row.number}</td>
            <th scope="row">
                {row.last_name.clone()}
                {row.level.map(|level| view! { <span class="niveau-eleve">{level.code()}</span> })}
            </th>
            <td>{row.first_names.clone()}</td>
            <td>
                <span class=status_class(row.status)>
                    {status_text(row.status)}
                </span>
                {row.lock.map(|lock| view! {
                    <span class="detail-verrou">{format!("par {} le {}", lock.by, lock.at)}</span>
                })}
                {row.published.map(|on| view! {
                    <span class="detail-verrou publie">{format!("Publié aux familles le {on}")}</span>
                })}
                {(!row.visas.is_empty()).then(|| view! {
                    <ul class="visas-famille">
                        {row.visas.iter().map(|visa| view! {
                            <li>{match &visa.acknowledged {
                                Some(at) => format!("✓ Vu par {} le {at}", visa.name),
                                None => format!("{} : pas encore vu", visa.name),
                            }}</li>
                        }).collect_view()}
                    </ul>
                })}
                {row.complete_rows.map(|(complete, rows)| view! {
                    <span class="detail-verrou">{format!("{complete} domaine(s) complet(s) sur {rows}")}</span>
                })}
                {(!row.missing.is_empty()).then(|| view! {
                    <ul class="manque-bilan">
                        {row.missing.iter().map(|item| view! { <li>{format!("Manque : {item}")}</li> }).collect_view()}
                    </ul>
                })}
            </td>
            <td class="actions-ligne">
                <A href=bilan_href(BilanKey { student_id: id, period_id }) attr:aria-label=format!("{} le bilan de {name}", open_label)>
                    {open_label}
                </A>
                <A href=format!("/bilans/historique?eleve={id}") attr:aria-label=format!("Historique des bilans de {name}")>
                    "Historique"
                </A>
                {row.status.is_printable().then(|| view! {
                    <a
                        href=pdf_href(BilanKey { student_id: id, period_id })
                        download
                        rel="external"
                        aria-label=format!("Éditer le bilan de {name} (PDF)")
                    >
                        "Éditer"
                    </a>
                })}
                {action.map(|(action, label)| view! {
                    <button
                        type="button"
                        class="secondaire"
                        aria-label=format!("{label} de {name}")
                        on:click=move |_| run(action, vec![id])
                    >
                        {label}
                    </button>
                })}
            </td>
        </tr>
    }
}

/// The person's class prints, followed by the page. Made with the page, never inside the
/// `Suspend` that shows the table: the server runs a Suspend's body once per pass of its
/// Suspense, the browser once, so a resource made there would get another hydration id in the
/// browser and its view could be mounted twice.
#[derive(Clone, Copy)]
struct Prints {
    start: ServerAction<StartClassPrint>,
    /// Bumped to read the list again while a print runs.
    tick: RwSignal<u32>,
    jobs: Resource<Result<Vec<PrintJobView>, AppError>>,
}

impl Prints {
    fn new() -> Self {
        let start = ServerAction::<StartClassPrint>::new();
        let tick = RwSignal::new(0_u32);
        let jobs = Resource::new(
            move || (tick.get(), start.version().get()),
            |_| print_jobs(),
        );
        Self { start, tick, jobs }
    }
}

/// « Éditer la classe »: the class's bilans printed in the background, with their progress;
/// the file downloads itself when ready, and waits in the list if the person left the page.
#[component]
fn ClassPrints(class_id: i32, period_id: i32, prints: Prints) -> impl IntoView {
    let Prints { start, tick, jobs } = prints;
    // The print just asked for: downloaded as soon as it is ready.
    let wanted = RwSignal::new(None::<u64>);
    Effect::new(move || {
        if let Some(Ok(job)) = start.value().get() {
            wanted.set(Some(job.id));
        }
    });
    Effect::new(move || {
        let Some(Ok(list)) = jobs.get() else {
            return;
        };
        if list.iter().any(PrintJobView::running) {
            set_timeout(
                move || tick.update(|n| *n += 1),
                std::time::Duration::from_millis(400),
            );
        }
        let ready = wanted
            .get_untracked()
            .and_then(|id| list.iter().find(|job| job.id == id && job.ready));
        if let Some(job) = ready {
            wanted.set(None);
            download(&job.href());
        }
    });
    let launch = move |each: bool| {
        start.dispatch(StartClassPrint {
            class_id,
            period_id,
            each,
        });
    };
    // (one PDF per pupil, label, the format of the plain link that prints at once)
    let prints = [
        (false, "Éditer la classe (un PDF à imprimer)", ""),
        (true, "Télécharger un PDF par élève (ZIP)", "&format=zip"),
    ];
    view! {
        <div class="editions-classe">
            {prints
                .map(|(each, label, _)| view! {
                    <button type="button" class="secondaire" disabled=move || start.pending().get() on:click=move |_| launch(each)>
                        {label}
                    </button>
                })
                .collect_view()}
            <noscript>
                {prints
                    .map(|(_, label, format)| view! {
                        <a class="bouton-lien" href=format!("/bilans/pdf/classe?classe={class_id}&periode={period_id}{format}") download>
                            {label}
                        </a>
                    })
                    .collect_view()}
            </noscript>
            <span class="detail">"Seuls les bilans complets ou verrouillés sont édités. Vous pouvez quitter la page pendant l'impression : le fichier vous attendra ici."</span>
        </div>
        {move || start.value().get().and_then(Result::err).map(|error| view! {
            <p class="alerte" role="alert">{error.to_string()}</p>
        })}
        <Transition>
            {move || Suspend::new(async move {
                let list = jobs.await.unwrap_or_default();
                (!list.is_empty()).then(|| view! {
                    <ul class="impressions" aria-live="polite" aria-label="Mes impressions">
                        {list.into_iter().map(|job| view! { <PrintEntry job /> }).collect_view()}
                    </ul>
                })
            })}
        </Transition>
    }
}

/// Downloads a file as a click on a link to it would (the browser keeps the page).
fn download(href: &str) {
    use leptos::wasm_bindgen::JsCast;
    let link = leptos::web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.create_element("a").ok())
        .and_then(|element| element.dyn_into::<leptos::web_sys::HtmlElement>().ok());
    if let Some(link) = link {
        let _ = link.set_attribute("href", href);
        let _ = link.set_attribute("download", "");
        link.click();
    }
}

#[component]
fn PrintEntry(job: PrintJobView) -> impl IntoView {
    let left_out = (!job.left_out.is_empty()).then(|| {
        view! {
            <details class="detail">
                <summary>{format!("{} bilan(s) non édité(s)", job.left_out.len())}</summary>
                <ul>{job.left_out.iter().map(|why| view! { <li>{why.clone()}</li> }).collect_view()}</ul>
            </details>
        }
    });
    view! {
        <li>
            {match (job.ready, job.failed) {
                (true, _) => view! {
                    <a href=job.href() download rel="external">{format!("Télécharger {}", job.file_name)}</a>
                    <span class="detail">{format!("{} — {} bilan(s)", job.label, job.total)}</span>
                }.into_any(),
                (false, true) => view! {
                    <span class="alerte">{format!("L'impression de {} a échoué : réessayez.", job.label)}</span>
                }.into_any(),
                (false, false) => view! {
                    <label>
                        {format!("Impression de {} : {} bilan(s) sur {}", job.label, job.printed, job.total)}
                        <progress max=job.total value=job.printed></progress>
                    </label>
                }.into_any(),
            }}
            {left_out}
        </li>
    }
}

/// A bilan's status as the pages show it, a padlock before the locked ones.
pub fn status_text(status: BilanStatus) -> impl IntoView {
    view! {
        {(status == BilanStatus::Verrouille).then(|| view! { <LockIcon /> " " })}
        {status.label()}
    }
}

/// « Sélectionner tous les élèves » of a list of bilans.
#[component]
pub fn SelectAll(chosen: RwSignal<BTreeSet<i32>>, all_ids: Vec<i32>) -> impl IntoView {
    let every_id = all_ids.clone();
    let all_chosen = move || !every_id.is_empty() && chosen.with(|c| c.len() == every_id.len());
    view! {
        <input
            type="checkbox"
            aria-label="Sélectionner tous les élèves"
            prop:checked=all_chosen
            on:change=move |event| {
                let ids = all_ids.clone();
                chosen.set(if event_target_checked(&event) {
                    ids.into_iter().collect()
                } else {
                    BTreeSet::new()
                });
            }
        />
    }
}

/// A pupil's box of a list of bilans, ticked while they are chosen.
#[component]
pub fn SelectPupil(chosen: RwSignal<BTreeSet<i32>>, id: i32, name: String) -> impl IntoView {
    view! {
        <input
            type="checkbox"
            aria-label=format!("Sélectionner {name}")
            prop:checked=move || chosen.with(|c| c.contains(&id))
            on:change=move |event| {
                let on = event_target_checked(&event);
                chosen.update(|c| {
                    if on {
                        c.insert(id);
                    } else {
                        c.remove(&id);
                    }
                });
            }
        />
    }
}

/// The style of a bilan's status, as the list and the editor show it.
pub fn status_class(status: BilanStatus) -> &'static str {
    match status {
        BilanStatus::NonCree => "statut-bilan non-cree",
        BilanStatus::EnCours => "statut-bilan en-cours",
        BilanStatus::Complet => "statut-bilan complet",
        BilanStatus::Verrouille => "statut-bilan verrouille",
    }
}

/// What the last action did, and to whom it was not done.
#[component]
fn ActionReport(act: ServerAction<BilansAction>) -> impl IntoView {
    move || {
        act.value().get().map(|result| match result {
            Ok(BilanActionReport {
                action,
                done,
                left_alone,
            }) => {
                let verb = match action {
                    BilanAction::Create => "créé(s)",
                    BilanAction::Lock => "verrouillé(s)",
                    BilanAction::Unlock => "déverrouillé(s)",
                };
                view! {
                    <div class="carte rapport-bilans" role="status">
                        <p>{format!("{done} bilan(s) {verb}.")}</p>
                        {(!left_alone.is_empty()).then(|| view! {
                            <p>"Laissés tels quels :"</p>
                            <ul>
                                {left_alone
                                    .into_iter()
                                    .map(|(name, reason)| view! { <li>{format!("{name} : {reason}")}</li> })
                                    .collect_view()}
                            </ul>
                        })}
                    </div>
                }
                .into_any()
            }
            Err(error) => view! { <p class="alerte" role="alert">{error.to_string()}</p> }.into_any(),
        })
    }
}

/// What publishing or withdrawing did.
#[component]
fn PublishOutcome(publish: ServerAction<PublishBilans>) -> impl IntoView {
    move || {
        publish.value().get().map(|result| match result {
            Ok(PublishReport {
                publish,
                done,
                left_alone,
            }) => view! {
                <div class="carte rapport-bilans" role="status">
                    <p>{match publish {
                        true => format!("{done} bilan(s) publié(s) aux familles."),
                        false => format!("{done} publication(s) retirée(s)."),
                    }}</p>
                    {(!left_alone.is_empty()).then(|| view! {
                        <p>"Non publiés :"</p>
                        <ul>
                            {left_alone
                                .into_iter()
                                .map(|(name, reason)| view! { <li>{format!("{name} : {reason}")}</li> })
                                .collect_view()}
                        </ul>
                    })}
                </div>
            }
            .into_any(),
            Err(error) => view! { <p class="alerte" role="alert">{error.to_string()}</p> }.into_any(),
        })
    }
}

/// « Bilans », loaded on demand: its code is a chunk of its own in the WASM bundle.
pub struct BilansRoute;

#[lazy_route]
impl LazyRoute for BilansRoute {
    fn data() -> Self {
        BilansRoute
    }

    fn view(this: Self) -> AnyView {
        let BilansRoute = this;
        view! { <BilansPage /> }.into_any()
    }
}
