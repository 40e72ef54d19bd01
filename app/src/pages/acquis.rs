use super::saisie::{LanguageForm, SaisieChooser, SaisieNav, nothing_to_fill, use_saisie_query};
use crate::api::saisie::{
    AcquisChange, AcquisOutcome, AcquisRow, AcquisSaved, AcquisView, SaisiePage, Selection,
    acquis_page, save_acquis,
};
use crate::domain::{BilanStatus, Positionnement, PositionnementType};
use crate::error::AppError;
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};
use std::time::Duration;

/// Quiet time after the last change before the grid saves itself.
const AUTOSAVE_DELAY: Duration = Duration::from_millis(800);
/// How often an unsaved grid tries again while the server or the session is away.
const RETRY_DELAY: Duration = Duration::from_secs(5);

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
                match data.await {
                    Ok(SaisiePage { classes, selection: Some(selection), content }) => {
                        let key = GridKey::of(&selection);
                        EitherOf3::A(view! {
                            <SaisieChooser classes selection=selection.clone() with_domain=true />
                            <LanguageForm selection />
                            {content.zip(key).map(|(grid, key)| view! { <AcquisGrid grid key /> })}
                        })
                    }
                    Ok(SaisiePage { classes, selection: None, .. }) => EitherOf3::B(view! {
                        <p class="carte">{nothing_to_fill(&classes)}</p>
                    }),
                    Err(error) => EitherOf3::C(view! {
                        <p class="alerte" role="alert">{error.to_string()}</p>
                    }),
                }
            })}
        </Transition>
    }
}

/// The grid being filled in.
#[derive(Clone, PartialEq)]
struct GridKey {
    class_id: i32,
    period_id: i32,
    domain_code: String,
    domain_label: String,
}

impl GridKey {
    fn of(selection: &Selection) -> Option<GridKey> {
        selection.domain.as_ref().map(|domain| GridKey {
            class_id: selection.class.id,
            period_id: selection.period.id,
            domain_code: domain.code.clone(),
            domain_label: domain.label.clone(),
        })
    }
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
        }
    }

    fn is_locked(&self) -> bool {
        self.sync.get_untracked() == RowSync::Locked
    }

    /// Sets the value as the teacher chose it (also a way out of a conflict).
    fn choose(&self, value: Option<Positionnement>) {
        if self.is_locked() {
            return;
        }
        self.value.set(value);
        self.sync.set(RowSync::Pending);
    }

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
        }
    }
}

/// Why the grid cannot save right now.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Away {
    Connection,
    Session,
}

/// The grid's saving: what is in flight, what waits, and the retries.
#[derive(Clone)]
struct Saver {
    key: GridKey,
    rows: Vec<Row>,
    in_flight: RwSignal<bool>,
    away: RwSignal<Option<Away>>,
    /// Changes since load: each schedules a save; only the last one's timer saves.
    generation: StoredValue<u64>,
}

impl Saver {
    fn pending(&self) -> usize {
        self.rows
            .iter()
            .filter(|row| {
                matches!(
                    row.sync.get(),
                    RowSync::Pending | RowSync::Saving | RowSync::Failed(_)
                )
            })
            .count()
    }

    fn conflicts(&self) -> usize {
        self.rows
            .iter()
            .filter(|row| matches!(row.sync.get(), RowSync::Conflict(_)))
            .count()
    }

    fn schedule(&self, delay: Duration) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        let saver = self.clone();
        set_timeout(
            move || {
                if saver.generation.try_get_value() == Some(generation) {
                    saver.save_now();
                }
            },
            delay,
        );
    }

    fn save_now(&self) {
        if self.in_flight.get_untracked() {
            return; // the save under way schedules the next one
        }
        let changes: Vec<(Row, AcquisChange)> = self
            .rows
            .iter()
            .filter_map(|row| row.change().map(|change| (row.clone(), change)))
            .collect();
        if changes.is_empty() {
            return;
        }
        for (row, _) in &changes {
            row.sync.set(RowSync::Saving);
        }
        self.in_flight.set(true);
        let saver = self.clone();
        leptos::task::spawn_local(async move {
            let sent: Vec<AcquisChange> = changes.iter().map(|(_, c)| c.clone()).collect();
            let key = saver.key.clone();
            let result = save_acquis(key.class_id, key.period_id, key.domain_code, sent).await;
            // The grid may have been left meanwhile: its signals are then gone.
            if saver.in_flight.try_set(false).is_some() {
                return;
            }
            match result {
                Ok(outcomes) => {
                    saver.away.set(None);
                    for (row, change) in &changes {
                        if let Some(saved) =
                            outcomes.iter().find(|o| o.student_id == change.student_id)
                        {
                            row.apply(change, saved);
                        }
                    }
                    if untrack(|| saver.pending()) > 0 {
                        saver.schedule(AUTOSAVE_DELAY);
                    }
                }
                Err(error) => {
                    let away = match error {
                        AppError::Transport(_) => Some(Away::Connection),
                        AppError::Unauthenticated | AppError::PasswordChangeRequired => {
                            Some(Away::Session)
                        }
                        _ => None,
                    };
                    let message = error.to_string();
                    for (row, _) in &changes {
                        row.sync.set(match away {
                            Some(_) => RowSync::Pending,
                            None => RowSync::Failed(message.clone()),
                        });
                    }
                    saver.away.set(away);
                    if away.is_some() {
                        saver.schedule(RETRY_DELAY);
                    }
                }
            }
        });
    }
}

