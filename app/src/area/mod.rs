//! The SEND area (`/send`): a tile for each child linked to the signed-in person and one for
//! themself, and Add Person. The pages are rendered on the server (`pages.rs`).

#[cfg(feature = "ssr")]
pub mod pages;

/// `/send`: a tile for each child linked to the signed-in person, and their own.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn SendAreaPage() -> impl leptos::IntoView {
    crate::components::server_page("/send".into(), |state| async move {
        pages::send_area(&state).await
    })
}

/// `/send/add-person` (`?who=self` for the young person's own record), with the problems and
/// answers of a post that was refused.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn AddPersonPage() -> impl leptos::IntoView {
    let who = crate::components::query("who");
    crate::components::server_page("/send/add-person".into(), move |state| async move {
        pages::add_person_form(&state, &who).await
    })
}
