use super::form::{FieldMessage, FormAlert};
use super::frame::reload_after;
use super::parametrage::ParametrageNav;
use crate::api::school_years::{OpenSchoolYear, SetSchoolYearDates, school_year_setup};
use crate::error::AppError;
use crate::time::{format_date, input_date};
use crate::wire::school_years::{UnlockedInClass, YearSetupView};
use crate::wire::session::SchoolYearView;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// « Année scolaire »: the first step of a school's set-up (open the year, its dates proposed
/// from the national calendar and editable), then its dates, and « Passer à l'année suivante »
/// with what it removes, named before anything goes.
#[component]
pub fn SchoolYearPage() -> impl IntoView {
    let open = ServerAction::<OpenSchoolYear>::new();
    let dates = ServerAction::<SetSchoolYearDates>::new();
    // The year is in the session every page reads (the frame's header, the home page's
    // checklist): once it changes, pages are loaded afresh, home to say what comes next.
    reload_after(open, "/");
    reload_after(dates, "/parametrage/annee");
    let setup = Resource::new(|| (), |_| school_year_setup());
    view! {
        <Title text="Année scolaire — Livret" />
        <h1>"Année scolaire"</h1>
        <ParametrageNav />
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match setup.await {
                    Ok(setup) => Either::Left(view! { <YearSetup setup open dates /> }),
                    Err(error) => Either::Right(view! { <p class="alerte" role="alert">{error.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn YearSetup(
    setup: YearSetupView,
    open: ServerAction<OpenSchoolYear>,
    dates: ServerAction<SetSchoolYearDates>,
) -> impl IntoView {
    let YearSetupView {
        current,
        next,
        unlocked,
    } = setup;
    let first = current.is_none();
    let form = view! {
        <OpenYearForm
            open
            next_millesime=next.millesime.to_string()
            starts_on=input_date(next.starts_on)
            ends_on=input_date(next.ends_on)
            removal=unlocked.iter().map(|class| class.count).sum()
            first
        />
    };
    view! {
        {match current {
            None => Either::Left(view! {
                <section class="carte" aria-labelledby="ouvrir-titre">
                    <h2 id="ouvrir-titre">{format!("Ouvrir l'année scolaire {}", next.label)}</h2>
                    <p>
                        "Les dates proposées sont celles du calendrier scolaire national (rentrée "
                        "et fin des cours) ; modifiez-les si vos périodes commencent plus tôt ou "
                        "finissent plus tard. Vous pourrez les changer ensuite."
                    </p>
                    {form}
                </section>
            }),
            Some(year) => Either::Right(view! {
                <YearDates year dates />
                // Closed until asked for: passing to the next year is the end of the year's
                // work, never a click made by mistake.
                <details class="carte annee-suivante">
                    <summary>
                        <h2>{format!("Passer à l'année suivante : {}", next.label)}</h2>
                    </summary>
                    <p>
                        "L'année en cours devient l'historique : ses bilans verrouillés restent "
                        "lisibles et imprimables dans l'« Historique » de chaque élève, mais plus "
                        "rien ne s'y écrit, et les enseignants n'ont plus accès à leurs classes de "
                        "l'an passé. Les classes et les élèves de la nouvelle année viennent ensuite "
                        "de l'import ONDE de la rentrée."
                    </p>
                    <Leftovers unlocked />
                    {form}
                </details>
            }),
        }}
    }
}

/// The open year's first and last day, editable.
#[component]
fn YearDates(year: SchoolYearView, dates: ServerAction<SetSchoolYearDates>) -> impl IntoView {
    let error = Signal::derive(move || dates.value().get().and_then(Result::err));
    view! {
        <section class="carte" aria-labelledby="annee-titre">
            <h2 id="annee-titre">{format!("Année scolaire {}", year.label)}</h2>
            <p>
                {format!(
                    "Ouverte du {} au {}. Toutes les périodes doivent tenir entre ces deux dates.",
                    format_date(year.starts_on),
                    format_date(year.ends_on),
                )}
            </p>
            <ActionForm action=dates attr:class="grille-formulaire">
                <div>
                    <label for="annee-debut">"Premier jour"</label>
                    <input id="annee-debut" type="date" name="dates[debut]" value=input_date(year.starts_on) prop:value=input_date(year.starts_on) required />
                    <FieldMessage error field="debut" />
                </div>
                <div>
                    <label for="annee-fin">"Dernier jour"</label>
                    <input id="annee-fin" type="date" name="dates[fin]" value=input_date(year.ends_on) prop:value=input_date(year.ends_on) required />
                    <FieldMessage error field="fin" />
                </div>
                <div class="actions">
                    <button type="submit" class="secondaire" disabled=move || dates.pending().get()>
                        "Enregistrer les dates"
                    </button>
                </div>
            </ActionForm>
            <FormAlert error at_fields=&["debut", "fin"] />
        </section>
    }
}

/// The unlocked periodic bilans that opening the next year removes, per class.
#[component]
fn Leftovers(unlocked: Vec<UnlockedInClass>) -> impl IntoView {
    if unlocked.is_empty() {
        return Either::Left(view! {
            <p>"Tous les bilans périodiques de l'année sont verrouillés : ils seront tous conservés."</p>
        });
    }
    let total: u64 = unlocked.iter().map(|class| class.count).sum();
    Either::Right(view! {
        <div class="alerte">
            <p>
                <strong>
                    {format!(
                        "{total} bilan(s) périodique(s) non verrouillé(s) ne seront pas conservés",
                    )}
                </strong>
                " (règle du livret scolaire unique : seuls les bilans verrouillés sont gardés). "
                "Verrouillez d'abord ceux qui doivent l'être, depuis « Bilans »."
            </p>
            <ul>
                {unlocked
                    .into_iter()
                    .map(|class| view! { <li>{format!("{} : {}", class.class_label, class.count)}</li> })
                    .collect_view()}
            </ul>
        </div>
    })
}

#[component]
fn OpenYearForm(
    open: ServerAction<OpenSchoolYear>,
    next_millesime: String,
    starts_on: String,
    ends_on: String,
    /// The unlocked bilans the director confirms removing (0: none).
    removal: u64,
    first: bool,
) -> impl IntoView {
    let error = Signal::derive(move || open.value().get().and_then(Result::<(), AppError>::err));
    view! {
        <ActionForm action=open attr:class="grille-formulaire">
            <input type="hidden" name="annee[millesime]" value=next_millesime />
            <div>
                <label for="ouvrir-debut">"Premier jour"</label>
                <input id="ouvrir-debut" type="date" name="annee[debut]" value=starts_on.clone() prop:value=starts_on required />
                <FieldMessage error field="debut" />
            </div>
            <div>
                <label for="ouvrir-fin">"Dernier jour (fin des cours)"</label>
                <input id="ouvrir-fin" type="date" name="annee[fin]" value=ends_on.clone() prop:value=ends_on required />
                <FieldMessage error field="fin" />
            </div>
            {(removal > 0).then(|| view! {
                <div class="confirmation">
                    <input id="ouvrir-suppression" type="checkbox" name="annee[suppression]" value=removal.to_string() required />
                    <label for="ouvrir-suppression">
                        {format!("Je confirme la suppression des {removal} bilan(s) non verrouillé(s)")}
                    </label>
                </div>
            })}
            <div class="actions">
                <button type="submit" class="principal" disabled=move || open.pending().get()>
                    {if first { "Ouvrir l'année" } else { "Passer à l'année suivante" }}
                </button>
            </div>
        </ActionForm>
        <FormAlert error at_fields=&["debut", "fin"] />
    }
}

/// « Année scolaire », loaded on demand: its code is a chunk of its own in the WASM bundle.
pub struct SchoolYearRoute;

#[lazy_route]
impl LazyRoute for SchoolYearRoute {
    fn data() -> Self {
        SchoolYearRoute
    }

    fn view(this: Self) -> AnyView {
        let SchoolYearRoute = this;
        view! { <SchoolYearPage /> }.into_any()
    }
}
