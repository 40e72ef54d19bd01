use super::saisie::{LanguageForm, SaisieChooser, SaisieNav, saisie_content, use_saisie_query};
use crate::api::saisie::{programme_page, save_programme_list};
use crate::domain::catalogue::ProgrammeElement;
use crate::error::AppError;
use crate::wire::saisie::{ListKey, ProgrammeList, Selection};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// « Saisie collective des éléments du programme »: for a class, level, period and domain, the
/// list of what was worked on, typed or picked from the national aide à la saisie.
#[component]
pub fn ProgrammePage() -> impl IntoView {
    let query = use_saisie_query();
    let data = Resource::new(move || query.get(), programme_page);
    view! {
        <Title text="Éléments du programme — Livret" />
        <h1>"Éléments du programme"</h1>
        <SaisieNav />
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                saisie_content(data.await, move |classes, selection, content| {
                    view! {
                        <SaisieChooser
                            classes
                            selection=selection.clone()
                            with_domain=true
                            with_level=true
                        />
                        <LanguageForm selection=selection.clone() />
                        {content.map(|list| view! { <ElementsEditor list selection /> })}
                    }
                })
            })}
        </Transition>
    }
}

/// One element being edited.
#[derive(Clone)]
struct Item {
    key: u32,
    text: ArcRwSignal<String>,
}

/// The list being edited, and the next key to give an item.
#[derive(Clone, Copy)]
struct Items {
    list: RwSignal<Vec<Item>>,
    next_key: StoredValue<u32>,
    /// Changed since the last load or save.
    dirty: RwSignal<bool>,
}

impl Items {
    fn new(texts: &[String]) -> Items {
        let items = Items {
            list: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
            dirty: RwSignal::new(false),
        };
        items.replace(texts);
        items
    }

    fn item(self, text: &str) -> Item {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        Item {
            key,
            text: ArcRwSignal::new(text.to_owned()),
        }
    }

    fn replace(self, texts: &[String]) {
        let list = texts.iter().map(|text| self.item(text)).collect();
        self.list.set(list);
        self.dirty.set(false);
    }

    fn push(self, text: &str) {
        let item = self.item(text);
        self.list.update(|list| list.push(item));
        self.dirty.set(true);
    }

    fn remove(self, key: u32) {
        self.list.update(|list| list.retain(|item| item.key != key));
        self.dirty.set(true);
    }

    /// Moves an item one place up (`-1`) or down (`1`).
    fn shift(self, key: u32, by: isize) {
        self.list.update(|list| {
            let Some(from) = list.iter().position(|item| item.key == key) else {
                return;
            };
            let to = from.saturating_add_signed(by).min(list.len() - 1);
            list.swap(from, to);
        });
        self.dirty.set(true);
    }

    fn texts(self) -> Vec<String> {
        self.list
            .with_untracked(|list| list.iter().map(|item| item.text.get_untracked()).collect())
    }

    fn contains(self, text: &str) -> bool {
        self.list.with(|list| {
            list.iter()
                .any(|item| item.text.with(|own| own.trim() == text))
        })
    }
}

