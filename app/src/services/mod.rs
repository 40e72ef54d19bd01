//! Services: every query and every rule, each taking a connection and the acting user.

/// The académie's view: establishments, their directors, helping a school.
pub mod academie;
/// Who is acting (a person with grants, or the system itself) and what they may do.
pub mod access;
/// Accounts: creation, role grants, authentication, listing.
pub mod accounts;
/// « Saisie collective des acquis scolaires »: the grid of a domain row.
pub mod acquis;
/// Audit trail of writes.
pub mod audit;
/// Who may read or write which bilan: the one place that decides it.
pub mod bilan_access;
/// What a bilan shows, read one way for the editor and for printing.
pub mod bilan_content;
/// « Saisie individuelle »: one pupil's bilan, read and saved field by field.
pub mod bilan_editor;
/// « Historique des bilans de l'élève »: every bilan of a pupil and its audit trail.
pub mod bilan_history;
/// « Bilans »: a class's list for a period; creating, locking, unlocking several at once.
pub mod bilan_list;
/// Bilans: creation, the write guard, status.
pub mod bilans;
/// Classes: their set-up by the director, teacher assignments.
pub mod classes;
/// Bilans de fin de cycle: the grid of a component, a pupil's page, a class's list.
pub mod cycle_bilans;
/// Establishments.
pub mod establishments;
/// Families: responsables of pupils, published bilans, visas.
pub mod families;
/// Rate limiting of failed logins, per account and per address.
pub mod login_throttle;
/// « Export vers le LSU »: the locked bilans as the national application imports them.
pub mod lsu_export;
/// Reading an ONDE pupil extraction (CSV) into checked rows.
pub mod onde_file;
/// « Saisie collective des parcours éducatifs ».
pub mod parcours;
/// Argon2id password hashing.
pub mod passwords;
/// The periods of the school year and the classes that follow them.
pub mod periods;
/// Class prints running in the background, and their files.
pub mod print_jobs;
/// The printed bilan (« Éditer »): one pupil's, or a whole class's in a few queries.
pub mod printed_bilan;
/// Programme elements entered for a whole class, and the aide à la saisie.
pub mod programme;
/// Bringing classes and pupils in line with an ONDE extraction.
pub mod pupil_import;
/// Reading an ONDE responsables extraction (CSV) into checked rows.
pub mod responsables_file;
/// What the collective entries share: the classes taught, the class–period check.
pub mod saisie;
/// School years: opening, dates, « Passer à l'année suivante ».
pub mod school_years;
/// The second factor (TOTP) of directors and administrateurs, and of whoever chooses it.
pub mod second_factor;
/// « Synchronisation élèves enseignants »: bilans take up current pupils and teachers.
pub mod synchronisation;
/// Creating the school's teachers and their assignments from its list (CSV).
pub mod teacher_import;
/// Reading the school's list of teachers (CSV) into checked rows.
pub mod teachers_file;
/// Write transactions, and the turns of SQLite's writers.
mod writing;

pub use writing::{WriteTurn, begin_write, commit};
