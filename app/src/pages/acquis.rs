use super::grid::{Grid, GridTarget, GridValue, Labels};
use super::saisie::{LanguageForm, SaisieChooser, SaisieNav, saisie_content, use_saisie_query};
use crate::api::saisie::{acquis_page, save_acquis};
use crate::domain::Positionnement;
use crate::error::AppError;
use crate::wire::saisie::{AcquisChange, AcquisSaved, AcquisView, GridKey, Selection};
use leptos::prelude::*;
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

impl GridValue for Positionnement {
    const COLUMNS: &'static [Positionnement] = &Positionnement::ALL;
    const KEYBOARD_HELP: &'static str = "Clavier : flèches pour se déplacer ; 1 à 4 pour positionner l'élève de la ligne (puis ligne suivante) ; N pour « Non évalué » ; 0 ou Suppr pour effacer ; Espace pour cocher ou décocher la case ; Tab pour quitter la grille.";

    fn choice(self) -> &'static str {
        Positionnement::choice(self)
    }

    fn from_choice(choice: &str) -> Option<Self> {
        Positionnement::from_choice(choice)
    }

    fn from_key(key: &str) -> Option<Self> {
        match key {
            "n" | "N" => Some(Positionnement::NonEvalue),
            _ => Positionnement::from_level(key.parse().ok()?),
        }
    }
}

/// An acquis grid saves to its class, period and domain row.
impl GridTarget for GridKey {
    type Value = Positionnement;

    fn send(
        &self,
        changes: Vec<AcquisChange>,
    ) -> impl Future<Output = Result<Vec<AcquisSaved>, AppError>> + 'static {
        save_acquis(self.clone(), changes)
    }
}

#[component]
fn AcquisGrid(grid: AcquisView, key: GridKey, domain_label: String) -> impl IntoView {
    let scale = grid.scale;
    view! {
        <Grid
            rows=grid.rows
            target=key
            caption=domain_label
            labels=Labels::new(move |value: Positionnement| value.label(scale).to_owned())
        />
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
