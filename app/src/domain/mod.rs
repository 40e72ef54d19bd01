//! Domain types that parse user and registry input into values that are valid by construction.

/// Account identity: login, password, names, civility.
pub mod account;
/// Positionnement values and the status of a bilan.
pub mod bilan;
/// The domains and sub-domains of the école bilan, with their LSU codes.
pub mod catalogue;
/// What an ONDE import changes, as the page and the command line report it.
pub mod import_summary;
/// INE, the national pupil identifier.
pub mod ine;
/// Class levels (niveaux) and cycles.
pub mod level;
/// The periods of a school year and their rules.
pub mod period;
/// The characters a printed bilan can show.
pub mod printable;
/// Roles a person holds in an establishment.
pub mod role;
/// School years and their millésime.
pub mod school_year;
/// Positionnement types and periodicities chosen by the director.
pub mod settings;
/// The bilan de fin de cycle: components of the socle commun, degrees of mastery.
pub mod socle;
/// French typography of printed texts (non-breaking spaces).
pub mod typography;
/// Codes UAI of establishments.
pub mod uai;

pub use account::{Civility, Login, Password, PersonName, PostalAddress};
pub use bilan::{BilanStatus, Positionnement};
pub use import_summary::{FieldChange, ImportSummary};
pub use ine::Ine;
pub use level::{Cycle, Level};
pub use period::{PeriodDates, PeriodError, PeriodPlan};
pub use role::Role;
pub use school_year::SchoolYear;
pub use settings::{Periodicity, PositionnementType};
pub use uai::Uai;
