use crate::domain::{Ine, Level, printable};
use crate::time::parse_typed_date as parse_date;
use crate::wire::pupil_import::{ImportedFile, MAX_FILE_BYTES};
use chrono::NaiveDate;
use std::fmt;

/// The columns Livret reads, by their ONDE header names; any other column is ignored.
const NOM: &str = "Nom élève";
const NOM_USAGE: &str = "Nom d'usage élève";
const PRENOM: &str = "Prénom élève";
const NAISSANCE: &str = "Date naissance";
const SEXE: &str = "Sexe";
const INE: &str = "INE";
const NIVEAU: &str = "Niveau";
const DATE_INSCRIPTION: &str = "Date inscription";
const DATE_ADMISSION: &str = "Date admission";
const LIBELLE_CLASSE: &str = "Libellé classe";
const ID_CLASSE: &str = "Identifiant classe";
const REQUIRED: [&str; 6] = [NOM, PRENOM, NAISSANCE, NIVEAU, LIBELLE_CLASSE, ID_CLASSE];

/// Sex as the registry gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    M,
    F,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::M => "M",
            Sex::F => "F",
        }
    }
}

/// One pupil of the extraction, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OndeRow {
    /// Line in the file (the header is line 1).
    pub line: u64,
    pub last_name: String,
    pub usage_name: Option<String>,
    pub first_names: String,
    pub birth_date: NaiveDate,
    pub sex: Option<Sex>,
    pub ine: Option<Ine>,
    /// Empty for pupils of a dispositif such as ULIS.
    pub level: Option<Level>,
    pub class_label: String,
    pub class_onde_id: i64,
    /// Since when the pupil is in the school: « Date admission », else « Date inscription »
    /// (the LSU's `date-scolarite`); `None` when the file gives neither.
    pub admitted_on: Option<NaiveDate>,
}

/// Why a file was refused, with where when it is known:
/// « ligne 5, colonne « Date naissance » : date invalide « 31/02/2016 » ».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub line: Option<u64>,
    pub column: Option<&'static str>,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "ligne {line}, colonne « {column} » : ")?,
            (Some(line), None) => write!(f, "ligne {line} : ")?,
            (None, Some(column)) => write!(f, "colonne « {column} » : ")?,
            (None, None) => {}
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for FileError {}

pub(crate) fn refused(message: impl Into<String>) -> FileError {
    FileError {
        line: None,
        column: None,
        message: message.into(),
    }
}

/// Reads an extraction as a school downloads it: `;`-separated, UTF-8 (with or without BOM) or
/// Windows-1252, CRLF or LF, quoted fields, columns found by header name. Every row is checked
/// before any is returned: one bad row refuses the whole file.
pub fn parse(bytes: &[u8]) -> Result<Vec<OndeRow>, FileError> {
    let (mut reader, headers, lines) = open(bytes, ImportedFile::Eleves, false)?;
    let position = |name: &str| headers.iter().position(|h| h.trim() == name);
    if let Some(missing) = REQUIRED.iter().find(|name| position(name).is_none()) {
        return Err(FileError {
            line: Some(1),
            column: Some(missing),
            message: "colonne absente : est-ce bien une extraction ONDE des élèves ?".into(),
        });
    }
    let column = |name: &str| position(name).expect("required columns were checked");

    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| match error.kind() {
            csv::ErrorKind::UnequalLengths {
                pos,
                expected_len,
                len,
            } => FileError {
                line: lines.line(pos.as_ref()),
                column: None,
                message: format!("{len} champ(s) au lieu de {expected_len}"),
            },
            _ => FileError {
                line: lines.line(error.position()),
                column: None,
                message: format!("ligne illisible ({error})"),
            },
        })?;
        let line = lines.line(record.position()).unwrap_or(0);
        let field = |name: &str| record.get(column(name)).unwrap_or("").trim();
        let optional = |name: &str| {
            position(name)
                .and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let at = |column: &'static str, message: String| FileError {
            line: Some(line),
            column: Some(column),
            message,
        };
        let required_text = |name: &'static str| {
            let value = field(name);
            if value.is_empty() {
                Err(at(name, "valeur manquante".into()))
            } else {
                printable::check(value).map_err(|character| at(name, character.to_string()))?;
                Ok(value.to_owned())
            }
        };
        let birth_date = parse_date(field(NAISSANCE))
            .ok_or_else(|| at(NAISSANCE, format!("date invalide « {} »", field(NAISSANCE))))?;
        let sex = match optional(SEXE) {
            None => None,
            Some("M") => Some(Sex::M),
            Some("F") => Some(Sex::F),
            Some(other) => return Err(at(SEXE, format!("sexe inconnu « {other} » (M ou F)"))),
        };
        let ine = optional(INE)
            .map(Ine::parse)
            .transpose()
            .map_err(|e| at(INE, e))?;
        let level = optional(NIVEAU)
            .map(Level::parse)
            .transpose()
            .map_err(|e| at(NIVEAU, e))?;
        let class_onde_id = field(ID_CLASSE)
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| {
                at(
                    ID_CLASSE,
                    format!("identifiant de classe invalide « {} »", field(ID_CLASSE)),
                )
            })?;
        let date = |name: &'static str| {
            optional(name)
                .map(|text| {
                    parse_date(text).ok_or_else(|| at(name, format!("date invalide « {text} »")))
                })
                .transpose()
        };
        let admitted_on = date(DATE_ADMISSION)?.or(date(DATE_INSCRIPTION)?);
        rows.push(OndeRow {
            line,
            last_name: required_text(NOM)?,
            usage_name: optional(NOM_USAGE)
                .map(|name| {
                    printable::check(name)
                        .map(|()| name.to_owned())
                        .map_err(|character| at(NOM_USAGE, character.to_string()))
                })
                .transpose()?,
            first_names: required_text(PRENOM)?,
            birth_date,
            sex,
            ine,
            level,
            class_label: required_text(LIBELLE_CLASSE)?,
            class_onde_id,
            admitted_on,
        });
    }
    if rows.is_empty() {
        return Err(refused("le fichier ne contient aucun élève"));
    }
    Ok(rows)
}

