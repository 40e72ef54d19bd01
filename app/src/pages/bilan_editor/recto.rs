//! The recto: each domain with its rows (programme elements, positionnement) and its comment.

use super::fields::{Field, FieldState, Saver, TextField};
use crate::domain::catalogue::{DomainComment, DomainRow, ProgrammeElement};
use crate::domain::{Positionnement, PositionnementType};
use crate::wire::bilan_editor::{BilanField, FieldValue, RectoRow};
use leptos::prelude::*;

/// The recto: each domain with its rows (programme elements, positionnement) and its comment.
#[component]
pub(super) fn Recto(
    rows: Vec<RectoRow>,
    saver: Saver,
    scale: PositionnementType,
    locked: bool,
) -> impl IntoView {
    let mut domains: Vec<(String, Vec<RectoRow>)> = Vec::new();
    for row in rows {
        match domains.last_mut() {
            Some((domain, rows)) if *domain == row.domain => rows.push(row),
            _ => domains.push((row.domain.clone(), vec![row])),
        }
    }
    view! {
        <section class="recto" aria-labelledby="titre-recto">
            <h2 id="titre-recto">"Recto — Acquis scolaires"</h2>
            {domains
                .into_iter()
                .map(|(domain, rows)| {
                    let comment_row = rows[0].code.clone();
                    let whole = rows.len() == 1
                        && DomainRow::by_code(&rows[0].code).is_some_and(DomainRow::is_whole_domain);
                    let comment = saver.field(&BilanField::Comment(comment_row.clone()));
                    view! {
                        <fieldset class="domaine">
                            <legend>{domain.clone()}</legend>
                            {rows
                                .into_iter()
                                .map(|row| {
                                    view! { <RectoLine row saver=saver.clone() scale locked whole /> }
                                })
                                .collect_view()}
                            <TextField
                                field=comment
                                saver=saver.clone()
                                id=format!("commentaire-{comment_row}")
                                label=match whole {
                                    true => "Acquisitions, progrès et difficultés éventuelles".to_owned(),
                                    false => format!("Acquisitions, progrès et difficultés éventuelles — {domain} (commentaire sur la totalité du domaine)"),
                                }
                                max=DomainComment::MAX_CHARS
                                rows=3
                                locked
                            />
                        </fieldset>
                    }
                })
                .collect_view()}
        </section>
    }
}

