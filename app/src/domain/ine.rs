use serde::{Deserialize, Serialize};
use std::fmt;

/// Identifiant national élève: eleven letters or digits (e.g. `1234567890A`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Ine(String);

impl Ine {
    pub fn parse(input: &str) -> Result<Self, String> {
        let code = input.trim().to_uppercase();
        if code.len() == 11 && code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(Self(code))
        } else {
            Err(format!(
                "INE invalide « {} » : onze chiffres ou lettres sont attendus",
                input.trim()
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Ine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Ine;

    #[test]
    fn accepts_eleven_alphanumerics() {
        assert_eq!(Ine::parse("1234567890a").unwrap().as_str(), "1234567890A");
    }

    #[test]
    fn refuses_wrong_length_or_symbols() {
        for bad in [
            "",
            "1234567890",
            "1234567890AB",
            "12345-7890A",
            "1234567890É",
        ] {
            assert!(Ine::parse(bad).is_err(), "{bad}");
        }
    }
}
