use super::saisie::{SaisieChooser, SaisieNav, saisie_content, use_saisie_query};
use crate::api::saisie::{SaveClassParcours, parcours_page};
use crate::domain::catalogue::ParcoursText;
use crate::error::AppError;
use crate::wire::saisie::{ParcoursEntry, ParcoursSaved, Selection};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// « Saisie collective des parcours éducatifs »: for a class and period, one text per parcours.
#[component]
pub fn ParcoursPage() -> impl IntoView {
    let query = use_saisie_query();
    let save = ServerAction::<SaveClassParcours>::new();
    // Read again after a save, unless a text was someone else's: the page then keeps its own.
    let saves = super::successes(move || {
        save.value()
            .with(|value| matches!(value, Some(Ok(saved)) if saved.iter().all(|p| !p.conflict)))
    });
    let data = Resource::new(
        move || (query.get(), saves.get()),
        |(query, _)| parcours_page(query),
    );
    view! {
        <Title text="Parcours éducatifs — Livret" />
        <h1>"Parcours éducatifs"</h1>
        <SaisieNav />
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                saisie_content(data.await, move |classes, selection, content| {
                    view! {
                        <SaisieChooser classes selection=selection.clone() />
                        {content.map(|entries| view! { <ParcoursForm entries selection save /> })}
                    }
                })
            })}
        </Transition>
    }
}

#[component]
fn ParcoursForm(
    entries: Vec<ParcoursEntry>,
    selection: Selection,
    save: ServerAction<SaveClassParcours>,
) -> impl IntoView {
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = Signal::derive(move || save.value().get().and_then(Result::ok));
    let pending = save.pending();
    let fields = entries
        .into_iter()
        .map(|entry| {
            let name = entry.code.to_lowercase();
            let field = format!("parcours-{}", entry.code);
            let text = RwSignal::new(entry.text.clone());
            // The field keeps what is typed in it, even before the page hydrates: its text is
            // only ever set by the page when « Reprendre l'autre texte » asks, and the page
            // reads it back once hydrated.
            let area = NodeRef::<leptos::html::Textarea>::new();
            Effect::new(move || {
                if let Some(area) = area.get() {
                    text.set(area.value());
                }
            });
            // The text stored as the page last knew it, sent back with the field: a text
            // someone else saved since is then not overwritten. Kept, not derived from the last
            // answer: a save refused later (a text too long) must not forget it.
            let was = RwSignal::new(entry.text.clone());
            let this_saved = {
                let code = entry.code.clone();
                Memo::new(move |_| {
                    saved.with(|saved| {
                        saved
                            .iter()
                            .flatten()
                            .find(|parcours| parcours.code == code)
                            .cloned()
                    })
                })
            };
            Effect::new(move || {
                if let Some(ParcoursSaved { stored, .. }) = this_saved.get() {
                    was.set(stored);
                }
            });
            let count = move || text.with(|text| text.trim().chars().count());
            let message = {
                let field = field.clone();
                move || {
                    error.with(|error| {
                        error
                            .as_ref()
                            .and_then(|error| error.field_message(&field))
                            .map(|message| view! { <p class="erreur-champ">{message.to_owned()}</p> })
                    })
                }
            };
            let conflict = move || {
                this_saved.get().filter(|saved| saved.conflict).map(|saved| {
                    let theirs = saved.stored.clone();
                    let said = match saved.stored.as_str() {
                        "" => "Quelqu'un a retiré ce parcours pendant que vous l'écriviez.".to_owned(),
                        stored => format!(
                            "Quelqu'un a enregistré un autre texte pendant que vous écriviez : « {stored} »."
                        ),
                    };
                    view! {
                        <div class="conflit" role="alert">
                            <p>
                                {said}
                                " Votre texte, ci-dessous, n'est pas enregistré : enregistrez à nouveau pour le garder, ou reprenez l'autre."
                            </p>
                            <button
                                type="button"
                                on:click=move |_| {
                                    if let Some(area) = area.get_untracked() {
                                        area.set_value(&theirs);
                                    }
                                    text.set(theirs.clone());
                                }
                            >
                                "Reprendre l'autre texte"
                            </button>
                        </div>
                    }
                })
            };
            view! {
                <div class="champ-parcours">
                    <label for=field.clone()>{entry.label}</label>
                    <textarea
                        id=field
                        name=format!("now[{name}]")
                        rows="4"
                        aria-describedby="regle-parcours"
                        node_ref=area
                        on:input=move |event| text.set(event_target_value(&event))
                    >
                        {entry.text}
                    </textarea>
                    <input type="hidden" name=format!("was[{name}]") value=move || was.get() />
                    <span class="compteur" class:depasse=move || { count() > ParcoursText::MAX_CHARS }>
                        {move || format!("{} / {}", count(), ParcoursText::MAX_CHARS)}
                    </span>
                    {message}
                    {conflict}
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="carte parcours" aria-labelledby="titre-parcours">
            <h2 id="titre-parcours">
                {format!("{} — {}", selection.class.label, selection.period.label)}
            </h2>
            <p class="avertissement" id="regle-parcours">
                "Ne saisissez que des faits pertinents, sans jugement subjectif, et rien qui fasse apparaître, directement ou indirectement, les origines raciales ou ethniques, les opinions politiques, philosophiques ou religieuses, l'appartenance syndicale ou la vie privée des personnes."
            </p>
            <ActionForm action=save>
                <input type="hidden" name="class[class_id]" value=selection.class.id />
                <input type="hidden" name="class[period_id]" value=selection.period.id />
                {fields}
                <p class="aide-champ">
                    "Ces textes figurent sur le bilan de chaque élève de la classe pour cette période. Un champ laissé vide retire le parcours."
                </p>
                <button type="submit" class="principal" disabled=move || pending.get()>
                    {move || if pending.get() { "Enregistrement…" } else { "Enregistrer" }}
                </button>
                <p class="etat-elements" role="status" aria-live="polite">
                    {move || match save.value().get() {
                        Some(Ok(saved)) if saved.iter().any(|parcours| parcours.conflict) => {
                            "Enregistré, sauf ce que quelqu'un d'autre a modifié entre-temps : voyez ci-dessus.".to_owned()
                        }
                        Some(Ok(_)) => "Parcours enregistrés.".to_owned(),
                        Some(Err(AppError::Invalid(_))) => {
                            "Rien n'est enregistré : corrigez le texte signalé.".to_owned()
                        }
                        Some(Err(error)) => format!("Rien n'est enregistré : {error}"),
                        None => String::new(),
                    }}
                </p>
            </ActionForm>
        </section>
    }
}

/// « Parcours éducatifs », loaded on demand: its code is a chunk of its own in the WASM bundle.
pub struct ParcoursRoute;

#[lazy_route]
impl LazyRoute for ParcoursRoute {
    fn data() -> Self {
        ParcoursRoute
    }

    fn view(this: Self) -> AnyView {
        let ParcoursRoute = this;
        view! { <ParcoursPage /> }.into_any()
    }
}
