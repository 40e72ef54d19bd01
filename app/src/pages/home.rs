use super::frame::SessionResource;
use crate::api::session::SessionView;
use crate::domain::Role;
use crate::time::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

/// « Accueil »: the establishment, the school year and what the person can do here.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    view! {
        <Title text="Accueil — Livret" />
        <Suspense>
            {move || Suspend::new(async move {
                session.await.ok().map(|session| view! { <Welcome session /> })
            })}
        </Suspense>
    }
}

#[component]
fn Welcome(session: SessionView) -> impl IntoView {
    let roles = |roles: &[Role]| {
        roles
            .iter()
            .map(|role| role.label())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let is_director = session.has_current_role(Role::Directeur);
    view! {
        <h1>{format!("Bonjour, {}", session.display_name)}</h1>
        {match session.current {
            Some(school) => {
                view! {
                    <section class="carte" aria-labelledby="etablissement-titre">
                        <h2 id="etablissement-titre">{school.name.clone()}</h2>
                        <dl class="fiche">
                            <dt>"Code UAI"</dt>
                            <dd>{school.uai.clone()}</dd>
                            <dt>"Année scolaire"</dt>
                            <dd>
                                {school
                                    .school_year
                                    .as_ref()
                                    .map(|year| {
                                        format!(
                                            "{} (du {} au {})",
                                            year.label,
                                            format_date(year.starts_on),
                                            format_date(year.ends_on),
                                        )
                                    })
                                    .unwrap_or_else(|| "Aucune année scolaire ouverte".to_owned())}
                            </dd>
                            <dt>"Votre rôle"</dt>
                            <dd>{roles(&school.roles)}</dd>
                        </dl>
                    </section>
                }
                    .into_any()
            }
            None if session.is_administrator => {
                view! {
                    <p class="carte">
                        "Vous êtes administrateur : vous n'avez pas accès aux données des élèves. "
                        "Les établissements et leurs directeurs se créent pour l'instant en ligne "
                        "de commande (livret school add, livret user add)."
                    </p>
                }
                    .into_any()
            }
            None => {
                view! {
                    <p class="carte">
                        "Votre compte n'est rattaché à aucun établissement. "
                        "Demandez à la direction de votre école de vous y ajouter."
                    </p>
                }
                    .into_any()
            }
        }}
        {is_director
            .then(|| {
                view! {
                    <section class="carte" aria-labelledby="parametrage-titre">
                        <h2 id="parametrage-titre">"Paramétrage"</h2>
                        <ul class="liens">
                            <li>
                                <a href="/parametrage/classes">"Classes et type de positionnement"</a>
                            </li>
                            <li>
                                <a href="/parametrage/comptes">"Comptes de l'établissement"</a>
                            </li>
                        </ul>
                    </section>
                }
            })}
    }
}
