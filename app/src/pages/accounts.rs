use super::parametrage::ParametrageNav;
use crate::api::accounts::establishment_accounts;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};
use leptos_meta::Title;

/// « Comptes de l'établissement »: who can log in here, with which role (directeur only; the
/// server refuses the data to anyone else).
#[component]
pub fn AccountsPage() -> impl IntoView {
    let accounts = Resource::new(|| (), |_| establishment_accounts());
    view! {
        <Title text="Comptes de l'établissement — Livret" />
        <h1>"Comptes de l'établissement"</h1>
        <ParametrageNav />
        <Suspense fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match accounts.await {
                    Ok(rows) => Either::Left(view! {
                        <div class="tableau-defilant">
                            <table class="tableau">
                                <caption>{format!("{} compte(s)", rows.len())}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Nom"</th>
                                        <th scope="col">"Identifiant"</th>
                                        <th scope="col">"Rôle"</th>
                                        <th scope="col">"État"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows
                                        .into_iter()
                                        .map(|row| {
                                            let roles = row
                                                .roles
                                                .iter()
                                                .map(|role| role.label())
                                                .collect::<Vec<_>>()
                                                .join(", ");
                                            view! {
                                                <tr>
                                                    <td>{row.display_name}</td>
                                                    <td>{row.login}</td>
                                                    <td>{roles}</td>
                                                    <td>
                                                        {match (row.active, row.one_time_password) {
                                                            (true, true) => "Mot de passe provisoire",
                                                            (true, false) => "Actif",
                                                            (false, _) => "En attente d'activation",
                                                        }}
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }),
                    Err(error) => Either::Right(view! { <p class="alerte" role="alert">{error.to_string()}</p> }),
                }
            })}
        </Suspense>
    }
}

/// « Comptes de l'établissement », loaded on demand: its code is a chunk of its own in the WASM bundle.
pub struct AccountsRoute;

#[lazy_route]
impl LazyRoute for AccountsRoute {
    fn data() -> Self {
        AccountsRoute
    }

    fn view(this: Self) -> AnyView {
        let AccountsRoute = this;
        view! { <AccountsPage /> }.into_any()
    }
}
