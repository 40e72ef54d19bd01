//! « Bilans de fin de cycle » (end of CE2): a class's list with status, lock and publication;
//! the collective grid of one component of the socle; one pupil's bilan.

use super::bilans::{SelectAll, SelectPupil, status_class, status_text};
use super::grid::{Grid, GridTarget, GridValue, Labels};
use super::saisie::submit_on_change;
use crate::api::cycle_bilans::{
    CycleAction as CycleActionFn, cycle_bilan_page, cycle_grid_page, cycle_list_page,
    save_cycle_bilan, save_cycle_grid,
};
use crate::domain::BilanStatus;
use crate::domain::socle::{COMPONENTS, Maitrise, SYNTHESE_MAX};
use crate::error::AppError;
use crate::wire::cycle_bilans::{
    CycleAction, CycleActionReport, CycleActionRequest, CycleBilanChanges, CycleBilanKey,
    CycleBilanView, CycleClass, CycleGridKey, CycleListView, CyclePage, CycleQuery, CycleRow,
    MaitriseChange, MaitriseOutcome, MaitriseSaved, SyntheseChange,
};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};
use std::collections::BTreeSet;
use std::future::Future;

/// The address of a pupil's bilan de fin de cycle.
pub fn cycle_bilan_href(student_id: i32) -> String {
    format!("/bilans/fin-de-cycle/eleve?eleve={student_id}")
}

/// The address of its PDF.
pub fn cycle_pdf_href(student_id: i32) -> String {
    format!("/bilans/fin-de-cycle/pdf?eleve={student_id}")
}

/// « Bilans périodiques » and « Bilans de fin de cycle », on every bilans page.
#[component]
pub fn BilansNav() -> impl IntoView {
    view! {
        <nav class="sous-menu" aria-label="Bilans">
            <A href="/bilans" exact=true>"Bilans périodiques"</A>
            <A href="/bilans/fin-de-cycle" exact=true>"Bilans de fin de cycle"</A>
            <A href="/bilans/fin-de-cycle/saisie">"Saisie par composante"</A>
        </nav>
    }
}

fn use_cycle_query() -> Memo<CycleQuery> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|query| CycleQuery {
            classe: query.get("classe").and_then(|v| v.parse().ok()),
            composante: query.get("composante"),
        })
    })
}

