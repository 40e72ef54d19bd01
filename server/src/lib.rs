//! The Livret server: configuration, database, router, sessions, demo data and command line.

/// The `livret` command line.
pub mod cli;
/// Configuration from the environment.
pub mod config;
/// Database connection and migrations.
pub mod db;
/// The demo school.
pub mod demo;
/// HTTP routes and their guards.
pub mod router;
/// Server-side sessions stored in the database.
pub mod sessions;
