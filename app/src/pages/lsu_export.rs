use super::parametrage::ParametrageNav;
use crate::api::lsu_export::{lsu_export_choices, lsu_precheck};
use crate::wire::lsu_export::{ExportChoices, ExportPrecheck, ExportRequest};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// « Export vers le LSU »: the director chooses the periods and the bilans de fin de cycle, the precheck lists what stands in
/// the way (each with the page that fixes it) and what is left out, then the file downloads.
/// A plain GET form: the choice is in the address, with or without JavaScript.
#[component]
pub fn LsuExportPage() -> impl IntoView {
    let query = use_query_map();
    let chosen = Memo::new(move |_| {
        query.with(|q| ExportRequest {
            period_ids: q
                .get_all("periodes")
                .unwrap_or_default()
                .iter()
                .filter_map(|id| id.parse::<i32>().ok())
                .collect(),
            cycle_bilans: q.get("cycle").as_deref() == Some("1"),
        })
    });
    let choices = Resource::new(|| (), |_| lsu_export_choices());
    let precheck = Resource::new(
        move || chosen.get(),
        |request: ExportRequest| async move {
            if request.period_ids.is_empty() && !request.cycle_bilans {
                Ok(None)
            } else {
                lsu_precheck(request).await.map(Some)
            }
        },
    );
    view! {
        <Title text="Export vers le LSU — Livret" />
        <h1>"Export vers le LSU"</h1>
        <ParametrageNav />
        <section class="carte">
            <p>
                "Le fichier transmet au livret scolaire unique national les bilans "
                <strong>"verrouillés"</strong>
                " des périodes choisies, et les bilans de fin de cycle 2 verrouillés si vous les choisissez, tels qu'ils ont été verrouillés. Importez-le ensuite dans l'application LSU (« Import de bilans »)."
            </p>
        </section>
        <Suspense fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                let choices = choices.await;
                let chosen = chosen.get_untracked();
                match choices {
                    Ok(choices) => Either::Left(view! { <PeriodForm choices chosen /> }),
                    Err(error) => Either::Right(view! { <p class="alerte" role="alert">{error.to_string()}</p> }),
                }
            })}
        </Suspense>
        <Suspense fallback=|| view! { <p class="chargement">"Vérification…"</p> }>
            {move || Suspend::new(async move {
                let request = chosen.get_untracked();
                match precheck.await {
                    Ok(Some(precheck)) => Some(Either::Left(view! { <Precheck precheck request /> })),
                    Ok(None) => None,
                    Err(error) => Some(Either::Right(view! { <p class="alerte" role="alert">{error.to_string()}</p> })),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PeriodForm(choices: ExportChoices, chosen: ExportRequest) -> impl IntoView {
    if choices.periods.is_empty() {
        return Either::Left(view! {
            <p class="alerte" role="alert">
                "Aucune période dans l'année ouverte : "
                <a href="/parametrage/periodes">"définissez les périodes"</a> "."
            </p>
        });
    }
    Either::Right(view! {
        <form method="get" action="/parametrage/export-lsu" class="carte">
            <fieldset>
                <legend>"Périodes à transmettre"</legend>
                <ul class="liste-options">
                    {choices
                        .periods
                        .into_iter()
                        .map(|period| view! {
                            <li>
                                <label class="option">
                                    <input
                                        type="checkbox"
                                        name="periodes"
                                        value=period.id
                                        checked=chosen.period_ids.contains(&period.id)
                                    />
                                    {period.label}
                                </label>
                            </li>
                        })
                        .collect_view()}
                </ul>
            </fieldset>
            <fieldset>
                <legend>"Bilans de fin de cycle"</legend>
                <label class="option">
                    <input type="checkbox" name="cycle" value="1" checked=chosen.cycle_bilans />
                    "Bilans de fin de cycle 2 (élèves de CE2) de l'année"
                </label>
            </fieldset>
            <div class="actions">
                <button type="submit" class="principal">"Vérifier avant l'export"</button>
            </div>
        </form>
    })
}

#[component]
fn Precheck(precheck: ExportPrecheck, request: ExportRequest) -> impl IntoView {
    let ready = precheck.problems.is_empty();
    let href = format!(
        "/export/lsu?periodes={}{}",
        request
            .period_ids
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(","),
        if request.cycle_bilans { "&cycle=1" } else { "" }
    );
    view! {
        <section class="carte" aria-labelledby="verification-titre">
            <h2 id="verification-titre">"Vérification"</h2>
            {(!precheck.problems.is_empty()).then(|| view! {
                <p class="alerte" role="alert">
                    {format!(
                        "{} problème(s) empêchent l'export : corrigez-les, puis vérifiez à nouveau.",
                        precheck.problems.len()
                    )}
                </p>
                <ul class="problemes">
                    {precheck
                        .problems
                        .into_iter()
                        .map(|problem| view! {
                            <li>{problem.message} " — " <a href=problem.link>"corriger"</a></li>
                        })
                        .collect_view()}
                </ul>
            })}
            {(!precheck.left_out.is_empty()).then(|| view! {
                <h3>"Bilans non verrouillés, laissés de côté"</h3>
                <ul>
                    {precheck
                        .left_out
                        .into_iter()
                        .map(|left| view! {
                            <li>
                                <a href=left.link>{left.class}</a>
                                {format!(" : {} bilan(s)", left.count)}
                            </li>
                        })
                        .collect_view()}
                </ul>
            })}
            {ready.then(|| view! {
                <p class="confirmation">
                    {format!("{} bilan(s) verrouillé(s) prêts à transmettre.", precheck.bilans)}
                </p>
                <p>
                    <a class="bouton-lien" href=href download=precheck.file_name.clone() rel="external">
                        {format!("Télécharger {}", precheck.file_name)}
                    </a>
                </p>
            })}
        </section>
    }
}

/// « Export vers le LSU », loaded on demand: its code is a chunk of its own in the WASM bundle.
pub struct LsuExportRoute;

#[lazy_route]
impl LazyRoute for LsuExportRoute {
    fn data() -> Self {
        LsuExportRoute
    }

    fn view(this: Self) -> AnyView {
        let LsuExportRoute = this;
        view! { <LsuExportPage /> }.into_any()
    }
}
