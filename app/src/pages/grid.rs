//! A grid of pupils × values that saves itself: the acquis scolaires of a domain row, the
//! mastery of a component of the socle. Each grid says what its values are (`GridValue`) and
//! where its changes go (`GridTarget`); the keyboard, the conflicts, the offline tolerance and
//! the saving are the same for all.

use super::autosave::{AUTOSAVE_DELAY, Autosave, Away, Entry, SavesItself, keep_saving};
use super::bilans::status_text;
use crate::domain::BilanStatus;
use crate::error::AppError;
use crate::wire::saisie::{CellChange, CellOutcome, CellSaved, GridRow};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use std::future::Future;
use std::sync::Arc;

/// The values a grid's cells take, one column each.
pub trait GridValue: Copy + PartialEq + Send + Sync + 'static {
    /// The columns, in order.
    const COLUMNS: &'static [Self];
    /// How the keyboard is used, below the grid.
    const KEYBOARD_HELP: &'static str;
    /// The value of a choice in a page (the « Appliquer à toute la classe » list).
    fn choice(self) -> &'static str;
    fn from_choice(choice: &str) -> Option<Self>;
    /// The value a key sets on the focused row (`1` to `4`, a letter), if any.
    fn from_key(key: &str) -> Option<Self>;
}

/// Where a grid's changes are saved.
pub trait GridTarget: Clone + Send + Sync + 'static {
    type Value: GridValue;
    fn send(
        &self,
        changes: Vec<CellChange<Self::Value>>,
    ) -> impl Future<Output = Result<Vec<CellSaved<Self::Value>>, AppError>> + 'static;
}

/// How a grid names its values (the class's scale names the acquis' levels).
pub struct Labels<V> {
    names: Arc<Vec<(V, String)>>,
}

impl<V> Clone for Labels<V> {
    fn clone(&self) -> Self {
        Labels {
            names: Arc::clone(&self.names),
        }
    }
}

impl<V: GridValue> Labels<V> {
    pub fn new(name: impl Fn(V) -> String) -> Self {
        Labels {
            names: Arc::new(
                V::COLUMNS
                    .iter()
                    .map(|value| (*value, name(*value)))
                    .collect(),
            ),
        }
    }

    fn of(&self, value: V) -> String {
        self.names
            .iter()
            .find(|(each, _)| *each == value)
            .map(|(_, name)| name.clone())
            .unwrap_or_default()
    }
}

/// Where a row stands with the server.
#[derive(Debug, Clone, PartialEq)]
enum RowSync<V> {
    Saved,
    /// Changed on the page, not yet sent.
    Pending,
    Saving,
    /// Refused by the server, with its reason; sent again with the next save.
    Failed(String),
    /// Someone else stored this value since the page saw the row; the teacher chooses.
    Conflict(Option<V>),
    /// The bilan is locked: the row is read-only.
    Locked,
    /// The pupil left this grid since it was loaded (another class, gone): read-only.
    Gone,
}

/// One pupil's row. Reference-counted signals, so that the unsaved values can still be sent
/// when the grid is left for another one.
#[derive(Clone)]
struct Row<V: GridValue> {
    student_id: i32,
    name: String,
    level: Option<&'static str>,
    value: ArcRwSignal<Option<V>>,
    /// The value as the server last stored it: the `was` of the next save.
    stored: ArcRwSignal<Option<V>>,
    status: ArcRwSignal<BilanStatus>,
    sync: ArcRwSignal<RowSync<V>>,
    /// Changed on this page: its row then says when it is saved.
    changed_here: ArcRwSignal<bool>,
}

impl<V: GridValue> Row<V> {
    fn new(row: GridRow<V>) -> Self {
        let locked = row.status == BilanStatus::Verrouille;
        Row {
            student_id: row.student_id,
            name: row.name,
            level: row.level.map(|level| level.code()),
            value: ArcRwSignal::new(row.value),
            stored: ArcRwSignal::new(row.value),
            status: ArcRwSignal::new(row.status),
            sync: ArcRwSignal::new(if locked {
                RowSync::Locked
            } else {
                RowSync::Saved
            }),
            changed_here: ArcRwSignal::new(false),
        }
    }

    /// Locked, or no longer in the grid: nothing can be written to the row.
    fn is_locked(&self) -> bool {
        matches!(self.sync.get_untracked(), RowSync::Locked | RowSync::Gone)
    }

    /// Sets the value as the teacher chose it (also a way out of a conflict).
    fn choose(&self, value: Option<V>) {
        if self.is_locked() {
            return;
        }
        self.value.set(value);
        self.sync.set(RowSync::Pending);
        self.changed_here.set(true);
    }

    fn is_conflict(&self) -> bool {
        matches!(self.sync.get(), RowSync::Conflict(_))
    }

