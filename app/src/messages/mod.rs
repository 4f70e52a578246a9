//! Portal messages: what the SEN team sends a parent, carer, young person or professional,
//! above all action messages that ask for a form for a child by a date. The home page shows
//! them with the unread count; each new one is also emailed (without sensitive detail).

#[cfg(feature = "ssr")]
pub mod html;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::{components::HtmlPage, error::AppError};

/// The signed-in person's home: their messages (unread count first) and the service tiles.
#[leptos::server(prefix = "/api", endpoint = "messages/home")]
pub async fn home_page() -> Result<HtmlPage, AppError> {
    crate::error::with_status(html::home(&crate::platform::AppState::current()?).await)
}

/// Every message, newest first.
#[leptos::server(prefix = "/api", endpoint = "messages/inbox")]
pub async fn inbox_page() -> Result<HtmlPage, AppError> {
    crate::error::with_status(html::inbox(&crate::platform::AppState::current()?).await)
}

/// One message, marked read as it is opened.
#[leptos::server(prefix = "/api", endpoint = "messages/message")]
pub async fn message_page(message: String) -> Result<HtmlPage, AppError> {
    crate::error::with_status(html::message(&crate::platform::AppState::current()?, &message).await)
}

/// `/messages`.
#[leptos::component]
pub fn InboxPage() -> impl leptos::IntoView {
    crate::components::server_page(|| (), |_| inbox_page(), || "/messages".to_owned())
}

/// `/messages/:message`.
#[leptos::component]
pub fn MessagePage() -> impl leptos::IntoView {
    use leptos::prelude::*;
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.read().get("message").unwrap_or_default();
    crate::components::server_page(id, message_page, move || format!("/messages/{}", id()))
}

/// The messages part of `/home` (and `/professional`).
#[leptos::component]
pub fn MessagesHome() -> impl leptos::IntoView {
    crate::components::server_page(|| (), |_| home_page(), || "/home".to_owned())
}
