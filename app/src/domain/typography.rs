//! French typography for what is printed: a non-breaking space before « : », and before « ; »,
//! « ! », « ? » and inside « » quotes, whatever the person typed there (a space or none).

const NO_BREAK: char = '\u{a0}';

/// The text with French spacing: `Bravo!` → `Bravo\u{a0}!`, `« oui »` → `«\u{a0}oui\u{a0}»`.
/// A colon in an address (`https://`) and a run of marks (`?!`) are left as they are.
pub fn french_spacing(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (index, &c) in chars.iter().enumerate() {
        let next = chars.get(index + 1).copied();
        let previous = out.chars().last();
        let spaced_before = matches!(c, ':' | ';' | '!' | '?' | '»');
        let in_address = c == ':' && next == Some('/');
        if spaced_before && !in_address {
            match previous {
                Some(' ') => {
                    out.pop();
                    out.push(NO_BREAK);
                }
                Some(p) if p != NO_BREAK && !matches!(p, ':' | ';' | '!' | '?' | '\n') => {
                    out.push(NO_BREAK);
                }
                _ => {}
            }
            out.push(c);
        } else if c == ' ' && previous == Some('«') {
            out.push(NO_BREAK);
        } else {
            out.push(c);
            if c == '«' && next.is_some_and(|n| n != ' ' && n != NO_BREAK) {
                out.push(NO_BREAK);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_get_a_non_breaking_space_typed_or_not() {
        assert_eq!(french_spacing("Bravo!"), "Bravo\u{a0}!");
        assert_eq!(french_spacing("Bravo !"), "Bravo\u{a0}!");
        assert_eq!(
            french_spacing("À revoir : le calcul ; et ?"),
            "À revoir\u{a0}: le calcul\u{a0}; et\u{a0}?"
        );
        assert_eq!(french_spacing("« oui »"), "«\u{a0}oui\u{a0}»");
        assert_eq!(french_spacing("«oui»"), "«\u{a0}oui\u{a0}»");
    }

    #[test]
    fn addresses_runs_of_marks_and_plain_text_are_left_alone() {
        assert_eq!(french_spacing("https://eduscol.fr"), "https://eduscol.fr");
        assert_eq!(french_spacing("Vraiment ?!"), "Vraiment\u{a0}?!");
        assert_eq!(french_spacing("Lit bien."), "Lit bien.");
        assert_eq!(french_spacing(":"), ":");
    }
}
