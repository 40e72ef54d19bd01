//! « Saisie individuelle »: one pupil's bilan, recto and verso, saved as it is typed. This
//! module holds the page, its route and the walk through the class; `fields` the fields and
//! their saving, `recto` and `verso` the two sides.

mod fields;
mod recto;
mod verso;

use crate::api::bilan_editor::bilan_editor;
use crate::api::bilans::BilansAction;
use crate::domain::BilanStatus;
use crate::error::AppError;
use crate::pages::autosave::{Autosave, SavesItself, keep_saving};
use crate::pages::bilans::{status_class, status_text};
use crate::pages::icons::LockIcon;
use crate::pages::successes;
use crate::wire::bilan_editor::{BilanEditorView, BilanField, BilanKey, FieldValue, Neighbour};
use crate::wire::bilans::{BilanAction, BilanActionReport, BilanActionRequest};
use fields::{Field, Saver, save_status};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};
use recto::Recto;
use std::sync::Arc;
use verso::Verso;

/// The address of a pupil's bilan for a period.
pub fn bilan_href(key: BilanKey) -> String {
    format!(
        "/bilans/bilan?eleve={}&periode={}",
        key.student_id, key.period_id
    )
}

/// The address of a pupil's printed bilan for a period (`NOM_Prénom_Période.pdf`).
pub fn pdf_href(key: BilanKey) -> String {
    format!(
        "/bilans/pdf?eleve={}&periode={}",
        key.student_id, key.period_id
    )
}

/// « Saisie individuelle »: one pupil's bilan, recto and verso, saved as it is typed; the
/// previous and next pupils of the class one click away.
#[component]
pub fn BilanEditorPage() -> impl IntoView {
    let query = use_query_map();
    let key = Memo::new(move |_| {
        query.with(|query| {
            Some(BilanKey {
                student_id: query.get("eleve")?.parse().ok()?,
                period_id: query.get("periode")?.parse().ok()?,
            })
        })
    });
    let act = ServerAction::<BilansAction>::new();
    Effect::watch(
        move || key.get(),
        move |_, _, _| act.value().set(None),
        false,
    );
    let done = successes(move || matches!(act.value().get(), Some(Ok(_))));
    let data = Resource::new(
        move || (key.get(), done.get()),
        |(key, _)| async move {
            match key {
                Some(key) => bilan_editor(key).await,
                None => Err(AppError::invalid(
                    "eleve",
                    "l'adresse ne désigne aucun bilan (élève et période manquent)",
                )),
            }
        },
    );
    view! {
        <Title text="Bilan — Livret" />
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => Either::Left(view! { <BilanEditor view act /> }),
                    Err(error) => Either::Right(view! {
                        <h1>"Bilan"</h1>
                        <p class="alerte" role="alert">{error.to_string()}</p>
                    }),
                }
            })}
        </Transition>
    }
}

