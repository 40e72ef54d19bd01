use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// A field of a form and what is wrong with it, in French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    /// The value of a field that parsed, or `None` with its message added to `errors`: to
    /// report every wrong field of a form at once.
    pub fn check<T>(
        errors: &mut Vec<FieldError>,
        field: &str,
        parsed: Result<T, String>,
    ) -> Option<T> {
        parsed
            .map_err(|message| {
                errors.push(FieldError {
                    field: field.to_owned(),
                    message,
                })
            })
            .ok()
    }
}

/// The one error type of Livret: what a service refuses and why, as the user reads it. It
/// crosses to the browser intact; internal failures are logged on the server and arrive as a
/// generic message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// 401: no valid session.
    #[error("Votre session a expiré ou vous n'êtes pas connecté : veuillez vous connecter.")]
    Unauthenticated,
    /// 401: the login or the password is wrong (never says which).
    #[error("Identifiant ou mot de passe incorrect.")]
    InvalidCredentials,
    /// 403: logged in, but this action is not among the user's grants.
    #[error("Vous n'avez pas les droits nécessaires pour cette action.")]
    Forbidden,
    /// 403: the account still has its one-time password; it must choose its own first.
    #[error("Choisissez d'abord votre mot de passe personnel.")]
    PasswordChangeRequired,
    /// 403: a directeur or administrateur must set up their second factor first.
    #[error("Activez d'abord la double authentification de votre compte.")]
    SecondFactorRequired,
    /// 403: the request came from another site.
    #[error("Requête refusée : elle ne provient pas de Livret.")]
    CrossSite,
    /// 404
    #[error("{what} introuvable.")]
    NotFound { what: String },
    /// 422: input that does not follow the rules, field by field.
    #[error("{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ; "))]
    Invalid(Vec<FieldError>),
    /// 409: what was edited changed meanwhile (another tab, a co-teacher); nothing was written.
    /// Carries what is stored now, for the person to choose.
    #[error("Modifié ailleurs entre-temps : rien n'est enregistré.")]
    ChangedMeanwhile { current: Vec<String> },
    /// 429: too many failed logins for this account or this address.
    #[error("Trop de tentatives de connexion : réessayez dans {minutes} minute(s).")]
    TooManyAttempts { minutes: i64 },
    /// 500: logged on the server with its context; the browser only gets this sentence.
    #[error(
        "Une erreur interne est survenue. Réessayez ; si elle persiste, prévenez l'administrateur."
    )]
    Internal,
    /// The server could not be reached or answered something unreadable.
    #[error("Le serveur ne répond pas ({0}). Vérifiez votre connexion.")]
    Transport(String),
}

impl AppError {
    /// A validation error on one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        AppError::NotFound { what: what.into() }
    }

    /// The HTTP status this error is sent with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::InvalidCredentials => 401,
            AppError::Forbidden
            | AppError::PasswordChangeRequired
            | AppError::SecondFactorRequired
            | AppError::CrossSite => 403,
            AppError::NotFound { .. } => 404,
            AppError::ChangedMeanwhile { .. } => 409,
            AppError::Invalid(_) => 422,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Internal => 500,
            AppError::Transport(_) => 502,
        }
    }

    /// The message for one field, if this is a validation error about it.
    pub fn field_message(&self, field: &str) -> Option<&str> {
        match self {
            AppError::Invalid(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.as_str()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs an unexpected failure with its context and returns the generic internal error.
    pub fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        tracing::error!("{context}: {error}");
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> Self {
        AppError::internal("database", error)
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(error: sea_orm::TransactionError<AppError>) -> Self {
        match error {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AppError;

    #[test]
    fn statuses_follow_http() {
        assert_eq!(AppError::Unauthenticated.status(), 401);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::invalid("uai", "x").status(), 422);
        assert_eq!(AppError::TooManyAttempts { minutes: 3 }.status(), 429);
    }

    #[test]
    fn validation_messages_are_joined_and_findable_by_field() {
        let error = AppError::Invalid(vec![
            super::FieldError {
                field: "login".into(),
                message: "identifiant vide".into(),
            },
            super::FieldError {
                field: "password".into(),
                message: "mot de passe trop court".into(),
            },
        ]);
        assert_eq!(
            error.to_string(),
            "identifiant vide ; mot de passe trop court"
        );
        assert_eq!(
            error.field_message("password"),
            Some("mot de passe trop court")
        );
        assert_eq!(error.field_message("uai"), None);
    }
}
