use super::autosave::{AUTOSAVE_DELAY, Autosave, Away, RETRY_DELAY};
use super::bilans::{status_class, status_text};
use super::icons::LockIcon;
use super::successes;
use crate::api::bilan_editor::{bilan_editor, save_bilan};
use crate::api::bilans::BilansAction;
use crate::domain::catalogue::{
    AppreciationGenerale, DomainComment, DomainRow, PPRE, ParcoursText, PpreComplement,
    ProgrammeElement,
};
use crate::domain::{BilanStatus, Positionnement, PositionnementType};
use crate::error::AppError;
use crate::wire::bilan_editor::{
    BilanEditorView, BilanField, BilanKey, BilanSummary, FieldChange, FieldOutcome, FieldValue,
    Neighbour, RectoRow, VersoParcours,
};
use crate::wire::bilans::{BilanAction, BilanActionReport};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};
use std::sync::Arc;
use std::time::Duration;

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

/// Where a field stands between the page and the server.
#[derive(Debug, Clone, PartialEq)]
enum FieldSync {
    Saved,
    Pending,
    Saving,
    /// Someone changed it meanwhile: the stored value, for the person to choose.
    Conflict(FieldValue),
    /// The server refused the value, with why; it stays on the page.
    Refused(String),
    /// The save failed for another reason, with the message.
    Failed(String),
}

/// One field of the bilan on the page: what the server has, what the page shows, and where it
/// stands.
#[derive(Clone)]
struct Field {
    key: BilanField,
    stored: ArcRwSignal<FieldValue>,
    value: ArcRwSignal<FieldValue>,
    sync: ArcRwSignal<FieldSync>,
}

impl Field {
    fn new(key: BilanField, value: FieldValue) -> Field {
        Field {
            key,
            stored: ArcRwSignal::new(value.clone()),
            value: ArcRwSignal::new(value),
            sync: ArcRwSignal::new(FieldSync::Saved),
        }
    }

    fn text(&self) -> String {
        match self.value.get() {
            FieldValue::Text(text) => text,
            _ => String::new(),
        }
    }

    /// The text as the page first renders it (a textarea's content on the server).
    fn initial_text(&self) -> String {
        match self.value.get_untracked() {
            FieldValue::Text(text) => text,
            _ => String::new(),
        }
    }

    /// The pupil's own programme elements of an elements field (none: the class's apply).
    fn own_elements(&self) -> Option<Vec<String>> {
        match self.value.get() {
            FieldValue::Elements(own) => own,
            _ => None,
        }
    }

    /// Changes the pupil's own list of an elements field and saves it shortly.
    fn edit_elements(&self, saver: &Saver, change: &dyn Fn(&mut Vec<String>)) {
        let mut list = match self.value.get_untracked() {
            FieldValue::Elements(Some(list)) => list,
            _ => Vec::new(),
        };
        change(&mut list);
        saver.edit(&self.key, FieldValue::Elements(Some(list)));
    }

    fn set(&self, value: FieldValue) {
        self.value.set(value);
        self.sync.set(FieldSync::Pending);
    }

    fn change(&self) -> Option<FieldChange> {
        (self.sync.get_untracked() == FieldSync::Pending).then(|| FieldChange {
            field: self.key.clone(),
            was: self.stored.get_untracked(),
            now: self.value.get_untracked(),
        })
    }

    fn apply(&self, sent: &FieldChange, outcome: &FieldOutcome) {
        // Typed again while the save was under way: that value is still to be saved.
        let typed_meanwhile = self.value.get_untracked() != sent.now;
        match outcome {
            FieldOutcome::Saved(_) => {
                self.stored.set(sent.now.clone());
                self.sync.set(match typed_meanwhile {
                    true => FieldSync::Pending,
                    false => FieldSync::Saved,
                });
            }
            FieldOutcome::Conflict { current } => {
                self.sync.set(FieldSync::Conflict(current.clone()))
            }
            FieldOutcome::Refused(message) if !typed_meanwhile => {
                self.sync.set(FieldSync::Refused(message.clone()))
            }
            FieldOutcome::Refused(_) => self.sync.set(FieldSync::Pending),
        }
    }

    /// « Garder ma saisie »: the page's value replaces the other one.
    fn keep_mine(&self, theirs: FieldValue) {
        self.stored.set(theirs);
        self.sync.set(FieldSync::Pending);
    }

