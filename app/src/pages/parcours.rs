use super::saisie::{SaisieChooser, SaisieNav, saisie_content, use_saisie_query};
use crate::api::saisie::{ParcoursEntry, SaveClassParcours, Selection, parcours_page};
use crate::domain::catalogue::ParcoursText;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// « Saisie collective des parcours éducatifs »: for a class and period, one text per parcours.
#[component]
pub fn ParcoursPage() -> impl IntoView {
    let query = use_saisie_query();
    let save = ServerAction::<SaveClassParcours>::new();
    let saves = super::successes(move || matches!(save.value().get(), Some(Ok(()))));
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
    let pending = save.pending();
    let fields = entries
        .into_iter()
        .map(|entry| {
            let name = entry.code.to_lowercase();
            let field = format!("parcours-{}", entry.code);
            let text = RwSignal::new(entry.text.clone());
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
            view! {
                <div class="champ-parcours">
                    <label for=field.clone()>{entry.label}</label>
                    <textarea
                        id=field
                        name=name
                        rows="4"
                        aria-describedby="regle-parcours"
                        prop:value=move || text.get()
                        on:input=move |event| text.set(event_target_value(&event))
                    >
                        {entry.text}
                    </textarea>
                    <span class="compteur" class:depasse=move || { count() > ParcoursText::MAX_CHARS }>
                        {move || format!("{} / {}", count(), ParcoursText::MAX_CHARS)}
                    </span>
                    {message}
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
                <input type="hidden" name="class_id" value=selection.class.id />
                <input type="hidden" name="period_id" value=selection.period.id />
                {fields}
                <p class="aide-champ">
                    "Ces textes figurent sur le bilan de chaque élève de la classe pour cette période. Un champ laissé vide retire le parcours."
                </p>
                <button type="submit" class="principal" disabled=move || pending.get()>
                    {move || if pending.get() { "Enregistrement…" } else { "Enregistrer" }}
                </button>
                <p class="etat-elements" role="status" aria-live="polite">
                    {move || match save.value().get() {
                        Some(Ok(())) => "Parcours enregistrés.".to_owned(),
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
