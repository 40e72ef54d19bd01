use leptos::prelude::*;
use leptos_router::components::A;

/// The sub-menu shared by the Paramétrage pages.
#[component]
pub fn ParametrageNav() -> impl IntoView {
    view! {
        <nav class="sous-menu" aria-label="Paramétrage">
            <A href="/parametrage/annee">"Année scolaire"</A>
            <A href="/parametrage/classes">"Classes"</A>
            <A href="/parametrage/periodes">"Périodes"</A>
            <A href="/parametrage/import">"Import des élèves"</A>
            <A href="/parametrage/enseignants">"Import des enseignants"</A>
            <A href="/parametrage/responsables">"Responsables légaux"</A>
            <A href="/parametrage/comptes">"Comptes"</A>
            <A href="/parametrage/synchronisation">"Synchronisation"</A>
            <A href="/parametrage/export-lsu">"Export vers le LSU"</A>
        </nav>
    }
}
