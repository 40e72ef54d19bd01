//! The types that cross the wire between the pages and the server functions, by subject: plain
//! data (serde), below the services, which return them, and above the domain.

/// The académie's establishments and their directors (administrateurs).
pub mod academie;
/// Accounts of an establishment (Paramétrage).
pub mod accounts;
/// A bilan as it prints and as a family reads it.
pub mod bilan_document;
/// One pupil's bilan: the editor's content, its saving, the pupil's history.
pub mod bilan_editor;
/// « Bilans »: a class's list for a period; creating, locking, unlocking.
pub mod bilans;
/// Classes of the school year and their positionnement type (Paramétrage).
pub mod classes;
/// Bilans de fin de cycle: a class's list, a component's grid, a pupil's bilan.
pub mod cycle_bilans;
/// Families: the parent space, visas, publishing to families.
pub mod families;
/// « Export vers le LSU »: the precheck, the periods to send.
pub mod lsu_export;
/// The periods of the school year and the classes that follow them (Paramétrage).
pub mod periods;
/// A class's bilans printed in the background, with progress.
pub mod printing;
/// « Import des élèves » from an ONDE extraction (Paramétrage).
pub mod pupil_import;
/// « Saisie collective »: programme elements, acquis grid, parcours of a class.
pub mod saisie;
/// « Année scolaire »: opening the year, its dates, the next year (Paramétrage).
pub mod school_years;
/// The second factor: its state, an enrolment's QR code.
pub mod second_factor;
/// Login, logout, the current session and the establishment switch.
pub mod session;
/// « Synchronisation élèves enseignants » (Paramétrage).
pub mod synchronisation;
/// « Import des enseignants » from the school's list (Paramétrage).
pub mod teacher_import;
