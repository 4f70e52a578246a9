//! Where a child's EHC needs assessment stands: the statutory stages, their deadlines counted
//! from the request, and what is done, current, to come or overdue. Shared by the server and
//! the browser; the status diagram and the SEN team's dashboard draw from it.

#[cfg(feature = "ssr")]
pub mod diagram;
#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod seen;
#[cfg(feature = "ssr")]
pub mod store;
pub mod timeline;

/// `/children/:child/status`: the status diagram of a child linked to the signed-in person,
/// once the SEN team has started the assessment; before that (and for anyone else's child) it
/// does not exist.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn StatusPage() -> impl leptos::IntoView {
    use leptos::prelude::*;
    let child = leptos_router::hooks::use_params_map()
        .read_untracked()
        .get("child")
        .unwrap_or_default();
    crate::components::server_page(
        format!("/children/{child}/status"),
        move |state| async move { pages::status_page(&state, &child).await },
    )
}

/// `/children/:child/seen`: who outside the family has opened or changed the child's record.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn SeenPage() -> impl leptos::IntoView {
    let child = crate::components::param("child");
    let page = crate::components::query("page");
    crate::components::server_page(format!("/children/{child}/seen"), move |state| async move {
        seen::seen_page(&state, &child, &page).await
    })
}