#[component]
fn AcquisGrid(grid: AcquisView, key: GridKey) -> impl IntoView {
    let scale = grid.scale;
    let rows: Vec<Row> = grid.rows.into_iter().map(Row::new).collect();
    let saver = Saver {
        key: key.clone(),
        rows: rows.clone(),
        in_flight: RwSignal::new(false),
        away: RwSignal::new(None),
        generation: StoredValue::new(0),
    };
    let focus = RwSignal::new((0_usize, 0_usize));
    let row_count = rows.len();

    // Leaving the grid (another domain, another page) sends what is still unsaved.
    let leaving = rows.clone();
    let leaving_key = key.clone();
    on_cleanup(move || {
        let changes: Vec<AcquisChange> = leaving.iter().filter_map(Row::change).collect();
        if !changes.is_empty() {
            let key = leaving_key;
            leptos::task::spawn_local(async move {
                let _ = save_acquis(key.class_id, key.period_id, key.domain_code, changes).await;
            });
        }
    });
    // Back online: try at once.
    let online = saver.clone();
    let online_listener = window_event_listener_untyped("online", move |_| online.save_now());
    on_cleanup(move || online_listener.remove());
    // Closing the tab with unsaved values asks first.
    let unload = saver.clone();
    let unload_listener = window_event_listener(leptos::ev::beforeunload, move |event| {
        if untrack(|| unload.pending()) > 0 {
            event.prevent_default();
        }
    });
    on_cleanup(move || unload_listener.remove());

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
            let Some(value) = parse_choice(&fill_value.get_untracked()) else {
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
                            view! { <option value=choice_value(value)>{value.label(scale)}</option> }
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
                grid_status(status_saver.pending(), status_saver.conflicts(), status_saver.away.get())
            }}
        </p>
        <noscript>
            <p class="alerte">"La saisie des acquis demande JavaScript : activez-le pour remplir la grille."</p>
        </noscript>
        <div class="tableau-defilant">
            <table class="tableau grille-acquis" role="grid" aria-labelledby="titre-grille" on:keydown=on_key>
                <caption id="titre-grille">
                    {format!("{} — cliquez une case ou utilisez le clavier", key.domain_label)}
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
                move || sync.get() == RowSync::Locked
            };
            let toggle = {
                let set_value = set_value.clone();
                let current = row.value.clone();
                let sync = row.sync.clone();
                move |_| {
                    focus.set((index, column));
                    if sync.get_untracked() != RowSync::Locked {
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
        }
    };
    let row_class = {
        let sync = row.sync.clone();
        move || match sync.get() {
            RowSync::Locked => "verrouillee",
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
                {move || match status.get() {
                    BilanStatus::Verrouille => "🔒 Verrouillé",
                    other => other.label(),
                }}
                <span class="synchro">
                    {move || match sync.get() {
                        RowSync::Pending => "À enregistrer",
                        RowSync::Saving => "Enregistrement…",
                        _ => "",
                    }}
                </span>
            </td>
        </tr>
        {move || match problem_sync.get() {
            RowSync::Failed(message) => Some(Either::Left(view! {
                <tr class=problem_class.clone()>
                    <td colspan="7" class="probleme">{format!("Non enregistré : {message}")}</td>
                </tr>
            })),
            RowSync::Conflict(current) => {
                let theirs = current.map_or("aucune valeur", |value| value.label(scale));
                Some(Either::Right(view! {
                    <tr class=problem_class.clone()>
                        <td colspan="7" class="probleme">
                            <span class="conflit">
                                {format!("Modifié ailleurs entre-temps : « {theirs} ».")}
                                <button type="button" class="secondaire" on:click=keep_mine.clone()>
                                    "Garder ma saisie"
                                </button>
                                <button type="button" class="secondaire" on:click=take_theirs.clone()>
                                    {format!("Prendre « {theirs} »")}
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

/// The value of « Appliquer à toute la classe »'s options.
fn choice_value(value: Positionnement) -> &'static str {
    match value.level() {
        Some(1) => "1",
        Some(2) => "2",
        Some(3) => "3",
        Some(_) => "4",
        None => "NE",
    }
}

fn parse_choice(choice: &str) -> Option<Positionnement> {
    Positionnement::ALL
        .into_iter()
        .find(|value| choice_value(*value) == choice)
}

/// What the grid says about its saving, in one sentence.
fn grid_status(pending: usize, conflicts: usize, away: Option<Away>) -> String {
    let values = match pending {
        1 => "1 saisie".to_owned(),
        n => format!("{n} saisies"),
    };
    match (pending, away) {
        (0, _) if conflicts > 0 => format!(
            "{conflicts} élève(s) modifié(s) ailleurs entre-temps : choisissez, sur sa ligne, la valeur à garder."
        ),
        (0, _) => "Toutes les saisies sont enregistrées.".to_owned(),
        (_, Some(Away::Connection)) => format!(
            "Connexion perdue : {values} non enregistrée(s), gardée(s) sur cette page. Nouvel essai toutes les 5 secondes et dès le retour de la connexion."
        ),
        (_, Some(Away::Session)) => format!(
            "Votre session a expiré : {values} non enregistrée(s), gardée(s) sur cette page. Reconnectez-vous dans un autre onglet (/connexion) : elles seront enregistrées aussitôt."
        ),
        (_, None) => format!("{values} en attente d'enregistrement."),
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
