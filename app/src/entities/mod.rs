//! Database entities (sea-orm models). Server-only; pages never see them.

/// Audit trail.
pub mod audit_event;
/// Bilans périodiques: one per pupil and period.
pub mod bilan;
/// Rows of a bilan's recto: positionnement, elements, comment per domain.
pub mod bilan_line;
/// « J'ai pris connaissance du bilan »: a responsable's visa.
pub mod bilan_visa;
/// Levels of a class.
pub mod class_level;
/// Parcours éducatifs of a class and period.
pub mod class_parcours;
/// Bilans de fin de cycle: one per pupil, cycle and school year.
pub mod cycle_bilan;
/// The socle's components of a bilan de fin de cycle, as positioned.
pub mod cycle_bilan_component;
/// A responsable's visa of a bilan de fin de cycle.
pub mod cycle_bilan_visa;
/// Établissements (schools), by UAI.
pub mod establishment;
/// Responsables légaux of pupils.
pub mod guardian;
/// Failed-login counters for rate limiting.
pub mod login_throttle;
/// Periods of a school year.
pub mod period;
/// Classes following a period.
pub mod period_class;
/// Class prints, their progress and their files.
pub mod print_job;
/// Programme elements of a class, level, period and domain (collective entry).
pub mod programme_element;
/// One-time recovery codes of an account's second factor (hashed).
pub mod recovery_code;
/// Roles of accounts in establishments.
pub mod role_grant;
/// Classes of a school year.
pub mod school_class;
/// School years of an establishment.
pub mod school_year;
/// Server-side login sessions.
pub mod session;
/// Pupils.
pub mod student;
/// Teachers assigned to classes.
pub mod teacher_assignment;
/// Accounts.
pub mod user;
