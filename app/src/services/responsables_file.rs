use crate::domain::{Civility, PersonName, PostalAddress};
use crate::services::onde_file::{FileError, open, refused};
use crate::time::parse_typed_date as parse_date;
use crate::wire::pupil_import::ImportedFile;
use chrono::NaiveDate;

/// The columns Livret reads, by their ONDE header names; any other column is ignored.
const CIVILITE: &str = "Civilité Responsable";
const NOM: &str = "Nom responsable";
const PRENOM: &str = "Prénom responsable";
const ADRESSE: &str = "Adresse responsable";
const CP: &str = "CP responsable";
const COMMUNE: &str = "Commune responsable";
const PAYS: &str = "Pays";
const COURRIEL: &str = "Courriel";
/// Repeated once per child, in groups: a last name starts a group, the first name (and, in
/// some files, the birth date) that follow it belong to it.
const NOM_ENFANT: &str = "Nom de famille enfant";
const PRENOM_ENFANT: &str = "Prénom enfant";
const NAISSANCE_ENFANT: &str = "Date de naissance enfant";
const REQUIRED: [&str; 2] = [NOM, PRENOM];

/// One responsable of the extraction, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponsableRow {
    /// Line in the file (the header is line 1).
    pub line: u64,
    /// Optional in the file, though LSU requires one: what to do without it is the caller's call.
    pub civility: Option<Civility>,
    pub last_name: PersonName,
    pub first_name: PersonName,
    pub address: Option<PostalAddress>,
    pub email: Option<String>,
    /// Never empty, in the order of the file's columns.
    pub children: Vec<ChildName>,
}

/// A child as a responsable's row names it. The extraction has no pupil id, so this is all
/// there is to find the pupil by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildName {
    /// The family name: to compare with the pupil extraction's « Nom élève », not the usage name.
    pub last_name: PersonName,
    pub first_name: PersonName,
    /// Only when the file has a « Date de naissance enfant » column and it is filled.
    pub birth_date: Option<NaiveDate>,
}

/// Where one child's fields are in a row.
struct ChildColumns {
    last_name: usize,
    first_name: usize,
    birth_date: Option<usize>,
}

