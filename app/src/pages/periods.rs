use super::parametrage::ParametrageNav;
use crate::api::periods::{SavePeriods, period_settings};
use crate::domain::{PeriodDates, Periodicity};
use crate::error::{AppError, FieldError};
use crate::time::{format_date, input_date, parse_input_date};
use crate::wire::classes::ClassRow;
use crate::wire::periods::{PeriodsView, PlanView};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// « Périodes »: the director picks trimestres, semestres or personalised periods for the
/// current year, adjusts their dates and ticks the classes that follow them.
#[component]
pub fn PeriodsPage() -> impl IntoView {
    let save = ServerAction::<SavePeriods>::new();
    // Kept across reloads of the data, so that the form stays on what was just saved.
    let selected = RwSignal::new(None::<Periodicity>);
    let saves = super::successes(move || matches!(save.value().get(), Some(Ok(()))));
    let settings = Resource::new(move || saves.get(), |_| period_settings());
    view! {
        <Title text="Périodes — Livret" />
        <h1>"Périodes de l'année"</h1>
        <ParametrageNav />
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(PeriodsView { year: None, .. }) => EitherOf3::A(view! {
                        <p class="carte">"Aucune année scolaire n'est ouverte dans cet établissement."</p>
                    }),
                    Ok(view) => EitherOf3::B(view! { <PeriodsForm view save selected /> }),
                    Err(error) => EitherOf3::C(view! { <p class="alerte" role="alert">{error.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

/// One period being edited; its dates as the date inputs hold them.
#[derive(Clone)]
struct PeriodRow {
    key: u32,
    starts_on: ArcRwSignal<String>,
    ends_on: ArcRwSignal<String>,
}

/// The editable periods and the next key to give a new one.
#[derive(Clone, Copy)]
struct Rows {
    list: RwSignal<Vec<PeriodRow>>,
    next_key: StoredValue<u32>,
}

impl Rows {
    fn row(self, starts_on: String, ends_on: String) -> PeriodRow {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        PeriodRow {
            key,
            starts_on: ArcRwSignal::new(starts_on),
            ends_on: ArcRwSignal::new(ends_on),
        }
    }

    fn load(self, periods: &[PeriodDates]) {
        let mut rows: Vec<PeriodRow> = periods
            .iter()
            .map(|p| self.row(input_date(p.starts_on), input_date(p.ends_on)))
            .collect();
        if rows.is_empty() {
            rows.push(self.row(String::new(), String::new()));
        }
        self.list.set(rows);
    }

    /// Adds a period starting the day after the last one ends.
    fn add(self) {
        let starts_on = self
            .list
            .with_untracked(|rows| {
                rows.last()
                    .and_then(|last| parse_input_date(&last.ends_on.get()))
            })
            .and_then(|end| end.succ_opt())
            .map(input_date)
            .unwrap_or_default();
        let row = self.row(starts_on, String::new());
        self.list.update(|rows| rows.push(row));
    }

    fn remove(self, key: u32) {
        self.list.update(|rows| rows.retain(|row| row.key != key));
    }

    /// The dates as entered, or what is missing, period by period.
    fn dates(self) -> Result<Vec<PeriodDates>, AppError> {
        let mut errors = Vec::new();
        let mut dates = Vec::new();
        for (index, row) in self.list.get_untracked().iter().enumerate() {
            let parse = |text: String| parse_input_date(&text);
            match (parse(row.starts_on.get()), parse(row.ends_on.get())) {
                (Some(starts_on), Some(ends_on)) => dates.push(PeriodDates { starts_on, ends_on }),
                (starts, _) => errors.push(FieldError {
                    field: format!("periode-{}", index + 1),
                    message: format!(
                        "période {} : indiquez la date de {}",
                        index + 1,
                        if starts.is_none() { "début" } else { "fin" }
                    ),
                }),
            }
        }
        if errors.is_empty() {
            Ok(dates)
        } else {
            Err(AppError::Invalid(errors))
        }
    }
}

/// What the alert under the form says: the error itself, unless every message is already shown
/// at the period it concerns.
fn summary_of(error: &AppError) -> String {
    let at_a_period = |e: &FieldError| {
        e.field
            .strip_prefix("periode-")
            .is_some_and(|n| n.parse::<usize>().is_ok_and(|n| n > 0))
    };
    match error {
        AppError::Invalid(errors) if errors.iter().all(at_a_period) => match errors.len() {
            1 => "Rien n'est enregistré : corrigez la période signalée.".to_owned(),
            _ => "Rien n'est enregistré : corrigez les périodes signalées.".to_owned(),
        },
        error => error.to_string(),
    }
}

fn choice_label(periodicity: Periodicity) -> &'static str {
    match periodicity {
        Periodicity::Trimestre => "Trimestres (3 périodes)",
        Periodicity::Semestre => "Semestres (2 périodes)",
        Periodicity::Personnalisee => "Périodes personnalisées",
    }
}

#[component]
fn PeriodsForm(
    view: PeriodsView,
    save: ServerAction<SavePeriods>,
    selected: RwSignal<Option<Periodicity>>,
) -> impl IntoView {
    let PeriodsView {
        year,
        plans,
        classes,
    } = view;
    let plans = StoredValue::new(plans);
    let class_periodicities: Vec<(i32, Option<Periodicity>)> =
        classes.iter().map(|c| (c.id, c.periodicity)).collect();
    let class_periodicities = StoredValue::new(class_periodicities);
    // The periodicity shown first: the one just saved, else the one most classes follow.
    let initial = selected.get_untracked().unwrap_or_else(|| {
        Periodicity::ALL
            .into_iter()
            .max_by_key(|p| classes.iter().filter(|c| c.periodicity == Some(*p)).count())
            .filter(|p| classes.iter().any(|c| c.periodicity == Some(*p)))
            .unwrap_or(Periodicity::Trimestre)
    });
    let periodicity = RwSignal::new(initial);
    // Whether the dates shown are the usual ones, not saved yet.
    let proposed = move |chosen: Periodicity| {
        plans.with_value(|plans| {
            plans
                .iter()
                .any(|plan| plan.periodicity == chosen && !plan.saved && !plan.periods.is_empty())
        })
    };
    let rows = Rows {
        list: RwSignal::new(Vec::new()),
        next_key: StoredValue::new(0),
    };
    let ticked = RwSignal::new(Vec::<i32>::new());
    // Errors found before sending (a missing date), else the server's.
    let local_error = RwSignal::new(None::<AppError>);
    let choose = move |chosen: Periodicity| {
        periodicity.set(chosen);
        local_error.set(None);
        plans.with_value(|plans| {
            let periods = plans
                .iter()
                .find(|plan: &&PlanView| plan.periodicity == chosen)
                .map(|plan| plan.periods.clone())
                .unwrap_or_default();
            rows.load(&periods);
        });
        ticked.set(class_periodicities.with_value(|classes| {
            classes
                .iter()
                .filter(|(_, p)| *p == Some(chosen))
                .map(|(id, _)| *id)
                .collect()
        }));
    };
    choose(initial);

    let error = move || {
        local_error
            .get()
            .or_else(|| save.value().get().and_then(Result::err))
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match rows.dates() {
            Err(error) => local_error.set(Some(error)),
            Ok(periods) => {
                local_error.set(None);
                let chosen = periodicity.get_untracked();
                selected.set(Some(chosen));
                save.dispatch(SavePeriods {
                    periodicity: chosen.code().to_owned(),
                    periods,
                    class_ids: ticked.get_untracked(),
                });
            }
        }
    };
    let year_text = year
        .map(|y| {
            format!(
                "Année scolaire {} : du {} au {}.",
                y.label,
                format_date(y.starts_on),
                format_date(y.ends_on)
            )
        })
        .unwrap_or_default();

    view! {
        <p class="sous-titre">{year_text}</p>
        <noscript>
            <p class="alerte">"Le paramétrage des périodes demande JavaScript : activez-le dans le navigateur."</p>
        </noscript>
        <form class="carte periodes" on:submit=submit novalidate>
            <fieldset class="choix-periodicite">
                <legend>"Périodicité"</legend>
                {Periodicity::ALL
                    .into_iter()
                    .map(|choice| {
                        // The attribute chooses before the page hydrates.
                        let chosen_at_first = periodicity.get_untracked() == choice;
                        view! {
                            <label class="option">
                                <input
                                    type="radio"
                                    name="periodicite"
                                    value=choice.code()
                                    checked=chosen_at_first
                                    prop:checked=move || periodicity.get() == choice
                                    on:change=move |_| {
                                        // What the last save said was about the other choice.
                                        save.clear();
                                        choose(choice);
                                    }
                                />
                                {choice_label(choice)}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            {move || {
                proposed(periodicity.get())
                    .then(|| {
                        view! {
                            <p class="note">
                                "Dates habituelles proposées : elles ne sont pas encore enregistrées."
                            </p>
                        }
                    })
            }}
            <PeriodLines rows periodicity error=Signal::derive(error) />
            <ClassChoice classes ticked periodicity />
            <div class="actions">
                <button type="submit" class="principal" disabled=move || save.pending().get()>
                    "Enregistrer les périodes"
                </button>
            </div>
            <div aria-live="polite">
                {move || match error() {
                    Some(error) => EitherOf3::A(view! { <p class="alerte" role="alert">{summary_of(&error)}</p> }),
                    None if matches!(save.value().get(), Some(Ok(()))) => EitherOf3::B(view! {
                        <p class="confirmation">"Périodes enregistrées."</p>
                    }),
                    None => EitherOf3::C(()),
                }}
            </div>
        </form>
    }
}

/// The periods being edited, each with its dates and what is wrong with it.
#[component]
fn PeriodLines(
    rows: Rows,
    periodicity: RwSignal<Periodicity>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let personalised = move || periodicity.get() == Periodicity::Personnalisee;
    view! {
        <div class="liste-periodes">
            <For each=move || rows.list.get() key=|row| row.key let:row>
                {
                    let key = row.key;
                    let position = Memo::new(move |_| {
                        rows.list.with(|list| list.iter().position(|r| r.key == key).map_or(0, |i| i + 1))
                    });
                    let field_error = move || {
                        error.with(|error| {
                            error
                                .as_ref()
                                .and_then(|e| e.field_message(&format!("periode-{}", position.get())))
                                .map(str::to_owned)
                        })
                    };
                    let error_id = format!("erreur-periode-{key}");
                    let described_by = error_id.clone();
                    let (starts_on, ends_on) = (row.starts_on.clone(), row.ends_on.clone());
                    let (set_starts, set_ends) = (row.starts_on, row.ends_on);
                    view! {
                        <fieldset class="periode" aria-describedby=described_by>
                            <legend>
                                {move || format!("{} {}", periodicity.get().period_word(), position.get())}
                            </legend>
                            <label>
                                "Début"
                                <input
                                    type="date"
                                    // The attribute shows the date before the page hydrates; the
                                    // property follows the row afterwards.
                                    value=starts_on.get_untracked()
                                    prop:value=move || starts_on.get()
                                    on:change=move |event| set_starts.set(event_target_value(&event))
                                    aria-invalid=move || field_error().is_some().then_some("true")
                                />
                            </label>
                            <label>
                                "Fin"
                                <input
                                    type="date"
                                    value=ends_on.get_untracked()
                                    prop:value=move || ends_on.get()
                                    on:change=move |event| set_ends.set(event_target_value(&event))
                                    aria-invalid=move || field_error().is_some().then_some("true")
                                />
                            </label>
                            {move || {
                                (personalised() && rows.list.with(Vec::len) > 1)
                                    .then(|| view! {
                                        <button
                                            type="button"
                                            class="secondaire"
                                            on:click=move |_| rows.remove(key)
                                        >
                                            {format!("Supprimer la période {}", position.get())}
                                        </button>
                                    })
                            }}
                            <p class="erreur-champ" id=error_id>{field_error}</p>
                        </fieldset>
                    }
                }
            </For>
            {move || personalised().then(|| view! {
                <button type="button" class="secondaire" on:click=move |_| rows.add()>
                    "Ajouter une période"
                </button>
            })}
        </div>
    }
}

/// The classes of the year, each with the periodicity it follows now; the ticked ones will
/// follow the periods being edited.
#[component]
fn ClassChoice(
    classes: Vec<ClassRow>,
    ticked: RwSignal<Vec<i32>>,
    periodicity: RwSignal<Periodicity>,
) -> impl IntoView {
    if classes.is_empty() {
        return Either::Left(view! {
            <p>"Aucune classe pour l'année en cours : importez d'abord les élèves depuis ONDE."</p>
        });
    }
    Either::Right(view! {
        <fieldset class="classes-periodes">
            <legend>
                {move || match periodicity.get() {
                    Periodicity::Trimestre => "Classes qui suivent les trimestres",
                    Periodicity::Semestre => "Classes qui suivent les semestres",
                    Periodicity::Personnalisee => "Classes qui suivent ces périodes personnalisées",
                }}
            </legend>
            <table class="tableau">
                <thead>
                    <tr>
                        <th scope="col">"Suit ces périodes"</th>
                        <th scope="col">"Classe"</th>
                        <th scope="col">"Niveaux"</th>
                        <th scope="col">"Périodicité actuelle"</th>
                    </tr>
                </thead>
                <tbody>
                    {classes
                        .into_iter()
                        .map(|class| {
                            let id = class.id;
                            let input_id = format!("classe-{id}");
                            let levels = class.levels.iter().map(|l| l.code()).collect::<Vec<_>>().join(", ");
                            let ticked_at_first = ticked.with_untracked(|t| t.contains(&id));
                            view! {
                                <tr>
                                    <td class="case">
                                        <input
                                            type="checkbox"
                                            id=input_id.clone()
                                            checked=ticked_at_first
                                            prop:checked=move || ticked.with(|t| t.contains(&id))
                                            on:change=move |event| {
                                                let on = event_target_checked(&event);
                                                ticked.update(|t| {
                                                    t.retain(|c| *c != id);
                                                    if on {
                                                        t.push(id);
                                                    }
                                                });
                                            }
                                        />
                                    </td>
                                    <th scope="row">
                                        <label for=input_id>{class.label}</label>
                                    </th>
                                    <td>{if levels.is_empty() { "—".to_owned() } else { levels }}</td>
                                    <td>{class.periodicity.map_or("Non définie", |p| p.label())}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </fieldset>
    })
}

/// « Périodes de l'année », loaded on demand: its code is a chunk of its own in the WASM bundle.
pub struct PeriodsRoute;

#[lazy_route]
impl LazyRoute for PeriodsRoute {
    fn data() -> Self {
        PeriodsRoute
    }

    fn view(this: Self) -> AnyView {
        let PeriodsRoute = this;
        view! { <PeriodsPage /> }.into_any()
    }
}
