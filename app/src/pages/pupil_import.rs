use super::file_import::{FileForm, FileImport, Step};
use super::parametrage::ParametrageNav;
use crate::api::pupil_import::import_onde;
use crate::domain::ImportSummary;
use crate::wire::pupil_import::{ImportReport, ImportedFile};
use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// « Import des élèves »: the director sends ONDE's extraction, sees what it would change, then
/// applies it (the same file is sent again, so nothing is kept on the server in between).
#[component]
pub fn PupilImportPage() -> impl IntoView {
    let import: FileImport<ImportReport> = FileImport::new(ImportedFile::Eleves, |data| {
        Box::pin(import_onde(data.into()))
    });
    let step = import.step;
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
            <FileForm import label="Fichier d'extraction ONDE (.csv)" />
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
                Step::Done(Ok(report)) => EitherOf4::D(view! { <Report report apply=move || import.send(true) /> }),
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