/// The rows of an opened extraction, read one by one.
pub(crate) type Records = csv::Reader<std::io::Cursor<Vec<u8>>>;

/// Where each line of a file starts, to name a record's line from its byte offset: the csv
/// crate's own line count skips blank lines, and messages must name the line a director sees.
pub(crate) struct LineIndex(Vec<u64>);

impl LineIndex {
    fn of(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at as u64 + 1))
            .collect();
        Self(starts)
    }

    /// The line (from 1) a record or an error at `position` starts on. A record's position is
    /// where the reader stood before it, so blank lines in between are stepped over.
    pub(crate) fn line(&self, position: Option<&csv::Position>) -> Option<u64> {
        let starts = &self.0;
        position.map(|p| {
            let mut line = starts.partition_point(|&start| start <= p.byte());
            while line < starts.len() && starts[line] == starts[line - 1] + 1 {
                line += 1;
            }
            line as u64
        })
    }
}

/// An extraction opened for reading, as a school downloads it: at most `MAX_FILE_BYTES`,
/// `;`-separated, UTF-8 (with or without BOM) or Windows-1252, CRLF or LF, quoted fields; with
/// its header row. `flexible` lets rows have another number of fields than the header (the
/// caller then checks them).
pub(crate) fn open(
    bytes: &[u8],
    kind: ImportedFile,
    flexible: bool,
) -> Result<(Records, csv::StringRecord, LineIndex), FileError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(refused(kind.too_big()));
    }
    // Windows line ends are made plain: the csv crate counts lines one short after a CRLF, and
    // the line numbers of our messages must be right.
    let text = decode(bytes, kind)?.replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err(refused("le fichier est vide"));
    }
    let lines = LineIndex::of(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(true)
        .flexible(flexible)
        .from_reader(std::io::Cursor::new(text.into_bytes()));
    let headers = reader
        .headers()
        .map_err(|e| refused(format!("en-tête illisible : {e}")))?
        .clone();
    Ok((reader, headers, lines))
}

