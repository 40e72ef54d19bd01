use super::form::{FormAlert, OneTimePassword};
use super::parametrage::ParametrageNav;
use crate::api::accounts::{ReissuePassword, establishment_accounts};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// « Comptes de l'établissement »: who can log in here, with which role (directeur only; the
/// server refuses the data to anyone else). A teacher who lost their password gets a new
/// one-time one here.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let reissue = ServerAction::<ReissuePassword>::new();
    let reissued = super::successes(move || matches!(reissue.value().get(), Some(Ok(_))));
    let accounts = Resource::new(move || reissued.get(), |_| establishment_accounts());
    let error = Signal::derive(move || reissue.value().get().and_then(Result::err));
    view! {
        <Title text="Comptes de l'établissement — Livret" />
        <h1>"Comptes de l'établissement"</h1>
        <ParametrageNav />
        <noscript>
            <p class="alerte">
                "Un nouveau mot de passe provisoire s'affiche sur cette page : activez JavaScript "
                "dans le navigateur pour en donner un."
            </p>
        </noscript>
        <div aria-live="polite">
            <FormAlert error at_fields=&[] />
            {move || {
                reissue
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|issued| {
                        let heading = format!("Nouveau mot de passe provisoire pour {}.", issued.name);
                        view! { <OneTimePassword issued heading /> }
                    })
            }}
        </div>
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
                                        <th scope="col">"Mot de passe"</th>
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
                                            let reissue_label = format!(
                                                "Nouveau mot de passe provisoire pour {}",
                                                row.display_name,
                                            );
                                            let login = row.login.clone();
                                            view! {
                                                <tr>
                                                    <td>{row.display_name}</td>
                                                    <td>{row.login}</td>
                                                    <td>{roles}</td>
                                                    <td>
                                                        {match (row.active, row.one_time_password, row.one_time_expired) {
                                                            (true, true, true) => "Mot de passe provisoire expiré",
                                                            (true, true, false) => "Mot de passe provisoire",
                                                            (true, false, _) => "Actif",
                                                            (false, _, _) => "En attente d'activation",
                                                        }}
                                                    </td>
                                                    <td>
                                                        {row.may_reissue_password.then(|| view! {
                                                            <ActionForm action=reissue>
                                                                <input type="hidden" name="login" value=login />
                                                                <button type="submit" class="secondaire" aria-label=reissue_label>
                                                                    "Nouveau mot de passe provisoire"
                                                                </button>
                                                            </ActionForm>
                                                        })}
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
