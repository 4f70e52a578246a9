//! The browser entry point. Pages are rendered on the server; this wasm holds only their
//! islands (the interactive parts), which the page's loader (`app::routes::IslandScripts`)
//! hydrates one by one after calling `hydrate()`.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    app::hydrate_islands();
}
