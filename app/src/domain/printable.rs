//! What a printed bilan can show: the characters of the fonts embedded in the binary. A text
//! holding any other character (a control character, a private-use or unassigned code point, a
//! script none of the fonts has) is refused where it is typed or imported, so that every stored
//! text prints.

/// The printable code points, as sorted, disjoint, inclusive ranges. Generated from the fonts
/// the PDFs embed by the server's test `printable_characters_are_those_of_the_embedded_fonts`,
/// which fails when the fonts and this table disagree.
mod ranges;

use std::fmt;

/// A character that cannot be printed, for the message that names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unprintable(pub char);

impl fmt::Display for Unprintable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.0 as u32;
        if self.0.is_control() {
            write!(
                f,
                "le caractère de contrôle U+{code:04X} ne peut pas être imprimé"
            )
        } else {
            write!(
                f,
                "le caractère « {} » (U+{code:04X}) ne peut pas être imprimé",
                self.0
            )
        }
    }
}

/// Whether `c` prints: a line break, or a character of the embedded fonts (including those
/// that print as nothing, such as the variation selector of an emoji typed on a phone).
pub fn is_printable(c: char) -> bool {
    let code = c as u32;
    c == '\n'
        || ranges::PRINTABLE
            .binary_search_by(|&(first, last)| {
                if last < code {
                    std::cmp::Ordering::Less
                } else if first > code {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
}

/// The text, or the first of its characters that cannot be printed.
pub fn check(text: &str) -> Result<(), Unprintable> {
    match text.chars().find(|&c| !is_printable(c)) {
        Some(c) => Err(Unprintable(c)),
        None => Ok(()),
    }
}

/// The printable code points as ranges, from the code points the fonts show: the controls
/// and the private-use areas are left out (a font may draw its own glyphs there, which mean
/// nothing elsewhere), and the default-ignorable characters are added (they print as nothing).
/// The server's test builds the table with this from its fonts.
pub fn ranges_from(covered: impl IntoIterator<Item = u32>) -> Vec<(u32, u32)> {
    let mut codes: Vec<u32> = covered
        .into_iter()
        .chain(
            DEFAULT_IGNORABLE
                .iter()
                .flat_map(|&(first, last)| first..=last),
        )
        .filter(|&code| char::from_u32(code).is_some_and(|c| !c.is_control()))
        .filter(|&code| {
            !PRIVATE_USE
                .iter()
                .any(|&(first, last)| (first..=last).contains(&code))
        })
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for code in codes {
        match ranges.last_mut() {
            Some((_, last)) if *last + 1 == code => *last = code,
            _ => ranges.push((code, code)),
        }
    }
    ranges
}

/// The private-use areas of Unicode.
const PRIVATE_USE: [(u32, u32); 3] = [(0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD)];

/// Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), the characters a text
/// shaper hides when the font lacks them: joiners, variation selectors, bidirectional marks,
/// the soft hyphen, tags.
const DEFAULT_IGNORABLE: [(u32, u32); 16] = [
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_french_schools_type_prints() {
        for text in [
            "Très bon trimestre 🙂 ❤️ 👍",
            "Œuvre, cœur, « ça » — 12 € → très bien ✓",
            "Ğülşen, Ștefan, Łukasz, Nguyễn, Ǆemal, Αλέξανδρος, Людмила",
            "½ ¼ ≤ ≥ ± × ÷ ° ‰ № ★ ☺ ♫",
            "ligne 1\nligne 2",
        ] {
            assert_eq!(check(text), Ok(()), "{text}");
        }
    }

    #[test]
    fn controls_private_use_and_unassigned_code_points_are_named() {
        assert_eq!(check("a\u{7}b"), Err(Unprintable('\u{7}')));
        assert_eq!(
            Unprintable('\u{7}').to_string(),
            "le caractère de contrôle U+0007 ne peut pas être imprimé"
        );
        assert_eq!(check("logo \u{E000}"), Err(Unprintable('\u{E000}')));
        assert_eq!(
            Unprintable('\u{E000}').to_string(),
            "le caractère « \u{E000} » (U+E000) ne peut pas être imprimé"
        );
        // Unassigned in every version of Unicode so far.
        assert_eq!(check("\u{2FFFF}"), Err(Unprintable('\u{2FFFF}')));
    }

    #[test]
    fn ranges_merge_neighbours_and_drop_controls_and_private_use() {
        let ranges = ranges_from([0x41, 0x42, 0x43, 0x45, 0x7, 0xE001]);
        assert!(ranges.contains(&(0x41, 0x43)) && ranges.contains(&(0x45, 0x45)));
        assert!(
            !ranges
                .iter()
                .any(|&(first, _)| first == 0x7 || first == 0xE001)
        );
        assert!(
            ranges.contains(&(0xFE00, 0xFE0F)),
            "variation selectors print as nothing"
        );
    }
}
