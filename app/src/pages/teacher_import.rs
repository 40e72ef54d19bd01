use super::file_import::{FileForm, FileImport, Step};
use super::parametrage::ParametrageNav;
use crate::api::teacher_import::import_teachers;
use crate::wire::pupil_import::ImportedFile;
use crate::wire::teacher_import::{ImportedTeacher, TeacherImportReport};
use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::{LazyRoute, lazy_route};

/// « Import des enseignants »: at the rentrée the director sends the school's list of teachers
/// (a spreadsheet saved as CSV), sees the accounts it creates and the classes it assigns, then
/// applies it and prints the one-time passwords, shown this once.
#[component]
pub fn TeacherImportPage() -> impl IntoView {
    let import: FileImport<TeacherImportReport> =
        FileImport::new(ImportedFile::Enseignants, |data| {
            Box::pin(import_teachers(data.into()))
        });
    let step = import.step;
    view! {
        <Title text="Import des enseignants — Livret" />
        <h1>"Import des enseignants"</h1>
        <ParametrageNav />
        <section class="carte">
            <p>
                "À la rentrée, créez d'un coup les comptes des enseignants de l'école et leurs "
                "classes : enregistrez depuis votre tableur une liste au format CSV (séparateur "
                "« ; »), une ligne par enseignant, avec ces colonnes :"
            </p>
            <dl class="fiche">
                <dt>"Civilité"</dt>
                <dd>"M. ou Mme"</dd>
                <dt>"Nom"</dt>
                <dd>"nom de famille"</dd>
                <dt>"Prénom"</dt>
                <dd>"prénom"</dd>
                <dt>"Courriel"</dt>
                <dd>"facultatif ; permet de reconnaître un enseignant déjà inscrit"</dd>
                <dt>"Classes"</dt>
                <dd>
                    "libellé ONDE (« CM2 M. Durand ») ou identifiant ONDE de chaque classe, "
                    "séparés par des virgules ; vide pour un enseignant sans classe"
                </dd>
            </dl>
            <pre class="exemple-fichier">
                "Civilité;Nom;Prénom;Courriel;Classes\n"
                "Mme;Martin;Claire;claire.martin@ac-besancon.fr;CP-CE1 Mme Martin\n"
                "M.;Durand;Marc;;CM2 M. Durand\n"
                "Mme;Roussel;Inès;;1234501, 1234502"
            </pre>
            <p>
                "Livret vous montre d'abord les comptes qu'il créera et les classes qu'il "
                "attribuera : rien n'est enregistré avant « Appliquer l'import ». Les enseignants "
                "déjà inscrits dans l'école gardent leur compte et leur mot de passe. Pour un "
                "seul enseignant, créez son compte depuis "
                <A href="/parametrage/classes">"« Classes »"</A>
                "."
            </p>
            <FileForm import label="Liste des enseignants (.csv)" />
        </section>
        <div aria-live="polite">
            {move || match step.get() {
                Step::Idle => EitherOf4::A(()),
                Step::Sending { applying } => EitherOf4::B(view! {
                    <p class="chargement">
                        {if applying { "Création des comptes…" } else { "Lecture du fichier…" }}
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

/// What the list creates and assigns; with the button that applies it while it is a preview,
/// and the one-time passwords once it is applied.
#[component]
fn Report(report: TeacherImportReport, apply: impl Fn() + 'static) -> impl IntoView {
    let nothing = report.changes_nothing();
    let heading = match (report.applied, nothing) {
        (_, true) => {
            "Aucun changement : les enseignants et leurs classes sont déjà à jour.".to_owned()
        }
        (true, false) => format!(
            "Import effectué : {} compte(s) créé(s), {} enseignant(s) affecté(s) à de nouvelles classes.",
            report.created.len(),
            report.assigned.len()
        ),
        (false, false) => format!(
            "Aperçu : {} enseignant(s) dans le fichier. Rien n'est encore enregistré.",
            report.teachers_in_file
        ),
    };
    let applied = report.applied;
    view! {
        <section class="carte rapport-import">
            <h2 class=if applied && !nothing { "succes" } else { "" }>{heading}</h2>
            {(!report.created.is_empty()).then(|| {
                let title = if applied { "Comptes créés" } else { "Comptes à créer" };
                view! {
                    <h3>{format!("{title} ({})", report.created.len())}</h3>
                    {applied.then(|| view! {
                        <p>
                            <strong>"Notez ou imprimez ces mots de passe provisoires maintenant : "</strong>
                            "ils ne seront plus jamais affichés. Chaque enseignant choisira le sien "
                            "à sa première connexion."
                        </p>
                    })}
                    <Teachers teachers=report.created passwords=applied />
                    {applied.then(|| view! {
                        <button type="button" class="secondaire" on:click=|_| {
                            if let Some(window) = web_sys::window() {
                                let _ = window.print();
                            }
                        }>"Imprimer les mots de passe"</button>
                    })}
                }
            })}
            {(!report.assigned.is_empty()).then(|| view! {
                <h3>{format!("Enseignants déjà inscrits, nouvelles classes ({})", report.assigned.len())}</h3>
                <Teachers teachers=report.assigned passwords=false />
            })}
            {(!report.unchanged.is_empty()).then(|| view! {
                <h3>{format!("Déjà à jour ({})", report.unchanged.len())}</h3>
                <ul class="noms">
                    {report.unchanged.into_iter().map(|name| view! { <li>{name}</li> }).collect_view()}
                </ul>
            })}
            {(!applied && !nothing).then(|| view! {
                <button type="button" class="principal" on:click=move |_| apply()>"Appliquer l'import"</button>
            })}
        </section>
    }
}

#[component]
fn Teachers(teachers: Vec<ImportedTeacher>, passwords: bool) -> impl IntoView {
    view! {
        <div class="tableau-defilant">
            <table class="tableau">
                <thead>
                    <tr>
                        <th scope="col">"Enseignant"</th>
                        <th scope="col">"Identifiant"</th>
                        {passwords.then(|| view! { <th scope="col">"Mot de passe provisoire"</th> })}
                        <th scope="col">"Classes"</th>
                    </tr>
                </thead>
                <tbody>
                    {teachers
                        .into_iter()
                        .map(|teacher| {
                            let classes = if teacher.classes.is_empty() {
                                "aucune".to_owned()
                            } else {
                                teacher.classes.join(", ")
                            };
                            view! {
                                <tr>
                                    <td>{teacher.name}</td>
                                    <td><code>{teacher.login}</code></td>
                                    {passwords.then(|| view! {
                                        <td><code class="secret">{teacher.one_time_password.unwrap_or_default()}</code></td>
                                    })}
                                    <td>{classes}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// « Import des enseignants », loaded on demand: its code is a chunk of its own in the WASM bundle.
pub struct TeacherImportRoute;

#[lazy_route]
impl LazyRoute for TeacherImportRoute {
    fn data() -> Self {
        TeacherImportRoute
    }

    fn view(this: Self) -> AnyView {
        let TeacherImportRoute = this;
        view! { <TeacherImportPage /> }.into_any()
    }
}
