use super::parametrage::ParametrageNav;
use crate::api::classes::school_classes;
use crate::api::synchronisation::SynchroniseBilans;
use crate::wire::classes::ClassesView;
use crate::wire::synchronisation::SyncReport;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};
use std::collections::BTreeSet;

/// « Synchronisation élèves enseignants »: the director brings the unlocked bilans of chosen
/// classes in line with the pupils (after an import) and the teachers (after an assignment).
#[component]
pub fn SynchronisationPage() -> impl IntoView {
    let classes = Resource::new(|| (), |_| school_classes());
    let sync = ServerAction::<SynchroniseBilans>::new();
    view! {
        <Title text="Synchronisation — Livret" />
        <h1>"Synchronisation élèves enseignants"</h1>
        <ParametrageNav />
        <section class="carte">
            <p>
                "Pour les classes cochées, les bilans "<strong>"non verrouillés"</strong>
                " reprennent l'identité actuelle des élèves (nom, prénoms, date de naissance, sexe), telle que l'import ONDE l'a mise à jour, et les enseignants actuels de la classe."
            </p>
            <p>
                "Les bilans "<strong>"verrouillés"</strong>
                " ne sont pas modifiés : ils gardent l'identité et les enseignants qu'ils montraient au verrouillage."
            </p>
        </section>
        <Suspense fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match classes.await {
                    Ok(view) => Either::Left(view! { <SyncForm view sync /> }),
                    Err(error) => Either::Right(view! {
                        <p class="alerte" role="alert">{error.to_string()}</p>
                    }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SyncForm(view: ClassesView, sync: ServerAction<SynchroniseBilans>) -> impl IntoView {
    let chosen = RwSignal::new(
        view.classes
            .iter()
            .map(|class| class.id)
            .collect::<BTreeSet<i32>>(),
    );
    let pending = sync.pending();
    let classes = view
        .classes
        .into_iter()
        .map(|class| {
            let id = class.id;
            // The attribute ticks the box before the page hydrates.
            let chosen_at_first = chosen.with_untracked(|c| c.contains(&id));
            view! {
                <li>
                    <label class="option">
                        <input
                            type="checkbox"
                            checked=chosen_at_first
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
                        {class.label}
                    </label>
                </li>
            }
        })
        .collect_view();
    view! {
        <fieldset class="classes-synchro">
            <legend>"Classes à synchroniser"</legend>
            <ul class="liste-options">{classes}</ul>
        </fieldset>
        <noscript>
            <p class="alerte">"La synchronisation demande JavaScript."</p>
        </noscript>
        <button
            type="button"
            class="principal"
            disabled=move || pending.get() || chosen.with(BTreeSet::is_empty)
            on:click=move |_| {
                sync.dispatch(SynchroniseBilans {
                    class_ids: chosen.get_untracked().into_iter().collect(),
                });
            }
        >
            {move || if pending.get() { "Synchronisation…" } else { "Synchroniser les bilans des classes cochées" }}
        </button>
        <div role="status" aria-live="polite">
            {move || sync.value().get().map(|result| match result {
                Ok(SyncReport { updated, locked_kept, already_up_to_date }) => Either::Left(view! {
                    <div class="carte rapport-bilans">
                        <p>{format!("{updated} bilan(s) mis à jour.")}</p>
                        <p>{format!("{locked_kept} bilan(s) verrouillé(s) laissé(s) tel(s) quel(s).")}</p>
                        <p>{format!("{already_up_to_date} bilan(s) déjà à jour.")}</p>
                    </div>
                }),
                Err(error) => Either::Right(view! { <p class="alerte">{error.to_string()}</p> }),
            })}
        </div>
    }
}

/// « Synchronisation », loaded on demand: its code is a chunk of its own in the WASM bundle.
pub struct SynchronisationRoute;

#[lazy_route]
impl LazyRoute for SynchronisationRoute {
    fn data() -> Self {
        SynchronisationRoute
    }

    fn view(this: Self) -> AnyView {
        let SynchronisationRoute = this;
        view! { <SynchronisationPage /> }.into_any()
    }
}
