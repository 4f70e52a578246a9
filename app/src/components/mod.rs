//! Small pieces of GOV.UK-style markup that many pages use.

use leptos::prelude::*;

pub mod errors;

use crate::error::{AppError, FieldError};
#[cfg(feature = "ssr")]
use errors::load_failed;

/// The error summary at the top of a form: says what is wrong and links to the field.
#[component]
pub fn ErrorSummary(error: AppError, field_id: &'static str) -> impl IntoView {
    let target = match &error {
        AppError::Field { field, .. } => field.clone(),
        _ => field_id.to_owned(),
    };
    view! {
        <div class="govuk-error-summary" tabindex="-1">
            <div role="alert">
                <h2 class="govuk-error-summary__title">"There is a problem"</h2>
                <div class="govuk-error-summary__body">
                    <ul class="govuk-list govuk-error-summary__list">
                        <li><a href=format!("#{target}")>{error.to_string()}</a></li>
                    </ul>
                </div>
            </div>
        </div>
    }
}

/// The green banner that says a change was made.
#[component]
pub fn SuccessBanner(text: &'static str) -> impl IntoView {
    view! {
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
            <div class="govuk-notification-banner__content">
                <p class="govuk-notification-banner__heading">{text}</p>
            </div>
        </div>
    }
}

/// Percent-encodes a value for a link's query string.
pub fn query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// Plain text as paragraphs: a blank line starts a new one (messages, shared documents, a
/// form's declaration and next steps).
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_values_are_encoded() {
        assert_eq!(super::query_value("a&b c/é"), "a%26b+c%2F%C3%A9");
    }

    #[test]
    fn blank_lines_separate_paragraphs() {
        assert_eq!(
            super::paragraphs("One.\n\n  Two,\nstill two. \n\n\n\nThree."),
            ["One.", "Two,\nstill two.", "Three."]
        );
        assert!(super::paragraphs(" \n\n ").is_empty());
    }
}

/// The error summary for a step: every problem, each linked to its question.
#[component]
pub fn ErrorSummaryList(errors: Vec<FieldError>) -> impl IntoView {
    view! {
        <div class="govuk-error-summary" id="error-summary" tabindex="-1">
            <div role="alert">
                <h2 class="govuk-error-summary__title">"There is a problem"</h2>
                <div class="govuk-error-summary__body">
                    <ul class="govuk-list govuk-error-summary__list">
                        {errors.into_iter().map(|e| view! {
                            <li><a href=format!("#{}", e.target) rel="external">{e.message}</a></li>
                        }).collect_view()}
                    </ul>
                </div>
            </div>
        </div>
    }
}

/// Renders a view to HTML on the server, in its own reactive owner (under the current one, so
/// the request's context is still there): for markup that travels as data (the wizard's
/// answers to its island) and for tests.
#[cfg(feature = "ssr")]
pub fn to_html(render: impl FnOnce() -> AnyView) -> String {
    let owner = Owner::new();
    owner.with(|| render().to_html())
}

/// A page rendered on the server: its title and what goes below the header.
#[cfg(feature = "ssr")]
pub struct ServerPage {
    pub title: String,
    pub body: AnyView,
}

/// Shows a page that `load` renders from the request's state; sign-in, not found and errors
/// as every page does. `here` is the address to come back to after signing in. Page components
/// run on the server only (islands mode), so `load` is called directly, with no server function
/// between.
#[cfg(feature = "ssr")]
pub fn server_page<Fut>(
    here: String,
    load: impl FnOnce(crate::platform::AppState) -> Fut + Send + 'static,
) -> impl IntoView
where
    Fut: std::future::Future<Output = Result<ServerPage, AppError>> + Send + 'static,
{
    // The loading runs as a task of its own (as a resource's would), under this page's owner so
    // that it sees the request. Awaited straight inside the `Suspend`, it was first polled by
    // Leptos's `dry_resolve` with a no-op waker, and a request now and then waited forever.
    let (sent, received) = tokio::sync::oneshot::channel();
    let state = crate::platform::AppState::current();
    leptos::task::spawn(async move {
        let loaded = match state {
            Ok(state) => load(state).await,
            Err(err) => Err(err),
        };
        let _ = sent.send(loaded);
    });
    let page = async move {
        let loaded = received
            .await
            .unwrap_or_else(|_| Err(crate::error::internal("a page's loading task ended")));
        match loaded {
            Err(err) => load_failed(err, here),
            Ok(page) => view! {
                <leptos_meta::Title text=page.title/>
                <div class="portal-page">{page.body}</div>
            }
            .into_any(),
        }
    };
    view! {
        <Suspense fallback=|| view! { <p class="govuk-body">"Loading…"</p> }>
            {Suspend::new(page)}
        </Suspense>
    }
}

/// A parameter of the address (`:child`), as the page was asked for.
#[cfg(feature = "ssr")]
pub fn param(name: &str) -> String {
    use leptos::prelude::*;
    leptos_router::hooks::use_params_map()
        .read_untracked()
        .get(name)
        .unwrap_or_default()
}

/// A value of the query string, as the page was asked for.
#[cfg(feature = "ssr")]
pub fn query(name: &str) -> String {
    use leptos::prelude::*;
    leptos_router::hooks::use_query_map()
        .read_untracked()
        .get(name)
        .unwrap_or_default()
}
