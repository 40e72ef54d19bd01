//! Livret's application crate: what the server and the browser share (domain types, pages,
//! server functions) and, under `ssr`, the entities, services and request context behind them.

// Page views are nested generic types; erasing a whole page (`into_any`, as lazy routes and the
// router do) computes layouts deeper than the default limit.
#![recursion_limit = "256"]

/// Server functions: authenticate, call one service, reply.
pub mod api;
/// Domain types that parse input into valid values.
pub mod domain;
/// The application's one error type.
pub mod error;
/// Pages and the frame around them.
mod pages;
/// Dates in Europe/Paris, written the French way.
pub mod time;
/// The types that cross the wire between pages and server functions (no feature gate).
pub mod wire;

/// Acting user, session and database of the current request.
#[cfg(feature = "ssr")]
pub mod auth;
/// Database entities.
#[cfg(feature = "ssr")]
pub mod entities;
/// Queries and rules.
#[cfg(feature = "ssr")]
pub mod services;

pub use pages::{App, shell};
