//! Where a child's EHC needs assessment stands: the statutory stages, their deadlines counted
//! from the request, and what is done, current, to come or overdue. Shared by the server and
//! the browser; the status diagram and the SEN team's dashboard draw from it.

#[cfg(feature = "ssr")]
pub mod diagram;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod timeline;

/// The status diagram of a child linked to the signed-in person, once the SEN team has started
/// the assessment; before that (and for anyone else's child) it does not exist.
#[leptos::server(prefix = "/api", endpoint = "status/child")]
pub async fn status_page(
    child: String,
) -> Result<crate::components::HtmlPage, crate::error::AppError> {
    crate::error::with_status(
        ssr::status_page(&crate::platform::AppState::current()?, &child).await,
    )
}

/// `/children/:child/status`.
#[leptos::component]
pub fn StatusPage() -> impl leptos::IntoView {
    use leptos::prelude::*;
    let params = leptos_router::hooks::use_params_map();
    let child = move || params.read().get("child").unwrap_or_default();
    crate::components::server_page(child, status_page, move || {
        format!("/children/{}/status", child())
    })
}
