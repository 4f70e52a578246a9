//! The dashboard, a case, a submission to review and Add a case, rendered on the server.

mod advice;
mod case;
mod dashboard;
mod links;
mod messages;
mod plan;
mod requests;
mod review;
mod sharing;
mod stages;

pub use case::{case, new_case};
pub use dashboard::dashboard;
pub use plan::plan_page;
pub use review::submission;

use leptos::prelude::*;

pub(super) use crate::status::timeline::stage_name;

use super::{
    post::{flash_key, Flash},
    store::Case,
};
use crate::{
    components::ErrorSummaryList,
    error::{AppError, FieldError},
    status::timeline::due_phrase,
    values::Date,
};

/// What a refused Add a case leaves for the form.
pub const NEW_CASE_KEY: &str = "new_case_refused";

/// Days a form is asked for by, unless the caseworker says otherwise.
pub(super) const DEFAULT_DUE_DAYS: i64 = 14;

/// "3 March 2026", "due in 4 days" and whether it has passed.
pub(super) fn deadline_text(deadline: Date, today: Date) -> (String, String, bool) {
    (
        deadline.long(),
        due_phrase(deadline, today),
        deadline < today,
    )
}

/// A table that scrolls sideways on a phone instead of the page (its region can be focused,
/// so keyboard users can scroll it too). Headers: (text, numeric).
pub(super) fn scroll_table(
    caption: &'static str,
    headers: &[(&'static str, bool)],
    body_id: &'static str,
    rows: AnyView,
) -> AnyView {
    view! {
        <div class="portal-table-scroll" tabindex="0" role="region" aria-label=caption>
            <table class="govuk-table">
                <caption class="govuk-table__caption govuk-visually-hidden">{caption}</caption>
                <thead class="govuk-table__head">
                    <tr class="govuk-table__row">
                        {headers.iter().map(|(text, numeric)| {
                            let class = if *numeric { "govuk-table__header govuk-table__header--numeric" } else { "govuk-table__header" };
                            view! { <th scope="col" class=class>{*text}</th> }
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody class="govuk-table__body" id=body_id>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The page's flash, taken from the session (it is shown once).
pub(super) async fn take_flash(
    session: &tower_sessions::Session,
    child: &str,
) -> Result<Flash, AppError> {
    Ok(
        crate::auth::api::server::take::<Flash>(session, &flash_key(child))
            .await?
            .unwrap_or_default(),
    )
}

/// The green banner, or the error summary linking to the problem.
pub(super) fn flash_banner(flash: &Flash) -> AnyView {
    if let Some(done) = &flash.done {
        return view! {
            <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
                <div class="govuk-notification-banner__content">
                    <p class="govuk-notification-banner__heading">{done.clone()}</p>
                </div>
            </div>
        }
        .into_any();
    }
    match &flash.problem {
        Some((form, field, message)) => {
            let target = if field.is_empty() {
                format!("{form}-section")
            } else {
                field.clone()
            };
            view! {
                <ErrorSummaryList errors=vec![FieldError {
                    field: field.clone(),
                    target,
                    message: message.clone(),
                }]/>
            }
            .into_any()
        }
        None => ().into_any(),
    }
}

/// A problem about the whole form, shown at its top.
pub(super) fn form_problem(flash: &Flash, form: &str) -> Option<AnyView> {
    flash.error(form, "").map(|m| {
        view! {
            <p class="govuk-error-message"><span class="govuk-visually-hidden">"Error: "</span>{m}</p>
        }
        .into_any()
    })
}

pub(super) fn field_error(flash: &Flash, form: &str, field: &str) -> Option<AnyView> {
    flash.error(form, field).map(|m| {
        view! {
            <p class="govuk-error-message" id=format!("{field}-error")>
                <span class="govuk-visually-hidden">"Error: "</span>{m}
            </p>
        }
        .into_any()
    })
}

pub(super) fn group_class(flash: &Flash, form: &str, field: &str) -> &'static str {
    if flash.error(form, field).is_some() {
        "govuk-form-group govuk-form-group--error"
    } else {
        "govuk-form-group"
    }
}

/// Three boxes for a date: `{prefix}-day`, `-month`, `-year`.
pub(super) fn date_input(
    flash: &Flash,
    form: &str,
    prefix: &str,
    legend: &str,
    value: Date,
) -> AnyView {
    let field = format!("{prefix}-day");
    let part = |name: &str, label: &'static str, default: String, width: &'static str| {
        let id = format!("{prefix}-{name}");
        let value = flash.kept(form, &id).unwrap_or(default);
        view! {
            <div class="govuk-date-input__item">
                <div class="govuk-form-group">
                    <label class="govuk-label govuk-date-input__label" for=id.clone()>{label}</label>
                    <input class=format!("govuk-input govuk-date-input__input {width}") id=id.clone() name=id type="text" inputmode="numeric" value=value/>
                </div>
            </div>
        }
    };
    view! {
        <div class=group_class(flash, form, &field)>
            <fieldset class="govuk-fieldset" role="group">
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{legend.to_owned()}</legend>
                {field_error(flash, form, &field)}
                <div class="govuk-date-input">
                    {part("day", "Day", value.day.to_string(), "govuk-input--width-2")}
                    {part("month", "Month", value.month.to_string(), "govuk-input--width-2")}
                    {part("year", "Year", value.year.to_string(), "govuk-input--width-4")}
                </div>
            </fieldset>
        </div>
    }
    .into_any()
}

pub(super) fn version_input(case: &Case) -> AnyView {
    view! { <input type="hidden" name="version" value=case.version.to_string()/> }.into_any()
}

pub(super) fn reason_text(
    flash: &Flash,
    form: &str,
    label: &'static str,
    hint: &'static str,
) -> AnyView {
    let value = flash.kept(form, "reason").unwrap_or_default();
    view! {
        <div class=group_class(flash, form, "reason")>
            <label class="govuk-label govuk-label--s" for="reason">{label}</label>
            <div class="govuk-hint" id="reason-hint">{hint}</div>
            {field_error(flash, form, "reason")}
            <textarea class="govuk-textarea" id="reason" name="reason" rows="4" aria-describedby="reason-hint">{value}</textarea>
        </div>
    }
    .into_any()
}