#[component]
fn BilanEditor(view: BilanEditorView, act: ServerAction<BilansAction>) -> impl IntoView {
    let BilanEditorView {
        key,
        class_id,
        class_label,
        period_label,
        period_dates,
        pupil_name,
        birth_date,
        level,
        teachers,
        scale,
        created: _,
        lock,
        summary,
        rows,
        parcours,
        modalites_offered,
        modalites,
        ppre_complement,
        appreciation,
        position,
        count,
        previous,
        next,
        may_edit,
        may_unlock,
    } = view;
    let locked = lock.is_some();
    // Nothing can be typed in a locked bilan, nor in one only read from the pupil's history.
    let read_only = locked || !may_edit;
    let mut fields = Vec::new();
    for row in &rows {
        if row.comment_span > 0 {
            fields.push(Field::new(
                BilanField::Comment(row.code.clone()),
                FieldValue::Text(row.comment.clone()),
            ));
        }
        fields.push(Field::new(
            BilanField::Positionnement(row.code.clone()),
            FieldValue::Level(row.positionnement),
        ));
        fields.push(Field::new(
            BilanField::Elements(row.code.clone()),
            FieldValue::Elements(row.own_elements.clone()),
        ));
    }
    for entry in &parcours {
        fields.push(Field::new(
            BilanField::Parcours(entry.code.clone()),
            FieldValue::Text(entry.own_text.clone()),
        ));
    }
    fields.push(Field::new(
        BilanField::Modalites,
        FieldValue::Codes(modalites),
    ));
    fields.push(Field::new(
        BilanField::PpreComplement,
        FieldValue::Text(ppre_complement),
    ));
    fields.push(Field::new(
        BilanField::Appreciation,
        FieldValue::Text(appreciation),
    ));
    let saver = Saver {
        key,
        fields: Arc::new(fields),
        summary: ArcRwSignal::new(summary),
        autosave: Autosave::default(),
    };

    // Leaving the bilan (« Bilan suivant », another page) does not stop its saving.
    keep_saving(&saver);

    let status_saver = saver.clone();
    let status_line = move || save_status(&status_saver);
    let summary_signal = saver.summary.clone();
    let lock_saver = saver.clone();
    let may_lock = move || {
        !read_only
            && summary_signal.with(|s| s.status == BilanStatus::Complet)
            && lock_saver.unsaved() == 0
            && !act.pending().get()
    };
    let run = move |action: BilanAction| {
        act.dispatch(BilansAction {
            request: BilanActionRequest {
                class_id,
                period_id: key.period_id,
                action,
                student_ids: vec![key.student_id],
            },
        });
    };
    let status_summary = saver.summary.clone();
    let status_label = saver.summary.clone();
    let print_summary = saver.summary.clone();
    let pdf_href = pdf_href(key);
    let missing_summary = saver.summary.clone();
    let teachers = match teachers.is_empty() {
        true => "aucun".to_owned(),
        false => teachers.join(", "),
    };
    let list_href = format!("/bilans?classe={class_id}&periode={}", key.period_id);
    let history_href = format!("/bilans/historique?eleve={}", key.student_id);

    view! {
        <Title text=format!("Bilan de {pupil_name} — Livret") />
        <nav class="fil" aria-label="Fil d'Ariane">
            {match may_edit {
                true => view! {
                    <A href=list_href>{format!("Bilans — {class_label} — {period_label}")}</A>
                }.into_any(),
                false => view! {
                    <A href=history_href.clone()>{format!("Historique des bilans de {pupil_name}")}</A>
                }.into_any(),
            }}
        </nav>
        <h1>{format!("Bilan de {pupil_name}")}</h1>
        <dl class="fiche entete-bilan">
            <dt>"Classe"</dt>
            <dd>{class_label.clone()}{level.map(|level| format!(" ({})", level.code()))}</dd>
            <dt>"Période"</dt>
            <dd>{format!("{period_label}, {period_dates}")}</dd>
            <dt>"Date de naissance"</dt>
            <dd>{birth_date}</dd>
            <dt>"Enseignant(s)"</dt>
            <dd>{teachers}</dd>
            <dt>"Statut"</dt>
            <dd>
                <span class=move || status_class(status_summary.with(|s| s.status))>
                    {move || status_text(status_label.with(|s| s.status))}
                </span>
                {lock.clone().map(|lock| view! {
                    <span class="detail-verrou">{format!("par {} le {}", lock.by, lock.at)}</span>
                })}
            </dd>
        </dl>
        <Walk previous next position count period_id=key.period_id history_href />
        <noscript>
            <p class="alerte">"La saisie du bilan demande JavaScript : activez-le pour modifier le bilan."</p>
        </noscript>
        <div class="barre-bilan">
            <p class="etat-grille" role="status" aria-live="polite">
                {move || (!read_only).then(&status_line)}
            </p>
            <div class="actions-elements">
                {(!read_only).then(|| view! {
                    <button
                        type="button"
                        class="principal"
                        disabled=move || !may_lock()
                        on:click=move |_| run(BilanAction::Lock)
                    >
                        "Verrouiller le bilan"
                    </button>
                })}
                {(locked && may_unlock).then(|| view! {
                    <button
                        type="button"
                        class="secondaire"
                        disabled=move || act.pending().get()
                        on:click=move |_| run(BilanAction::Unlock)
                    >
                        "Déverrouiller le bilan"
                    </button>
                })}
                {move || match print_summary.with(|s| s.status.is_printable()) {
                    true => Either::Left(view! {
                        <a class="bouton-lien" href=pdf_href.clone() download rel="external">
                            "Éditer (PDF)"
                        </a>
                    }),
                    false => Either::Right(view! {
                        <button type="button" class="secondaire" disabled=true title="Le bilan doit d'abord être complet.">
                            "Éditer (PDF)"
                        </button>
                    }),
                }}
            </div>
        </div>
        <LockReport act />
        {move || {
            let missing = missing_summary.with(|s| s.missing.clone());
            match (locked, missing.is_empty()) {
                _ if !may_edit => view! {
                    <p class="carte lecture-seule">"Ce bilan est celui d'une autre classe ou d'une autre année : vous pouvez le lire, pas le modifier."</p>
                }.into_any(),
                (true, _) => view! {
                    <p class="carte lecture-seule"><LockIcon />" Ce bilan est verrouillé : il ne peut plus être modifié. Seule la direction peut le déverrouiller."</p>
                }.into_any(),
                (false, true) => view! {
                    <p class="carte bilan-complet">"✓ Le bilan est complet : il peut être verrouillé puis édité."</p>
                }.into_any(),
                (false, false) => view! {
                    <div class="carte manques">
                        <p>"Avant de pouvoir éditer ce bilan, il manque :"</p>
                        <ul>{missing.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}</ul>
                    </div>
                }.into_any(),
            }
        }}
        <Recto rows saver=saver.clone() scale locked=read_only />
        <Verso parcours modalites_offered saver locked=read_only />
    }
}

