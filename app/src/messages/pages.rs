//! The home page, the inbox and a message, rendered on the server.

use std::collections::HashMap;

use leptos::prelude::*;

use super::{
    store::{find_message_for_user, mark_read, messages_for, unread_count, Message},
    thread::{thread_of, Reply, MAX_FILES},
};
use crate::{
    auth::{api::server::require_role, ssr::accounts::Account},
    clock,
    components::ServerPage,
    documents::AttachmentInfo,
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
                {if message.last_at > message.sent_at {
                    format!("Last reply {}", clock::date(message.last_at))
                } else {
                    format!("Sent {}", clock::date(message.sent_at))
                }}
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
            <a class="govuk-button govuk-button--secondary" href="/messages/new" role="button" draggable="false">"Write to the SEN team"</a>
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
    let (account, session) = require_role(state, &FORM_ROLES).await?;
    let message = find_message_for_user(state.db.pool(), account.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    mark_read(state.db.pool(), message.id).await?;
    let refused = take_refused(&session, &message.public_id).await?;
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
    let own_voice = match child_row {
        Some(child_id) => {
            crate::people::store::acts_for_self(state.db.pool(), child_id, account.id).await?
        }
        None => false,
    };
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
    let from = if message.from_recipient() {
        "You".to_owned()
    } else {
        message
            .sender
            .clone()
            .unwrap_or_else(|| "The SEN team".into())
    };
    let thread = thread_of(state.db.pool(), message.clone()).await?;
    let title = refused_title(&refused, &message.subject);
    let action = format!("/messages/{}/replies", message.public_id);
    let body = {
        view! {
            <a class="govuk-back-link" href="/messages">"Back to messages"</a>
            {refused_summary(&refused)}
            <span class="govuk-caption-l">"Message"</span>
            <h1 class="govuk-heading-l">{message.subject.clone()}</h1>
            {message_header(
                from,
                None,
                message.sent_at,
                child.as_ref().map(|c| (format!("/children/{}/forms", c.id), c.full_name())),
            )}
            {paragraphs.into_iter().map(|p| view! { <p class="govuk-body">{p}</p> }).collect_view()}
            {file_list(&thread.files)}
            {request.map(|(title, due, progress)| {
                let for_whom = match &child {
                    Some(c) if !own_voice => format!(" for {}", c.full_name()),
                    _ => String::new(),
                };
                view! {
                    <div class="portal-action">
                        <h2 class="govuk-heading-m">"What you need to do"</h2>
                        <p class="govuk-body">{format!("Fill in the {title}{for_whom}.")}</p>
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
            {replies_view(&thread.replies, Side::Recipient)}
            {reply_form(&action, &refused, "Reply to the SEN team")}
        }
        .into_any()
    };
    Ok(ServerPage { title, body })
}

/// A refused reply or message, kept for the page it goes back to: what was typed, and why.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Refused {
    pub fields: Vec<(String, String)>,
    /// The field the problem is about ("" for the form as a whole).
    pub field: String,
    pub message: String,
}

impl Refused {
    fn kept(&self, field: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn error(&self, field: &str) -> Option<String> {
        (self.field == field).then(|| self.message.clone())
    }
}

/// Where a refusal waits for its page: a conversation's public id, or "new" for a new message.
pub fn refused_key(scope: &str) -> String {
    format!("message_refused:{scope}")
}

pub async fn take_refused(
    session: &tower_sessions::Session,
    scope: &str,
) -> Result<Option<Refused>, AppError> {
    session
        .remove::<Refused>(&refused_key(scope))
        .await
        .map_err(crate::error::internal)
}

pub fn refused_title(refused: &Option<Refused>, title: &str) -> String {
    match refused {
        Some(_) => format!("Error: {title}"),
        None => title.to_owned(),
    }
}

pub fn refused_summary(refused: &Option<Refused>) -> Option<AnyView> {
    refused.as_ref().map(|r| {
        let target = if r.field.is_empty() {
            "body".to_owned()
        } else {
            r.field.clone()
        };
        view! {
            <crate::components::ErrorSummaryList errors=vec![crate::error::FieldError {
                field: r.field.clone(),
                target,
                message: r.message.clone(),
            }]/>
        }
        .into_any()
    })
}

pub fn group_class(refused: &Option<Refused>, field: &str) -> &'static str {
    match refused.as_ref().and_then(|r| r.error(field)) {
        Some(_) => "govuk-form-group govuk-form-group--error",
        None => "govuk-form-group",
    }
}

pub fn field_error(refused: &Option<Refused>, field: &str) -> Option<AnyView> {
    refused.as_ref().and_then(|r| r.error(field)).map(|m| {
        view! {
            <p class="govuk-error-message" id=format!("{field}-error")>
                <span class="govuk-visually-hidden">"Error: "</span>{m}
            </p>
        }
        .into_any()
    })
}

pub fn kept(refused: &Option<Refused>, field: &str) -> String {
    refused.as_ref().map(|r| r.kept(field)).unwrap_or_default()
}

/// Who a message is from (and, for the SEN team, with), when it was sent, and the child it is
/// about, linked to their page.
fn message_header(
    from: String,
    with: Option<String>,
    sent_at: i64,
    about: Option<(String, String)>,
) -> AnyView {
    let row = |key: &'static str, value: AnyView| {
        view! {
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{key}</dt>
                <dd class="govuk-summary-list__value">{value}</dd>
            </div>
        }
    };
    view! {
        <dl class="govuk-summary-list govuk-summary-list--no-border">
            {row("From", from.into_any())}
            {with.map(|w| row("With", w.into_any()))}
            {row("Sent", clock::date_time(sent_at).into_any())}
            {about.map(|(href, name)| row("About", view! { <a class="govuk-link" href=href>{name}</a> }.into_any()))}
        </dl>
    }
    .into_any()
}

/// The files of a message or reply, each a link to download it.
fn file_list(files: &[AttachmentInfo]) -> Option<AnyView> {
    (!files.is_empty()).then(|| {
        view! {
            <ul class="govuk-list portal-message-files">
                {files.iter().map(|f| view! {
                    <li><a class="govuk-link" href=format!("/files/{}", f.id) download="">{f.describe()}</a></li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    })
}

/// Whose page the conversation is on: its recipient's, or the SEN team's.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Recipient,
    Team,
}

/// The replies, oldest first, each saying who wrote it and when.
fn replies_view(replies: &[Reply], side: Side) -> AnyView {
    if replies.is_empty() {
        return ().into_any();
    }
    view! {
        <h2 class="govuk-heading-m" id="replies">"Replies"</h2>
        <ol class="portal-replies">
            {replies.iter().map(|r| {
                let who = match (side, r.from_team) {
                    (Side::Recipient, false) | (Side::Team, true) => format!("{} (you)", r.author.clone().unwrap_or_else(|| "You".into())),
                    (Side::Recipient, true) => format!("{}, SEN team", r.author.clone().unwrap_or_else(|| "The SEN team".into())),
                    (Side::Team, false) => r.author.clone().unwrap_or_else(|| "Account removed".into()),
                };
                let class = if r.from_team { "portal-reply portal-reply--team" } else { "portal-reply" };
                view! {
                    <li class=class id=format!("reply-{}", r.public_id)>
                        <p class="govuk-body-s portal-reply__meta">
                            <strong>{who}</strong>
                            {format!(" · {}", clock::date_time(r.sent_at))}
                        </p>
                        {crate::components::paragraphs(&r.body).into_iter().map(|p| view! { <p class="govuk-body">{p}</p> }).collect_view()}
                        {file_list(&r.files)}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}

/// The reply form: the text and up to `MAX_FILES` files (a plain multipart form, the same
/// with or without JavaScript).
fn reply_form(action: &str, refused: &Option<Refused>, heading: &'static str) -> AnyView {
    view! {
        <form method="post" action=action.to_owned() enctype="multipart/form-data" novalidate id="reply-form" class="portal-reply-form">
            <h2 class="govuk-heading-m">{heading}</h2>
            <div class=group_class(refused, "body")>
                <label class="govuk-label" for="body">"Your reply"</label>
                {field_error(refused, "body")}
                <textarea class="govuk-textarea" id="body" name="body" rows="5">{kept(refused, "body")}</textarea>
            </div>
            {file_input(refused)}
            <button type="submit" class="govuk-button">"Send reply"</button>
        </form>
    }
    .into_any()
}

fn file_input(refused: &Option<Refused>) -> AnyView {
    view! {
        <div class=group_class(refused, "file")>
            <label class="govuk-label" for="file">"Files (optional)"</label>
            <div class="govuk-hint" id="file-hint">
                {format!("Up to {MAX_FILES}: PDFs, Word documents or photos. Choose them again if the page shows a problem.")}
            </div>
            {field_error(refused, "file")}
            <input class="govuk-file-upload" id="file" name="file" type="file" multiple aria-describedby="file-hint"/>
        </div>
    }
    .into_any()
}

/// `/staff/messages/:message`: a conversation as the SEN team sees it, marked read by the team.
pub async fn staff_message(state: &AppState, id: &str) -> Result<ServerPage, AppError> {
    let (account, session) = require_role(state, &crate::role::Role::STAFF).await?;
    let message = super::thread::find_message(state.db.pool(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    super::thread::mark_team_read(state.db.pool(), message.id).await?;
    let refused = take_refused(&session, &message.public_id).await?;
    let child = match message.case_child_id {
        Some(child_id) => {
            crate::auth::ssr::accounts::audit(
                state,
                crate::auth::ssr::accounts::Audit::of(Some(account.id), "conversation_read", "")
                    .child(child_id)
                    .detail(&message.public_id),
            )
            .await?;
            Some(
                crate::people::store::child_by_id(state.db.pool(), child_id)
                    .await?
                    .summary,
            )
        }
        None => None,
    };
    let from = if message.from_recipient() {
        format!("{} (wrote to the SEN team)", message.recipient)
    } else {
        message
            .sender
            .clone()
            .unwrap_or_else(|| "The SEN team".into())
    };
    let thread = thread_of(state.db.pool(), message.clone()).await?;
    let title = refused_title(&refused, &message.subject);
    let action = format!("/messages/{}/replies", message.public_id);
    let (back, back_text) = match &child {
        Some(c) => (
            format!("/staff/cases/{}#message-section", c.id),
            "Back to the case",
        ),
        None => ("/staff".to_owned(), "Back to cases"),
    };
    let heading = if message.from_recipient() {
        "Reply"
    } else {
        "Reply to them"
    };
    let body = view! {
        <a class="govuk-back-link" href=back>{back_text}</a>
        {refused_summary(&refused)}
        <span class="govuk-caption-l">"Conversation"</span>
        <h1 class="govuk-heading-l">{message.subject.clone()}</h1>
        {message_header(
            from,
            Some(message.recipient.clone()),
            message.sent_at,
            child.map(|c| (format!("/staff/cases/{}", c.id), c.full_name())),
        )}
        {crate::components::paragraphs(&message.body).into_iter().map(|p| view! { <p class="govuk-body">{p}</p> }).collect_view()}
        {file_list(&thread.files)}
        {replies_view(&thread.replies, Side::Team)}
        {reply_form(&action, &refused, heading)}
    }
    .into_any();
    Ok(ServerPage { title, body })
}

/// `/messages/new`: writing to the SEN team about a child the person is linked to.
pub async fn write_page(state: &AppState) -> Result<ServerPage, AppError> {
    let (account, session) = require_role(state, &FORM_ROLES).await?;
    let refused = take_refused(&session, "new").await?;
    let children = crate::people::store::children_of(state.db.pool(), account.id).await?;
    let chosen = kept(&refused, "child");
    let title = refused_title(&refused, "Write to the SEN team");
    let body = view! {
        <a class="govuk-back-link" href="/messages">"Back to messages"</a>
        {refused_summary(&refused)}
        <h1 class="govuk-heading-l">"Write to the SEN team"</h1>
        {if children.is_empty() && account.role == crate::role::Role::Professional {
            view! {
                <p class="govuk-body">"You can write to the SEN team about a child or young person linked to you. Children appear here once you pick up a request for advice about them, or ask for an assessment. To answer a request, reply to its message."</p>
            }.into_any()
        } else if children.is_empty() {
            view! {
                <p class="govuk-body">"You can write to the SEN team about a child or young person linked to your account. Add them in the SEND area first."</p>
                <p class="govuk-body"><a class="govuk-link" href="/send">"Go to the SEND area"</a></p>
            }.into_any()
        } else {
            view! {
                <p class="govuk-body">"Your message goes to the SEN team, who answer here. We email you when they reply, without any detail."</p>
                <form method="post" action="/messages" enctype="multipart/form-data" novalidate>
                    {if children.len() == 1 {
                        view! {
                            <input type="hidden" name="child" value=children[0].summary.id.clone()/>
                            <p class="govuk-body">{format!("About {}", children[0].summary.full_name())}</p>
                        }.into_any()
                    } else {
                        view! {
                            <div class=group_class(&refused, "child")>
                                <fieldset class="govuk-fieldset">
                                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">"Who is it about?"</legend>
                                    {field_error(&refused, "child")}
                                    <div class="govuk-radios govuk-radios--small">
                                        {children.iter().enumerate().map(|(i, c)| {
                                            let id = if i == 0 { "child".to_owned() } else { format!("child-{i}") };
                                            view! {
                                                <div class="govuk-radios__item">
                                                    <input class="govuk-radios__input" id=id.clone() name="child" type="radio" value=c.summary.id.clone() checked=chosen == c.summary.id/>
                                                    <label class="govuk-label govuk-radios__label" for=id>{c.summary.full_name()}</label>
                                                </div>
                                            }
                                        }).collect_view()}
                                    </div>
                                </fieldset>
                            </div>
                        }.into_any()
                    }}
                    <div class=group_class(&refused, "subject")>
                        <label class="govuk-label" for="subject">"Subject"</label>
                        {field_error(&refused, "subject")}
                        <input class="govuk-input" id="subject" name="subject" type="text" value=kept(&refused, "subject")/>
                    </div>
                    <div class=group_class(&refused, "body")>
                        <label class="govuk-label" for="body">"Your message"</label>
                        {field_error(&refused, "body")}
                        <textarea class="govuk-textarea" id="body" name="body" rows="6">{kept(&refused, "body")}</textarea>
                    </div>
                    {file_input(&refused)}
                    <button type="submit" class="govuk-button">"Send message"</button>
                </form>
            }.into_any()
        }}
    }
    .into_any();
    Ok(ServerPage { title, body })
}