    fn apply(&self, sent: &CellChange<V>, saved: &CellSaved<V>) {
        self.status.set(saved.status);
        match &saved.outcome {
            CellOutcome::Saved => {
                self.stored.set(sent.now);
                // A value chosen while the save was under way is still to be sent.
                let changed_meanwhile = self.value.get_untracked() != sent.now;
                self.sync.set(if changed_meanwhile {
                    RowSync::Pending
                } else {
                    RowSync::Saved
                });
            }
            CellOutcome::Conflict { current } => {
                self.stored.set(*current);
                self.sync.set(RowSync::Conflict(*current));
            }
            CellOutcome::Locked => {
                self.value.set(self.stored.get_untracked());
                self.sync.set(RowSync::Locked);
            }
            CellOutcome::NotInGrid => {
                self.value.set(self.stored.get_untracked());
                self.sync.set(RowSync::Gone);
            }
        }
    }
}

impl<V: GridValue> Entry for Row<V> {
    type Change = CellChange<V>;

    /// The change to send, if the row has one and is not waiting for the teacher or a lock.
    fn change(&self) -> Option<CellChange<V>> {
        let ready = matches!(
            self.sync.get_untracked(),
            RowSync::Pending | RowSync::Failed(_)
        );
        let (now, was) = (self.value.get_untracked(), self.stored.get_untracked());
        if ready && now == was {
            self.sync.set(RowSync::Saved);
        }
        (ready && now != was).then_some(CellChange {
            student_id: self.student_id,
            was,
            now,
        })
    }

    fn sending(&self) {
        self.sync.set(RowSync::Saving);
    }

    fn not_saved(&self, away: Option<Away>, message: &str) {
        self.sync.set(match away {
            Some(_) => RowSync::Pending,
            None => RowSync::Failed(message.to_owned()),
        });
    }

    fn is_pending(&self) -> bool {
        matches!(
            self.sync.get(),
            RowSync::Pending | RowSync::Saving | RowSync::Failed(_)
        )
    }

    fn is_unsaved(&self) -> bool {
        self.is_pending() || self.is_conflict()
    }
}

/// The grid's saving: its rows, sent where the grid's `GridTarget` says.
#[derive(Clone)]
struct Saver<T: GridTarget> {
    target: T,
    rows: Vec<Row<T::Value>>,
    autosave: Autosave,
}

impl<T: GridTarget> Saver<T> {
    fn conflicts(&self) -> usize {
        self.rows.iter().filter(|row| row.is_conflict()).count()
    }
}

impl<T: GridTarget> SavesItself for Saver<T> {
    type Entry = Row<T::Value>;
    type Answer = Vec<CellSaved<T::Value>>;

    fn entries(&self) -> &[Row<T::Value>] {
        &self.rows
    }

    fn autosave(&self) -> &Autosave {
        &self.autosave
    }

    fn send(
        &self,
        changes: Vec<CellChange<T::Value>>,
    ) -> impl Future<Output = Result<Vec<CellSaved<T::Value>>, AppError>> + 'static {
        self.target.send(changes)
    }

    fn apply(
        &self,
        sent: &[(Row<T::Value>, CellChange<T::Value>)],
        outcomes: Vec<CellSaved<T::Value>>,
    ) {
        for (row, change) in sent {
            if let Some(saved) = outcomes.iter().find(|o| o.student_id == change.student_id) {
                row.apply(change, saved);
            }
        }
    }
}

