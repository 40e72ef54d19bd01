//! Icons drawn in SVG, in the colour of the text around them: an emoji would show as an empty
//! box on the many school computers without an emoji font. Each is hidden from screen readers;
//! the words beside it say what it means.

use leptos::prelude::*;

/// A padlock, before « Verrouillé ».
#[component]
pub fn LockIcon() -> impl IntoView {
    view! {
        <svg class="icone" viewBox="0 0 16 16" width="1em" height="1em" aria-hidden="true" focusable="false">
            <path
                fill="currentColor"
                d="M4 7V5a4 4 0 0 1 8 0v2h.5A1.5 1.5 0 0 1 14 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 13.5v-5A1.5 1.5 0 0 1 3.5 7H4zm2 0h4V5a2 2 0 1 0-4 0v2z"
            />
        </svg>
    }
}
