use serde::{Deserialize, Serialize};
use std::fmt;

/// A login: 3 to 64 characters among lowercase letters, digits, `.`, `-`, `_` and `@`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Login(String);

impl Login {
    /// Logins are compared without case: `Direction` and `direction` are the same account.
    pub fn parse(input: &str) -> Result<Self, String> {
        let login = input.trim().to_lowercase();
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_@".contains(c);
        if !(3..=64).contains(&login.chars().count()) {
            return Err("l'identifiant doit compter de 3 à 64 caractères".into());
        }
        if !login.chars().all(allowed) {
            return Err(
                "l'identifiant ne peut contenir que des lettres sans accent, des chiffres et . - _ @"
                    .into(),
            );
        }
        Ok(Self(login))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password chosen by a person: 8 to 128 characters. Deliberately neither `Serialize`
/// nor `Display`, so it cannot end up in a response or a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 8;

    pub fn parse(input: &str) -> Result<Self, String> {
        let count = input.chars().count();
        if count < Self::MIN_CHARS {
            Err(format!(
                "le mot de passe doit compter au moins {} caractères",
                Self::MIN_CHARS
            ))
        } else if count > 128 {
            Err("le mot de passe ne peut dépasser 128 caractères".into())
        } else {
            Ok(Self(input.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A last or first name: not blank, at most 100 characters (the LSU limit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, String> {
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            Err("le nom ne peut pas être vide".into())
        } else if name.chars().count() > 100 {
            Err("le nom ne peut dépasser 100 caractères".into())
        } else if let Err(character) = super::printable::check(&name) {
            Err(character.to_string())
        } else {
            Ok(Self(name))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Civilité, as the LSU export writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Civility {
    Monsieur,
    Madame,
}

impl Civility {
    pub fn code(self) -> &'static str {
        match self {
            Civility::Monsieur => "M",
            Civility::Madame => "MME",
        }
    }

    pub fn abbreviation(self) -> &'static str {
        match self {
            Civility::Monsieur => "M.",
            Civility::Madame => "Mme",
        }
    }

    pub fn parse(input: &str) -> Result<Self, String> {
        match input.trim().trim_end_matches('.').to_uppercase().as_str() {
            "M" | "MONSIEUR" => Ok(Civility::Monsieur),
            "MME" | "MADAME" => Ok(Civility::Madame),
            _ => Err(format!("civilité inconnue « {} » : M ou Mme", input.trim())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Civility, Login, Password, PersonName};

    #[test]
    fn logins_are_lowercased_and_restricted() {
        assert_eq!(Login::parse(" Direction ").unwrap().as_str(), "direction");
        assert_eq!(
            Login::parse("m.durand@ac-besancon.fr").unwrap().as_str(),
            "m.durand@ac-besancon.fr"
        );
        assert!(Login::parse("ab").is_err());
        assert!(Login::parse("hélène").is_err());
        assert!(Login::parse("jean dupont").is_err());
    }

    #[test]
    fn passwords_have_a_minimum_length_and_never_print() {
        assert!(Password::parse("court").is_err());
        let password = Password::parse("demo-direction").unwrap();
        assert_eq!(password.expose(), "demo-direction");
        assert_eq!(format!("{password:?}"), "Password(***)");
        assert!(Password::parse(&"x".repeat(129)).is_err());
    }

    #[test]
    fn names_are_trimmed_and_not_blank() {
        assert_eq!(
            PersonName::parse("  Le   Goff ").unwrap().as_str(),
            "Le Goff"
        );
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"a".repeat(101)).is_err());
        assert_eq!(
            PersonName::parse("Zoé\u{E000}").unwrap_err(),
            "le caractère « \u{E000} » (U+E000) ne peut pas être imprimé"
        );
    }

    #[test]
    fn civilities_read_the_usual_spellings() {
        assert_eq!(Civility::parse("Mme"), Ok(Civility::Madame));
        assert_eq!(Civility::parse("M."), Ok(Civility::Monsieur));
        assert_eq!(Civility::parse("MONSIEUR").unwrap().code(), "M");
        assert!(Civility::parse("Dr").is_err());
    }
}

/// A responsable's postal address as ONDE gives it, its parts kept apart (the LSU wants them
/// so: `ligne1`, `code-postal`, `commune`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostalAddress {
    /// Number and street.
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// Only when not France.
    pub country: Option<String>,
}

impl PostalAddress {
    /// The address, unless every part is empty.
    pub fn given(self) -> Option<PostalAddress> {
        let empty = [&self.street, &self.postal_code, &self.city, &self.country]
            .iter()
            .all(|part| part.is_none());
        (!empty).then_some(self)
    }
}