/// The choice of class (and of component on the grid): a form that changes the address, at
/// once when a choice changes, or with « Afficher » without JavaScript.
#[component]
fn CycleChooser(
    classes: Vec<CycleClass>,
    class: CycleClass,
    #[prop(optional)] component: Option<String>,
) -> impl IntoView {
    let components = component.map(|current| {
        view! {
            <div>
                <label for="choix-composante">"Composante du socle"</label>
                <select id="choix-composante" name="composante" on:change=submit_on_change>
                    {COMPONENTS
                        .iter()
                        .map(|choice| {
                            view! {
                                <option value=choice.code selected=choice.code == current>
                                    {choice.label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
        }
    });
    view! {
        <Form method="GET" action="" attr:class="choix-saisie">
            <div>
                <label for="choix-classe">"Classe"</label>
                <select id="choix-classe" name="classe" on:change=submit_on_change>
                    {classes
                        .iter()
                        .map(|choice| {
                            view! {
                                <option value=choice.id selected=choice.id == class.id>
                                    {choice.label.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            {components}
            <noscript>
                <button type="submit" class="secondaire">"Afficher"</button>
            </noscript>
        </Form>
    }
}

/// A cycle page's content once loaded, else why there is nothing to fill in, else the error.
fn cycle_content<T, V: IntoView + 'static>(
    page: Result<CyclePage<T>, AppError>,
    render: impl FnOnce(Vec<CycleClass>, CycleClass, Option<T>) -> V,
) -> AnyView {
    match page {
        Ok(CyclePage {
            classes,
            class: Some(class),
            content,
        }) => render(classes, class, content).into_any(),
        Ok(_) => view! {
            <p class="carte">
                "Aucune de vos classes n'a d'élèves de CE2 cette année : les bilans de fin de cycle 2 sont ceux des élèves de CE2."
            </p>
        }
        .into_any(),
        Err(error) => view! { <p class="alerte" role="alert">{error.to_string()}</p> }.into_any(),
    }
}

/// « Bilans de fin de cycle »: a class's CE2 pupils with the status of their bilan; lock,
/// unlock and publish one or several.
#[component]
pub fn CycleListPage() -> impl IntoView {
    let query = use_cycle_query();
    let act = ServerAction::<CycleActionFn>::new();
    Effect::watch(
        move || query.get(),
        move |_, _, _| act.value().set(None),
        false,
    );
    let done = super::successes(move || matches!(act.value().get(), Some(Ok(_))));
    let data = Resource::new(
        move || (query.get(), done.get()),
        |(query, _)| cycle_list_page(query),
    );
    view! {
        <Title text="Bilans de fin de cycle — Livret" />
        <h1>"Bilans de fin de cycle 2"</h1>
        <BilansNav />
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                cycle_content(data.await, move |classes, class, content| {
                    view! {
                        <CycleChooser classes class=class.clone() />
                        {content.map(|list| view! { <CycleTable list class act /> })}
                    }
                })
            })}
        </Transition>
        <CycleReport act />
    }
}

#[component]
fn CycleTable(
    list: CycleListView,
    class: CycleClass,
    act: ServerAction<CycleActionFn>,
) -> impl IntoView {
    let CycleListView {
        year,
        rows,
        may_unlock,
    } = list;
    let class_id = class.id;
    let chosen = RwSignal::new(BTreeSet::<i32>::new());
    let all_ids: Vec<i32> = rows.iter().map(|row| row.student_id).collect();
    let run = move |action: CycleAction, student_ids: Vec<i32>| {
        act.dispatch(CycleActionFn {
            request: CycleActionRequest {
                class_id,
                action,
                student_ids,
            },
        });
    };
    let nothing_chosen = move || chosen.with(BTreeSet::is_empty) || act.pending().get();
    let actions = [
        (CycleAction::Lock, "Verrouiller les bilans sélectionnés"),
        (CycleAction::Unlock, "Déverrouiller les bilans sélectionnés"),
        (CycleAction::Publish, "Publier aux familles"),
        (CycleAction::Withdraw, "Retirer la publication"),
    ];
    view! {
        <p class="detail">
            "Un bilan est complet quand les huit composantes du socle sont positionnées et la synthèse écrite ; seul un bilan complet se verrouille, seule la direction le déverrouille ou le publie aux familles."
        </p>
        <noscript>
            <p class="alerte">"Verrouiller ou publier des bilans demande JavaScript."</p>
        </noscript>
        <div class="actions-elements">
            {actions
                .into_iter()
                .filter(|(action, _)| may_unlock || *action == CycleAction::Lock)
                .map(|(action, label)| {
                    view! {
                        <button
                            type="button"
                            class="secondaire"
                            disabled=nothing_chosen
                            on:click=move |_| {
                                let ids: Vec<i32> = chosen.get_untracked().into_iter().collect();
                                run(action, ids);
                            }
                        >
                            {label}
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <div class="tableau-defilant">
            <table class="tableau liste-bilans">
                <caption>{format!("{} — fin de cycle 2, {year}", class.label)}</caption>
                <thead>
                    <tr>
                        <th scope="col" class="case">
                            <SelectAll chosen all_ids />
                        </th>
                        <th scope="col">"Élève"</th>
                        <th scope="col">"Statut"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| view! { <CycleLine row chosen may_unlock run /> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn CycleLine<F>(
    row: CycleRow,
    chosen: RwSignal<BTreeSet<i32>>,
    may_unlock: bool,
    run: F,
) -> impl IntoView
where
    F: Fn(CycleAction, Vec<i32>) + Copy + Send + Sync + 'static,
{
    let id = row.student_id;
    let name = row.name.clone();
    let action = match row.status {
        BilanStatus::Complet => Some((CycleAction::Lock, "Verrouiller")),
        BilanStatus::Verrouille if may_unlock => Some((CycleAction::Unlock, "Déverrouiller")),
        _ => None,
    };
    let open_label = match row.status {
        BilanStatus::Verrouille => "Consulter",
        _ => "Saisir",
    };
    view! {
        <tr>
            <td class="case">
                <SelectPupil chosen id name=name.clone() />
            </td>
            <th scope="row">{row.name.clone()}</th>
            <td>
                <span class=status_class(row.status)>{status_text(row.status)}</span>
                {(row.status != BilanStatus::NonCree).then(|| view! {
                    <span class="detail-verrou">
                        {format!(
                            "{} composante(s) sur 8 ; {}",
                            row.positioned,
                            if row.has_synthese { "synthèse écrite" } else { "synthèse à écrire" },
                        )}
                    </span>
                })}
                {row.lock.map(|lock| view! {
                    <span class="detail-verrou">{format!("par {} le {}", lock.by, lock.at)}</span>
                })}
                {row.published.map(|on| view! {
                    <span class="detail-verrou publie">{format!("Publié aux familles le {on}")}</span>
                })}
                {(!row.visas.is_empty()).then(|| view! {
                    <ul class="visas-famille">
                        {row.visas.iter().map(|visa| view! { <li>{format!("✓ {visa}")}</li> }).collect_view()}
                    </ul>
                })}
            </td>
            <td class="actions-ligne">
                <A href=cycle_bilan_href(id) attr:aria-label=format!("{open_label} le bilan de fin de cycle de {name}")>
                    {open_label}
                </A>
                {row.status.is_printable().then(|| view! {
                    <a
                        href=cycle_pdf_href(id)
                        download
                        rel="external"
                        aria-label=format!("Éditer le bilan de fin de cycle de {name} (PDF)")
                    >
                        "Éditer"
                    </a>
                })}
                {action.map(|(action, label)| view! {
                    <button
                        type="button"
                        class="secondaire"
                        aria-label=format!("{label} le bilan de {name}")
                        on:click=move |_| run(action, vec![id])
                    >
                        {label}
                    </button>
                })}
            </td>
        </tr>
    }
}

/// What the last action did, and to whom it was not done.
#[component]
fn CycleReport(act: ServerAction<CycleActionFn>) -> impl IntoView {
    move || {
        act.value().get().map(|result| match result {
            Ok(CycleActionReport {
                action,
                done,
                left_alone,
            }) => Either::Left(view! {
                <div class="carte rapport-bilans" role="status">
                    <p>{format!("{done} bilan(s) {}.", action.label())}</p>
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
            }),
            Err(error) => Either::Right(view! { <p class="alerte" role="alert">{error.to_string()}</p> }),
        })
    }
}

impl GridValue for Maitrise {
    const COLUMNS: &'static [Maitrise] = &Maitrise::ALL;
    const KEYBOARD_HELP: &'static str = "Clavier : flèches pour se déplacer ; 1 à 4 pour positionner l'élève de la ligne (puis ligne suivante) ; D pour « Dispensé » ; 0 ou Suppr pour effacer ; Espace pour cocher ou décocher la case ; Tab pour quitter la grille.";

    fn choice(self) -> &'static str {
        Maitrise::choice(self)
    }

    fn from_choice(choice: &str) -> Option<Self> {
        Maitrise::from_choice(choice)
    }

    fn from_key(key: &str) -> Option<Self> {
        match key {
            "d" | "D" => Some(Maitrise::Dispense),
            "0" => None,
            _ => Maitrise::from_level(key.parse().ok()?),
        }
    }
}

/// A component's grid saves to its class and component.
impl GridTarget for CycleGridKey {
    type Value = Maitrise;

    fn send(
        &self,
        changes: Vec<MaitriseChange>,
    ) -> impl Future<Output = Result<Vec<MaitriseSaved>, AppError>> + 'static {
        save_cycle_grid(self.clone(), changes)
    }
}

/// « Saisie par composante »: the class's CE2 pupils × the degrees of mastery of one component.
#[component]
pub fn CycleGridPage() -> impl IntoView {
    let query = use_cycle_query();
    let data = Resource::new(move || query.get(), cycle_grid_page);
    view! {
        <Title text="Bilans de fin de cycle : saisie par composante — Livret" />
        <h1>"Bilans de fin de cycle 2 : saisie par composante"</h1>
        <BilansNav />
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                cycle_content(data.await, move |classes, class, content| {
                    let code = content.as_ref().map(|grid| grid.code.clone());
                    view! {
                        <CycleChooser classes class=class.clone() component=code.unwrap_or_default() />
                        {content.map(|grid| {
                            let target = CycleGridKey { class_id: class.id, code: grid.code.clone() };
                            view! {
                                <Grid
                                    rows=grid.rows
                                    target
                                    caption=grid.label
                                    labels=Labels::new(|value: Maitrise| value.label().to_owned())
                                />
                            }
                        })}
                    }
                })
            })}
        </Transition>
    }
}

/// One pupil's bilan de fin de cycle: the eight components and the synthèse, saved when they
/// change (a component at once, the synthèse when it is left or with « Enregistrer »).
#[component]
pub fn CycleBilanPage() -> impl IntoView {
    let query = use_query_map();
    let key =
        Memo::new(move |_| query.with(|query| query.get("eleve").and_then(|v| v.parse().ok())));
    let data = Resource::new(
        move || key.get(),
        |eleve: Option<i32>| async move {
            match eleve {
                Some(eleve) => cycle_bilan_page(CycleBilanKey { eleve }).await,
                None => Err(AppError::not_found("élève")),
            }
        },
    );
    view! {
        <Title text="Bilan de fin de cycle — Livret" />
        <BilansNav />
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(bilan) => Either::Left(view! { <CycleBilanForm bilan /> }),
                    Err(error) => Either::Right(view! { <p class="alerte" role="alert">{error.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

/// A component on the pupil's page: its value, the value stored, and a conflict to resolve.
#[derive(Clone, Copy)]
struct ComponentField {
    code: &'static str,
    value: RwSignal<Option<Maitrise>>,
    stored: RwSignal<Option<Maitrise>>,
    conflict: RwSignal<bool>,
}

#[component]
fn CycleBilanForm(bilan: CycleBilanView) -> impl IntoView {
    let locked = bilan.status == BilanStatus::Verrouille;
    let status = RwSignal::new(bilan.status);
    let fields: Vec<ComponentField> = COMPONENTS
        .iter()
        .map(|component| {
            let value = bilan
                .components
                .iter()
                .find(|entry| entry.code == component.code)
                .and_then(|entry| entry.value);
            ComponentField {
                code: component.code,
                value: RwSignal::new(value),
                stored: RwSignal::new(value),
                conflict: RwSignal::new(false),
            }
        })
        .collect();
    let synthese = RwSignal::new(bilan.synthese.clone());
    let synthese_stored = RwSignal::new(bilan.synthese.clone());
    let synthese_conflict = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let student_id = bilan.student_id;
    let save = {
        let fields = fields.clone();
        move || {
            let components: Vec<_> = fields
                .iter()
                .filter(|field| field.value.get_untracked() != field.stored.get_untracked())
                .map(|field| {
                    (
                        field.code.to_owned(),
                        field.stored.get_untracked(),
                        field.value.get_untracked(),
                    )
                })
                .collect();
            let text = synthese.get_untracked();
            let was = synthese_stored.get_untracked();
            let synthese_change =
                (text.trim() != was.trim()).then_some(SyntheseChange { was, now: text });
            if components.is_empty() && synthese_change.is_none() {
                message.set(Some("Tout est enregistré.".to_owned()));
                return;
            }
            message.set(Some("Enregistrement…".to_owned()));
            let fields = fields.clone();
            leptos::task::spawn_local(async move {
                let changes = CycleBilanChanges {
                    student_id,
                    components,
                    synthese: synthese_change,
                };
                match save_cycle_bilan(changes).await {
                    Ok(saved) => {
                        let mut conflicts = 0;
                        for (code, outcome) in saved.components {
                            let Some(field) = fields.iter().find(|f| f.code == code) else {
                                continue;
                            };
                            match outcome {
                                MaitriseOutcome::Saved => {
                                    field.stored.set(field.value.get_untracked());
                                    field.conflict.set(false);
                                }
                                MaitriseOutcome::Conflict { current } => {
                                    field.stored.set(current);
                                    field.conflict.set(true);
                                    conflicts += 1;
                                }
                                MaitriseOutcome::Locked | MaitriseOutcome::NotInGrid => {
                                    field.value.set(field.stored.get_untracked());
                                }
                            }
                        }
                        if let Some((stored, conflict)) = saved.synthese {
                            synthese_stored.set(stored);
                            synthese_conflict.set(conflict);
                            conflicts += usize::from(conflict);
                        }
                        status.set(saved.status);
                        message.set(Some(match (conflicts, saved.status) {
                            (0, BilanStatus::Verrouille) => "Ce bilan a été verrouillé entre-temps : rien n'a été modifié.".to_owned(),
                            (0, _) => "✓ Enregistré.".to_owned(),
                            _ => "Modifié ailleurs entre-temps : choisissez, sur chaque ligne signalée, la valeur à garder.".to_owned(),
                        }));
                    }
                    Err(error) => message.set(Some(format!("Non enregistré : {error}"))),
                }
            });
        }
    };
    let save_on_change = save.clone();
    let save_on_blur = save.clone();
    let save_button = save.clone();
    let count = move || synthese.with(|text| text.trim().chars().count());
    view! {
        <h1>{format!("Bilan de fin de cycle 2 — {}", bilan.name)}</h1>
        <dl class="fiche entete-bilans">
            <dt>"Né(e) le"</dt>
            <dd>{bilan.birth_date.clone()}</dd>
            <dt>"Classe"</dt>
            <dd>{format!("{} ({})", bilan.class_label, bilan.year)}</dd>
            <dt>"Enseignant(s)"</dt>
            <dd>{bilan.teachers.join(", ")}</dd>
            <dt>"Statut"</dt>
            <dd>
                {move || view! { <span class=status_class(status.get())>{status_text(status.get())}</span> }}
                {bilan.lock.clone().map(|lock| view! {
                    <span class="detail-verrou">{format!(" par {} le {}", lock.by, lock.at)}</span>
                })}
                {bilan.published.clone().map(|on| view! {
                    <span class="detail-verrou publie">{format!(" Publié aux familles le {on}")}</span>
                })}
            </dd>
        </dl>
        {locked.then(|| view! {
            <p class="carte">"Ce bilan est verrouillé : il ne peut plus être modifié. Seule la direction peut le déverrouiller, depuis la liste des bilans de fin de cycle."</p>
        })}
        <noscript>
            <p class="alerte">"La saisie du bilan demande JavaScript : activez-le pour modifier le bilan."</p>
        </noscript>
        <h2>"Maîtrise des composantes du socle commun"</h2>
        <div class="tableau-defilant">
            <table class="tableau bilan-cycle">
                <thead>
                    <tr>
                        <th scope="col">"Composante"</th>
                        {Maitrise::ALL.iter().map(|value| view! { <th scope="col" class="valeur">{value.label()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {fields
                        .iter()
                        .copied()
                        .zip(COMPONENTS.iter())
                        .map(|(field, component)| {
                            let save = save_on_change.clone();
                            let cells = Maitrise::ALL.iter().copied().map(|value| {
                                let save = save.clone();
                                let label = format!("{} : {}", component.label, value.label());
                                view! {
                                    <td class="case-valeur">
                                        <input
                                            type="radio"
                                            name=field.code
                                            aria-label=label
                                            disabled=locked
                                            prop:checked=move || field.value.get() == Some(value)
                                            on:change=move |_| {
                                                field.value.set(Some(value));
                                                field.conflict.set(false);
                                                save();
                                            }
                                        />
                                    </td>
                                }
                            }).collect_view();
                            let conflict = move || field.conflict.get().then(|| {
                                let theirs = field.stored.get().map_or("une case vide", |v| v.label());
                                view! {
                                    <span class="conflit">{format!(" Modifié ailleurs entre-temps : « {theirs} ». Choisissez la valeur à garder.")}</span>
                                }
                            });
                            view! {
                                <tr>
                                    <th scope="row">{component.label}{conflict}</th>
                                    {cells}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <h2>
            <label for="synthese">"Synthèse des acquis scolaires de l'élève en fin de cycle"</label>
        </h2>
        <textarea
            id="synthese"
            class="appreciation"
            rows="8"
            maxlength=SYNTHESE_MAX
            disabled=locked
            prop:value=move || synthese.get()
            on:input=move |event| synthese.set(event_target_value(&event))
            on:blur=move |_| save_on_blur()
        ></textarea>
        <p class="compteur">{move || format!("{} / {SYNTHESE_MAX} caractères", count())}</p>
        {move || synthese_conflict.get().then(|| view! {
            <p class="conflit">
                {format!("Synthèse modifiée ailleurs entre-temps ; celle enregistrée est : « {} ». Votre texte reste dans la zone : enregistrez-le pour la remplacer.", synthese_stored.get())}
            </p>
        })}
        {(!locked).then(|| view! {
            <button type="button" class="principal" on:click=move |_| save_button()>"Enregistrer"</button>
        })}
        <p class="etat-grille" role="status" aria-live="polite">{move || message.get()}</p>
        <p>
            <A href=format!("/bilans/fin-de-cycle?classe={}", bilan.class_id)>"Retour à la liste de la classe"</A>
        </p>
        {(!bilan.trail.is_empty()).then(|| view! {
            <h2>"Historique des modifications"</h2>
            <ul class="historique">
                {bilan.trail.iter().map(|entry| view! {
                    <li>{format!("{} — {} : {}{}", entry.at, entry.by, entry.what, if entry.value.is_empty() { String::new() } else { format!(" « {} »", entry.value) })}</li>
                }).collect_view()}
            </ul>
        })}
    }
}

/// « Bilans de fin de cycle », loaded on demand.
pub struct CycleListRoute;

#[lazy_route]
impl LazyRoute for CycleListRoute {
    fn data() -> Self {
        CycleListRoute
    }

    fn view(this: Self) -> AnyView {
        let CycleListRoute = this;
        view! { <CycleListPage /> }.into_any()
    }
}

/// « Saisie par composante », loaded on demand.
pub struct CycleGridRoute;

#[lazy_route]
impl LazyRoute for CycleGridRoute {
    fn data() -> Self {
        CycleGridRoute
    }

    fn view(this: Self) -> AnyView {
        let CycleGridRoute = this;
        view! { <CycleGridPage /> }.into_any()
    }
}

/// One pupil's bilan de fin de cycle, loaded on demand.
pub struct CycleBilanRoute;

#[lazy_route]
impl LazyRoute for CycleBilanRoute {
    fn data() -> Self {
        CycleBilanRoute
    }

    fn view(this: Self) -> AnyView {
        let CycleBilanRoute = this;
        view! { <CycleBilanPage /> }.into_any()
    }
}
