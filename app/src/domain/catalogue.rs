//! The domains of the école bilan (cycles 2 and 3) with their LSU codes: the rows of a bilan's
//! recto, the columns of the collective entries.

use super::{Cycle, Level, printable};

/// One row of the recto: a domain without sub-domains (`…-RAC`), or a sub-domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DomainRow {
    /// LSU code, as the import schema writes it (`FRA-LGO`, `EPS-RAC`).
    pub code: &'static str,
    /// The row's label on the bilan.
    pub label: &'static str,
    /// The domain the row belongs to; for a `…-RAC` code, the row is the domain itself.
    pub domain: &'static str,
    cycle_2: bool,
    cycle_3: bool,
}

const fn row(
    code: &'static str,
    label: &'static str,
    domain: &'static str,
    cycle_2: bool,
    cycle_3: bool,
) -> DomainRow {
    DomainRow {
        code,
        label,
        domain,
        cycle_2,
        cycle_3,
    }
}

const FRANCAIS: &str = "Français";
const MATHEMATIQUES: &str = "Mathématiques";
const ARTS: &str = "Enseignements artistiques";
const QLM: &str = "Questionner le monde";

/// Every row of cycles 2 and 3 (école), in the order DOMAIN.md gives them; in cycle 3,
/// Sciences et technologie and Histoire-géographie take the place of Questionner le monde.
const ROWS: &[DomainRow] = &[
    row("FRA-LGO", "Langage oral", FRANCAIS, true, true),
    row(
        "FRA-LEC",
        "Lecture et compréhension de l'écrit",
        FRANCAIS,
        true,
        true,
    ),
    row("FRA-ECR", "Écriture", FRANCAIS, true, true),
    row(
        "FRA-ETL",
        "Étude de la langue (grammaire, orthographe, lexique)",
        FRANCAIS,
        true,
        true,
    ),
    row("MAT-NBC", "Nombres et calcul", MATHEMATIQUES, true, true),
    row("MAT-GDM", "Grandeurs et mesures", MATHEMATIQUES, true, true),
    row("MAT-GEO", "Espace et géométrie", MATHEMATIQUES, true, true),
    row(
        "EPS-RAC",
        "Éducation physique et sportive",
        "Éducation physique et sportive",
        true,
        true,
    ),
    row("ART-PLA", "Arts plastiques", ARTS, true, true),
    row("ART-MUS", "Éducation musicale", ARTS, true, true),
    row("ART-HAR", "Histoire des arts", ARTS, false, true),
    row("QLM-VMO", "Vivant, matière, objets", QLM, true, false),
    row("QLM-ETP", "Espace, temps", QLM, true, false),
    row(
        "STC-RAC",
        "Sciences et technologie",
        "Sciences et technologie",
        false,
        true,
    ),
    row(
        "HIG-RAC",
        "Histoire-géographie",
        "Histoire-géographie",
        false,
        true,
    ),
    row(
        "EMC-RAC",
        "Enseignement moral et civique",
        "Enseignement moral et civique",
        true,
        true,
    ),
    row("LGV-RAC", "Langue vivante", "Langue vivante", true, true),
];

impl DomainRow {
    /// Whether the row is a whole domain (`…-RAC`), rather than a sub-domain.
    pub fn is_whole_domain(&self) -> bool {
        self.code.ends_with("-RAC")
    }

    /// Français and Mathématiques are positioned per sub-domain but take one comment for the
    /// whole domain; every other domain has its comment on its own row.
    pub fn comment_is_per_domain(&self) -> bool {
        !self.is_whole_domain()
    }

    /// The row that holds its domain's comment, among a bilan's rows: the domain's first.
    pub fn comment_row<'a>(&self, rows: &[&'a DomainRow]) -> Option<&'a DomainRow> {
        rows.iter().find(|row| row.domain == self.domain).copied()
    }

    pub fn by_code(code: &str) -> Option<&'static DomainRow> {
        ROWS.iter().find(|row| row.code == code)
    }
}

/// One « élément du programme travaillé durant la période »: not blank, at most 300 characters
/// (the LSU limit), spaces at either end dropped, line breaks as `\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeElement(String);

