//! The browser entry point: reads the site information the server put in the page and hydrates
//! the server-rendered HTML with the same `App`.

// Without erased components (as clippy builds it) the app's view types nest deeply.
#![recursion_limit = "256"]

use app::{
    site::{SiteInfo, SITE_INFO_ELEMENT_ID},
    App,
};
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let document = web_sys::window().and_then(|w| w.document());
    let site = document
        .as_ref()
        .and_then(|d| d.get_element_by_id(SITE_INFO_ELEMENT_ID))
        .and_then(|el| el.text_content())
        .and_then(|text| SiteInfo::from_script_json(&text))
        .unwrap_or_default();
    let Some(body) = document.and_then(|d| d.body()) else {
        return;
    };
    // Most pages are lazy routes (their code is a separate wasm chunk): hydration waits for
    // the chunk of the page being shown.
    wasm_bindgen_futures::spawn_local(async move {
        let owner =
            leptos::mount::hydrate_from_async(body.clone(), move || leptos::view! { <App site/> })
                .await;
        owner.forget();
        // Lets tests (and scripts) know the page is now interactive.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
