use serde::{Deserialize, Serialize};
use std::fmt;

/// One field of a pupil that the file changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// What an import changes, or would change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub classes_added: Vec<String>,
    pub classes_updated: Vec<String>,
    pub pupils_added: Vec<String>,
    pub pupils_updated: Vec<(String, Vec<FieldChange>)>,
    /// Pupils of the school absent from the file: marked as having left, data kept.
    pub pupils_left: Vec<String>,
}

impl ImportSummary {
    pub fn changes_nothing(&self) -> bool {
        self.classes_added.is_empty()
            && self.classes_updated.is_empty()
            && self.pupils_added.is_empty()
            && self.pupils_updated.is_empty()
            && self.pupils_left.is_empty()
    }
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes_nothing() {
            return writeln!(f, "Aucun changement : la base est déjà à jour.");
        }
        list(f, "Classes ajoutées", &self.classes_added)?;
        list(f, "Classes modifiées", &self.classes_updated)?;
        list(f, "Élèves ajoutés", &self.pupils_added)?;
        if !self.pupils_updated.is_empty() {
            writeln!(f, "Élèves modifiés ({}) :", self.pupils_updated.len())?;
            for (name, changes) in &self.pupils_updated {
                let changes: Vec<String> = changes
                    .iter()
                    .map(|c| format!("{} : « {} » → « {} »", c.field, c.before, c.after))
                    .collect();
                writeln!(f, "  {name} — {}", changes.join(" ; "))?;
            }
        }
        list(f, "Élèves partis (données conservées)", &self.pupils_left)
    }
}

fn list(f: &mut fmt::Formatter<'_>, title: &str, names: &[String]) -> fmt::Result {
    if names.is_empty() {
        Ok(())
    } else {
        writeln!(f, "{title} ({}) : {}", names.len(), names.join(", "))
    }
}