#[component]
fn ElementsEditor(list: ProgrammeList, selection: Selection) -> impl IntoView {
    let items = Items::new(&list.items);
    let saving = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<usize, AppError>>);
    let show_aide = RwSignal::new(false);
    let domain = selection.domain.clone()?;
    let level = selection.level?;
    let scope = format!(
        "Ces éléments s'appliquent à tous les élèves de {} de la classe « {} » pour la période « {} », sauf sur un bilan déjà modifié pour l'élève.",
        level.code(),
        selection.class.label,
        selection.period.label
    );

    let unload_listener = window_event_listener(leptos::ev::beforeunload, move |event| {
        if items.dirty.get_untracked() {
            event.prevent_default();
        }
    });
    on_cleanup(move || unload_listener.remove());

    // The list as stored when the page last loaded or saved it: the `was` of the next save.
    let stored = StoredValue::new(list.items.clone());
    let target = StoredValue::new((selection.class.id, selection.period.id, domain.code.clone()));
    let save = move || {
        if saving.get_untracked() {
            return;
        }
        saving.set(true);
        outcome.set(None);
        let texts = items.texts();
        let was = stored.get_value();
        let (class_id, period_id, domain_code) = target.get_value();
        let key = ListKey {
            class_id,
            level,
            period_id,
            domain_code,
        };
        leptos::task::spawn_local(async move {
            let result = save_programme_list(key, was, texts).await;
            if saving.try_set(false).is_some() {
                return; // the editor was left meanwhile
            }
            outcome.set(Some(result.map(|saved| {
                stored.set_value(saved.clone());
                items.replace(&saved);
                saved.len()
            })));
        });
    };
    // Changed elsewhere meanwhile: keep one's own list (saved over theirs) or take theirs.
    let theirs = move || {
        outcome.with(|outcome| match outcome {
            Some(Err(AppError::ChangedMeanwhile { current })) => Some(current.clone()),
            _ => None,
        })
    };
    let keep_mine = move |_| {
        if let Some(current) = theirs() {
            stored.set_value(current);
            save();
        }
    };
    let take_theirs = move |_| {
        if let Some(current) = theirs() {
            stored.set_value(current.clone());
            items.replace(&current);
            outcome.set(None);
        }
    };
    let suggestions = list.suggestions;
    let has_suggestions = !suggestions.is_empty();

    Some(view! {
        <section class="carte elements-programme" aria-labelledby="titre-elements">
            <h2 id="titre-elements">{format!("{} — {}", domain.label, level.code())}</h2>
            <p class="portee">{scope}</p>
            <ol class="liste-elements">
                <For each=move || items.list.get() key=|item| item.key let(item)>
                    {
                        let position = Memo::new(move |_| {
                            items.list.with(|list| {
                                list.iter().position(|other| other.key == item.key).unwrap_or(0) + 1
                            })
                        });
                        let text = item.text.clone();
                        let initial = text.get_untracked();
                        let count = {
                            let text = text.clone();
                            move || text.with(|text| text.trim().chars().count())
                        };
                        let over = {
                            let count = count.clone();
                            move || count() > ProgrammeElement::MAX_CHARS
                        };
                        let input_id = move || format!("element-{}", position.get());
                        let error = Signal::derive(move || {
                            outcome.with(|outcome| match outcome {
                                Some(Err(error)) => error
                                    .field_message(&format!("element-{}", position.get()))
                                    .map(str::to_owned),
                                _ => None,
                            })
                        });
                        let value = text.clone();
                        view! {
                            <li>
                                <label for=input_id>{move || format!("Élément {}", position.get())}</label>
                                <textarea
                                    id=input_id
                                    rows="2"
                                    readonly=move || saving.get()
                                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                                    prop:value=move || value.get()
                                    on:input=move |event| {
                                        text.set(event_target_value(&event));
                                        items.dirty.set(true);
                                    }
                                >
                                    {initial}
                                </textarea>
                                <div class="outils-element">
                                    <span class="compteur" class:depasse=over.clone()>
                                        {move || format!("{} / {}", count(), ProgrammeElement::MAX_CHARS)}
                                    </span>
                                    <button
                                        type="button"
                                        class="secondaire"
                                        aria-label=move || format!("Monter l'élément {}", position.get())
                                        disabled=move || position.get() == 1
                                        on:click=move |_| items.shift(item.key, -1)
                                    >
                                        "↑"
                                    </button>
                                    <button
                                        type="button"
                                        class="secondaire"
                                        aria-label=move || format!("Descendre l'élément {}", position.get())
                                        disabled=move || items.list.with(|list| position.get() == list.len())
                                        on:click=move |_| items.shift(item.key, 1)
                                    >
                                        "↓"
                                    </button>
                                    <button
                                        type="button"
                                        class="secondaire"
                                        on:click=move |_| items.remove(item.key)
                                    >
                                        {move || format!("Retirer l'élément {}", position.get())}
                                    </button>
                                </div>
                                {move || error.get().map(|message| view! { <p class="erreur-champ">{message}</p> })}
                            </li>
                        }
                    }
                </For>
            </ol>
            {move || items.list.with(Vec::is_empty).then(|| view! {
                <p class="vide">"Aucun élément pour l'instant : ajoutez-en un, ou piochez dans l'aide à la saisie."</p>
            })}
            <div class="actions-elements">
                <button type="button" class="secondaire" on:click=move |_| items.push("")>
                    "Ajouter un élément"
                </button>
                {has_suggestions.then(|| view! {
                    <button
                        type="button"
                        class="secondaire"
                        aria-expanded=move || show_aide.get().to_string()
                        aria-controls="aide-saisie"
                        on:click=move |_| show_aide.update(|shown| *shown = !*shown)
                    >
                        {move || if show_aide.get() { "Masquer l'aide à la saisie" } else { "Afficher l'aide à la saisie" }}
                    </button>
                })}
                <button
                    type="button"
                    class="principal"
                    disabled=move || saving.get()
                    on:click=move |_| save()
                >
                    {move || if saving.get() { "Enregistrement…" } else { "Enregistrer" }}
                </button>
            </div>
            <p class="etat-elements" role="status" aria-live="polite">
                {move || match outcome.get() {
                    Some(Ok(count)) => format!("Enregistré : {count} élément(s)."),
                    Some(Err(AppError::ChangedMeanwhile { .. })) => {
                        "Rien n'est enregistré : la liste a été modifiée ailleurs entre-temps.".to_owned()
                    }
                    Some(Err(AppError::Invalid(_))) => {
                        "Rien n'est enregistré : corrigez les éléments signalés.".to_owned()
                    }
                    Some(Err(error)) => format!("Rien n'est enregistré : {error}"),
                    None if items.dirty.get() => "Modifications non enregistrées.".to_owned(),
                    None => String::new(),
                }}
            </p>
            {move || theirs().map(|current| view! {
                <div class="alerte conflit-liste" role="alert">
                    <p>"Pendant votre saisie, la liste enregistrée est devenue :"</p>
                    {if current.is_empty() {
                        Some(view! { <p>"(aucun élément)"</p> })
                    } else {
                        None
                    }}
                    <ol>
                        {current.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}
                    </ol>
                    <div class="actions-elements">
                        <button type="button" class="secondaire" on:click=keep_mine>
                            "Garder ma liste"
                        </button>
                        <button type="button" class="secondaire" on:click=take_theirs>
                            "Prendre cette liste"
                        </button>
                    </div>
                </div>
            })}
            <Show when=move || show_aide.get()>
                <section id="aide-saisie" class="aide-saisie" aria-labelledby="titre-aide">
                    <h3 id="titre-aide">"Aide à la saisie (programmes nationaux)"</h3>
                    <ul>
                        {suggestions
                            .clone()
                            .into_iter()
                            .map(|suggestion| {
                                let added = {
                                    let suggestion = suggestion.clone();
                                    Memo::new(move |_| items.contains(&suggestion))
                                };
                                let text = suggestion.clone();
                                view! {
                                    <li>
                                        <button
                                            type="button"
                                            class="suggestion"
                                            disabled=added
                                            on:click=move |_| items.push(&text)
                                        >
                                            <span class="marque-ajout" aria-hidden="true">
                                                {move || if added.get() { "✓" } else { "+" }}
                                            </span>
                                            {suggestion}
                                            <span class="visuellement-cache">
                                                {move || if added.get() { " (déjà ajouté)" } else { "" }}
                                            </span>
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </section>
            </Show>
        </section>
    })
}

/// « Éléments du programme », loaded on demand: its code is a chunk of its own in the WASM
/// bundle.
pub struct ProgrammeRoute;

#[lazy_route]
impl LazyRoute for ProgrammeRoute {
    fn data() -> Self {
        ProgrammeRoute
    }

    fn view(this: Self) -> AnyView {
        let ProgrammeRoute = this;
        view! { <ProgrammePage /> }.into_any()
    }
}
