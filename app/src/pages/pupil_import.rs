use super::parametrage::ParametrageNav;
use crate::api::pupil_import::import_onde;
use crate::domain::ImportSummary;
use crate::error::AppError;
use crate::wire::pupil_import::{
    FILE_FIELD, ImportReport, ImportedFile, MAX_FILE_BYTES, MODE_FIELD,
};
use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos::web_sys::{FormData, HtmlFormElement};
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// Where an import stands on the page.
#[derive(Clone)]
enum Step {
    /// No file sent yet (or a new file chosen).
    Idle,
    Sending {
        applying: bool,
    },
    Done(Result<ImportReport, AppError>),
}

/// The form of an ONDE extraction, as data to send: `None` while the form is not on the page,
/// an error, before anything is sent, when the chosen file is over the size limit.
pub(super) fn extraction_form(
    form: NodeRef<leptos::html::Form>,
    file: NodeRef<leptos::html::Input>,
    kind: ImportedFile,
) -> Option<Result<FormData, AppError>> {
    let (form, file) = (form.get_untracked()?, file.get_untracked()?);
    let too_big = file
        .files()
        .and_then(|files| files.get(0))
        .is_some_and(|chosen| chosen.size() > MAX_FILE_BYTES as f64);
    if too_big {
        return Some(Err(AppError::invalid(FILE_FIELD, kind.too_big())));
    }
    let form: HtmlFormElement = form;
    FormData::new_with_form(&form).ok().map(Ok)
}

/// « Import des élèves »: the director sends ONDE's extraction, sees what it would change, then
/// applies it (the same file is sent again, so nothing is kept on the server in between).
#[component]
pub fn PupilImportPage() -> impl IntoView {
    let step = RwSignal::new(Step::Idle);
    // Each sending gets a number; an answer that is not for the latest one (the director chose
    // another file meanwhile) is dropped, so « Appliquer » never follows another file's preview.
    let sending = StoredValue::new(0_u32);
    let form = NodeRef::<leptos::html::Form>::new();
    let file = NodeRef::<leptos::html::Input>::new();
    let send = move |apply: bool| {
        let data = match extraction_form(form, file, ImportedFile::Eleves) {
            Some(Ok(data)) => data,
            Some(Err(too_big)) => return step.set(Step::Done(Err(too_big))),
            None => return,
        };
        let mode = if apply { "appliquer" } else { "apercu" };
        if data.set_with_str(MODE_FIELD, mode).is_err() {
            return;
        }
        sending.update_value(|n| *n += 1);
        let this_one = sending.get_value();
        step.set(Step::Sending { applying: apply });
        leptos::task::spawn_local(async move {
            let answer = import_onde(data.into()).await;
            if sending.try_get_value() == Some(this_one) {
                step.set(Step::Done(answer));
            }
        });
    };

    view! {
        <Title text="Import des élèves — Livret" />
        <h1>"Import des élèves"</h1>
        <ParametrageNav />
        <section class="carte">
            <p>
                "Téléchargez dans ONDE l'« Extraction des élèves – format CSV » de l'école, puis "
                "choisissez le fichier ici. Livret vous montre d'abord ce que l'import changera : "
                "rien n'est enregistré avant « Appliquer l'import »."
            </p>
            <form
                node_ref=form
                class="envoi-fichier"
                on:submit=move |event| {
                    event.prevent_default();
                    send(false);
                }
            >
                <label for="fichier">"Fichier d'extraction ONDE (.csv)"</label>
                <input
                    id="fichier"
                    type="file"
                    name=FILE_FIELD
                    accept=".csv,text/csv"
                    required
                    node_ref=file
                    on:change=move |_| {
                        sending.update_value(|n| *n += 1);
                        step.set(Step::Idle);
                    }
                />
                <button type="submit" class="principal" disabled=move || matches!(step.get(), Step::Sending { .. })>
                    "Prévisualiser"
                </button>
            </form>
            <noscript>
                <p class="alerte">"L'envoi du fichier demande JavaScript : activez-le dans le navigateur."</p>
            </noscript>
        </section>
        <div aria-live="polite">
            {move || match step.get() {
                Step::Idle => EitherOf4::A(()),
                Step::Sending { applying } => EitherOf4::B(view! {
                    <p class="chargement">
                        {if applying { "Import en cours…" } else { "Lecture du fichier…" }}
                    </p>
                }),
                Step::Done(Err(error)) => EitherOf4::C(view! {
                    <p class="alerte" role="alert">{error.to_string()}</p>
                }),
                Step::Done(Ok(report)) => EitherOf4::D(view! { <Report report apply=move || send(true) /> }),
            }}
        </div>
    }
}

/// The changes read from the file; with the button that applies them while they are a preview.
#[component]
fn Report(report: ImportReport, apply: impl Fn() + 'static) -> impl IntoView {
    let ImportReport {
        applied,
        pupils_in_file,
        summary,
    } = report;
    let nothing = summary.changes_nothing();
    let heading = match (applied, nothing) {
        (_, true) => "Aucun changement : les élèves et les classes sont déjà à jour.".to_owned(),
        (true, false) => format!("Import effectué : {pupils_in_file} élève(s) dans le fichier."),
        (false, false) => {
            format!(
                "Aperçu : {pupils_in_file} élève(s) dans le fichier. Rien n'est encore enregistré."
            )
        }
    };
    view! {
        <section class="carte rapport-import">
            <h2 class=if applied && !nothing { "succes" } else { "" }>{heading}</h2>
            <Changes summary />
            {(!applied && !nothing).then(|| view! {
                <button type="button" class="principal" on:click=move |_| apply()>"Appliquer l'import"</button>
            })}
        </section>
    }
}

#[component]
fn Changes(summary: ImportSummary) -> impl IntoView {
    let names = |title: &'static str, names: Vec<String>| {
        (!names.is_empty()).then(|| {
            view! {
                <h3>{format!("{title} ({})", names.len())}</h3>
                <ul class="noms">
                    {names.into_iter().map(|name| view! { <li>{name}</li> }).collect_view()}
                </ul>
            }
        })
    };
    let updated = (!summary.pupils_updated.is_empty()).then(|| {
        view! {
            <h3>{format!("Élèves modifiés ({})", summary.pupils_updated.len())}</h3>
            <ul class="noms">
                {summary
                    .pupils_updated
                    .into_iter()
                    .map(|(name, changes)| {
                        let changes = changes
                            .into_iter()
                            .map(|c| format!("{} : « {} » → « {} »", c.field, c.before, c.after))
                            .collect::<Vec<_>>()
                            .join(" ; ");
                        view! {
                            <li>
                                <strong>{name}</strong>
                                " — "
                                {changes}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    });
    view! {
        {names("Classes ajoutées", summary.classes_added)}
        {names("Classes modifiées", summary.classes_updated)}
        {names("Élèves ajoutés", summary.pupils_added)}
        {updated}
        {names("Élèves partis (leurs données sont conservées)", summary.pupils_left)}
    }
}

/// « Import des élèves », loaded on demand: its code is a chunk of its own in the WASM bundle.
pub struct PupilImportRoute;

#[lazy_route]
impl LazyRoute for PupilImportRoute {
    fn data() -> Self {
        PupilImportRoute
    }

    fn view(this: Self) -> AnyView {
        let PupilImportRoute = this;
        view! { <PupilImportPage /> }.into_any()
    }
}