/// A row of the recto: its programme elements (the class's, or the pupil's own once modified)
/// and its positionnement, with whether it is complete.
#[component]
pub(super) fn RectoLine(
    row: RectoRow,
    saver: Saver,
    scale: PositionnementType,
    locked: bool,
    /// The row is its domain (no sub-domain label to show).
    whole: bool,
) -> impl IntoView {
    let code = row.code.clone();
    let elements = saver.field(&BilanField::Elements(code.clone()));
    let level = saver.field(&BilanField::Positionnement(code.clone()));
    let summary = saver.summary.clone();
    let complete_code = code.clone();
    let complete = Signal::derive(move || {
        summary.with(|s| {
            s.rows
                .iter()
                .any(|(code, complete)| *code == complete_code && *complete)
        })
    });
    let select_id = format!("positionnement-{code}");
    let level_value = level.clone();
    let level_saver = saver.clone();
    let level_key = level.key.clone();
    let level_state = level.clone();
    view! {
        <div class="ligne-recto">
            <h3 class="intitule-ligne">
                {(!whole).then(|| row.label.clone())}
                <span class=move || if complete.get() { "etat-ligne complet" } else { "etat-ligne incomplet" }>
                    {move || if complete.get() { "✓ complet" } else { "incomplet" }}
                </span>
            </h3>
            <ElementsEditor
                field=elements
                class_elements=row.class_elements
                saver=saver.clone()
                code=code.clone()
                label=row.label.clone()
                locked
            />
            <div class="positionnement">
                <label for=select_id.clone()>{format!("Positionnement — {}", row.label)}</label>
                <select
                    id=select_id
                    disabled=locked
                    on:change=move |event| {
                        let value = Positionnement::from_choice(&event_target_value(&event));
                        level_saver.edit(&level_key, FieldValue::Level(value));
                    }
                >
                    <option value="" selected=move || level_value.value.get() == FieldValue::Level(None)>
                        "—"
                    </option>
                    {Positionnement::ALL
                        .into_iter()
                        .map(|choice| {
                            let current = level.clone();
                            view! {
                                <option
                                    value=choice.choice()
                                    selected=move || current.value.get() == FieldValue::Level(Some(choice))
                                >
                                    {choice.label(scale)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <FieldState field=level_state saver=saver.clone() scale />
            </div>
        </div>
    }
}

/// The row's programme elements: the class's, read-only, until « Modifier les éléments de
/// programme » gives this pupil a list of their own (« Reprendre ceux de la classe » undoes it).
#[component]
pub(super) fn ElementsEditor(
    field: Field,
    class_elements: Vec<String>,
    saver: Saver,
    code: String,
    label: String,
    locked: bool,
) -> impl IntoView {
    let has_own = {
        let field = field.clone();
        move || field.own_elements().is_some()
    };
    let key = field.key.clone();
    let add = {
        let saver = saver.clone();
        let field = field.clone();
        move || field.edit_elements(&saver, &|list| list.push(String::new()))
    };
    let start_own = {
        let saver = saver.clone();
        let key = key.clone();
        let class_elements = class_elements.clone();
        move |_| saver.edit(&key, FieldValue::Elements(Some(class_elements.clone())))
    };
    let back_to_class = {
        let saver = saver.clone();
        let key = key.clone();
        move |_| saver.edit(&key, FieldValue::Elements(None))
    };
    let class_list = class_elements.clone();
    let (own_field, own_saver) = (field.clone(), saver.clone());
    view! {
        <div class="elements-eleve">
            <Show
                when=has_own.clone()
                fallback=move || {
                    let class_list = class_list.clone();
                    view! {
                        {match class_list.is_empty() {
                            true => view! { <p class="vide">"Aucun élément du programme pour la classe."</p> }.into_any(),
                            false => view! {
                                <ul class="elements-classe">
                                    {class_list.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}
                                </ul>
                            }.into_any(),
                        }}
                    }
                }
            >
                {
                    let (field, saver, code, label) =
                        (own_field.clone(), own_saver.clone(), code.clone(), label.clone());
                    view! { <OwnElements field saver code label locked /> }
                }
            </Show>
            {(!locked).then(|| view! {
                <div class="actions-elements">
                    <Show
                        when=has_own.clone()
                        fallback=move || {
                            let start = start_own.clone();
                            view! {
                                <button type="button" class="secondaire" on:click=start>
                                    "Modifier les éléments de programme"
                                </button>
                            }
                        }
                    >
                        <button
                            type="button"
                            class="secondaire"
                            on:click={
                                let add = add.clone();
                                move |_| add()
                            }
                        >
                            "Ajouter un élément"
                        </button>
                        <button type="button" class="secondaire" on:click=back_to_class.clone()>
                            "Reprendre ceux de la classe"
                        </button>
                    </Show>
                </div>
            })}
            <FieldState field=field.clone() saver=saver.clone() scale=PositionnementType::ObjectifsApprentissage />
        </div>
    }
}

/// The pupil's own list of programme elements of a row, each item editable.
#[component]
pub(super) fn OwnElements(
    field: Field,
    saver: Saver,
    code: String,
    label: String,
    locked: bool,
) -> impl IntoView {
    let own = {
        let field = field.clone();
        move || field.own_elements()
    };
    let length = {
        let own = own.clone();
        move || own().map_or(0, |list| list.len())
    };
    let edit_list = move |change: &dyn Fn(&mut Vec<String>)| field.edit_elements(&saver, change);
    view! {
                <ol class="elements-propres">
                    <For each=move || 0..length() key=|index| *index let(index)>
                        {
                            let own = own.clone();
                            let edit = edit_list.clone();
                            let remove = edit_list.clone();
                            let id = format!("element-{code}-{index}");
                            let text = move || own().and_then(|list| list.get(index).cloned()).unwrap_or_default();
                            let counted = text.clone();
                            // Shown before the page hydrates, like the other fields.
                            let initial = untrack(text.clone());
                            view! {
                                <li>
                                    <label for=id.clone() class="visuellement-cache">
                                        {format!("Élément {} — {label}", index + 1)}
                                    </label>
                                    <textarea
                                        id=id
                                        rows=2
                                        maxlength=ProgrammeElement::MAX_CHARS
                                        disabled=locked
                                        prop:value=text
                                        on:input=move |event| {
                                            let typed = event_target_value(&event);
                                            edit(&|list: &mut Vec<String>| {
                                                if let Some(item) = list.get_mut(index) {
                                                    *item = typed.clone();
                                                }
                                            });
                                        }
                                    >
                                        {initial}
                                    </textarea>
                                    <span class="compteur">{move || format!("{} / {}", counted().chars().count(), ProgrammeElement::MAX_CHARS)}</span>
                                    <button
                                        type="button"
                                        class="secondaire"
                                        disabled=locked
                                        on:click=move |_| remove(&|list: &mut Vec<String>| {
                                            if index < list.len() {
                                                list.remove(index);
                                            }
                                        })
                                    >
                                        {format!("Supprimer l'élément {}", index + 1)}
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ol>
    }
}
