use serde::{Deserialize, Serialize};
use std::fmt;

/// Code UAI (unité administrative immatriculée): seven digits and a letter, e.g. `0251234A`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Uai(String);

impl Uai {
    /// Accepts surrounding spaces and a lowercase letter; refuses anything else.
    pub fn parse(input: &str) -> Result<Self, String> {
        let code = input.trim().to_uppercase();
        let bytes = code.as_bytes();
        let well_formed = bytes.len() == 8
            && bytes[..7].iter().all(u8::is_ascii_digit)
            && bytes[7].is_ascii_uppercase();
        if well_formed {
            Ok(Self(code))
        } else {
            Err(format!(
                "code UAI invalide « {} » : sept chiffres suivis d'une lettre sont attendus (ex. 0251234A)",
                input.trim()
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Uai {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Uai;

    #[test]
    fn accepts_seven_digits_and_a_letter() {
        assert_eq!(Uai::parse("0259999X").unwrap().as_str(), "0259999X");
        assert_eq!(Uai::parse(" 0251234a ").unwrap().as_str(), "0251234A");
    }

    #[test]
    fn refuses_other_shapes() {
        for bad in [
            "",
            "0259999",
            "0259999XX",
            "A259999X",
            "02599991",
            "0259 99X",
        ] {
            let message = Uai::parse(bad).unwrap_err();
            assert!(message.starts_with("code UAI invalide"), "{bad}: {message}");
        }
    }
}
