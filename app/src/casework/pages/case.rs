//! A case: its row, its history, the version every change claims, assigning it, and Add a case.
//! This file holds its markup; the SQL is in `casework/store/case.rs`.

use leptos::prelude::*;

use super::super::store::{self};
use super::{
    advice::{advice_section, consultation_section},
    field_error, flash_banner, form_problem, group_class,
    links::people_section,
    messages::message_section,
    plan::plan_section,
    requests::requests_section,
    review::submissions_section,
    scroll_table,
    sharing::share_section,
    stages::{clock_section, next_text},
    take_flash, version_input, NEW_CASE_KEY,
};
use crate::{
    auth::{api::server::require_role, ssr::accounts::Audit},
    clock,
    components::{ErrorSummaryList, ServerPage},
    error::{AppError, FieldError},
    people::PersonAnswers,
    platform::AppState,
    role::Role,
    status::store::{progress_of, today},
    values::Date,
};

/// `/staff/cases/:child`.
pub async fn case(state: &AppState, child: &str) -> Result<ServerPage, AppError> {
    let (account, session) = require_role(state, &Role::STAFF).await?;
    let case = store::find_case(state.db.pool(), child).await?;
    let flash = take_flash(&session, child).await?;
    let pool = state.db.pool();
    let today = today();
    let progress = progress_of(pool, case.child_id).await?;
    let people = store::linked_people(pool, case.child_id).await?;
    let invitations = store::pending_invitations(pool, case.child_id).await?;
    let submissions = store::case_submissions(pool, case.child_id).await?;
    let requests = store::form_requests(state, case.child_id).await?;
    let advice = crate::advice::store::requests_for_child(pool, case.child_id, today).await?;
    let organisations = crate::advice::store::organisations_with_members(pool).await?;
    let caseworkers = store::caseworkers(pool).await?;
    let documents = store::shared_documents(pool, case.child_id).await?;
    let consultations = crate::advice::store::consultations_for_child(pool, case.child_id).await?;
    let schools = crate::advice::store::schools_and_settings(pool).await?;
    let threads = crate::messages::thread::threads_for_case(pool, case.child_id).await?;
    crate::auth::ssr::accounts::audit(
        state,
        Audit::of(Some(account.id), "case_viewed", "")
            .child(case.child_id)
            .detail(&case.reference),
    )
    .await?;
    let history = store::timeline(pool, case.child_id).await?;
    let plan = plan_section(state, &case).await?;
    let forms: Vec<(String, String)> = state
        .forms
        .all_latest()
        .iter()
        .filter(|f| f.advice_for.is_empty())
        .map(|f| (f.id.clone(), f.title.clone()))
        .collect();
    let timeline = progress.timeline(today);
    let next = progress.next_due(case.advice_requested_on);
    let born = Date::from_iso(&case.child.date_of_birth)
        .map(Date::long)
        .unwrap_or_default();
    let earliest_request = submissions
        .iter()
        .filter(|s| s.form_id.starts_with("e1"))
        .map(|s| clock::local_date(s.submitted_at))
        .min();
    let body = {
        view! {
            <a class="govuk-back-link" href="/staff">"Back to cases"</a>
            {flash_banner(&flash)}
            <span class="govuk-caption-l">{format!("Case {}", case.reference)}</span>
            <h1 class="govuk-heading-l">{case.child.full_name()}</h1>
            <dl class="govuk-summary-list">
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">"Date of birth"</dt>
                    <dd class="govuk-summary-list__value">{born}</dd>
                </div>
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">"Next"</dt>
                    <dd class="govuk-summary-list__value" id="case-next">
                        {next_text(&case, &progress, next, today)}
                    </dd>
                </div>
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">"Caseworker"</dt>
                    <dd class="govuk-summary-list__value" id="case-caseworker">
                        {case.caseworker.as_ref().map(|(_, n)| n.clone()).unwrap_or_else(|| "Not assigned".into())}
                    </dd>
                </div>
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">"Last changed"</dt>
                    <dd class="govuk-summary-list__value">
                        {format!("{} at {}{}", clock::date(case.updated_at), clock::time_of_day(case.updated_at),
                            case.updated_by.as_ref().map(|n| format!(" by {n}")).unwrap_or_default())}
                    </dd>
                </div>
            </dl>
            <nav class="portal-contents" aria-label="On this page">
                <ul class="govuk-list">
                    <li><a class="govuk-link" href="#link-section" rel="external">"People linked"</a></li>
                    <li><a class="govuk-link" href="#message-section" rel="external">"Messages"</a></li>
                    <li><a class="govuk-link" href="#submissions" rel="external">"Forms sent"</a></li>
                    <li><a class="govuk-link" href="#request-section" rel="external">"Forms asked for"</a></li>
                    <li><a class="govuk-link" href="#advice-asked-section" rel="external">"Advice asked for"</a></li>
                    <li><a class="govuk-link" href="#stage-section" rel="external">"Statutory clock"</a></li>
                    <li><a class="govuk-link" href="#plan-section" rel="external">"EHC plan"</a></li>
                    <li><a class="govuk-link" href="#share-section" rel="external">"Shared documents"</a></li>
                    <li><a class="govuk-link" href="#consultation-section" rel="external">"Consultation with schools"</a></li>
                    <li><a class="govuk-link" href="#history" rel="external">"Case history"</a></li>
                </ul>
            </nav>
            <form method="post" action=format!("/staff/cases/{}/assign", case.child.id) id="assign-section" class="portal-inline-form">
                {version_input(&case)}
                {form_problem(&flash, "assign")}
                <div class=group_class(&flash, "assign", "caseworker")>
                    <label class="govuk-label govuk-label--s" for="caseworker">"Assign to"</label>
                    {field_error(&flash, "assign", "caseworker")}
                    <select class="govuk-select" id="caseworker" name="caseworker">
                        <option value="">"Nobody"</option>
                        {caseworkers.iter().map(|worker| {
                            let selected = case.caseworker.as_ref().is_some_and(|(c, _)| *c == worker.id);
                            view! { <option value=worker.id.to_string() selected=selected>{worker.full_name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="govuk-button govuk-button--secondary">"Assign"</button>
            </form>

            {people_section(&case, &flash, &people, &invitations)}
            {message_section(&case, &flash, &people, &threads)}
            {submissions_section(&case, &submissions)}
            {requests_section(&case, &flash, &people, &requests, &forms, today)}
            {advice_section(&case, &flash, &advice, &organisations, today)}
            {clock_section(&case, &flash, &timeline, next, earliest_request, today)}
            {plan}
            {share_section(&case, &flash, &people, &documents)}
            {consultation_section(&case, &flash, &consultations, &schools, &documents, today)}

            <h2 class="govuk-heading-m" id="history">"Case history"</h2>
            <p class="govuk-body">"Everything done on this case, newest first."</p>
            {scroll_table(
                "Case history",
                &[("When", false), ("Who", false), ("What", false)],
                "case-history",
                view! {
                        {history.into_iter().map(|(at, who, what, detail)| view! {
                            <tr class="govuk-table__row">
                                <td class="govuk-table__cell">{format!("{} {}", clock::date(at), clock::time_of_day(at))}</td>
                                <td class="govuk-table__cell">{who}</td>
                                <td class="govuk-table__cell">
                                    {what}
                                    {(!detail.is_empty()).then(|| view! { <span class="portal-cell-detail">{detail}</span> })}
                                </td>
                            </tr>
                        }).collect_view()}
                }.into_any(),
            )}
        }
        .into_any()
    };
    Ok(ServerPage {
        title: if flash.problem.is_some() {
            format!("Error: {} – case", case.child.full_name())
        } else {
            format!("{} – case", case.child.full_name())
        },
        body,
    })
}

/// `/staff/cases/new`.
pub async fn new_case(state: &AppState) -> Result<ServerPage, AppError> {
    let (_, session) = require_role(state, &Role::STAFF).await?;
    let (answers, errors) =
        crate::auth::api::server::take::<(PersonAnswers, Vec<FieldError>)>(&session, NEW_CASE_KEY)
            .await?
            .unwrap_or_default();
    let title = if errors.is_empty() {
        "Add a case"
    } else {
        "Error: Add a case"
    };
    let body = {
        view! {
            <a class="govuk-back-link" href="/staff">"Back to cases"</a>
            {(!errors.is_empty()).then(|| view! { <ErrorSummaryList errors=errors.clone()/> })}
            <h1 class="govuk-heading-l">"Add a case"</h1>
            <p class="govuk-body">"For a child or young person the portal does not know yet – a request that came by post or email, say. You can link their family and ask for forms on the next page."</p>
            <form method="post" action="/staff/cases" novalidate>
                {crate::area::pages::person_fields(&answers, &crate::area::pages::Problems(&errors))}
                <button type="submit" class="govuk-button">"Add the case"</button>
            </form>
        }
        .into_any()
    };
    Ok(ServerPage {
        title: title.into(),
        body,
    })
}
