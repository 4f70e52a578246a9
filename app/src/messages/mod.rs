//! Portal messages: what the SEN team sends a parent, carer, young person or professional,
//! above all action messages that ask for a form for a child by a date, and the conversations
//! they open: either side may reply, with files. The home page shows them with the unread
//! count; each new one is also emailed (without sensitive detail). The SEN team reads them on
//! the case page and `/staff/messages/:message`.

#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod post;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod thread;

/// `/messages`: every message, newest first.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn InboxPage() -> impl leptos::IntoView {
    crate::components::server_page("/messages".into(), |state| async move {
        pages::inbox(&state).await
    })
}

/// `/messages/:message`: one message, marked read as it is opened.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn MessagePage() -> impl leptos::IntoView {
    let id = crate::components::param("message");
    crate::components::server_page(format!("/messages/{id}"), move |state| async move {
        pages::message(&state, &id).await
    })
}

/// The messages part of `/home` (and `/professional`): the unread count first, and the service
/// tiles.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn MessagesHome() -> impl leptos::IntoView {
    crate::components::server_page(
        "/home".into(),
        |state| async move { pages::home(&state).await },
    )
}

/// `/staff/messages/:message`: a conversation as the SEN team reads it (marked read), with the
/// reply form.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn StaffMessagePage() -> impl leptos::IntoView {
    let id = crate::components::param("message");
    crate::components::server_page(format!("/staff/messages/{id}"), move |state| async move {
        pages::staff_message(&state, &id).await
    })
}

/// `/messages/new`: a parent, carer or young person writes to the SEN team about a child.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn WriteMessagePage() -> impl leptos::IntoView {
    crate::components::server_page("/messages/new".into(), |state| async move {
        pages::write_page(&state).await
    })
}
