//! Small pieces of GOV.UK-style markup that many pages use.

use leptos::prelude::*;

use crate::error::AppError;

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

/// A select of the secret questions, for registering and for the forgotten-password page.
#[component]
pub fn SecretQuestionSelect() -> impl IntoView {
    view! {
        <div class="govuk-form-group">
            <label class="govuk-label" for="secret_question">"Secret question"</label>
            <select class="govuk-select" id="secret_question" name="secret_question">
                {crate::auth::rules::SECRET_QUESTIONS
                    .iter()
                    .map(|q| view! { <option value=*q>{*q}</option> })
                    .collect_view()}
            </select>
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
pub fn ErrorSummaryList(errors: Vec<crate::forms::validate::FieldError>) -> impl IntoView {
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

/// A page the server renders whole as HTML (the SEND area's pages): the browser only shows
/// it, so these pages add almost nothing to the WebAssembly.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HtmlPage {
    pub title: String,
    pub html: String,
}

/// Loads an `HtmlPage` for `key` and shows it; sign-in, not-found and errors as every page
/// does. `here` is the address to come back to after signing in.
pub fn server_page<K, Fut>(
    key: impl Fn() -> K + Send + Sync + 'static,
    load: impl Fn(K) -> Fut + Send + Sync + 'static,
    here: impl Fn() -> String + Send + Sync + Copy + 'static,
) -> impl IntoView
where
    K: PartialEq + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<HtmlPage, AppError>> + Send + 'static,
{
    let data = Resource::new(key, load);
    view! {
        <Suspense fallback=|| view! { <p class="govuk-body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(err) => crate::pages::load_failed(err, here()),
                    Ok(page) => view! {
                        <leptos_meta::Title text=page.title/>
                        <div class="portal-page" inner_html=page.html></div>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
