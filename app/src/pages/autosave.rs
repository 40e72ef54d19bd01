//! What the pages that save themselves share (the acquis grid, the bilan editor): the delays,
//! why a save cannot be made now and what the page then says, and the timer that saves once
//! the changes stop.

use crate::error::AppError;
use leptos::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Quiet time after the last change before the page saves itself.
pub const AUTOSAVE_DELAY: Duration = Duration::from_millis(800);
/// How often unsaved values are sent again while the server or the session is away.
pub const RETRY_DELAY: Duration = Duration::from_secs(5);

/// Why the page cannot save right now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Away {
    Connection,
    Session,
}

impl Away {
    /// Why a save failed, when it is worth sending again later: the server or the session was
    /// away. Any other failure is the value's or the server's (`None`).
    pub fn after(error: &AppError) -> Option<Away> {
        match error {
            AppError::Transport(_) => Some(Away::Connection),
            AppError::Unauthenticated | AppError::PasswordChangeRequired => Some(Away::Session),
            _ => None,
        }
    }

    /// What the page says while `pending` values wait on it for the server or the session.
    pub fn status(self, pending: usize) -> String {
        let kept = match pending {
            1 => "1 saisie non enregistrée est gardée".to_owned(),
            n => format!("{n} saisies non enregistrées sont gardées"),
        };
        match self {
            Away::Connection => format!(
                "Connexion perdue : {kept} sur cette page. Nouvel essai toutes les 5 secondes et dès le retour de la connexion."
            ),
            Away::Session => format!(
                "Vous n'êtes plus connecté : {kept} sur cette page. Reconnectez-vous dans un autre onglet (/connexion) : elles seront enregistrées aussitôt."
            ),
        }
    }
}

/// A page's saving, shared by every copy of its saver: whether a save is under way, whether
/// the server or the session is away, and which change came last.
#[derive(Clone, Default)]
pub struct Autosave {
    in_flight: Arc<AtomicBool>,
    pub away: ArcRwSignal<Option<Away>>,
    /// Changes since load: each schedules a save; only the last one's timer saves.
    generation: Arc<AtomicU64>,
}

impl Autosave {
    /// Calls `save` after `delay`, unless another change is scheduled meanwhile.
    pub fn schedule(&self, delay: Duration, save: impl FnOnce() + 'static) {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let last = self.generation.clone();
        set_timeout(
            move || {
                if last.load(Ordering::SeqCst) == generation {
                    save();
                }
            },
            delay,
        );
    }

    /// A save is under way: the next one waits for its answer, which schedules it.
    pub fn in_flight(&self) -> bool {
        self.in_flight.load(Ordering::SeqCst)
    }

    pub fn sending(&self) {
        self.in_flight.store(true, Ordering::SeqCst);
    }

    /// The server answered (`away`: it or the session could not be reached).
    pub fn answered(&self, away: Option<Away>) {
        self.in_flight.store(false, Ordering::SeqCst);
        self.away.set(away);
    }
}
