//! Server functions, grouped by subject; the types they exchange with the pages are in `wire`.
//! Each one authenticates, authorizes through a service, and maps the result: nothing more.

/// The académie's establishments and their directors (administrateurs).
pub mod academie;
/// Accounts of an establishment (Paramétrage).
pub mod accounts;
/// One pupil's bilan: the editor's content, its saving, the pupil's history.
pub mod bilan_editor;
/// « Bilans »: a class's list for a period; creating, locking, unlocking.
pub mod bilans;
/// Classes of the school year and their positionnement type (Paramétrage).
pub mod classes;
/// Bilans de fin de cycle: a class's list, a component's grid, a pupil's page.
pub mod cycle_bilans;
/// Families: the parent space, visas, publishing to families.
pub mod families;
/// « Export vers le LSU »: the precheck and the periods to send.
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
/// The second factor: enrolment, turning it off, an administrateur's reset.
pub mod second_factor;
/// Login, logout, the current session and the establishment switch.
pub mod session;
/// « Synchronisation élèves enseignants » (Paramétrage).
pub mod synchronisation;
/// « Import des enseignants » from the school's list (Paramétrage).
pub mod teacher_import;
