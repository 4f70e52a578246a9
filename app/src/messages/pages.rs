//! The home page, the inbox and a message, rendered on the server.

use std::collections::HashMap;

use leptos::prelude::*;

use super::store::{find_message_for_user, mark_read, messages_for, unread_count, Message};
use crate::{
    auth::{api::server::require_role, ssr::accounts::Account},
    clock,
    components::ServerPage,
    error::AppError,
    forms::store,
    people::{access::FORM_ROLES, ChildSummary},
    platform::AppState,
    status::{store::today, timeline::due_phrase},
    values::Date,
};

/// How many of the newest messages the home page lists.
const HOME_MESSAGES: i64 = 5;

async fn children_by_id(
    state: &AppState,
    account: &Account,
) -> Result<HashMap<i64, ChildSummary>, AppError> {
    Ok(
        crate::people::store::children_of(state.db.pool(), account.id)
            .await?
            .into_iter()
            .map(|c| (c.id, c.summary))
            .collect(),
    )
}

/// A message's child, if the person is still linked to them.
fn child_of<'a>(
    message: &Message,
    children: &'a HashMap<i64, ChildSummary>,
) -> Option<&'a ChildSummary> {
    message.child_id.and_then(|id| children.get(&id))
}

/// "due in 5 days", with the due date, for a message that asks for something.
fn due_text(message: &Message, today: Date) -> Option<(String, bool)> {
    message.action.as_ref().map(|a| {
        (
            format!("{} – {}", a.due_on.long(), due_phrase(a.due_on, today)),
            a.due_on < today,
        )
    })
}

fn unread_tag(message: &Message) -> Option<AnyView> {
    message.read_at.is_none().then(|| {
        view! { " " <strong class="govuk-tag govuk-tag--blue portal-unread-tag">"Unread"</strong> }.into_any()
    })
}