    /// « Prendre … »: the other value replaces the page's.
    fn take_theirs(&self, theirs: FieldValue) {
        self.stored.set(theirs.clone());
        self.value.set(theirs);
        self.sync.set(FieldSync::Saved);
    }
}

/// The bilan's saving: what is in flight, what waits, and the retries.
#[derive(Clone)]
struct Saver {
    key: BilanKey,
    fields: Arc<Vec<Field>>,
    summary: ArcRwSignal<BilanSummary>,
    autosave: Autosave,
}

impl Saver {
    fn count(&self, which: impl Fn(&FieldSync) -> bool) -> usize {
        self.fields
            .iter()
            .filter(|field| field.sync.with(&which))
            .count()
    }

    fn pending(&self) -> usize {
        self.count(|sync| {
            matches!(
                sync,
                FieldSync::Pending | FieldSync::Saving | FieldSync::Failed(_)
            )
        })
    }

    /// Values not stored: pending, refused, or waiting for the person's choice.
    fn unsaved(&self) -> usize {
        self.count(|sync| *sync != FieldSync::Saved)
    }

    fn field(&self, key: &BilanField) -> Field {
        self.fields
            .iter()
            .find(|field| field.key == *key)
            .cloned()
            .expect("every field the editor shows was made with it")
    }

    fn schedule(&self, delay: Duration) {
        let saver = self.clone();
        self.autosave.schedule(delay, move || saver.save_now());
    }

    /// Changes a field and saves it shortly.
    fn edit(&self, key: &BilanField, value: FieldValue) {
        self.field(key).set(value);
        self.schedule(AUTOSAVE_DELAY);
    }