/// Reads a responsables extraction as a school downloads it: `;`-separated, UTF-8 (with or
/// without BOM) or Windows-1252, CRLF or LF, quoted fields, columns found by header name, as
/// many child column groups as the file has. Fully blank rows are skipped; every other row is
/// checked before any is returned: one bad row refuses the whole file.
pub fn parse(bytes: &[u8]) -> Result<Vec<ResponsableRow>, FileError> {
    // Flexible, so that a blank row is skipped whatever its number of `;`; the others are
    // held to the header's length below.
    let (mut reader, headers, lines) = open(bytes, ImportedFile::Responsables, true)?;
    let position = |name: &str| headers.iter().position(|h| h.trim() == name);
    if let Some(missing) = REQUIRED.iter().find(|name| position(name).is_none()) {
        return Err(not_an_extraction(missing));
    }
    let column = |name: &str| position(name).expect("required columns were checked");
    let child_columns = child_columns(&headers)?;

    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| FileError {
            line: lines.line(error.position()),
            column: None,
            message: format!("ligne illisible ({error})"),
        })?;
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        let line = lines.line(record.position()).unwrap_or(0);
        if record.len() != headers.len() {
            return Err(FileError {
                line: Some(line),
                column: None,
                message: format!("{} champ(s) au lieu de {}", record.len(), headers.len()),
            });
        }
        let field = |index: usize| record.get(index).unwrap_or("").trim();
        let optional = |name: &str| position(name).map(field).filter(|v| !v.is_empty());
        let at = |column: &'static str, message: String| FileError {
            line: Some(line),
            column: Some(column),
            message,
        };
        let name = |column: &'static str, value: &str| {
            if value.is_empty() {
                Err(at(column, "valeur manquante".into()))
            } else {
                PersonName::parse(value).map_err(|e| at(column, e))
            }
        };

        let civility = optional(CIVILITE)
            .map(Civility::parse)
            .transpose()
            .map_err(|e| at(CIVILITE, e))?;
        let last_name = name(NOM, field(column(NOM)))?;
        let first_name = name(PRENOM, field(column(PRENOM)))?;
        let email = match optional(COURRIEL) {
            Some(email) if !looks_like_email(email) => {
                return Err(at(
                    COURRIEL,
                    format!("adresse électronique invalide « {email} »"),
                ));
            }
            email => email.map(str::to_owned),
        };
        let address = PostalAddress {
            street: optional(ADRESSE).map(str::to_owned),
            postal_code: optional(CP).map(str::to_owned),
            city: optional(COMMUNE).map(str::to_owned),
            country: optional(PAYS)
                .filter(|country| !country.eq_ignore_ascii_case("france"))
                .map(str::to_owned),
        }
        .given();

        let mut children = Vec::new();
        for columns in &child_columns {
            let child_last = field(columns.last_name);
            let child_first = field(columns.first_name);
            let birth_date = columns.birth_date.map(field).filter(|v| !v.is_empty());
            match (child_last.is_empty(), child_first.is_empty()) {
                (true, true) => match birth_date {
                    Some(date) => {
                        return Err(at(
                            NAISSANCE_ENFANT,
                            format!("date « {date} » sans nom ni prénom d'enfant"),
                        ));
                    }
                    None => continue,
                },
                (false, true) => {
                    return Err(at(
                        PRENOM_ENFANT,
                        format!("prénom manquant pour l'enfant « {child_last} »"),
                    ));
                }
                (true, false) => {
                    return Err(at(
                        NOM_ENFANT,
                        format!("nom de famille manquant pour l'enfant « {child_first} »"),
                    ));
                }
                (false, false) => {}
            }
            let birth_date = birth_date
                .map(|date| {
                    parse_date(date)
                        .ok_or_else(|| at(NAISSANCE_ENFANT, format!("date invalide « {date} »")))
                })
                .transpose()?;
            children.push(ChildName {
                last_name: name(NOM_ENFANT, child_last)?,
                first_name: name(PRENOM_ENFANT, child_first)?,
                birth_date,
            });
        }
        if children.is_empty() {
            return Err(FileError {
                line: Some(line),
                column: None,
                message: "aucun enfant sur cette ligne".into(),
            });
        }
        rows.push(ResponsableRow {
            line,
            civility,
            last_name,
            first_name,
            address,
            email,
            children,
        });
    }
    if rows.is_empty() {
        return Err(refused("le fichier ne contient aucun responsable"));
    }
    Ok(rows)
}

/// A header without the columns read here: most likely another extraction.
fn not_an_extraction(column: &'static str) -> FileError {
    FileError {
        line: Some(1),
        column: Some(column),
        message: "colonne absente : est-ce bien une extraction ONDE des responsables ?".into(),
    }
}

/// Groups the repeated child columns of the header. The names alone cannot tell which
/// « Prénom enfant » goes with which « Nom de famille enfant », so the order does: each
/// belongs to the last child last name before it.
fn child_columns(headers: &csv::StringRecord) -> Result<Vec<ChildColumns>, FileError> {
    let mut groups: Vec<(usize, Option<usize>, Option<usize>)> = Vec::new();
    for (index, header) in headers.iter().enumerate() {
        let column = match header.trim() {
            NOM_ENFANT => {
                groups.push((index, None, None));
                continue;
            }
            PRENOM_ENFANT => PRENOM_ENFANT,
            NAISSANCE_ENFANT => NAISSANCE_ENFANT,
            _ => continue,
        };
        let misplaced = || FileError {
            line: Some(1),
            column: Some(column),
            message: format!(
                "colonne mal placée : chaque enfant a une colonne « {NOM_ENFANT} » suivie de la sienne"
            ),
        };
        let group = groups.last_mut().ok_or_else(misplaced)?;
        let slot = if column == PRENOM_ENFANT {
            &mut group.1
        } else {
            &mut group.2
        };
        if slot.replace(index).is_some() {
            return Err(misplaced());
        }
    }
    if groups.is_empty() {
        return Err(not_an_extraction(NOM_ENFANT));
    }
    groups
        .into_iter()
        .enumerate()
        .map(
            |(n, (last_name, first_name, birth_date))| match first_name {
                Some(first_name) => Ok(ChildColumns {
                    last_name,
                    first_name,
                    birth_date,
                }),
                None => Err(FileError {
                    line: Some(1),
                    column: Some(PRENOM_ENFANT),
                    message: format!("colonne absente pour l'enfant n° {}", n + 1),
                }),
            },
        )
        .collect()
}