impl ProgrammeElement {
    pub const MAX_CHARS: usize = 300;
    /// At most 20 elements in a domain's list: the national livret prints them in one cell.
    pub const MAX_PER_LIST: usize = 20;

    /// A list of `count` elements, refused when longer than `MAX_PER_LIST`.
    pub fn check_list_length(count: usize) -> Result<(), String> {
        match count > Self::MAX_PER_LIST {
            true => Err(format!(
                "{} éléments au plus par domaine",
                Self::MAX_PER_LIST
            )),
            false => Ok(()),
        }
    }

    pub fn parse(input: &str) -> Result<Self, String> {
        let text = one_line_break(input);
        let text = text.trim();
        let count = text.chars().count();
        if count == 0 {
            Err("l'élément du programme est vide".to_owned())
        } else if count > Self::MAX_CHARS {
            Err(format!(
                "l'élément du programme compte {count} caractères : {} au plus",
                Self::MAX_CHARS
            ))
        } else if let Err(character) = printable::check(text) {
            Err(character.to_string())
        } else {
            Ok(Self(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The parcours éducatifs of the école, with their LSU codes.
pub const PARCOURS: [(&str, &str); 3] = [
    ("PAR_CIT", "Parcours citoyen"),
    ("PAR_ART", "Parcours d'éducation artistique et culturelle"),
    ("PAR_SAN", "Parcours éducatif de santé"),
];

/// What a parcours text, a comment or an appréciation may hold: not blank, spaces at either
/// end dropped, line breaks as `\n`, at most `MAX` characters (the LSU limits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundedText<const MAX: usize>(String);

/// A parcours éducatif text (600 characters at most).
pub type ParcoursText = BoundedText<600>;

/// « Acquisitions, progrès et difficultés éventuelles »: the comment of a domain (600 at most).
pub type DomainComment = BoundedText<600>;

/// « Appréciation générale sur la progression de l'élève » (1500 characters at most).
pub type AppreciationGenerale = BoundedText<1500>;

/// The complement of a PPRE (600 characters at most).
pub type PpreComplement = BoundedText<600>;

/// The « modalités spécifiques d'accompagnement » of the école, with their LSU codes.
pub const MODALITES: [(&str, &str); 7] = [
    ("PAP", "Plan d'accompagnement personnalisé (PAP)"),
    ("PPS", "Projet personnalisé de scolarisation (PPS)"),
    (
        "PPRE",
        "Programme personnalisé de réussite éducative (PPRE)",
    ),
    ("PAI", "Projet d'accueil individualisé (PAI)"),
    ("ULIS", "Unité localisée pour l'inclusion scolaire (ULIS)"),
    (
        "UPE2A",
        "Unité pédagogique pour élèves allophones arrivants (UPE2A)",
    ),
    (
        "RASED",
        "Réseau d'aides spécialisées aux élèves en difficulté (RASED)",
    ),
];

/// The code of the modalité whose complement is written out.
pub const PPRE: &str = "PPRE";

/// The domain row of the language a class learns, which names it.
pub const LANGUE_VIVANTE: &str = "LGV-RAC";

/// The language a class learns, as the « Langue vivante » row names it (« Anglais »).
pub type LanguageName = BoundedText<40>;

impl<const MAX: usize> BoundedText<MAX> {
    pub const MAX_CHARS: usize = MAX;

    pub fn parse(input: &str) -> Result<Self, String> {
        let text = one_line_break(input);
        let text = text.trim();
        let count = text.chars().count();
        if count == 0 {
            Err("le texte est vide".to_owned())
        } else if count > MAX {
            Err(format!(
                "le texte compte {count} caractères : {MAX} au plus"
            ))
        } else if let Err(character) = printable::check(text) {
            Err(character.to_string())
        } else {
            Ok(Self(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The text with each line break as `\n`: a browser posting a form sends `\r\n`, a page posting
/// through JavaScript `\n`; the same text must compare equal, and count as long, either way. A
/// tab (pasted from a word processor) becomes a space: it has no meaning on the printed page.
pub fn one_line_break(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', " ")
}

/// The rows of the bilan of a pupil of this level, in order; none for the collège, which uses
/// disciplines instead.
pub fn rows_for(level: Level) -> impl Iterator<Item = &'static DomainRow> {
    let (cycle_2, cycle_3) = match (level, level.cycle()) {
        (Level::Sixieme, _) | (_, Cycle::Cycle4) => (false, false),
        (_, Cycle::Cycle2) => (true, false),
        (_, Cycle::Cycle3) => (false, true),
    };
    ROWS.iter()
        .filter(move |row| (cycle_2 && row.cycle_2) || (cycle_3 && row.cycle_3))
}

/// The rows a class works on: those of any of its levels (a CE2-CM1 class has both cycles').
pub fn rows_for_class(levels: &[Level]) -> Vec<&'static DomainRow> {
    ROWS.iter()
        .filter(|row| {
            levels
                .iter()
                .any(|level| rows_for(*level).any(|own| own.code == row.code))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(level: Level) -> Vec<&'static str> {
        rows_for(level).map(|row| row.code).collect()
    }

    #[test]
    fn cycle_2_and_cycle_3_have_their_own_rows() {
        let cycle_2 = codes(Level::Ce1);
        assert_eq!(cycle_2.len(), 14);
        assert!(cycle_2.contains(&"QLM-VMO") && !cycle_2.contains(&"STC-RAC"));
        let cycle_3 = codes(Level::Cm2);
        assert_eq!(cycle_3.len(), 15);
        assert!(cycle_3.contains(&"ART-HAR") && cycle_3.contains(&"HIG-RAC"));
        assert!(!cycle_3.contains(&"QLM-ETP"));
        assert!(
            codes(Level::Sixieme).is_empty(),
            "the collège uses disciplines"
        );
    }

    #[test]
    fn codes_are_unique_and_seven_characters_long_as_the_schema_requires() {
        let mut all: Vec<&str> = ROWS.iter().map(|row| row.code).collect();
        assert!(all.iter().all(|code| code.chars().count() == 7));
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), ROWS.len());
    }

    #[test]
    fn a_multi_level_class_works_on_the_rows_of_all_its_levels() {
        let rows = rows_for_class(&[Level::Ce2, Level::Cm1]);
        let codes: Vec<&str> = rows.iter().map(|row| row.code).collect();
        assert!(codes.contains(&"QLM-VMO") && codes.contains(&"STC-RAC"));
        assert_eq!(codes.len(), 17);
        assert_eq!(codes[0], "FRA-LGO", "in the order of the catalogue");
        assert_eq!(codes[codes.len() - 1], "LGV-RAC");
    }

    #[test]
    fn parcours_texts_are_trimmed_not_blank_and_600_characters_at_most() {
        assert_eq!(
            ParcoursText::parse("  Visite du musée  ").unwrap().as_str(),
            "Visite du musée"
        );
        assert!(ParcoursText::parse(" \n ").is_err());
        assert!(ParcoursText::parse(&"é".repeat(600)).is_ok());
        let refused = ParcoursText::parse(&"é".repeat(601)).unwrap_err();
        assert!(refused.contains("601 caractères"), "{refused}");
        // A form posts line breaks as \r\n: each still counts as one character.
        let posted = format!("{}\r\n{}", "é".repeat(299), "é".repeat(300));
        assert_eq!(
            ParcoursText::parse(&posted).unwrap().as_str(),
            format!("{}\n{}", "é".repeat(299), "é".repeat(300))
        );
    }

    #[test]
    fn programme_elements_are_trimmed_and_at_most_300_characters() {
        assert_eq!(
            ProgrammeElement::parse("  Lire à voix haute ")
                .unwrap()
                .as_str(),
            "Lire à voix haute"
        );
        assert!(ProgrammeElement::parse(" \n ").is_err());
        assert!(ProgrammeElement::parse(&"é".repeat(300)).is_ok());
        let long = ProgrammeElement::parse(&"é".repeat(301)).unwrap_err();
        assert!(long.contains("301 caractères"), "{long}");
    }

    #[test]
    fn sub_domains_share_their_domain_comment() {
        let oral = DomainRow::by_code("FRA-LGO").unwrap();
        assert!(oral.comment_is_per_domain());
        assert_eq!(oral.domain, "Français");
        let eps = DomainRow::by_code("EPS-RAC").unwrap();
        assert!(eps.is_whole_domain() && !eps.comment_is_per_domain());
        assert_eq!(DomainRow::by_code("XYZ-RAC"), None);
    }
}
