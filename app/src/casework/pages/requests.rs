//! Forms the SEN team asks a linked person for, with a due date. This file holds its markup; the
//! SQL is in `casework/store/requests.rs`.

use leptos::prelude::*;

use super::{date_input, field_error, form_problem, group_class, version_input, DEFAULT_DUE_DAYS};
use crate::casework::{
    post::Flash,
    store::{self, Case},
};
use crate::{
    status::timeline::{add_days, due_phrase},
    values::Date,
};

pub(super) fn requests_section(
    case: &Case,
    flash: &Flash,
    people: &[store::LinkedPerson],
    requests: &[(String, String, Date, bool)],
    forms: &[(String, String)],
    today: Date,
) -> AnyView {
    let kept_form = flash.kept("request", "form").unwrap_or_default();
    let kept_recipient = flash.kept("request", "recipient").unwrap_or_default();
    view! {
        <h2 class="govuk-heading-m" id="request-section">"Forms asked for"</h2>
        {if requests.is_empty() {
            view! { <p class="govuk-body">"Nobody has been asked for a form yet."</p> }.into_any()
        } else {
            view! {
                <ul class="govuk-list govuk-list--bullet" id="form-requests">
                    {requests.iter().map(|(title, to, due, outstanding)| {
                        let state = if *outstanding { due_phrase(*due, today) } else { "answered".into() };
                        view! { <li>{format!("{title} from {to}, by {} – {state}", due.long())}</li> }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }}
        {if people.is_empty() {
            view! { <p class="govuk-body">"Link someone to the child to ask them for a form."</p> }.into_any()
        } else {
            view! {
                <form method="post" action=format!("/staff/cases/{}/request", case.child.id) novalidate>
                    {version_input(case)}
                    <h3 class="govuk-heading-s">"Ask for a form"</h3>
                    {form_problem(flash, "request")}
                    <div class=group_class(flash, "request", "form")>
                        <label class="govuk-label" for="form">"Form"</label>
                        {field_error(flash, "request", "form")}
                        <select class="govuk-select" id="form" name="form">
                            {forms.iter().map(|(id, title)| {
                                let selected = kept_form == *id;
                                view! { <option value=id.clone() selected=selected>{title.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class=group_class(flash, "request", "recipient")>
                        <label class="govuk-label" for="recipient">"Who should fill it in"</label>
                        {field_error(flash, "request", "recipient")}
                        <select class="govuk-select" id="recipient" name="recipient">
                            {people.iter().map(|p| {
                                let selected = kept_recipient == p.user_id.to_string();
                                let label = format!("{} ({})", p.name, p.relationship.label());
                                view! { <option value=p.user_id.to_string() selected=selected>{label}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    {date_input(flash, "request", "due", "Due by", add_days(today, DEFAULT_DUE_DAYS))}
                    <div class="govuk-form-group">
                        <label class="govuk-label" for="note">"Message (optional)"</label>
                        <textarea class="govuk-textarea" id="note" name="note" rows="3">{flash.kept("request", "note").unwrap_or_default()}</textarea>
                    </div>
                    <button type="submit" class="govuk-button">"Send request"</button>
                </form>
            }
            .into_any()
        }}
    }
    .into_any()
}
