//! The bilan's fields on the page, their saving, and what each says of it.

use crate::api::bilan_editor::save_bilan;
use crate::domain::PositionnementType;
use crate::error::AppError;
use crate::pages::autosave::{AUTOSAVE_DELAY, Autosave, Away, Entry, SavesItself};
use crate::wire::bilan_editor::{
    BilanField, BilanKey, BilanSaved, BilanSummary, FieldChange, FieldOutcome, FieldValue,
};
use leptos::prelude::*;
use std::future::Future;
use std::sync::Arc;

/// Where a field stands between the page and the server.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum FieldSync {
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
pub(super) struct Field {
    pub(super) key: BilanField,
    pub(super) stored: ArcRwSignal<FieldValue>,
    pub(super) value: ArcRwSignal<FieldValue>,
    pub(super) sync: ArcRwSignal<FieldSync>,
}

impl Field {
    pub(super) fn new(key: BilanField, value: FieldValue) -> Field {
        Field {
            key,
            stored: ArcRwSignal::new(value.clone()),
            value: ArcRwSignal::new(value),
            sync: ArcRwSignal::new(FieldSync::Saved),
        }
    }

    pub(super) fn text(&self) -> String {
        match self.value.get() {
            FieldValue::Text(text) => text,
            _ => String::new(),
        }
    }

    /// The text as the page first renders it (a textarea's content on the server).
    pub(super) fn initial_text(&self) -> String {
        match self.value.get_untracked() {
            FieldValue::Text(text) => text,
            _ => String::new(),
        }
    }

    /// The pupil's own programme elements of an elements field (none: the class's apply).
    pub(super) fn own_elements(&self) -> Option<Vec<String>> {
        match self.value.get() {
            FieldValue::Elements(own) => own,
            _ => None,
        }
    }

    /// Changes the pupil's own list of an elements field and saves it shortly.
    pub(super) fn edit_elements(&self, saver: &Saver, change: &dyn Fn(&mut Vec<String>)) {
        let mut list = match self.value.get_untracked() {
            FieldValue::Elements(Some(list)) => list,
            _ => Vec::new(),
        };
        change(&mut list);
        saver.edit(&self.key, FieldValue::Elements(Some(list)));
    }

    pub(super) fn set(&self, value: FieldValue) {
        self.value.set(value);
        self.sync.set(FieldSync::Pending);
    }

    pub(super) fn apply(&self, sent: &FieldChange, outcome: &FieldOutcome) {
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
    pub(super) fn keep_mine(&self, theirs: FieldValue) {
        self.stored.set(theirs);
        self.sync.set(FieldSync::Pending);
    }

    /// « Prendre … »: the other value replaces the page's.
    pub(super) fn take_theirs(&self, theirs: FieldValue) {
        self.stored.set(theirs.clone());
        self.value.set(theirs);
        self.sync.set(FieldSync::Saved);
    }
}

impl Entry for Field {
    type Change = FieldChange;

    fn change(&self) -> Option<FieldChange> {
        (self.sync.get_untracked() == FieldSync::Pending).then(|| FieldChange {
            field: self.key.clone(),
            was: self.stored.get_untracked(),
            now: self.value.get_untracked(),
        })
    }

    fn sending(&self) {
        self.sync.set(FieldSync::Saving);
    }

    fn not_saved(&self, away: Option<Away>, message: &str) {
        self.sync.set(match away {
            Some(_) => FieldSync::Pending,
            None => FieldSync::Failed(message.to_owned()),
        });
    }

    fn is_pending(&self) -> bool {
        self.sync.with(|sync| {
            matches!(
                sync,
                FieldSync::Pending | FieldSync::Saving | FieldSync::Failed(_)
            )
        })
    }

    /// Pending, refused, or waiting for the person's choice.
    fn is_unsaved(&self) -> bool {
        self.sync.with(|sync| *sync != FieldSync::Saved)
    }
}

/// The bilan's saving: its fields, and the summary each save brings back.
#[derive(Clone)]
pub(super) struct Saver {
    pub(super) key: BilanKey,
    pub(super) fields: Arc<Vec<Field>>,
    pub(super) summary: ArcRwSignal<BilanSummary>,
    pub(super) autosave: Autosave,
}

impl Saver {
    pub(super) fn field(&self, key: &BilanField) -> Field {
        self.fields
            .iter()
            .find(|field| field.key == *key)
            .cloned()
            .expect("every field the editor shows was made with it")
    }

    /// Changes a field and saves it shortly.
    pub(super) fn edit(&self, key: &BilanField, value: FieldValue) {
        self.field(key).set(value);
        self.schedule(AUTOSAVE_DELAY);
    }
}

impl SavesItself for Saver {
    type Entry = Field;
    type Answer = BilanSaved;

    fn entries(&self) -> &[Field] {
        &self.fields
    }

    fn autosave(&self) -> &Autosave {
        &self.autosave
    }

    fn send(
        &self,
        changes: Vec<FieldChange>,
    ) -> impl Future<Output = Result<BilanSaved, AppError>> + 'static {
        save_bilan(self.key, changes)
    }

    fn apply(&self, sent: &[(Field, FieldChange)], saved: BilanSaved) {
        for ((field, change), outcome) in sent.iter().zip(&saved.outcomes) {
            field.apply(change, outcome);
        }
        self.summary.set(saved.summary);
    }
}

/// A text of the bilan with its counter and its saving state.
#[component]
pub(super) fn TextField(
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
pub(super) fn FieldState(field: Field, saver: Saver, scale: PositionnementType) -> impl IntoView {
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

/// What the bilan says about its saving, in one sentence.
pub(super) fn save_status(saver: &Saver) -> String {
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
pub(super) fn describe(value: &FieldValue, scale: PositionnementType) -> String {
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
pub(super) fn describe_short(shown: &str) -> String {
    match shown.char_indices().nth(30) {
        Some((cut, _)) => format!("{}…", &shown[..cut]),
        None => shown.to_owned(),
    }
}
