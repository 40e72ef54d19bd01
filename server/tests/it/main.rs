//! Livret's integration tests, one module per subject, in one binary: the server crate and
//! Typst are linked once.

mod academie;
mod bilans;
mod classes;
mod cli;
mod crash;
mod cycle_bilans;
mod families;
mod hostile_files;
mod http;
mod lsu_export;
mod pdf;
mod print_jobs;
mod processes;
mod pupil_import;
mod races;
mod saisie;
mod school_year;
mod services;
/// A database of its own for each test, and the demo's pieces.
mod support;
mod teacher_import;