/// A grid of pupils × values, filled in with the keyboard, the mouse or a finger, and saved by
/// itself to `target`. `caption` names what it is for; `labels` name the columns.
#[component]
pub fn Grid<T: GridTarget>(
    rows: Vec<GridRow<T::Value>>,
    target: T,
    caption: String,
    labels: Labels<T::Value>,
) -> impl IntoView {
    let rows: Vec<Row<T::Value>> = rows.into_iter().map(Row::new).collect();
    let saver = Saver {
        target,
        rows: rows.clone(),
        autosave: Autosave::default(),
    };
    let focus = RwSignal::new((0_usize, 0_usize));
    let row_count = rows.len();

    // Leaving the grid (another domain, another page) does not stop its saving.
    keep_saving(&saver);

    let set_value = {
        let saver = saver.clone();
        move |index: usize, value: Option<T::Value>| {
            if let Some(row) = saver.rows.get(index) {
                row.choose(value);
                saver.schedule(AUTOSAVE_DELAY);
            }
        }
    };
    let move_focus = move |row: usize, column: usize| {
        focus.set((row, column));
        let cell = document().get_element_by_id(&cell_id(row, column));
        if let Some(cell) = cell.and_then(|cell| cell.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = cell.focus();
        }
    };
    let on_key = {
        let rows = rows.clone();
        let set_value = set_value.clone();
        move |event: leptos::ev::KeyboardEvent| {
            // Only the cells' keys: the buttons of a conflict row keep theirs, and shortcuts
            // with a modifier are the browser's.
            let on_cell = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|element| {
                    element.get_attribute("role").as_deref() == Some("gridcell")
                });
            if !on_cell || event.ctrl_key() || event.alt_key() || event.meta_key() {
                return;
            }
            let (row, column) = focus.get_untracked();
            let last_row = row_count.saturating_sub(1);
            let last_column = T::Value::COLUMNS.len() - 1;
            let current = rows.get(row).map(|r| r.value.get_untracked());
            let handled = match event.key().as_str() {
                "ArrowUp" => Some((row.saturating_sub(1), column)),
                "ArrowDown" => Some(((row + 1).min(last_row), column)),
                "ArrowLeft" => Some((row, column.saturating_sub(1))),
                "ArrowRight" => Some((row, (column + 1).min(last_column))),
                "Home" => Some((row, 0)),
                "End" => Some((row, last_column)),
                key if T::Value::from_key(key).is_some() => {
                    set_value(row, T::Value::from_key(key));
                    Some(((row + 1).min(last_row), column))
                }
                "0" | "Delete" | "Backspace" => {
                    set_value(row, None);
                    Some(((row + 1).min(last_row), column))
                }
                " " | "Enter" => {
                    let value = T::Value::COLUMNS[column];
                    set_value(row, (current != Some(Some(value))).then_some(value));
                    Some((row, column))
                }
                _ => None,
            };
            if let Some((row, column)) = handled {
                event.prevent_default();
                move_focus(row, column);
            }
        }
    };

    let fill_value = RwSignal::new(String::new());
    let fill_all = {
        let saver = saver.clone();
        move |_| {
            let Some(value) = T::Value::from_choice(&fill_value.get_untracked()) else {
                return;
            };
            let mut filled = 0;
            for row in &saver.rows {
                if row.value.get_untracked().is_none() && !row.is_locked() {
                    row.choose(Some(value));
                    filled += 1;
                }
            }
            if filled > 0 {
                saver.schedule(AUTOSAVE_DELAY);
            }
        }
    };
    let save_button = saver.clone();
    let status_saver = saver.clone();

    view! {
        <div class="barre-grille">
            <div class="appliquer-tous">
                <label for="valeur-classe">"Appliquer à toute la classe"</label>
                <select
                    id="valeur-classe"
                    on:change=move |event| fill_value.set(event_target_value(&event))
                >
                    <option value="">"Choisir…"</option>
                    {T::Value::COLUMNS
                        .iter()
                        .map(|value| {
                            view! { <option value=value.choice()>{labels.of(*value)}</option> }
                        })
                        .collect_view()}
                </select>
                <button type="button" class="secondaire" on:click=fill_all>
                    "Appliquer aux élèves sans valeur"
                </button>
            </div>
            <button type="button" class="principal" on:click=move |_| save_button.save_now()>
                "Enregistrer"
            </button>
        </div>
        <p class="etat-grille" role="status" aria-live="polite">
            {move || {
                grid_status(status_saver.pending(), status_saver.conflicts(), status_saver.autosave.away.get())
            }}
        </p>
        <noscript>
            <p class="alerte">"La saisie dans la grille demande JavaScript : activez-le pour la remplir."</p>
        </noscript>
        <div class="tableau-defilant">
            <table class="tableau grille-acquis" role="grid" aria-labelledby="titre-grille" on:keydown=on_key>
                <caption id="titre-grille">
                    {format!("{caption} — cliquez une case ou utilisez le clavier")}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">"Élève"</th>
                        {T::Value::COLUMNS
                            .iter()
                            .map(|value| view! { <th scope="col" class="valeur">{labels.of(*value)}</th> })
                            .collect_view()}
                        <th scope="col">"Statut"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .enumerate()
                        .map(|(index, row)| {
                            view! { <GridLine index row labels=labels.clone() focus set_value=set_value.clone() /> }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <p class="aide-clavier">
            {T::Value::KEYBOARD_HELP}
        </p>
    }
}

#[component]
fn GridLine<V: GridValue, F>(
    index: usize,
    row: Row<V>,
    labels: Labels<V>,
    focus: RwSignal<(usize, usize)>,
    set_value: F,
) -> impl IntoView
where
    F: Fn(usize, Option<V>) + Clone + Send + Sync + 'static,
{
    let name = row.name.clone();
    let cells = V::COLUMNS
        .iter()
        .copied()
        .enumerate()
        .map(|(column, value)| {
            let chosen = {
                let current = row.value.clone();
                move || current.get() == Some(value)
            };
            let locked = {
                let sync = row.sync.clone();
                move || matches!(sync.get(), RowSync::Locked | RowSync::Gone)
            };
            let toggle = {
                let set_value = set_value.clone();
                let current = row.value.clone();
                let sync = row.sync.clone();
                move |_| {
                    focus.set((index, column));
                    if !matches!(sync.get_untracked(), RowSync::Locked | RowSync::Gone) {
                        let next = (current.get_untracked() != Some(value)).then_some(value);
                        set_value(index, next);
                    }
                }
            };
            let label = format!("{name} : {}", labels.of(value));
            let chosen_mark = chosen.clone();
            view! {
                <td
                    id=cell_id(index, column)
                    role="gridcell"
                    class="case-valeur"
                    tabindex=move || if focus.get() == (index, column) { 0 } else { -1 }
                    aria-selected=move || chosen().to_string()
                    aria-readonly=move || locked().then_some("true")
                    aria-label=label
                    on:click=toggle
                    on:focus=move |_| focus.set((index, column))
                >
                    <span class="pastille" aria-hidden="true">
                        {move || if chosen_mark() { "●" } else { "" }}
                    </span>
                </td>
            }
        })
        .collect_view();
    let status = row.status.clone();
    let sync = row.sync.clone();
    let changed_here = row.changed_here.clone();
    let problem_sync = row.sync.clone();
    let keep_mine = {
        let row = row.clone();
        move |_| set_value(index, row.value.get_untracked())
    };
    let take_theirs = {
        let row = row.clone();
        move |_| {
            row.value.set(row.stored.get_untracked());
            row.sync.set(RowSync::Saved);
            row.changed_here.set(false);
        }
    };
    let row_class = {
        let sync = row.sync.clone();
        move || match sync.get() {
            RowSync::Locked | RowSync::Gone => "verrouillee",
            RowSync::Conflict(_) => "en-conflit",
            RowSync::Failed(_) => "en-echec",
            _ => "",
        }
    };
    let problem_class = row_class.clone();
    view! {
        <tr class=row_class>
            <th scope="row">
                {row.name.clone()}
                {row.level.map(|level| view! { <span class="niveau-eleve">{level}</span> })}
            </th>
            {cells}
            <td class="statut">
                {move || status_text(status.get())}
                <span class="synchro">
                    {move || match sync.get() {
                        RowSync::Pending => "À enregistrer",
                        RowSync::Saving => "Enregistrement…",
                        RowSync::Saved if changed_here.get() => "✓ Enregistré",
                        _ => "",
                    }}
                </span>
            </td>
        </tr>
        {move || match problem_sync.get() {
            RowSync::Failed(message) => Some(EitherOf3::A(view! {
                <tr class=problem_class.clone()>
                    <td colspan="7" class="probleme">{format!("Non enregistré : {message}")}</td>
                </tr>
            })),
            RowSync::Gone => Some(EitherOf3::B(view! {
                <tr class=problem_class.clone()>
                    <td colspan="7" class="probleme">
                        "Cet élève n'est plus dans cette classe pour cette période : rechargez la page."
                    </td>
                </tr>
            })),
            RowSync::Conflict(current) => {
                let (theirs, take) = match current {
                    Some(value) => {
                        let label = labels.of(value);
                        (format!("« {label} »"), format!("Prendre « {label} »"))
                    }
                    None => ("une case vide".to_owned(), "Effacer ma saisie".to_owned()),
                };
                Some(EitherOf3::C(view! {
                    <tr class=problem_class.clone()>
                        <td colspan="7" class="probleme">
                            <span class="conflit">
                                {format!("Modifié ailleurs entre-temps : {theirs}.")}
                                <button type="button" class="secondaire" on:click=keep_mine.clone()>
                                    "Garder ma saisie"
                                </button>
                                <button type="button" class="secondaire" on:click=take_theirs.clone()>
                                    {take}
                                </button>
                            </span>
                        </td>
                    </tr>
                }))
            }
            _ => None,
        }}
    }
}

fn cell_id(row: usize, column: usize) -> String {
    format!("case-{row}-{column}")
}

/// What the grid says about its saving, in one sentence.
fn grid_status(pending: usize, conflicts: usize, away: Option<Away>) -> String {
    match (pending, away) {
        (0, _) if conflicts == 1 => "Une valeur a été modifiée ailleurs entre-temps : choisissez, sur sa ligne, celle à garder.".to_owned(),
        (0, _) if conflicts > 1 => format!(
            "{conflicts} valeurs ont été modifiées ailleurs entre-temps : choisissez, sur chaque ligne, celle à garder."
        ),
        (0, _) => "Toutes les saisies sont enregistrées.".to_owned(),
        (_, Some(away)) => away.status(pending),
        (1, None) => "1 saisie en attente d'enregistrement.".to_owned(),
        (_, None) => format!("{pending} saisies en attente d'enregistrement."),
    }
}