/// Only what catches a mistyped or misplaced field (one `@` with text on each side, no
/// space); whether the address exists is not ours to know.
pub fn looks_like_email(text: &str) -> bool {
    !text.chars().any(char::is_whitespace)
        && matches!(text.split_once('@'),
            Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !domain.contains('@'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::pupil_import::MAX_FILE_BYTES;

    const HEADER: &str = "Civilité Responsable;Nom responsable;Prénom responsable;Adresse responsable;CP responsable;Commune responsable;Pays;Courriel;Nom de famille enfant;Prénom enfant;Nom de famille enfant;Prénom enfant";

    fn file(rows: &[&str]) -> String {
        let mut text = HEADER.to_owned();
        for row in rows {
            text.push('\n');
            text.push_str(row);
        }
        text
    }

    fn person(name: &str) -> PersonName {
        PersonName::parse(name).unwrap()
    }

    fn child(last_name: &str, first_name: &str) -> ChildName {
        ChildName {
            last_name: person(last_name),
            first_name: person(first_name),
            birth_date: None,
        }
    }

    fn error(text: &str) -> String {
        parse(text.as_bytes()).unwrap_err().to_string()
    }

    #[test]
    fn reads_two_responsables_one_with_two_children() {
        let rows = parse(
            file(&[
                "MME;BAZIN;Nathalie;9 rue de Dole;25000;BESANÇON;FRANCE;nathalie.bazin@example.fr;BAZIN;Violetta;LE GOFF;Noé",
                "M.;  DUPONT ;Thierry;;;;;;DUPONT-MOREL;Jean-Baptiste;;",
            ])
            .as_bytes(),
        )
        .unwrap();
        assert_eq!(
            rows,
            [
                ResponsableRow {
                    line: 2,
                    civility: Some(Civility::Madame),
                    last_name: person("BAZIN"),
                    first_name: person("Nathalie"),
                    address: Some(PostalAddress {
                        street: Some("9 rue de Dole".into()),
                        postal_code: Some("25000".into()),
                        city: Some("BESANÇON".into()),
                        country: None,
                    }),
                    email: Some("nathalie.bazin@example.fr".into()),
                    children: vec![child("BAZIN", "Violetta"), child("LE GOFF", "Noé")],
                },
                ResponsableRow {
                    line: 3,
                    civility: Some(Civility::Monsieur),
                    last_name: person("DUPONT"),
                    first_name: person("Thierry"),
                    address: None,
                    email: None,
                    children: vec![child("DUPONT-MOREL", "Jean-Baptiste")],
                },
            ]
        );
    }

    #[test]
    fn decodes_windows_1252_and_utf8_with_bom_alike() {
        let text = file(&["Mme;CŒUR;Françoise;12 rue du Rhône;1204;Genève;SUISSE;;CŒUR;Zoë;;"]);
        let (cp1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&cp1252).is_err());
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(text.as_bytes());
        for bytes in [cp1252.to_vec(), with_bom] {
            let row = &parse(&bytes).unwrap()[0];
            assert_eq!(row.civility, Some(Civility::Madame));
            assert_eq!(row.last_name, person("CŒUR"));
            assert_eq!(row.first_name, person("Françoise"));
            assert_eq!(
                row.address,
                Some(PostalAddress {
                    street: Some("12 rue du Rhône".into()),
                    postal_code: Some("1204".into()),
                    city: Some("Genève".into()),
                    country: Some("SUISSE".into()),
                })
            );
            assert_eq!(row.children, [child("CŒUR", "Zoë")]);
        }
    }

    #[test]
    fn crlf_and_blank_rows_keep_line_numbers_right() {
        let text = file(&[
            "M;BAZIN;Marc;;;;;;BAZIN;Violetta;;",
            "",
            ";;;;;;;;;;;",
            ";;;;",
            "Mme;ADELLE;Sophie;;25000;;France;;ADELLE;Klara;;",
        ])
        .replace('\n', "\r\n");
        let rows = parse(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].children, [child("BAZIN", "Violetta")]);
        assert_eq!(rows[1].line, 6);
        assert_eq!(rows[1].children, [child("ADELLE", "Klara")]);
        let postcode_only = rows[1].address.clone().unwrap();
        assert_eq!(postcode_only.postal_code.as_deref(), Some("25000"));
        assert_eq!(
            (
                postcode_only.street,
                postcode_only.city,
                postcode_only.country
            ),
            (None, None, None)
        );
        assert_eq!(
            error(&format!("{text}\r\nDr;X;Y;;;;;;X;Z;;\r\n")),
            "ligne 7, colonne « Civilité Responsable » : civilité inconnue « Dr » : M ou Mme"
        );
    }

    #[test]
    fn a_missing_column_is_refused_at_the_header() {
        let cases = [
            (
                HEADER.replace("Prénom responsable;", ""),
                "ligne 1, colonne « Prénom responsable » : colonne absente : est-ce bien une extraction ONDE des responsables ?",
            ),
            (
                "Nom responsable;Prénom responsable;Courriel".to_owned(),
                "ligne 1, colonne « Nom de famille enfant » : colonne absente : est-ce bien une extraction ONDE des responsables ?",
            ),
            (
                "Nom responsable;Prénom responsable;Nom de famille enfant;Prénom enfant;Nom de famille enfant".to_owned(),
                "ligne 1, colonne « Prénom enfant » : colonne absente pour l'enfant n° 2",
            ),
            (
                "Nom responsable;Prénom responsable;Prénom enfant;Nom de famille enfant".to_owned(),
                "ligne 1, colonne « Prénom enfant » : colonne mal placée : chaque enfant a une colonne « Nom de famille enfant » suivie de la sienne",
            ),
        ];
        for (header, expected) in cases {
            assert_eq!(error(&format!("{header}\nA;B;C;D;E\n")), expected);
        }
    }

    #[test]
    fn a_half_filled_child_is_refused_at_its_line() {
        let ok = "M.;A;B;;;;;;A;C;;";
        assert_eq!(
            error(&file(&[ok, "M.;A;B;;;;;;A;C;LE GOFF;"])),
            "ligne 3, colonne « Prénom enfant » : prénom manquant pour l'enfant « LE GOFF »"
        );
        assert_eq!(
            error(&file(&[ok, ok, "M.;A;B;;;;;;;Noé;;"])),
            "ligne 4, colonne « Nom de famille enfant » : nom de famille manquant pour l'enfant « Noé »"
        );
    }

    #[test]
    fn a_bad_email_is_refused_at_its_line_and_column() {
        for email in [
            "nathalie.bazin.example.fr",
            "nathalie bazin@example.fr",
            "@example.fr",
            "nathalie@",
            "a@b@example.fr",
        ] {
            assert_eq!(
                error(&file(&[&format!(
                    "MME;BAZIN;Nathalie;;;;;{email};BAZIN;Violetta;;"
                )])),
                format!(
                    "ligne 2, colonne « Courriel » : adresse électronique invalide « {email} »"
                )
            );
        }
    }

    #[test]
    fn other_bad_rows_are_refused_with_their_line() {
        let cases = [
            (
                file(&["MME;BAZIN;Nathalie;9 rue de Dole;25000;BESANÇON;FRANCE;;;;;"]),
                "ligne 2 : aucun enfant sur cette ligne",
            ),
            (
                file(&["MME;;Nathalie;;;;;;BAZIN;Violetta;;"]),
                "ligne 2, colonne « Nom responsable » : valeur manquante",
            ),
            (
                file(&["MME;BAZIN;Nathalie;;;;;;BAZIN;Violetta"]),
                "ligne 2 : 10 champ(s) au lieu de 12",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(error(&text), expected);
        }
    }

    #[test]
    fn reads_the_optional_birth_date_of_each_child() {
        let header = "Nom responsable;Prénom responsable;Nom de famille enfant;Prénom enfant;Date de naissance enfant;Nom de famille enfant;Prénom enfant;Date de naissance enfant";
        let text = format!(
            "{header}\nBAZIN;Nathalie;BAZIN;Violetta;23/07/2015;LE GOFF;Noé;2019-05-19\nBAZIN;Marc;BAZIN;Violetta;;;;"
        );
        let rows = parse(text.as_bytes()).unwrap();
        assert_eq!(
            rows[0]
                .children
                .iter()
                .map(|c| c.birth_date)
                .collect::<Vec<_>>(),
            [
                NaiveDate::from_ymd_opt(2015, 7, 23),
                NaiveDate::from_ymd_opt(2019, 5, 19)
            ]
        );
        assert_eq!(rows[1].children, [child("BAZIN", "Violetta")]);
        assert_eq!(
            error(&format!(
                "{header}\nBAZIN;Nathalie;BAZIN;Violetta;31/02/2015;;;"
            )),
            "ligne 2, colonne « Date de naissance enfant » : date invalide « 31/02/2015 »"
        );
        assert_eq!(
            error(&format!(
                "{header}\nBAZIN;Nathalie;BAZIN;Violetta;;;;2019-05-19"
            )),
            "ligne 2, colonne « Date de naissance enfant » : date « 2019-05-19 » sans nom ni prénom d'enfant"
        );
    }

    #[test]
    fn reads_the_fixture_extraction_in_windows_1252() {
        let bytes = include_bytes!("../../../server/tests/fixtures/onde-responsables.csv");
        assert!(
            bytes.contains(&0xE9),
            "the fixture is Windows-1252 (« é » as one byte)"
        );
        assert!(bytes.windows(2).any(|w| w == b"\r\n"));
        let rows = parse(bytes).unwrap();
        assert_eq!(rows.len(), 6);
        let first = &rows[0];
        assert_eq!(first.line, 2);
        assert_eq!(
            first.children,
            [child("BAZIN", "Violetta"), child("LE GOFF", "Noé")]
        );
        let parents_of = |last: &str, first: &str| {
            rows.iter()
                .filter(|r| r.children.contains(&child(last, first)))
                .count()
        };
        assert_eq!(parents_of("DUPONT-MOREL", "Jean-Baptiste"), 2);
        assert_eq!(parents_of("GARNIER", "Maëlys"), 1);
        let abroad = rows
            .iter()
            .find(|r| r.last_name == person("FRANÇOIS"))
            .unwrap();
        let abroad = abroad.address.clone().unwrap();
        assert_eq!(abroad.street.as_deref(), Some("12 rue du Rhône"));
        assert_eq!(abroad.country.as_deref(), Some("SUISSE"));
        assert_eq!(rows.iter().filter(|r| r.email.is_none()).count(), 2);
    }

    #[test]
    fn files_that_are_not_extractions_are_refused() {
        assert_eq!(error(""), "le fichier est vide");
        assert_eq!(error(HEADER), "le fichier ne contient aucun responsable");
        assert!(
            parse(b"\x89PNG\r\n\x1a\n\0\0\0")
                .unwrap_err()
                .to_string()
                .contains("exportez l'extraction ONDE des responsables")
        );
        assert!(
            parse(&vec![b'a'; MAX_FILE_BYTES + 1])
                .unwrap_err()
                .to_string()
                .contains("dépasse 1 Mo : est-ce bien l'extraction ONDE des responsables ?")
        );
    }
}