/// `/home` and `/professional`: welcome, messages with the unread count, and the services.
pub async fn home(state: &AppState) -> Result<ServerPage, AppError> {
    let (account, _) = require_role(state, &FORM_ROLES).await?;
    let unread = unread_count(state.db.pool(), account.id).await?;
    let latest = messages_for(state.db.pool(), account.id, Some(HOME_MESSAGES)).await?;
    let children = children_by_id(state, &account).await?;
    let today = today();
    let tiles = state.runtime.service_tiles.clone();
    let send_detail = if account.role == crate::role::Role::Citizen {
        "Forms, letters and plans, and where an EHC needs assessment has got to"
    } else {
        "The children and young people you give advice about"
    };
    let body = {
        view! {
            <span class="govuk-caption-l">{account.role.label()}</span>
            <h1 class="govuk-heading-l">{format!("Welcome, {}", account.full_name)}</h1>
            <section class="portal-panel" aria-labelledby="messages-heading">
                <h2 class="govuk-heading-m" id="messages-heading">"Your messages"</h2>
                <p class="govuk-body portal-unread">
                    {if unread == 0 {
                        view! { "You have no unread messages" }.into_any()
                    } else {
                        view! {
                            "You have "
                            <strong class="portal-unread__count">{unread}</strong>
                            {if unread == 1 { " unread message" } else { " unread messages" }}
                        }
                        .into_any()
                    }}
                </p>
                {(!latest.is_empty()).then(|| view! {
                    <ul class="govuk-list portal-message-list">
                        {latest.iter().map(|m| message_item(m, &children, today)).collect_view()}
                    </ul>
                    <p class="govuk-body"><a class="govuk-link" href="/messages">"All messages"</a></p>
                })}
            </section>
            <h2 class="govuk-heading-m">"Services"</h2>
            <ul class="portal-tiles">
                <li class="portal-tiles__item">
                    <a class="portal-tile portal-tile--service" href="/send">
                        <span class="portal-tile__name">"Special Educational Needs and Disabilities"</span>
                        <span class="portal-tile__detail">{send_detail}</span>
                    </a>
                </li>
                {tiles.into_iter().map(|t| view! {
                    <li class="portal-tiles__item">
                        <a class="portal-tile portal-tile--other" href=t.url rel="noopener">
                            <span class="portal-tile__name">{t.title}</span>
                            <span class="portal-tile__detail">"On the council’s website"</span>
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    Ok(ServerPage {
        title: "Home".into(),
        body,
    })
}

fn message_item(message: &Message, children: &HashMap<i64, ChildSummary>, today: Date) -> AnyView {
    let class = if message.read_at.is_none() {
        "portal-message-list__item portal-message-list__item--unread"
    } else {
        "portal-message-list__item"
    };
    let about = child_of(message, children).map(|c| format!("About {} · ", c.first_name));
    view! {
        <li class=class>
            <a class="govuk-link" href=format!("/messages/{}", message.public_id)>{message.subject.clone()}</a>
            {unread_tag(message)}
            <br/>
            <span class="portal-secondary-text">
                {about}
                {format!("Sent {}", clock::date(message.sent_at))}
                {due_text(message, today).map(|(due, overdue)| view! {
                    " · "
                    <span class=if overdue { "portal-overdue" } else { "" }>{format!("Due {due}")}</span>
                })}
            </span>
        </li>
    }
    .into_any()
}

/// `/messages`: every message, newest first, unread marked.
pub async fn inbox(state: &AppState) -> Result<ServerPage, AppError> {
    let (account, _) = require_role(state, &FORM_ROLES).await?;
    let messages = messages_for(state.db.pool(), account.id, None).await?;
    let unread = messages.iter().filter(|m| m.read_at.is_none()).count();
    let children = children_by_id(state, &account).await?;
    let today = today();
    let body = {
        view! {
            <a class="govuk-back-link" href=account.role.home_path()>"Back to home"</a>
            <h1 class="govuk-heading-l">"Messages"</h1>
            <p class="govuk-body">
                {match (messages.len(), unread) {
                    (0, _) => "You have no messages yet. The SEN team will message you here when they need something from you.".to_owned(),
                    (_, 0) => "You have read all your messages.".to_owned(),
                    (_, 1) => "1 message is unread.".to_owned(),
                    (_, n) => format!("{n} messages are unread."),
                }}
            </p>
            {(!messages.is_empty()).then(|| view! {
                <ul class="govuk-list portal-message-list">
                    {messages.iter().map(|m| message_item(m, &children, today)).collect_view()}
                </ul>
            })}
        }
        .into_any()
    };
    Ok(ServerPage {
        title: "Messages".into(),
        body,
    })
}

/// What an action message's box offers: the form was sent since the message arrived, a draft
/// is waiting, or nothing is started yet.
enum Progress {
    Sent {
        reference: String,
        id: String,
        on: i64,
    },
    Started,
    NotStarted,
}

/// `/messages/:message`: the message (marked read), and for an action message the form to
/// start or continue.
pub async fn message(state: &AppState, id: &str) -> Result<ServerPage, AppError> {
    let (account, _) = require_role(state, &FORM_ROLES).await?;
    let message = find_message_for_user(state.db.pool(), account.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    mark_read(state.db.pool(), message.id).await?;
    let children = children_by_id(state, &account).await?;
    let child = child_of(&message, &children).cloned();
    let child_row = match message.child_id {
        Some(child_id) if child.is_some() => Some(child_id),
        _ => None,
    };
    if let Some(child_id) = child_row {
        crate::auth::ssr::accounts::audit(
            state,
            crate::auth::ssr::accounts::Audit::of(Some(account.id), "message_read", "")
                .child(child_id)
                .detail(&message.public_id),
        )
        .await?;
    }
    let request = match (&message.action, child_row) {
        (Some(action), Some(child_id)) => {
            let form = state.forms.latest(&action.form_id);
            let sent =
                store::submissions_for_child_readable_by(state.db.pool(), child_id, account.id)
                    .await?
                    .into_iter()
                    .filter(|s| s.form_id == action.form_id && s.submitted_at >= message.sent_at)
                    .max_by_key(|s| s.submitted_at);
            let progress = match sent {
                Some(s) => Progress::Sent {
                    reference: s.reference,
                    id: s.public_id,
                    on: s.submitted_at,
                },
                None if store::drafts_for_child(state.db.pool(), child_id, account.id)
                    .await?
                    .iter()
                    .any(|d| d.form_id == action.form_id) =>
                {
                    Progress::Started
                }
                None => Progress::NotStarted,
            };
            form.map(|f| (f.title.clone(), action.due_on, progress))
        }
        _ => None,
    };
    let today = today();
    let paragraphs = crate::components::paragraphs(&message.body);
    let body = {
        view! {
            <a class="govuk-back-link" href="/messages">"Back to messages"</a>
            <span class="govuk-caption-l">"Message"</span>
            <h1 class="govuk-heading-l">{message.subject.clone()}</h1>
            <dl class="govuk-summary-list govuk-summary-list--no-border">
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">"From"</dt>
                    <dd class="govuk-summary-list__value">{message.sender.clone().unwrap_or_else(|| "The SEN team".into())}</dd>
                </div>
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">"Sent"</dt>
                    <dd class="govuk-summary-list__value">{clock::date_time(message.sent_at)}</dd>
                </div>
                {child.clone().map(|c| view! {
                    <div class="govuk-summary-list__row">
                        <dt class="govuk-summary-list__key">"About"</dt>
                        <dd class="govuk-summary-list__value">
                            <a class="govuk-link" href=format!("/children/{}/forms", c.id)>{c.full_name()}</a>
                        </dd>
                    </div>
                })}
            </dl>
            {paragraphs.into_iter().map(|p| view! { <p class="govuk-body">{p}</p> }).collect_view()}
            {request.map(|(title, due, progress)| {
                let child_name = child.as_ref().map(|c| c.full_name()).unwrap_or_default();
                view! {
                    <div class="portal-action">
                        <h2 class="govuk-heading-m">"What you need to do"</h2>
                        <p class="govuk-body">{format!("Fill in the {title} for {child_name}.")}</p>
                        {match progress {
                            Progress::Sent { reference, id, on } => view! {
                                <p class="govuk-body">
                                    <strong class="govuk-tag govuk-tag--green">"Done"</strong>
                                    {format!(" You sent it on {} (reference {reference}).", clock::date(on))}
                                </p>
                                <p class="govuk-body">
                                    <a class="govuk-link" href=format!("/submissions/{id}")>
                                        "View Details"<span class="govuk-visually-hidden">{format!(" of the {title} you sent")}</span>
                                    </a>
                                </p>
                                <form method="post" action=format!("/messages/{}/form", message.public_id)>
                                    <button type="submit" class="govuk-button govuk-button--secondary">
                                        {format!("Start {title} again")}
                                    </button>
                                </form>
                            }.into_any(),
                            started => {
                                let overdue = due < today;
                                let verb = if matches!(started, Progress::Started) { "Continue" } else { "Start" };
                                view! {
                                    <p class="govuk-body">
                                        {format!("Please send it by {} ", due.long())}
                                        {if overdue {
                                            view! { <strong class="govuk-tag govuk-tag--red">{due_phrase(due, today)}</strong> }.into_any()
                                        } else {
                                            view! { <strong class="govuk-tag govuk-tag--yellow">{due_phrase(due, today)}</strong> }.into_any()
                                        }}
                                    </p>
                                    <form method="post" action=format!("/messages/{}/form", message.public_id)>
                                        <button type="submit" class="govuk-button">
                                            {format!("{verb} {title}")}
                                        </button>
                                    </form>
                                }.into_any()
                            }
                        }}
                    </div>
                }
            })}
        }
        .into_any()
    };
    Ok(ServerPage {
        title: message.subject.clone(),
        body,
    })
}
