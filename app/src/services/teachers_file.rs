use crate::domain::{Civility, PersonName};
use crate::services::onde_file::{FileError, open, refused};
use crate::services::responsables_file::looks_like_email;
use crate::wire::pupil_import::ImportedFile;

/// The columns of the teachers' list, by header name (any other column is ignored).
pub const CIVILITE: &str = "Civilité";
pub const NOM: &str = "Nom";
pub const PRENOM: &str = "Prénom";
pub const COURRIEL: &str = "Courriel";
pub const CLASSES: &str = "Classes";
const REQUIRED: [&str; 4] = [CIVILITE, NOM, PRENOM, CLASSES];

/// One teacher of the list, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeacherRow {
    /// Line in the file (the header is line 1).
    pub line: u64,
    pub civility: Civility,
    pub last_name: PersonName,
    pub first_name: PersonName,
    pub email: Option<String>,
    /// Their classes as the file names them: ONDE's label (« CM2 M. Durand ») or id
    /// (« 1234502 »), separated by « , » in the file. Possibly none.
    pub classes: Vec<String>,
}

/// Reads the teachers' list a director makes in a spreadsheet: `;`-separated (as French
/// spreadsheets save CSV), UTF-8 or Windows-1252, columns found by header name: Civilité, Nom,
/// Prénom, Courriel (optional), Classes. Blank rows are skipped; every other row is checked
/// before any is returned: one bad row refuses the whole file.
pub fn parse(bytes: &[u8]) -> Result<Vec<TeacherRow>, FileError> {
    let (mut reader, headers, lines) = open(bytes, ImportedFile::Enseignants, true)?;
    let position = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    if let Some(missing) = REQUIRED.iter().find(|name| position(name).is_none()) {
        return Err(FileError {
            line: Some(1),
            column: Some(missing),
            message: "colonne absente : la première ligne doit nommer les colonnes Civilité ; \
                      Nom ; Prénom ; Courriel ; Classes"
                .into(),
        });
    }
    let column = |name: &str| position(name).expect("required columns were checked");
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
        let field = |name: &str| record.get(column(name)).unwrap_or("").trim();
        let at = |column: &'static str, message: String| FileError {
            line: Some(line),
            column: Some(column),
            message,
        };
        let name = |column: &'static str| {
            let value = field(column);
            if value.is_empty() {
                Err(at(column, "valeur manquante".into()))
            } else {
                PersonName::parse(value).map_err(|e| at(column, e))
            }
        };
        let civility = Civility::parse(field(CIVILITE)).map_err(|e| at(CIVILITE, e))?;
        let last_name = name(NOM)?;
        let first_name = name(PRENOM)?;
        let email = position(COURRIEL)
            .and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|email| !email.is_empty());
        if let Some(email) = email
            && !looks_like_email(email)
        {
            return Err(at(
                COURRIEL,
                format!("adresse électronique invalide « {email} »"),
            ));
        }
        let classes = field(CLASSES)
            .split(',')
            .map(str::trim)
            .filter(|class| !class.is_empty())
            .map(|class| {
                crate::domain::printable::check(class)
                    .map(|()| class.to_owned())
                    .map_err(|character| at(CLASSES, character.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        rows.push(TeacherRow {
            line,
            civility,
            last_name,
            first_name,
            email: email.map(str::to_lowercase),
            classes,
        });
    }
    if rows.is_empty() {
        return Err(refused("le fichier ne contient aucun enseignant"));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rows: &[&str]) -> Vec<u8> {
        let mut text = "Civilité;Nom;Prénom;Courriel;Classes".to_owned();
        for row in rows {
            text.push('\n');
            text.push_str(row);
        }
        text.into_bytes()
    }

    #[test]
    fn reads_teachers_with_their_classes() {
        let rows = parse(&file(&[
            "Mme;Martin;Claire;c.martin@ac-besancon.fr;CP-CE1 Mme Martin",
            "",
            "M.;Durand;Marc;;CM2 M. Durand, 1234503",
            "M;Nouveau;Paul;;",
        ]))
        .unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].civility, Civility::Madame);
        assert_eq!(rows[0].email.as_deref(), Some("c.martin@ac-besancon.fr"));
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].classes, ["CM2 M. Durand", "1234503"]);
        assert!(rows[2].classes.is_empty());
    }

    #[test]
    fn a_bad_row_is_named_by_line_and_column() {
        let error = parse(&file(&["Mme;Martin;Claire;;CP", "Dr;Durand;Marc;;CM2"])).unwrap_err();
        assert_eq!(error.line, Some(3));
        assert_eq!(error.column, Some(CIVILITE));
        assert!(
            error
                .to_string()
                .starts_with("ligne 3, colonne « Civilité » : civilité inconnue « Dr »")
        );
        let error = parse(&file(&["Mme;;Claire;;CP"])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "ligne 2, colonne « Nom » : valeur manquante"
        );
        let error = parse(&file(&["Mme;Martin;Claire;claire.martin;CP"])).unwrap_err();
        assert_eq!(error.column, Some(COURRIEL));
        let error = parse(b"Nom;Prenom\nMartin;Claire").unwrap_err();
        assert_eq!(error.line, Some(1));
        assert!(parse(&file(&[])).is_err());
    }
}
