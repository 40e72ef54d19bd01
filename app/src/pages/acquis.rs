use super::autosave::{AUTOSAVE_DELAY, Autosave, Away, Entry, SavesItself, keep_saving};
use super::bilans::status_text;
use super::saisie::{LanguageForm, SaisieChooser, SaisieNav, saisie_content, use_saisie_query};
use crate::api::saisie::{acquis_page, save_acquis};
use crate::domain::{BilanStatus, Positionnement, PositionnementType};
use crate::error::AppError;
use crate::wire::saisie::{
    AcquisChange, AcquisOutcome, AcquisRow, AcquisSaved, AcquisView, GridKey, Selection,
};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};
use std::future::Future;

/// « Saisie collective des acquis scolaires »: a class, a period and a domain row give a grid of
/// pupils × positionnement values, filled in with the keyboard, the mouse or a finger, and saved
/// by itself.
#[component]
pub fn AcquisPage() -> impl IntoView {
    let query = use_saisie_query();
    let data = Resource::new(move || query.get(), acquis_page);
    view! {
        <Title text="Acquis scolaires — Livret" />
        <h1>"Acquis scolaires"</h1>
        <SaisieNav />
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                saisie_content(data.await, move |classes, selection, content| {
                    let chosen = chosen_grid(&selection);
                    view! {
                        <SaisieChooser classes selection=selection.clone() with_domain=true />
                        <LanguageForm selection />
                        {content
                            .zip(chosen)
                            .map(|(grid, (key, domain_label))| {
                                view! { <AcquisGrid grid key domain_label /> }
                            })}
                    }
                })
            })}
        </Transition>
    }
}

/// The grid the address chooses, with its domain row's label.
fn chosen_grid(selection: &Selection) -> Option<(GridKey, String)> {
    selection.domain.as_ref().map(|domain| {
        let key = GridKey {
            class_id: selection.class.id,
            period_id: selection.period.id,
            domain_code: domain.code.clone(),
        };
        (key, domain.label.clone())
    })
}

/// Where a row stands with the server.
#[derive(Debug, Clone, PartialEq)]
enum RowSync {
    Saved,
    /// Changed on the page, not yet sent.
    Pending,
    Saving,
    /// Refused by the server, with its reason; sent again with the next save.
    Failed(String),
    /// Someone else stored this value since the page saw the row; the teacher chooses.
    Conflict(Option<Positionnement>),
    /// The bilan is locked: the row is read-only.
    Locked,
    /// The pupil left this grid since it was loaded (another class, gone): read-only.
    Gone,
}

/// One pupil's row. Reference-counted signals, so that the unsaved values can still be sent
/// when the grid is left for another one.
#[derive(Clone)]
struct Row {
    student_id: i32,
    name: String,
    level: Option<&'static str>,
    value: ArcRwSignal<Option<Positionnement>>,
    /// The value as the server last stored it: the `was` of the next save.
    stored: ArcRwSignal<Option<Positionnement>>,
    status: ArcRwSignal<BilanStatus>,
    sync: ArcRwSignal<RowSync>,
    /// Changed on this page: its row then says when it is saved.
    changed_here: ArcRwSignal<bool>,
}

