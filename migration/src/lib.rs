//! Database migrations of Livret. A migration is frozen once it has been released: later
//! changes are new migrations. Nothing here knows the application's entities.

pub use sea_orm_migration::prelude::*;

/// The core schema: schools, accounts, school years, classes, pupils, periods, sessions, audit.
mod m20261128_000001_core_schema;
/// `app_user.must_change_password`: accounts given a one-time password.
mod m20261128_000002_password_change;
/// Bilans: one per pupil and period, with their own copy of identity and teachers.
mod m20261128_000003_bilan;
/// Programme elements entered for a whole class (collective entry).
mod m20261128_000004_programme_element;
/// Bilan lines (positionnement, elements, comment), class parcours, a class's language.
mod m20261128_000005_collective_entry;
/// What a locked bilan keeps of its class: parcours, language, elements (copies).
mod m20261128_000006_bilan_parcours;
/// The verso of a bilan for its pupil: own parcours, modalités, PPRE; the audit by subject.
mod m20261201_000007_bilan_verso;
/// Families: responsables of pupils, published bilans, visas.
mod m20261201_000008_families;
/// A school year is closed when the next one opens (its bilans are history from then on); the
/// login throttle remembers its last failure, for growing delays; one-time passwords expire.
mod m20261203_000009_year_closing_and_throttle;
/// Directors' second factor: TOTP secret and recovery codes.
mod m20261203_000010_second_factor;
/// A responsable's address in its parts (street, postcode, town, country), for the LSU.
mod m20261203_000011_responsable_address;
/// The director a bilan was locked under, frozen at locking (for the LSU).
mod m20261203_000012_bilan_director;
/// Bilans de fin de cycle: the socle's components, the synthèse, lock, publication, visas.
mod m20261204_000013_cycle_bilan;
/// Class prints, their progress and their files, shared by every app process.
mod m20261204_000014_print_job;

pub struct Migrator;

/// A foreign key whose rows go with the row they point to.
fn cascade_to(
    from_table: &'static str,
    from_col: &'static str,
    to_table: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_core_schema::Migration),
            Box::new(m20261128_000002_password_change::Migration),
            Box::new(m20261128_000003_bilan::Migration),
            Box::new(m20261128_000004_programme_element::Migration),
            Box::new(m20261128_000005_collective_entry::Migration),
            Box::new(m20261128_000006_bilan_parcours::Migration),
            Box::new(m20261201_000007_bilan_verso::Migration),
            Box::new(m20261201_000008_families::Migration),
            Box::new(m20261203_000009_year_closing_and_throttle::Migration),
            Box::new(m20261203_000010_second_factor::Migration),
            Box::new(m20261203_000011_responsable_address::Migration),
            Box::new(m20261203_000012_bilan_director::Migration),
            Box::new(m20261204_000013_cycle_bilan::Migration),
            Box::new(m20261204_000014_print_job::Migration),
        ]
    }
}
