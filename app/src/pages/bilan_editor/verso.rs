//! The verso: parcours éducatifs, modalités d'accompagnement, PPRE, appréciation générale.

use super::fields::{FieldState, Saver, TextField};
use crate::domain::PositionnementType;
use crate::domain::catalogue::{AppreciationGenerale, PPRE, ParcoursText, PpreComplement};
use crate::wire::bilan_editor::{BilanField, FieldValue, VersoParcours};
use leptos::prelude::*;

/// The verso: parcours éducatifs, modalités d'accompagnement, appréciation générale.
#[component]
pub(super) fn Verso(
    parcours: Vec<VersoParcours>,
    modalites_offered: Vec<(String, String)>,
    saver: Saver,
    locked: bool,
) -> impl IntoView {
    let modalites = saver.field(&BilanField::Modalites);
    let ppre_chosen = {
        let modalites = modalites.clone();
        move || matches!(modalites.value.get(), FieldValue::Codes(codes) if codes.iter().any(|c| c == PPRE))
    };
    let ppre_field = saver.field(&BilanField::PpreComplement);
    let appreciation = saver.field(&BilanField::Appreciation);
    let ppre_saver = saver.clone();
    view! {
        <section class="verso" aria-labelledby="titre-verso">
            <h2 id="titre-verso">"Verso"</h2>
            <fieldset class="domaine">
                <legend>"Parcours éducatifs"</legend>
                <p class="regle-parcours">
                    "Seuls des faits pertinents, sans jugement subjectif, et rien qui révèle, directement ou non, les origines raciales, les opinions politiques, philosophiques ou religieuses, l'appartenance syndicale ou la vie privée."
                </p>
                {parcours
                    .into_iter()
                    .map(|entry| {
                        let field = saver.field(&BilanField::Parcours(entry.code.clone()));
                        view! {
                            <div class="parcours-eleve">
                                <h3>{entry.label.clone()}</h3>
                                <p class="texte-classe">
                                    {match entry.class_text.is_empty() {
                                        true => "Texte de la classe : aucun.".to_owned(),
                                        false => format!("Texte de la classe : {}", entry.class_text),
                                    }}
                                </p>
                                <TextField
                                    field
                                    saver=saver.clone()
                                    id=format!("parcours-{}", entry.code)
                                    label=format!("{} — pour cet élève (facultatif)", entry.label)
                                    max=ParcoursText::MAX_CHARS
                                    rows=2
                                    locked
                                />
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <fieldset class="domaine modalites">
                <legend>"Modalités spécifiques d'accompagnement"</legend>
                {modalites_offered
                    .into_iter()
                    .map(|(code, label)| {
                        let id = format!("modalite-{code}");
                        let field = modalites.clone();
                        let toggled = modalites.clone();
                        let toggle_saver = saver.clone();
                        let checked_code = code.clone();
                        let is_checked = move || matches!(field.value.get(), FieldValue::Codes(codes) if codes.contains(&checked_code));
                        // The attribute ticks the box before the page hydrates.
                        let checked_at_first = untrack(is_checked.clone());
                        view! {
                            <div class="case-modalite">
                                <input
                                    type="checkbox"
                                    id=id.clone()
                                    disabled=locked
                                    checked=checked_at_first
                                    prop:checked=is_checked
                                    on:change=move |event| {
                                        let on = event_target_checked(&event);
                                        let mut codes = match toggled.value.get_untracked() {
                                            FieldValue::Codes(codes) => codes,
                                            _ => Vec::new(),
                                        };
                                        codes.retain(|known| *known != code);
                                        if on {
                                            codes.push(code.clone());
                                        }
                                        toggle_saver.edit(&BilanField::Modalites, FieldValue::Codes(codes));
                                    }
                                />
                                <label for=id>{label}</label>
                            </div>
                        }
                    })
                    .collect_view()}
                <FieldState field=modalites.clone() saver=saver.clone() scale=PositionnementType::ObjectifsApprentissage />
                <Show when=ppre_chosen>
                    <TextField
                        field=ppre_field.clone()
                        saver=ppre_saver.clone()
                        id="complement-ppre".to_owned()
                        label="Complément du PPRE".to_owned()
                        max=PpreComplement::MAX_CHARS
                        rows=2
                        locked
                    />
                </Show>
            </fieldset>
            <fieldset class="domaine">
                <legend>"Appréciation générale"</legend>
                <TextField
                    field=appreciation
                    saver
                    id="appreciation-generale".to_owned()
                    label="Appréciation générale sur la progression de l'élève".to_owned()
                    max=AppreciationGenerale::MAX_CHARS
                    rows=5
                    locked
                    required=true
                />
            </fieldset>
        </section>
    }
}
