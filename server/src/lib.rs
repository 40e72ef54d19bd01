//! The Livret server: configuration, database, router, sessions, PDFs, demo data and command
//! line.

// The pages' nested view types are laid out here too (server rendering), deeper than the
// default limit, as in the `app` crate.
#![recursion_limit = "256"]

/// `livret backup` and `livret restore` (SQLite).
pub mod backup;
/// The `livret` command line.
pub mod cli;
/// The client's address, through trusted reverse proxies only.
pub mod client_address;
/// Configuration from the environment.
pub mod config;
/// Database connection and migrations.
pub mod db;
/// The demo school.
pub mod demo;
/// PDF downloads of bilans.
pub mod downloads;
/// Printed bilans: the Typst template and its fonts, compiled to PDF.
pub mod pdf;
/// HTTP routes and their guards.
pub mod router;
/// Server-side sessions stored in the database.
pub mod sessions;