    fn save_now(&self) {
        if self.autosave.in_flight() {
            return; // the save under way schedules the next one
        }
        let changes: Vec<(Field, FieldChange)> = self
            .fields
            .iter()
            .filter_map(|field| field.change().map(|change| (field.clone(), change)))
            .collect();
        if changes.is_empty() {
            return;
        }
        for (field, _) in &changes {
            field.sync.set(FieldSync::Saving);
        }
        self.autosave.sending();
        let saver = self.clone();
        leptos::task::spawn_local(async move {
            let sent: Vec<FieldChange> = changes.iter().map(|(_, c)| c.clone()).collect();
            let result = save_bilan(saver.key, sent).await;
            // The page may have been left meanwhile (« Bilan suivant »): its fields live on
            // until everything is saved.
            match result {
                Ok(saved) => {
                    saver.autosave.answered(None);
                    for ((field, change), outcome) in changes.iter().zip(&saved.outcomes) {
                        field.apply(change, outcome);
                    }
                    saver.summary.set(saved.summary);
                    if untrack(|| saver.pending()) > 0 {
                        saver.schedule(AUTOSAVE_DELAY);
                    }
                }
                Err(error) => {
                    let away = Away::after(&error);
                    let message = error.to_string();
                    for (field, _) in &changes {
                        field.sync.set(match away {
                            Some(_) => FieldSync::Pending,
                            None => FieldSync::Failed(message.clone()),
                        });
                    }
                    saver.autosave.answered(away);
                    if away.is_some() {
                        saver.schedule(RETRY_DELAY);
                    }
                }
            }
        });
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

    // Leaving the bilan (« Bilan suivant », another page) does not stop its saving: the fields
    // and the saver are reference-counted and live on until every value is stored; closing the
    // tab with values not stored asks first.
    let online = saver.clone();
    let online_listener = window_event_listener_untyped("online", move |_| online.save_now());
    let unload = saver.clone();
    let unload_listener = window_event_listener(leptos::ev::beforeunload, move |event| {
        if untrack(|| unload.unsaved()) > 0 {
            event.prevent_default();
        }
    });
    let leaving = saver.clone();
    on_cleanup(move || {
        leaving.save_now();
        if untrack(|| leaving.unsaved()) == 0 {
            online_listener.remove();
            unload_listener.remove();
        }
    });

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
            class_id,
            period_id: key.period_id,
            action,
            student_ids: vec![key.student_id],
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

/// The recto: each domain with its rows (programme elements, positionnement) and its comment.
#[component]
fn Recto(
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
fn RectoLine(
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
fn ElementsEditor(
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
fn OwnElements(
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

/// A text of the bilan with its counter and its saving state.
#[component]
fn TextField(
    field: Field,
    saver: Saver,
    id: String,
    label: String,
    max: usize,
    rows: u32,
    locked: bool,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let text = field.clone();
    let counted = field.clone();
    let key = field.key.clone();
    let typed = saver.clone();
    view! {
        <div class="champ-bilan">
            <label for=id.clone()>
                {label}
                {required.then(|| view! { <span class="obligatoire">" (obligatoire)"</span> })}
            </label>
            <textarea
                id=id
                rows=rows
                maxlength=max
                disabled=locked
                prop:value=move || text.text()
                on:input=move |event| typed.edit(&key, FieldValue::Text(event_target_value(&event)))
            >
                {field.initial_text()}
            </textarea>
            <span class=move || {
                if counted.text().chars().count() > max { "compteur depasse" } else { "compteur" }
            }>{
                let counted = field.clone();
                move || format!("{} / {max}", counted.text().chars().count())
            }</span>
            <FieldState field saver scale=PositionnementType::ObjectifsApprentissage />
        </div>
    }
}

/// What a field says when it is not simply saved: a refusal, a failure, or the other value
/// with « Garder ma saisie » / « Prendre … ».
#[component]
fn FieldState(field: Field, saver: Saver, scale: PositionnementType) -> impl IntoView {
    move || {
        let field = field.clone();
        let saver = saver.clone();
        match field.sync.get() {
            FieldSync::Refused(message) | FieldSync::Failed(message) => {
                Some(view! { <p class="erreur-champ" role="alert">{message}</p> }.into_any())
            }
            FieldSync::Conflict(theirs) => {
                let shown = describe(&theirs, scale);
                let keep = field.clone();
                let mine_saver = saver.clone();
                let kept = theirs.clone();
                Some(
                    view! {
                        <div class="conflit" role="alert">
                            <p>{format!("Modifié ailleurs entre-temps : « {shown} »")}</p>
                            <button
                                type="button"
                                class="secondaire"
                                on:click=move |_| {
                                    keep.keep_mine(kept.clone());
                                    mine_saver.schedule(AUTOSAVE_DELAY);
                                }
                            >
                                "Garder ma saisie"
                            </button>
                            <button
                                type="button"
                                class="secondaire"
                                on:click=move |_| field.take_theirs(theirs.clone())
                            >
                                {format!("Prendre « {} »", describe_short(&shown))}
                            </button>
                        </div>
                    }
                    .into_any(),
                )
            }
            _ => None,
        }
    }
}

/// The verso: parcours éducatifs, modalités d'accompagnement, appréciation générale.
#[component]
fn Verso(
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

/// What the bilan says about its saving, in one sentence.
fn save_status(saver: &Saver) -> String {
    let pending = saver.pending();
    let waiting = saver.unsaved() - pending;
    match (pending, saver.autosave.away.get()) {
        (0, _) if waiting > 0 => {
            "Une saisie attend votre décision (voir le champ signalé) : le reste est enregistré."
                .to_owned()
        }
        (0, _) => "Toutes les saisies sont enregistrées.".to_owned(),
        (_, Some(away)) => away.status(pending),
        (_, None) => "Enregistrement…".to_owned(),
    }
}

/// A stored value as a person reads it.
fn describe(value: &FieldValue, scale: PositionnementType) -> String {
    match value {
        FieldValue::Text(text) if text.is_empty() => "(vide)".to_owned(),
        FieldValue::Text(text) => text.clone(),
        FieldValue::Level(Some(level)) => level.label(scale).to_owned(),
        FieldValue::Level(None) => "(vide)".to_owned(),
        FieldValue::Elements(None) => "les éléments de la classe".to_owned(),
        FieldValue::Elements(Some(list)) => list.join(" ; "),
        FieldValue::Codes(codes) if codes.is_empty() => "aucune".to_owned(),
        FieldValue::Codes(codes) => codes.join(", "),
    }
}

/// The start of a long value, for a button.
fn describe_short(shown: &str) -> String {
    match shown.char_indices().nth(30) {
        Some((cut, _)) => format!("{}…", &shown[..cut]),
        None => shown.to_owned(),
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
