//! What people send: the submissions of a case, and accepting or sending one back. This file holds
//! its markup; the SQL is in `casework/store/review.rs`.

use leptos::prelude::*;

use super::super::store::{self, Case};
use super::{
    date_input, flash_banner, form_problem, reason_text, take_flash, version_input,
    DEFAULT_DUE_DAYS,
};
use crate::{
    auth::{api::server::require_role, ssr::accounts::Audit},
    clock,
    components::ServerPage,
    error::AppError,
    platform::AppState,
    role::Role,
    status::{store::today, timeline::add_days},
};

pub(super) fn submissions_section(case: &Case, submissions: &[store::CaseSubmission]) -> AnyView {
    view! {
        <h2 class="govuk-heading-m" id="submissions">"Forms sent"</h2>
        {if submissions.is_empty() {
            view! { <p class="govuk-body">"No forms have been sent for this child yet."</p> }.into_any()
        } else {
            view! {
                <ul class="govuk-list portal-people" id="case-submissions">
                    {submissions.iter().map(|s| {
                        let (tag, class) = match s.review.as_ref().map(|r| r.0.as_str()) {
                            None => ("Awaiting review", "govuk-tag govuk-tag--blue"),
                            Some("accepted") => ("Accepted", "govuk-tag govuk-tag--green"),
                            _ => ("Sent back", "govuk-tag govuk-tag--orange"),
                        };
                        let detail = format!("{} · sent by {} on {}", s.reference, s.submitted_by, clock::date(s.submitted_at));
                        view! {
                            <li class="portal-person">
                                <a class="govuk-link" href=format!("/staff/cases/{}/submissions/{}", case.child.id, s.public_id)>{s.title.clone()}</a>
                                " " <strong class=class>{tag}</strong>
                                <span class="portal-cell-detail">{detail}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
    .into_any()
}

/// `/staff/cases/:child/submissions/:submission`: every answer and file, and the review.
pub async fn submission(
    state: &AppState,
    child: &str,
    submission: &str,
) -> Result<ServerPage, AppError> {
    let (account, session) = require_role(state, &Role::STAFF).await?;
    let case = store::find_case(state.db.pool(), child).await?;
    let found = store::find_case_submission(state.db.pool(), case.child_id, submission).await?;
    let full = crate::forms::store::submissions_for_child(state.db.pool(), case.child_id)
        .await?
        .into_iter()
        .find(|s| s.public_id == found.public_id)
        .ok_or(AppError::NotFound)?;
    let form = state
        .forms
        .get(&full.form_id, full.form_version)
        .ok_or_else(|| crate::error::internal("submission on a form not in the library"))?;
    let files = crate::documents::files::files_of_submission(state.db.pool(), submission).await?;
    let flash = take_flash(&session, child).await?;
    crate::auth::ssr::accounts::audit(
        state,
        Audit::of(Some(account.id), "submission_reviewed", "")
            .child(case.child_id)
            .detail(&found.reference),
    )
    .await?;
    let today = today();
    let answers = crate::forms::render::answers_summary(&form, &full.answers, &files, None);
    let case_link = format!("/staff/cases/{}", case.child.id);
    let action = |name: &str| format!("/staff/cases/{}/{name}", case.child.id);
    let body = {
        view! {
            <a class="govuk-back-link" href=case_link.clone()>{format!("Back to {}’s case", case.child.first_name)}</a>
            {flash_banner(&flash)}
            <span class="govuk-caption-l">{format!("{} · {}", case.child.full_name(), found.reference)}</span>
            <h1 class="govuk-heading-l">{found.title.clone()}</h1>
            <p class="govuk-body">{format!("Sent by {} on {} at {}.", found.submitted_by, clock::date(found.submitted_at), clock::time_of_day(found.submitted_at))}</p>
            {match &found.review {
                Some((outcome, reason, reviewer, at)) => {
                    let who = reviewer.clone().unwrap_or_else(|| "The SEN team".into());
                    let text = if outcome == "accepted" {
                        format!("Accepted by {who} on {}.", clock::date(*at))
                    } else {
                        format!("Sent back by {who} on {}: {reason}", clock::date(*at))
                    };
                    view! { <div class="govuk-inset-text" id="review-outcome">{text}</div> }.into_any()
                }
                None => view! {
                    <div class="govuk-inset-text" id="review-outcome">"Awaiting review: accept it, or send it back with what needs changing."</div>
                }.into_any(),
            }}
            {answers}
            {found.review.is_none().then(|| view! {
                <h2 class="govuk-heading-m" id="accept-section">"Review"</h2>
                <form method="post" action=action("accept")>
                    {version_input(&case)}
                    <input type="hidden" name="submission" value=found.public_id.clone()/>
                    {form_problem(&flash, "accept")}
                    <button type="submit" class="govuk-button">"Accept"</button>
                </form>
                <form method="post" action=action("reject") novalidate id="reject-section">
                    {version_input(&case)}
                    <input type="hidden" name="submission" value=found.public_id.clone()/>
                    <h3 class="govuk-heading-s">"Or send it back"</h3>
                    {form_problem(&flash, "reject")}
                    {reason_text(&flash, "reject", "What needs changing", "The sender sees this, with their answers ready to change in a new draft.")}
                    {date_input(&flash, "reject", "due", "Send again by", add_days(today, DEFAULT_DUE_DAYS))}
                    <button type="submit" class="govuk-button govuk-button--warning">"Send back"</button>
                </form>
            })}
        }
        .into_any()
    };
    Ok(ServerPage {
        title: format!("{} {} – review", found.title, found.reference),
        body,
    })
}
