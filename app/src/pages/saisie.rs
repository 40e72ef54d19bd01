use crate::api::saisie::SetClassLanguage;
use crate::domain::catalogue::{LANGUE_VIVANTE, LanguageName};
use crate::error::AppError;
use crate::wire::saisie::{SaisiePage, SaisieQuery, Selection, TeachingClass};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

/// The sub-menu shared by the « Saisie collective » pages.
#[component]
pub fn SaisieNav() -> impl IntoView {
    view! {
        <nav class="sous-menu" aria-label="Saisie collective">
            <A href="/saisie/acquis">"Acquis scolaires"</A>
            <A href="/saisie/elements-programme">"Éléments du programme"</A>
            <A href="/saisie/parcours">"Parcours éducatifs"</A>
        </nav>
    }
}

/// Sends the form of a changed choice (class, period…), so that the address follows it.
pub fn submit_on_change(event: leptos::ev::Event) {
    let form = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlSelectElement>().ok())
        .and_then(|select| select.form());
    if let Some(form) = form {
        let _ = form.request_submit();
    }
}

/// The choice of class, period and (for some pages) domain and level: a form that changes the
/// address, at once when a choice changes, or with « Afficher » without JavaScript.
#[component]
pub fn SaisieChooser(
    classes: Vec<TeachingClass>,
    selection: Selection,
    #[prop(optional)] with_domain: bool,
    #[prop(optional)] with_level: bool,
) -> impl IntoView {
    let Selection {
        class,
        period,
        domain,
        level,
    } = selection;
    let domains = with_domain.then(|| {
        let current = domain.as_ref().map(|d| d.code.clone());
        view! {
            <div>
                <label for="choix-domaine">"Domaine"</label>
                <select id="choix-domaine" name="domaine" on:change=submit_on_change>
                    {class
                        .domains
                        .iter()
                        .map(|choice| {
                            let label = if choice.domain == choice.label {
                                choice.label.clone()
                            } else {
                                format!("{} — {}", choice.domain, choice.label)
                            };
                            view! {
                                <option
                                    value=choice.code.clone()
                                    selected=current.as_deref() == Some(choice.code.as_str())
                                >
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
        }
    });
    let levels = domain
        .filter(|domain| with_level && domain.levels.len() > 1)
        .map(|domain| {
            view! {
                <div>
                    <label for="choix-niveau">"Niveau"</label>
                    <select id="choix-niveau" name="niveau" on:change=submit_on_change>
                        {domain
                            .levels
                            .iter()
                            .map(|choice| {
                                view! {
                                    <option value=choice.code() selected=Some(*choice) == level>
                                        {choice.code()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
            }
        });
    view! {
        <Form method="GET" action="" attr:class="choix-saisie">
            <div>
                <label for="choix-classe">"Classe"</label>
                <select id="choix-classe" name="classe" on:change=submit_on_change>
                    {classes
                        .iter()
                        .map(|choice| {
                            view! {
                                <option value=choice.id selected=choice.id == class.id>
                                    {choice.label.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div>
                <label for="choix-periode">"Période"</label>
                <select id="choix-periode" name="periode" on:change=submit_on_change>
                    {class
                        .periods
                        .iter()
                        .map(|choice| {
                            view! {
                                <option value=choice.id selected=choice.id == period.id>
                                    {choice.label.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            {domains}
            {levels}
            <noscript>
                <button type="submit" class="secondaire">"Afficher"</button>
            </noscript>
        </Form>
    }
}

/// The page's address as the choice of class, period, domain and level it names.
pub fn use_saisie_query() -> Memo<SaisieQuery> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|query| SaisieQuery {
            classe: query.get("classe").and_then(|v| v.parse().ok()),
            periode: query.get("periode").and_then(|v| v.parse().ok()),
            domaine: query.get("domaine"),
            niveau: query.get("niveau"),
        })
    })
}

/// An entry page's content once loaded: what `render` makes of the chosen class and period,
/// else why there is nothing to fill in, else the error.
pub fn saisie_content<T, V: IntoView>(
    page: Result<SaisiePage<T>, AppError>,
    render: impl FnOnce(Vec<TeachingClass>, Selection, Option<T>) -> V,
) -> impl IntoView {
    match page {
        Ok(SaisiePage {
            classes,
            selection: Some(selection),
            content,
        }) => EitherOf3::A(render(classes, selection, content)),
        Ok(SaisiePage {
            classes,
            selection: None,
            ..
        }) => EitherOf3::B(view! { <p class="carte">{nothing_to_fill(&classes)}</p> }),
        Err(error) => {
            EitherOf3::C(view! { <p class="alerte" role="alert">{error.to_string()}</p> })
        }
    }
}

/// Why there is nothing to fill in: no class, or a class without periods.
fn nothing_to_fill(classes: &[TeachingClass]) -> &'static str {
    if classes.is_empty() {
        "Aucune classe ne vous est attribuée cette année : la direction de l'école attribue les classes dans « Paramétrage » › « Classes »."
    } else {
        "Vos classes ne suivent encore aucune période : la direction de l'école définit les périodes dans « Paramétrage » › « Périodes »."
    }
}

/// Languages schools usually teach, offered as the language is typed.
const LANGUAGES: [&str; 15] = [
    "Allemand",
    "Anglais",
    "Arabe",
    "Basque",
    "Breton",
    "Catalan",
    "Chinois",
    "Corse",
    "Créole",
    "Espagnol",
    "Italien",
    "Langues régionales d'Alsace",
    "Occitan",
    "Portugais",
    "Russe",
];

/// On the « Langue vivante » row: the language the class learns, named once for its bilans.
#[component]
pub fn LanguageForm(selection: Selection) -> impl IntoView {
    let is_language = selection
        .domain
        .as_ref()
        .is_some_and(|domain| domain.code == LANGUE_VIVANTE);
    is_language.then(|| {
        let action = ServerAction::<SetClassLanguage>::new();
        let class = selection.class;
        view! {
            <ActionForm action attr:class="langue-classe">
                <input type="hidden" name="class_id" value=class.id />
                <label for="langue">"Langue étudiée par la classe (figure sur les bilans)"</label>
                <div class="ligne-langue">
                    <input
                        id="langue"
                        name="language"
                        list="langues"
                        maxlength=LanguageName::MAX_CHARS
                        value=class.language.unwrap_or_default()
                    />
                    <datalist id="langues">
                        {LANGUAGES
                            .into_iter()
                            .map(|language| view! { <option value=language></option> })
                            .collect_view()}
                    </datalist>
                    <button type="submit" class="secondaire">"Enregistrer la langue"</button>
                </div>
                <p class="etat-elements" role="status" aria-live="polite">
                    {move || match action.value().get() {
                        Some(Ok(Some(language))) => format!("Langue enregistrée : {language}."),
                        Some(Ok(None)) => "Langue retirée.".to_owned(),
                        Some(Err(error)) => error.to_string(),
                        None => String::new(),
                    }}
                </p>
            </ActionForm>
        }
    })
}
