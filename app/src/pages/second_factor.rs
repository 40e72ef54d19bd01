use super::JsonBytes;
use super::form::{FieldMessage, FormAlert};
use crate::api::second_factor::{
    ConfirmEnrolment, DisableSecondFactor, ForgetRecoveryCodes, begin_enrolment,
    second_factor_state,
};
use crate::error::AppError;
use crate::wire::second_factor::{Enrolment, SecondFactorState};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// « Double authentification » on « Mot de passe et sécurité »: its state, enrolling (asked
/// by `?activer`, so that it works without JavaScript), the recovery codes just given, turning
/// it off for those who may.
#[component]
pub fn SecondFactorSection() -> impl IntoView {
    let confirm = ServerAction::<ConfirmEnrolment>::new();
    let disable = ServerAction::<DisableSecondFactor>::new();
    let noted = ServerAction::<ForgetRecoveryCodes>::new();
    let state: Resource<Result<SecondFactorState, AppError>, JsonBytes> =
        Resource::new_with_options(
            move || (disable.version().get(), noted.version().get()),
            |_| second_factor_state(),
            false,
        );
    let enrolling = use_query_map().with_untracked(|query| query.get("activer").is_some());
    view! {
        <section class="carte formulaire-etroit" aria-labelledby="double-authentification">
            <h2 id="double-authentification">"Double authentification"</h2>
            <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(state) => Some(view! {
                            <StatusView state enrolling confirm disable noted />
                        }.into_any()),
                        Err(error) => Some(view! {
                            <p class="alerte" role="alert">{error.to_string()}</p>
                        }.into_any()),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn StatusView(
    state: SecondFactorState,
    enrolling: bool,
    confirm: ServerAction<ConfirmEnrolment>,
    disable: ServerAction<DisableSecondFactor>,
    noted: ServerAction<ForgetRecoveryCodes>,
) -> impl IntoView {
    if !state.fresh_recovery_codes.is_empty() {
        return view! {
            <RecoveryCodes codes=state.fresh_recovery_codes next=None />
            <ActionForm action=noted>
                <div class="actions">
                    <button type="submit" class="principal">"J'ai noté mes codes de secours"</button>
                </div>
            </ActionForm>
        }
        .into_any();
    }
    if state.enrolled {
        let error = Signal::derive(move || disable.value().get().and_then(Result::err));
        return view! {
            <p>
                "Activée : après votre mot de passe, Livret demande le code de votre application "
                "d'authentification."
            </p>
            <p>{format!("Codes de secours restants : {}.", state.recovery_codes_left)}</p>
            {(!state.required).then(|| view! {
                <ActionForm action=disable>
                    <label for="code-desactivation">"Pour la désactiver, code de votre application"</label>
                    <input id="code-desactivation" name="code" autocomplete="one-time-code" inputmode="numeric" required />
                    <FieldMessage error field="code" />
                    <FormAlert error at_fields=&["code"] />
                    <div class="actions">
                        <button type="submit" class="secondaire">"Désactiver la double authentification"</button>
                    </div>
                </ActionForm>
            })}
            {state.required.then(|| view! {
                <p class="aide-champ">
                    "Elle est obligatoire pour les directeurs et les administrateurs. Téléphone et "
                    "codes de secours perdus : l'administrateur de l'académie la réinitialise."
                </p>
            })}
        }
        .into_any();
    }
    if enrolling {
        view! { <EnrolmentForm confirm next=None /> }.into_any()
    } else {
        view! {
            <p>
                "Non activée. Avec elle, votre compte demande aussi, après le mot de passe, un code "
                "affiché par une application d'authentification de votre téléphone."
            </p>
            <div class="actions">
                <a class="bouton-lien" href="/mot-de-passe?activer">"Activer la double authentification"</a>
            </div>
        }
        .into_any()
    }
}

/// Scan or type the secret, confirm one code; then the recovery codes. `next`: where
/// « Continuer » goes after them (a director enrolling before anything else).
#[component]
pub fn EnrolmentForm(
    confirm: ServerAction<ConfirmEnrolment>,
    next: Option<&'static str>,
) -> impl IntoView {
    let enrolment: Resource<Result<Enrolment, AppError>, JsonBytes> =
        Resource::new_with_options(|| (), |_| begin_enrolment(), false);
    let error = Signal::derive(move || confirm.value().get().and_then(Result::err));
    let steps = move || {
        Suspend::new(async move {
            match enrolment.await {
                Ok(enrolment) => view! {
                    <ol class="activation">
                        <li>
                            "Dans une application d'authentification (FreeOTP, Aegis, Google "
                            "Authenticator, Microsoft Authenticator…), ajoutez un compte en scannant "
                            "ce code :"
                            <div class="qr" role="img" aria-label="Code QR à scanner" inner_html=enrolment.qr_svg></div>
                            "ou en saisissant la clé "
                            <code class="secret" id="cle-secrete">{enrolment.secret}</code>
                            "."
                        </li>
                        <li>
                            <ActionForm action=confirm>
                                <label for="code-activation">"Saisissez le code à six chiffres qu'elle affiche"</label>
                                <input id="code-activation" name="code" autocomplete="one-time-code" inputmode="numeric" required />
                                <FieldMessage error field="code" />
                                <FormAlert error at_fields=&["code"] />
                                <div class="actions">
                                    <button type="submit" class="principal" disabled=move || confirm.pending().get()>
                                        "Activer"
                                    </button>
                                </div>
                            </ActionForm>
                        </li>
                    </ol>
                }
                .into_any(),
                Err(error) => view! { <p class="alerte" role="alert">{error.to_string()}</p> }.into_any(),
            }
        })
    };
    move || match confirm.value().get() {
        Some(Ok(codes)) => view! { <RecoveryCodes codes next /> }.into_any(),
        _ => view! { <Transition>{steps}</Transition> }.into_any(),
    }
}

/// The ten recovery codes, shown this once.
#[component]
fn RecoveryCodes(codes: Vec<String>, next: Option<&'static str>) -> impl IntoView {
    view! {
        <div class="mot-de-passe-provisoire" role="status">
            <p>
                <strong>"La double authentification est activée."</strong>
            </p>
            <p>
                "Voici vos codes de secours : chacun ouvre une connexion sans le téléphone, une "
                "seule fois. Imprimez-les ou notez-les et rangez-les en lieu sûr : ils ne seront "
                "plus jamais affichés."
            </p>
            <ul class="codes-de-secours">
                {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ul>
            <div class="actions">
                <button type="button" class="secondaire" on:click=|_| {
                    if let Some(window) = web_sys::window() {
                        let _ = window.print();
                    }
                }>"Imprimer les codes"</button>
                // A whole page load: the frame learns that the enrolment is done.
                {next.map(|next| view! { <a class="bouton-lien" href=next rel="external">"Continuer"</a> })}
            </div>
        </div>
    }
}

/// The enrolment in place of any page while a director or an administrateur has no second
/// factor yet: loaded on demand (few sessions ever show it), out of the main WASM bundle.
#[leptos::lazy]
pub fn forced_enrolment(confirm: ServerAction<ConfirmEnrolment>) -> AnyView {
    use leptos_meta::Title;
    view! {
        <Title text="Double authentification — Livret" />
        <h1>"Activez la double authentification"</h1>
        <div class="carte formulaire-etroit">
            <p>
                "Votre compte ouvre les données de tous les élèves de l'établissement : il est "
                "protégé, en plus du mot de passe, par un code à six chiffres qu'affiche une "
                "application de votre téléphone. Activez-la maintenant pour continuer."
            </p>
            <EnrolmentForm confirm next=Some("/") />
        </div>
    }
    .into_any()
}
