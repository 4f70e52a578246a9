//! The development mailbox: every email the portal would have sent, readable in the browser,
//! so a newcomer can register and sign in with no mail server. Absent in production.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod store;

use crate::{
    clock::format_time,
    components::errors::{ErrorPage, NotFound},
    error::AppError,
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub sent_at_ms: i64,
}

/// The messages in the outbox, newest first; `NotFound` when there is no outbox (production or
/// SMTP), so the page does not exist there.
#[server(prefix = "/api", endpoint = "dev/outbox")]
pub async fn list_outbox() -> Result<Vec<OutboxMessage>, AppError> {
    use crate::mailbox::store::read_outbox;
    use crate::platform::{outbox, AppState};
    let state = AppState::current()?;
    match state.mailer.outbox_dir() {
        Some(dir) if !state.is_production() => {
            // An email is delivered just after its change commits: show it, not the moment
            // before.
            outbox::settled(&state.db, std::time::Duration::from_secs(3)).await?;
            Ok(read_outbox(dir).await?)
        }
        _ => Err(AppError::NotFound),
    }
}

#[component]
pub fn MailboxPage() -> impl IntoView {
    let messages = Resource::new(|| (), |_| list_outbox());
    view! {
        <Suspense fallback=|| view! { <p class="govuk-body">"Loading the mailbox…"</p> }>
            {move || Suspend::new(async move {
                match messages.await {
                    Ok(list) => view! { <Mailbox messages=list/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(err) => view! { <ErrorPage error=err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Mailbox(messages: Vec<OutboxMessage>) -> impl IntoView {
    let count = messages.len();
    view! {
        <Title text="Development mailbox"/>
        <h1 class="govuk-heading-l">"Development mailbox"</h1>
        <div class="govuk-inset-text">
            "Mail is not sent anywhere on this machine: every email the portal sends is kept here "
            "instead. This page does not exist in production."
        </div>
        <p class="govuk-body">
            {match count {
                0 => "No emails yet.".to_owned(),
                1 => "1 email, newest first.".to_owned(),
                n => format!("{n} emails, newest first."),
            }}
        </p>
        <ol class="portal-mailbox">
            {messages
                .into_iter()
                .map(|m| {
                    let heading_id = format!("mail-{}", m.id);
                    let labelled_by = heading_id.clone();
                    view! {
                        <li class="portal-mailbox__item">
                            <article aria-labelledby=labelled_by>
                                <h2 class="govuk-heading-s" id=heading_id>{m.subject}</h2>
                                <dl class="portal-mailbox__meta govuk-body-s">
                                    <dt>"To"</dt>
                                    <dd class="portal-mailbox__to">{m.to}</dd>
                                    <dt>"Sent"</dt>
                                    <dd>
                                        <time data-ms=m.sent_at_ms.to_string()>
                                            {format_time(m.sent_at_ms)}
                                        </time>
                                    </dd>
                                </dl>
                                <div class="portal-mailbox__body govuk-body">
                                    {linkify(&m.text)}
                                </div>
                            </article>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// Splits text into plain pieces and web addresses, so links in emails can be followed.
pub fn split_links(text: &str) -> Vec<(bool, String)> {
    let mut pieces: Vec<(bool, String)> = Vec::new();
    let mut rest = text;
    while let Some(start) = ["https://", "http://"]
        .iter()
        .filter_map(|p| rest.find(p))
        .min()
    {
        if start > 0 {
            pieces.push((false, rest[..start].to_owned()));
        }
        let after = &rest[start..];
        let end = after
            .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
            .unwrap_or(after.len());
        let url = after[..end].trim_end_matches(['.', ',', ')', ';', ':']);
        pieces.push((true, url.to_owned()));
        rest = &after[url.len()..];
    }
    if !rest.is_empty() {
        pieces.push((false, rest.to_owned()));
    }
    pieces
}

fn linkify(text: &str) -> impl IntoView {
    split_links(text)
        .into_iter()
        .map(|(is_link, piece)| {
            if is_link {
                let href = piece.clone();
                view! { <a class="govuk-link" href=href>{piece}</a> }.into_any()
            } else {
                piece.into_any()
            }
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_found_and_trailing_punctuation_left_out() {
        let pieces = split_links("Open http://127.0.0.1:3000/confirm?t=ab12. Thanks");
        assert_eq!(
            pieces,
            vec![
                (false, "Open ".to_owned()),
                (true, "http://127.0.0.1:3000/confirm?t=ab12".to_owned()),
                (false, ". Thanks".to_owned()),
            ]
        );
    }

    #[test]
    fn text_without_links_is_one_piece() {
        assert_eq!(
            split_links("no links"),
            vec![(false, "no links".to_owned())]
        );
    }

    #[test]
    fn sent_time_is_formatted_in_utc() {
        // 2026-11-30T17:38:40Z
        assert_eq!(
            format_time(1_796_060_320_000),
            "17:38:40 UTC, 30 November 2026"
        );
    }
}
