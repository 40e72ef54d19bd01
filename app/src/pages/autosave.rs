//! What the pages that save themselves share (the acquis grid, the bilan editor): the delays,
//! why a save cannot be made now and what the page then says, the timer that saves once the
//! changes stop, and the saving itself (`SavesItself`): each page only says what its entries
//! are, how it sends them and how it takes the answer.

use crate::error::AppError;
use leptos::prelude::*;
use std::future::Future;
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
            AppError::Unauthenticated
            | AppError::PasswordChangeRequired
            | AppError::SecondFactorRequired => Some(Away::Session),
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

/// One value of a page that saves itself: a cell of the grid, a field of the editor.
pub trait Entry: Clone + Send + Sync + 'static {
    type Change: Clone + 'static;
    /// The change to send, if the entry has one ready.
    fn change(&self) -> Option<Self::Change>;
    /// Its change is on its way.
    fn sending(&self);
    /// Its change did not arrive: it waits for the server or the session (`away`), or the save
    /// failed with `message`.
    fn not_saved(&self, away: Option<Away>, message: &str);
    /// Its value is still to be sent: changed, being sent, or failed.
    fn is_pending(&self) -> bool;
    /// Its value is not stored: pending, or waiting for the person's choice.
    fn is_unsaved(&self) -> bool;
}

/// A page that saves its entries by itself, shortly after they change, and again while the
/// server or the session is away. The page's state is reference-counted: it lives on, and
/// goes on saving, after the page is left, until everything is stored.
pub trait SavesItself: Clone + Send + Sync + 'static {
    type Entry: Entry;
    type Answer: 'static;

    fn entries(&self) -> &[Self::Entry];
    fn autosave(&self) -> &Autosave;
    /// Sends the changes to the server.
    fn send(
        &self,
        changes: Vec<<Self::Entry as Entry>::Change>,
    ) -> impl Future<Output = Result<Self::Answer, AppError>> + 'static;
    /// Takes the server's answer to the entries that were sent.
    fn apply(&self, sent: &[(Self::Entry, <Self::Entry as Entry>::Change)], answer: Self::Answer);

    /// How many values are still to be sent (tracked).
    fn pending(&self) -> usize {
        self.entries()
            .iter()
            .filter(|entry| entry.is_pending())
            .count()
    }

    /// How many values are not stored (tracked).
    fn unsaved(&self) -> usize {
        self.entries()
            .iter()
            .filter(|entry| entry.is_unsaved())
            .count()
    }

    /// Saves after `delay`, unless another change comes meanwhile.
    fn schedule(&self, delay: Duration) {
        let saver = self.clone();
        self.autosave().schedule(delay, move || saver.save_now());
    }

    /// Sends every ready change now, unless a save is under way (its answer schedules the
    /// next one).
    fn save_now(&self) {
        if self.autosave().in_flight() {
            return;
        }
        let changes: Vec<(Self::Entry, <Self::Entry as Entry>::Change)> = self
            .entries()
            .iter()
            .filter_map(|entry| entry.change().map(|change| (entry.clone(), change)))
            .collect();
        if changes.is_empty() {
            return;
        }
        for (entry, _) in &changes {
            entry.sending();
        }
        self.autosave().sending();
        let saver = self.clone();
        leptos::task::spawn_local(async move {
            let sent = changes.iter().map(|(_, change)| change.clone()).collect();
            match saver.send(sent).await {
                Ok(answer) => {
                    saver.autosave().answered(None);
                    saver.apply(&changes, answer);
                    if untrack(|| saver.pending()) > 0 {
                        saver.schedule(AUTOSAVE_DELAY);
                    }
                }
                Err(error) => {
                    let away = Away::after(&error);
                    let message = error.to_string();
                    for (entry, _) in &changes {
                        entry.not_saved(away, &message);
                    }
                    saver.autosave().answered(away);
                    if away.is_some() {
                        saver.schedule(RETRY_DELAY);
                    }
                }
            }
        });
    }
}

/// Keeps a page saving after it is left (another domain, another bilan, another page): it
/// saves at once when the connection comes back and when the page is left, and closing the tab
/// asks first while values are not stored; the listeners stay until everything is.
pub fn keep_saving(saver: &impl SavesItself) {
    let online = saver.clone();
    let online_listener = window_event_listener_untyped("online", move |_| online.save_now());
    let unload = saver.clone();
    let unload_listener = window_event_listener(leptos::ev::beforeunload, move |event| {
        if untrack(|| unload.unsaved()) > 0 {
            event.prevent_default();
        }
    });
    let leaving = saver.clone();
    on_cleanup(move || {
        leaving.save_now();
        if untrack(|| leaving.unsaved()) == 0 {
            online_listener.remove();
            unload_listener.remove();
        }
    });
}
