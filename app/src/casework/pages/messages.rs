//! The case's conversations, and the SEN team's plain message (one that asks for no form) to
//! someone linked to the child. The conversation itself is `/staff/messages/:message`.

use leptos::prelude::*;

use super::{field_error, form_problem, group_class};
use crate::casework::{
    post::Flash,
    store::{self, Case},
};
use crate::{clock, messages::thread::Message};

pub(super) fn message_section(
    case: &Case,
    flash: &Flash,
    people: &[store::LinkedPerson],
    threads: &[Message],
) -> AnyView {
    let kept = |field: &str| flash.kept("message", field).unwrap_or_default();
    let chosen = kept("message-to");
    let to_read = threads.iter().filter(|m| m.team_read_at.is_none()).count();
    view! {
        <h2 class="govuk-heading-m" id="message-section">"Messages"</h2>
        {if threads.is_empty() {
            view! { <p class="govuk-body">"No messages yet."</p> }.into_any()
        } else {
            view! {
                <p class="govuk-body">
                    {match to_read {
                        0 => "Nothing to read.".to_owned(),
                        1 => "1 conversation has a reply to read.".to_owned(),
                        n => format!("{n} conversations have replies to read."),
                    }}
                </p>
                <ul class="govuk-list portal-message-list" id="case-messages">
                    {threads.iter().map(|m| {
                        let with = if m.from_recipient() {
                            format!("From {}", m.recipient)
                        } else {
                            format!("To {}", m.recipient)
                        };
                        let class = if m.team_read_at.is_none() {
                            "portal-message-list__item portal-message-list__item--unread"
                        } else {
                            "portal-message-list__item"
                        };
                        view! {
                            <li class=class>
                                <a class="govuk-link" href=format!("/staff/messages/{}", m.public_id)>{m.subject.clone()}</a>
                                {m.team_read_at.is_none().then(|| view! {
                                    " " <strong class="govuk-tag govuk-tag--blue">"Reply to read"</strong>
                                })}
                                <br/>
                                <span class="portal-secondary-text">
                                    {format!("{with} · last {} {}", clock::date(m.last_at), clock::time_of_day(m.last_at))}
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }}
        {(!people.is_empty()).then(|| view! {
            <form method="post" action=format!("/staff/cases/{}/messages", case.child.id) enctype="multipart/form-data" novalidate>
                <h3 class="govuk-heading-s">"Send a message"</h3>
                <p class="govuk-body">"A message that asks for no form. They can reply, with files; they are emailed that there is a message, without its text."</p>
                {form_problem(flash, "message")}
                <div class=group_class(flash, "message", "message-to")>
                    <label class="govuk-label" for="message-to">"To"</label>
                    {field_error(flash, "message", "message-to")}
                    <select class="govuk-select" id="message-to" name="message-to">
                        {people.iter().map(|p| {
                            let value = p.user_id.to_string();
                            let selected = chosen == value;
                            view! { <option value=value selected=selected>{format!("{} ({})", p.name, p.relationship.label())}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class=group_class(flash, "message", "message-subject")>
                    <label class="govuk-label" for="message-subject">"Subject"</label>
                    {field_error(flash, "message", "message-subject")}
                    <input class="govuk-input" id="message-subject" name="message-subject" type="text" value=kept("message-subject")/>
                </div>
                <div class=group_class(flash, "message", "message-body")>
                    <label class="govuk-label" for="message-body">"Message"</label>
                    {field_error(flash, "message", "message-body")}
                    <textarea class="govuk-textarea" id="message-body" name="message-body" rows="5">{kept("message-body")}</textarea>
                </div>
                <div class=group_class(flash, "message", "message-file")>
                    <label class="govuk-label" for="message-file">"Files (optional)"</label>
                    <div class="govuk-hint" id="message-file-hint">"PDFs, Word documents or pictures. Choose them again if the page shows a problem."</div>
                    {field_error(flash, "message", "message-file")}
                    <input class="govuk-file-upload" id="message-file" name="message-file" type="file" multiple aria-describedby="message-file-hint"/>
                </div>
                <button type="submit" class="govuk-button">"Send message"</button>
            </form>
        })}
    }
    .into_any()
}