/// UTF-8 when the bytes are valid UTF-8 (BOM dropped), otherwise Windows-1252, which is what
/// ONDE produces (a superset of ISO-8859-1 for the letters French names use, œ included).
fn decode(bytes: &[u8], kind: ImportedFile) -> Result<String, FileError> {
    if bytes.contains(&0) {
        return Err(refused(format!(
            "ce fichier n'est pas un fichier texte CSV : exportez {} au format CSV",
            kind.name()
        )));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok(text.into_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Nom élève;Nom d'usage élève;Prénom élève;Date naissance;Sexe;INE;Niveau;Libellé classe;Identifiant classe";

    fn file(rows: &[&str]) -> String {
        let mut text = HEADER.to_owned();
        for row in rows {
            text.push_str("\r\n");
            text.push_str(row);
        }
        text
    }

    #[test]
    fn reads_the_sample_extraction_in_windows_1252() {
        let rows = parse(include_bytes!(
            "../../../server/demo/onde-extraction-eleves.csv"
        ))
        .unwrap();
        assert_eq!(rows.len(), 16);
        let first = &rows[0];
        assert_eq!(first.line, 2);
        assert_eq!(first.last_name, "ADELLE");
        assert_eq!(first.level, Some(Level::Cp));
        assert_eq!(first.class_onde_id, 1234501);
        assert_eq!(first.class_label, "CP-CE1 Mme Martin");
        assert!(rows.iter().any(|r| r.first_names == "Méliza"));
        assert!(rows.iter().any(|r| r.first_names == "Jonaëlle"));
        let cm2 = rows.iter().filter(|r| r.level == Some(Level::Cm2)).count();
        assert_eq!(cm2, 6);
    }

    #[test]
    fn decodes_windows_1252_and_utf8_with_bom_alike() {
        let text = file(&["CŒUR;;Zoë François;2016-05-01;;12345678901;CE2;CE2 B;42"]);
        let (cp1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
        assert!(!unmappable);
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(text.replace("\r\n", "\n").as_bytes());
        for bytes in [cp1252.to_vec(), with_bom] {
            let row = &parse(&bytes).unwrap()[0];
            assert_eq!(row.last_name, "CŒUR");
            assert_eq!(row.first_names, "Zoë François");
            assert_eq!(row.birth_date, NaiveDate::from_ymd_opt(2016, 5, 1).unwrap());
            assert_eq!(row.sex, None);
            assert_eq!(row.level, Some(Level::Ce2));
        }
    }

    #[test]
    fn columns_are_found_by_name_in_any_order_and_quotes_are_read() {
        let text = "Identifiant classe;Extra;Libellé classe;Niveau;Date naissance;Prénom élève;Nom élève\n\
                    7;x;\"ULIS; école\";;01/02/2015;\"Anne \"\"Nanou\"\"\";MARTIN\n";
        let row = &parse(text.as_bytes()).unwrap()[0];
        assert_eq!(row.class_label, "ULIS; école");
        assert_eq!(row.first_names, "Anne \"Nanou\"");
        assert_eq!(row.level, None, "an empty Niveau is allowed");
        assert_eq!(row.ine, None);
    }

    #[test]
    fn bad_rows_are_refused_with_their_line_and_column() {
        let cases = [
            (
                file(&["A;;B;31/02/2016;F;12345678901;CP;CP;1"]),
                "ligne 2, colonne « Date naissance » : date invalide « 31/02/2016 »",
            ),
            (
                file(&[
                    "A;;B;01/02/2016;F;12345678901;CP;CP;1",
                    "C;;D;01/02/2016;X;12345678902;CP;CP;1",
                ]),
                "ligne 3, colonne « Sexe » : sexe inconnu « X » (M ou F)",
            ),
            (
                file(&["A;;B;01/02/2016;F;123;CP;CP;1"]),
                "ligne 2, colonne « INE » : INE invalide « 123 » : onze chiffres ou lettres sont attendus",
            ),
            (
                file(&["A;;B;01/02/2016;F;12345678901;Petite section;CP;1"]),
                "ligne 2, colonne « Niveau » : niveau inconnu « Petite section »",
            ),
            (
                file(&["A;;B\u{E000};01/02/2016;F;12345678901;CP;CP;1"]),
                "ligne 2, colonne « Prénom élève » : le caractère « \u{E000} » (U+E000) ne peut pas être imprimé",
            ),
            (
                file(&["A;B\u{7};C;01/02/2016;F;12345678901;CP;CP;1"]),
                "ligne 2, colonne « Nom d'usage élève » : le caractère de contrôle U+0007 ne peut pas être imprimé",
            ),
            (
                file(&["A;;B;01/02/2016;F;12345678901;CP;CP;classe"]),
                "ligne 2, colonne « Identifiant classe » : identifiant de classe invalide « classe »",
            ),
            (
                file(&[";;B;01/02/2016;F;12345678901;CP;CP;1"]),
                "ligne 2, colonne « Nom élève » : valeur manquante",
            ),
            (
                file(&["A;;B;01/02/2016;F"]),
                "ligne 2 : 5 champ(s) au lieu de 9",
            ),
            // Blank lines count: the line named is the one the director sees in the file.
            (
                file(&[
                    "A;;B;01/02/2016;F;12345678901;CP;CP;1",
                    "",
                    "",
                    "C;;D;01/02/2016;X;12345678902;CP;CP;1",
                ]),
                "ligne 5, colonne « Sexe » : sexe inconnu « X » (M ou F)",
            ),
            (
                file(&["", "A;;B;01/02/2016;F"]),
                "ligne 3 : 5 champ(s) au lieu de 9",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text.as_bytes()).unwrap_err().to_string(), expected);
        }
    }

    #[test]
    fn files_that_are_not_extractions_are_refused() {
        assert_eq!(parse(b"").unwrap_err().to_string(), "le fichier est vide");
        assert_eq!(
            parse(HEADER.as_bytes()).unwrap_err().to_string(),
            "le fichier ne contient aucun élève"
        );
        assert!(
            parse(b"\x89PNG\r\n\x1a\n\0\0\0")
                .unwrap_err()
                .to_string()
                .contains("n'est pas un fichier texte CSV")
        );
        assert_eq!(
            parse("Nom;Prénom\nA;B\n".as_bytes())
                .unwrap_err()
                .to_string(),
            "ligne 1, colonne « Nom élève » : colonne absente : est-ce bien une extraction ONDE des élèves ?"
        );
        let huge = vec![b'a'; MAX_FILE_BYTES + 1];
        assert!(
            parse(&huge)
                .unwrap_err()
                .to_string()
                .contains("dépasse 1 Mo")
        );
    }
}