impl Row {
    fn new(row: AcquisRow) -> Row {
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
    fn choose(&self, value: Option<Positionnement>) {
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

    fn apply(&self, sent: &AcquisChange, saved: &AcquisSaved) {
        self.status.set(saved.status);
        match &saved.outcome {
            AcquisOutcome::Saved => {
                self.stored.set(sent.now);
                // A value chosen while the save was under way is still to be sent.
                let changed_meanwhile = self.value.get_untracked() != sent.now;
                self.sync.set(if changed_meanwhile {
                    RowSync::Pending
                } else {
                    RowSync::Saved
                });
            }
            AcquisOutcome::Conflict { current } => {
                self.stored.set(*current);
                self.sync.set(RowSync::Conflict(*current));
            }
            AcquisOutcome::Locked => {
                self.value.set(self.stored.get_untracked());
                self.sync.set(RowSync::Locked);
            }
            AcquisOutcome::NotInGrid => {
                self.value.set(self.stored.get_untracked());
                self.sync.set(RowSync::Gone);
            }
        }
    }
}

impl Entry for Row {
    type Change = AcquisChange;

    /// The change to send, if the row has one and is not waiting for the teacher or a lock.
    fn change(&self) -> Option<AcquisChange> {
        let ready = matches!(
            self.sync.get_untracked(),
            RowSync::Pending | RowSync::Failed(_)
        );
        let (now, was) = (self.value.get_untracked(), self.stored.get_untracked());
        if ready && now == was {
            self.sync.set(RowSync::Saved);
        }
        (ready && now != was).then_some(AcquisChange {
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

/// The grid's saving: its rows, sent to the grid's domain row.
#[derive(Clone)]
struct Saver {
    key: GridKey,
    rows: Vec<Row>,
    autosave: Autosave,
}

impl Saver {
    fn conflicts(&self) -> usize {
        self.rows.iter().filter(|row| row.is_conflict()).count()
    }
}

impl SavesItself for Saver {
    type Entry = Row;
    type Answer = Vec<AcquisSaved>;

    fn entries(&self) -> &[Row] {
        &self.rows
    }

    fn autosave(&self) -> &Autosave {
        &self.autosave
    }

    fn send(
        &self,
        changes: Vec<AcquisChange>,
    ) -> impl Future<Output = Result<Vec<AcquisSaved>, AppError>> + 'static {
        save_acquis(self.key.clone(), changes)
    }

    fn apply(&self, sent: &[(Row, AcquisChange)], outcomes: Vec<AcquisSaved>) {
        for (row, change) in sent {
            if let Some(saved) = outcomes.iter().find(|o| o.student_id == change.student_id) {
                row.apply(change, saved);
            }
        }
    }
}

#[component]
fn AcquisGrid(grid: AcquisView, key: GridKey, domain_label: String) -> impl IntoView {
    let scale = grid.scale;
    let rows: Vec<Row> = grid.rows.into_iter().map(Row::new).collect();
    let saver = Saver {
        key: key.clone(),
        rows: rows.clone(),
        autosave: Autosave::default(),
    };
    let focus = RwSignal::new((0_usize, 0_usize));
    let row_count = rows.len();

    // Leaving the grid (another domain, another page) does not stop its saving.
    keep_saving(&saver);

    let set_value = {
        let saver = saver.clone();
        move |index: usize, value: Option<Positionnement>| {
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
            let last_column = Positionnement::ALL.len() - 1;
            let current = rows.get(row).map(|r| r.value.get_untracked());
            let handled = match event.key().as_str() {
                "ArrowUp" => Some((row.saturating_sub(1), column)),
                "ArrowDown" => Some(((row + 1).min(last_row), column)),
                "ArrowLeft" => Some((row, column.saturating_sub(1))),
                "ArrowRight" => Some((row, (column + 1).min(last_column))),
                "Home" => Some((row, 0)),
                "End" => Some((row, last_column)),
                key @ ("1" | "2" | "3" | "4") => {
                    let level = key.parse().unwrap_or(1);
                    set_value(row, Positionnement::from_level(level));
                    Some(((row + 1).min(last_row), column))
                }
                "n" | "N" => {
                    set_value(row, Some(Positionnement::NonEvalue));
                    Some(((row + 1).min(last_row), column))
                }
                "0" | "Delete" | "Backspace" => {
                    set_value(row, None);
                    Some(((row + 1).min(last_row), column))
                }
                " " | "Enter" => {
                    let value = Positionnement::ALL[column];
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
            let Some(value) = Positionnement::from_choice(&fill_value.get_untracked()) else {
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
    let headers = Positionnement::ALL.map(|value| value.label(scale));

    view! {
        <div class="barre-grille">
            <div class="appliquer-tous">
                <label for="valeur-classe">"Appliquer à toute la classe"</label>
                <select
                    id="valeur-classe"
                    on:change=move |event| fill_value.set(event_target_value(&event))
                >
                    <option value="">"Choisir…"</option>
                    {Positionnement::ALL
                        .into_iter()
                        .map(|value| {
                            view! { <option value=value.choice()>{value.label(scale)}</option> }
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
            <p class="alerte">"La saisie des acquis demande JavaScript : activez-le pour remplir la grille."</p>
        </noscript>
        <div class="tableau-defilant">
            <table class="tableau grille-acquis" role="grid" aria-labelledby="titre-grille" on:keydown=on_key>
                <caption id="titre-grille">
                    {format!("{domain_label} — cliquez une case ou utilisez le clavier")}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">"Élève"</th>
                        {headers
                            .into_iter()
                            .map(|label| view! { <th scope="col" class="valeur">{label}</th> })
                            .collect_view()}
                        <th scope="col">"Statut"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .enumerate()
                        .map(|(index, row)| {
                            view! { <GridRow index row scale focus set_value=set_value.clone() /> }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <p class="aide-clavier">
            "Clavier : flèches pour se déplacer ; 1 à 4 pour positionner l'élève de la ligne (puis ligne suivante) ; N pour « Non évalué » ; 0 ou Suppr pour effacer ; Espace pour cocher ou décocher la case ; Tab pour quitter la grille."
        </p>
    }
}

#[component]
fn GridRow<F>(
    index: usize,
    row: Row,
    scale: PositionnementType,
    focus: RwSignal<(usize, usize)>,
    set_value: F,
) -> impl IntoView
where
    F: Fn(usize, Option<Positionnement>) + Clone + Send + Sync + 'static,
{
    let name = row.name.clone();
    let cells = Positionnement::ALL
        .into_iter()
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
            let label = format!("{name} : {}", value.label(scale));
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
                        let label = value.label(scale);
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

/// « Acquis scolaires », loaded on demand: its code is a chunk of its own in the WASM bundle.
pub struct AcquisRoute;

#[lazy_route]
impl LazyRoute for AcquisRoute {
    fn data() -> Self {
        AcquisRoute
    }

    fn view(this: Self) -> AnyView {
        let AcquisRoute = this;
        view! { <AcquisPage /> }.into_any()
    }
}
