//! The WASM entry point: hydrates the server-rendered page, and nothing else.

// Page views are nested generic types; the router erases each page, and computing the layout
// of that erasure goes deeper than the default limit.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Pages of the Paramétrage (and later ones) are lazy routes: their chunks load first.
    leptos::mount::hydrate_lazy(app::App);
}