/// « Bilan précédent », « Bilan suivant » and where the pupil stands in the class.
#[component]
fn Walk(
    previous: Option<Neighbour>,
    next: Option<Neighbour>,
    position: usize,
    count: usize,
    period_id: i32,
    history_href: String,
) -> impl IntoView {
    let link = move |neighbour: Option<Neighbour>, label: &'static str, class: &'static str| {
        neighbour.map(|neighbour| {
            let href = bilan_href(BilanKey {
                student_id: neighbour.student_id,
                period_id,
            });
            view! {
                <A href=href attr:class=class attr:title=neighbour.name.clone()>
                    {label}
                </A>
            }
        })
    };
    view! {
        <nav class="parcours-classe" aria-label="Bilans de la classe">
            {link(previous, "← Bilan précédent", "precedent")}
            {(position > 0).then(|| view! {
                <span class="rang">{format!("Élève {position} sur {count}")}</span>
            })}
            {link(next, "Bilan suivant →", "suivant")}
            <A href=history_href attr:class="historique">"Consulter l'historique des bilans de l'élève"</A>
        </nav>
    }
}

/// What the last lock or unlock did.
#[component]
fn LockReport(act: ServerAction<BilansAction>) -> impl IntoView {
    move || {
        act.value().get().map(|result| match result {
            Ok(BilanActionReport { left_alone, .. }) if !left_alone.is_empty() => view! {
                <p class="alerte" role="alert">
                    {left_alone.into_iter().map(|(_, reason)| reason).collect::<Vec<_>>().join(" ; ")}
                </p>
            }
            .into_any(),
            Ok(BilanActionReport { action, .. }) => view! {
                <p class="carte" role="status">
                    {match action {
                        BilanAction::Unlock => "Le bilan est déverrouillé.",
                        _ => "Le bilan est verrouillé.",
                    }}
                </p>
            }
            .into_any(),
            Err(error) => view! { <p class="alerte" role="alert">{error.to_string()}</p> }.into_any(),
        })
    }
}

/// The bilan editor, loaded on demand: its code is a chunk of its own in the WASM bundle.
pub struct BilanEditorRoute;

#[lazy_route]
impl LazyRoute for BilanEditorRoute {
    fn data() -> Self {
        BilanEditorRoute
    }

    fn view(this: Self) -> AnyView {
        let BilanEditorRoute = this;
        view! { <BilanEditorPage /> }.into_any()
    }
}
