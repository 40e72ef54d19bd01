use serde::{Deserialize, Serialize};
use std::fmt;

/// A class level (niveau), from CP to 3e.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    Cp,
    Ce1,
    Ce2,
    Cm1,
    Cm2,
    Sixieme,
    Cinquieme,
    Quatrieme,
    Troisieme,
}

/// A cycle of schooling (cycle 2: CP–CE2, cycle 3: CM1–6e, cycle 4: 5e–3e).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Cycle {
    Cycle2,
    Cycle3,
    Cycle4,
}

impl Level {
    pub const ALL: [Level; 9] = [
        Level::Cp,
        Level::Ce1,
        Level::Ce2,
        Level::Cm1,
        Level::Cm2,
        Level::Sixieme,
        Level::Cinquieme,
        Level::Quatrieme,
        Level::Troisieme,
    ];

    /// The short label, also the stored code: `CP`, `CE2`, `6e`…
    pub fn code(self) -> &'static str {
        match self {
            Level::Cp => "CP",
            Level::Ce1 => "CE1",
            Level::Ce2 => "CE2",
            Level::Cm1 => "CM1",
            Level::Cm2 => "CM2",
            Level::Sixieme => "6e",
            Level::Cinquieme => "5e",
            Level::Quatrieme => "4e",
            Level::Troisieme => "3e",
        }
    }

    fn long_label(self) -> &'static str {
        match self {
            Level::Cp => "cours preparatoire",
            Level::Ce1 => "cours elementaire premiere annee",
            Level::Ce2 => "cours elementaire deuxieme annee",
            Level::Cm1 => "cours moyen premiere annee",
            Level::Cm2 => "cours moyen deuxieme annee",
            Level::Sixieme => "sixieme",
            Level::Cinquieme => "cinquieme",
            Level::Quatrieme => "quatrieme",
            Level::Troisieme => "troisieme",
        }
    }

    pub fn cycle(self) -> Cycle {
        match self {
            Level::Cp | Level::Ce1 | Level::Ce2 => Cycle::Cycle2,
            Level::Cm1 | Level::Cm2 | Level::Sixieme => Cycle::Cycle3,
            Level::Cinquieme | Level::Quatrieme | Level::Troisieme => Cycle::Cycle4,
        }
    }

    /// Reads a short code (`CE2`, `6e`, `6ème`) or a registry's long label
    /// (`Cours élémentaire deuxième année`), ignoring case and accents.
    pub fn parse(input: &str) -> Result<Self, String> {
        let wanted = fold(input);
        Self::ALL
            .into_iter()
            .find(|level| {
                let code = fold(level.code());
                wanted == code || wanted == level.long_label() || wanted == code.replace('e', "eme")
            })
            .ok_or_else(|| format!("niveau inconnu « {} »", input.trim()))
    }
}

/// Lowercase, without accents, with single spaces: how registry labels are compared.
fn fold(text: &str) -> String {
    let plain: String = text
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'à' | 'â' => 'a',
            'î' | 'ï' => 'i',
            'ô' => 'o',
            'û' | 'ù' => 'u',
            other => other,
        })
        .collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Cycle {
    pub fn number(self) -> u8 {
        match self {
            Cycle::Cycle2 => 2,
            Cycle::Cycle3 => 3,
            Cycle::Cycle4 => 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Cycle, Level};

    #[test]
    fn short_codes_round_trip() {
        for level in Level::ALL {
            assert_eq!(Level::parse(level.code()), Ok(level));
        }
    }

    #[test]
    fn registry_long_labels_are_understood() {
        assert_eq!(
            Level::parse("Cours élémentaire deuxième année"),
            Ok(Level::Ce2)
        );
        assert_eq!(Level::parse("Cours préparatoire"), Ok(Level::Cp));
        assert_eq!(Level::parse("COURS MOYEN  PREMIÈRE ANNÉE"), Ok(Level::Cm1));
        assert_eq!(Level::parse("cm2"), Ok(Level::Cm2));
        assert_eq!(Level::parse("6ème"), Ok(Level::Sixieme));
    }

    #[test]
    fn unknown_levels_are_refused() {
        assert_eq!(
            Level::parse("ULIS"),
            Err("niveau inconnu « ULIS »".to_string())
        );
    }

    #[test]
    fn cycles_follow_the_levels() {
        assert_eq!(Level::Ce2.cycle(), Cycle::Cycle2);
        assert_eq!(Level::Cm1.cycle(), Cycle::Cycle3);
        assert_eq!(Level::Sixieme.cycle(), Cycle::Cycle3);
        assert_eq!(Level::Troisieme.cycle().number(), 4);
    }
}
