//! The data that the server functions of `api::classes` and the pages exchange: classes of the
//! school year and their positionnement type (Paramétrage).

use crate::domain::{Level, Periodicity, PositionnementType};
use serde::{Deserialize, Serialize};

/// A class of the current school year, as the director sets it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassRow {
    pub id: i32,
    pub label: String,
    pub levels: Vec<Level>,
    /// Pupils enrolled (those who left are not counted).
    pub pupils: u64,
    /// Of those, the pupils no responsable is attached to yet.
    pub without_responsable: u64,
    pub teachers: Vec<Teacher>,
    pub positionnement: PositionnementType,
    /// `None` while the class follows no periods (« Non définie »).
    pub periodicity: Option<Periodicity>,
}

/// A teacher of the establishment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Teacher {
    pub id: i32,
    pub name: String,
}

/// What the « Classes » page shows: the classes, and the school's teachers to assign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassesView {
    pub classes: Vec<ClassRow>,
    pub teachers: Vec<Teacher>,
}

/// The « Nouvel enseignant » form as posted (fields `teacher[civility]`…): checked by the
/// server function, which names each field it refuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTeacherForm {
    pub civility: String,
    pub last_name: String,
    pub first_name: String,
    pub login: String,
    /// Empty: no class yet.
    pub class_id: String,
}
