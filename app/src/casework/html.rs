//! The dashboard, a case, a submission to review and Add a case, rendered on the server.

use leptos::prelude::*;

use super::{
    post::{flash_key, Flash},
    ssr::{self, relationship_label, Case},
    CaseFilter, DashboardRow, PAGE_SIZE,
};
use crate::{
    auth::{api::server::require_role, ssr::accounts::Audit, Role},
    clock,
    components::{query_value, ErrorSummaryList, HtmlPage},
    documents::DocumentKind,
    error::AppError,
    forms::{render::to_html, rules::Date, validate::FieldError},
    people::{PersonAnswers, Relationship},
    platform::AppState,
    status::{
        ssr::{progress_of, today},
        timeline::{add_days, due_phrase, Stage, StageState},
    },
};

/// What a refused Add a case leaves for the form.
pub const NEW_CASE_KEY: &str = "new_case_refused";

/// Days a form is asked for by, unless the caseworker says otherwise.
const DEFAULT_DUE_DAYS: i64 = 14;

/// A stage as the dashboard names it: the stage next to do.
fn stage_name(stage: &str) -> String {
    match stage {
        "not_started" => "Request not yet recorded".into(),
        "stopped" => "Ended".into(),
        "done" => "Plan in place".into(),
        other => Stage::parse(other)
            .map(|s| s.label().to_owned())
            .unwrap_or_else(|| other.to_owned()),
    }
}

/// "3 March 2026", "due in 4 days" and whether it has passed.
fn deadline_text(deadline: Date, today: Date) -> (String, String, bool) {
    (
        deadline.long(),
        due_phrase(deadline, today),
        deadline < today,
    )
}

/// `/staff`.
pub async fn dashboard(state: &AppState, filter: &CaseFilter) -> Result<HtmlPage, AppError> {
    let (account, _) = require_role(state, &Role::STAFF).await?;
    let today = today();
    let (rows, total) = ssr::dashboard(state.db.pool(), filter, today).await?;
    let caseworkers = ssr::caseworkers(state.db.pool()).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = filter.page.clamp(1, pages);
    let link = |page: i64| {
        let due = if filter.overdue {
            "overdue"
        } else if filter.awaiting {
            "awaiting"
        } else {
            ""
        };
        format!(
            "/staff?q={}&stage={}&caseworker={}&due={due}&page={page}",
            query_value(&filter.q),
            query_value(&filter.stage),
            query_value(&filter.caseworker)
        )
    };
    let filtered = *filter
        != CaseFilter {
            page: filter.page,
            ..CaseFilter::default()
        };
    let summary = match total {
        0 if filtered => "No open cases match.".to_owned(),
        0 => "There are no open cases.".to_owned(),
        1 => "1 open case".to_owned(),
        n => format!("{n} open cases, most urgent first – page {page} of {pages}"),
    };
    let stage_options: Vec<(String, String)> =
        std::iter::once(("not_started".to_owned(), stage_name("not_started")))
            .chain(
                Stage::ALL
                    .iter()
                    .map(|s| (s.as_str().to_owned(), format!("Next: {}", s.label()))),
            )
            .collect();
    let html = to_html(|| {
        view! {
            <span class="govuk-caption-l">{format!("SEN team – {}", account.full_name)}</span>
            <h1 class="govuk-heading-l">"Cases"</h1>
            <a class="govuk-button govuk-button--secondary" href="/staff/cases/new" role="button" draggable="false">"Add a case"</a>
            <form method="get" action="/staff" class="portal-filters" role="search" aria-label="Find cases">
                <div class="govuk-form-group">
                    <label class="govuk-label govuk-label--s" for="q">"Name, date of birth or reference"</label>
                    <input class="govuk-input govuk-!-width-two-thirds" id="q" name="q" type="search" value=filter.q.clone() spellcheck="false" autocomplete="off"/>
                </div>
                <div class="govuk-form-group">
                    <label class="govuk-label govuk-label--s" for="stage">"Stage"</label>
                    <select class="govuk-select" id="stage" name="stage">
                        <option value="" selected=filter.stage.is_empty()>"Every stage"</option>
                        {stage_options.into_iter().map(|(value, label)| {
                            let selected = filter.stage == value;
                            view! { <option value=value selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="govuk-form-group">
                    <label class="govuk-label govuk-label--s" for="caseworker">"Caseworker"</label>
                    <select class="govuk-select" id="caseworker" name="caseworker">
                        <option value="" selected=filter.caseworker.is_empty()>"Anyone"</option>
                        <option value="none" selected=filter.caseworker == "none">"Not assigned"</option>
                        {caseworkers.iter().map(|(id, name)| {
                            let selected = filter.caseworker == id.to_string();
                            view! { <option value=id.to_string() selected=selected>{name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="govuk-form-group">
                    <label class="govuk-label govuk-label--s" for="due">"Show"</label>
                    <select class="govuk-select" id="due" name="due">
                        <option value="" selected=!filter.overdue && !filter.awaiting>"All open cases"</option>
                        <option value="overdue" selected=filter.overdue>"Overdue only"</option>
                        <option value="awaiting" selected=filter.awaiting>"With forms awaiting review"</option>
                    </select>
                </div>
                <div class="govuk-button-group">
                    <button type="submit" class="govuk-button">"Find cases"</button>
                    {filtered.then(|| view! { <a class="govuk-link" href="/staff">"Clear filters"</a> })}
                </div>
            </form>
            <p class="govuk-body" id="case-count" role="status">{summary}</p>
            {(!rows.is_empty()).then(|| cases_table(&rows, today))}
            {(pages > 1).then(|| view! {
                <nav class="govuk-pagination" aria-label="Pages of cases">
                    {(page > 1).then(|| view! {
                        <div class="govuk-pagination__prev">
                            <a class="govuk-link govuk-pagination__link" href=link(page - 1) rel="prev">
                                <span class="govuk-pagination__link-title">"Previous page"</span>
                            </a>
                        </div>
                    })}
                    {(page < pages).then(|| view! {
                        <div class="govuk-pagination__next">
                            <a class="govuk-link govuk-pagination__link" href=link(page + 1) rel="next">
                                <span class="govuk-pagination__link-title">"Next page"</span>
                            </a>
                        </div>
                    })}
                </nav>
            })}
        }
        .into_any()
    });
    Ok(HtmlPage {
        title: "Cases".into(),
        html,
    })
}

fn cases_table(rows: &[DashboardRow], today: Date) -> AnyView {
    scroll_table(
        "Open cases, most urgent first",
        &[
            ("Child or young person", false),
            ("Next stage", false),
            ("Request received", false),
            ("Next deadline", false),
            ("Caseworker", false),
            ("Forms asked for", true),
            ("To review", true),
        ],
        "cases",
        view! {
                    {rows.iter().map(|row| {
                        let born = Date::from_iso(&row.child.date_of_birth).map(|d| format!("Born {} · {}", d.long(), row.reference));
                        let requested = row.requested_on.as_deref().and_then(Date::from_iso).map(Date::long).unwrap_or_else(|| "–".into());
                        let deadline = row.next_deadline.as_deref().and_then(Date::from_iso).map(|d| deadline_text(d, today));
                        view! {
                            <tr class="govuk-table__row">
                                <td class="govuk-table__cell">
                                    <a class="govuk-link" href=format!("/staff/cases/{}", row.child.id)>{row.child.full_name()}</a>
                                    <span class="portal-cell-detail">{born}</span>
                                </td>
                                <td class="govuk-table__cell">{stage_name(&row.stage)}</td>
                                <td class="govuk-table__cell">{requested}</td>
                                <td class="govuk-table__cell">
                                    {match deadline {
                                        None => view! { "–" }.into_any(),
                                        Some((date, phrase, overdue)) => view! {
                                            {date}
                                            <span class="portal-cell-detail">
                                                {if overdue {
                                                    view! { <strong class="govuk-tag govuk-tag--red">{phrase}</strong> }.into_any()
                                                } else {
                                                    view! { <span>{phrase}</span> }.into_any()
                                                }}
                                            </span>
                                        }.into_any(),
                                    }}
                                </td>
                                <td class="govuk-table__cell">{row.caseworker.clone().unwrap_or_else(|| "Not assigned".into())}</td>
                                <td class="govuk-table__cell govuk-table__cell--numeric">{row.outstanding.to_string()}</td>
                                <td class="govuk-table__cell govuk-table__cell--numeric">{row.awaiting.to_string()}</td>
                            </tr>
                        }
                    }).collect_view()}
        }
        .into_any(),
    )
}

/// A table that scrolls sideways on a phone instead of the page (its region can be focused,
/// so keyboard users can scroll it too). Headers: (text, numeric).
fn scroll_table(
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
async fn take_flash(session: &tower_sessions::Session, child: &str) -> Result<Flash, AppError> {
    Ok(session
        .remove::<Flash>(&flash_key(child))
        .await
        .map_err(crate::error::internal)?
        .unwrap_or_default())
}

/// The green banner, or the error summary linking to the problem.
fn flash_banner(flash: &Flash) -> AnyView {
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
fn form_problem(flash: &Flash, form: &str) -> Option<AnyView> {
    flash.error(form, "").map(|m| {
        view! {
            <p class="govuk-error-message"><span class="govuk-visually-hidden">"Error: "</span>{m}</p>
        }
        .into_any()
    })
}

fn field_error(flash: &Flash, form: &str, field: &str) -> Option<AnyView> {
    flash.error(form, field).map(|m| {
        view! {
            <p class="govuk-error-message" id=format!("{field}-error")>
                <span class="govuk-visually-hidden">"Error: "</span>{m}
            </p>
        }
        .into_any()
    })
}

fn group_class(flash: &Flash, form: &str, field: &str) -> &'static str {
    if flash.error(form, field).is_some() {
        "govuk-form-group govuk-form-group--error"
    } else {
        "govuk-form-group"
    }
}

/// Three boxes for a date: `{prefix}-day`, `-month`, `-year`.
fn date_input(flash: &Flash, form: &str, prefix: &str, legend: &str, value: Date) -> AnyView {
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

fn version_input(case: &Case) -> AnyView {
    view! { <input type="hidden" name="version" value=case.version.to_string()/> }.into_any()
}

fn reason_text(flash: &Flash, form: &str, label: &'static str, hint: &'static str) -> AnyView {
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

/// `/staff/cases/:child`.
pub async fn case(state: &AppState, child: &str) -> Result<HtmlPage, AppError> {
    let (account, session) = require_role(state, &Role::STAFF).await?;
    let case = ssr::find_case(state.db.pool(), child).await?;
    let flash = take_flash(&session, child).await?;
    let pool = state.db.pool();
    let today = today();
    let progress = progress_of(pool, case.child_id).await?;
    let people = ssr::linked_people(pool, case.child_id).await?;
    let invitations = ssr::pending_invitations(pool, case.child_id).await?;
    let submissions = ssr::case_submissions(pool, case.child_id).await?;
    let requests = ssr::form_requests(state, case.child_id).await?;
    let caseworkers = ssr::caseworkers(pool).await?;
    let documents = shared_documents(pool, case.child_id).await?;
    crate::auth::ssr::accounts::audit(
        state,
        Audit::of(Some(account.id), "case_viewed", "")
            .child(case.child_id)
            .detail(&case.reference),
    )
    .await?;
    let history = ssr::timeline(pool, case.child_id).await?;
    let forms: Vec<(String, String)> = state
        .forms
        .all_latest()
        .iter()
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
    let html = to_html(|| {
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
                    <li><a class="govuk-link" href="#submissions" rel="external">"Forms sent"</a></li>
                    <li><a class="govuk-link" href="#request-section" rel="external">"Forms asked for"</a></li>
                    <li><a class="govuk-link" href="#stage-section" rel="external">"Statutory clock"</a></li>
                    <li><a class="govuk-link" href="#share-section" rel="external">"Shared documents"</a></li>
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
                        {caseworkers.iter().map(|(id, name)| {
                            let selected = case.caseworker.as_ref().is_some_and(|(c, _)| c == id);
                            view! { <option value=id.to_string() selected=selected>{name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="govuk-button govuk-button--secondary">"Assign"</button>
            </form>

            {people_section(&case, &flash, &people, &invitations)}
            {submissions_section(&case, &submissions)}
            {requests_section(&case, &flash, &people, &requests, &forms, today)}
            {clock_section(&case, &flash, &timeline, next, earliest_request, today)}
            {share_section(&case, &flash, &people, &documents)}

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
    });
    Ok(HtmlPage {
        title: if flash.problem.is_some() {
            format!("Error: {} – case", case.child.full_name())
        } else {
            format!("{} – case", case.child.full_name())
        },
        html,
    })
}

fn next_text(
    case: &Case,
    progress: &crate::status::timeline::Progress,
    next: Option<(Stage, Date)>,
    today: Date,
) -> AnyView {
    if let Some((outcome, reason)) = &case.outcome {
        let what = if outcome == "not_assessing" {
            "Decided not to assess"
        } else {
            "Decided not to issue a plan"
        };
        return view! { <strong>{what.to_owned()}</strong> {format!(" – {reason}")} }.into_any();
    }
    match next {
        None if !progress.has_started() => {
            view! { "Record the request to start the statutory clock" }.into_any()
        }
        None => view! { "Every stage is recorded" }.into_any(),
        Some((stage, due)) => {
            let (date, phrase, overdue) = deadline_text(due, today);
            view! {
                {format!("{} by {date} – ", stage.label())}
                {if overdue {
                    view! { <strong class="govuk-tag govuk-tag--red">{phrase}</strong> }.into_any()
                } else {
                    view! { <span>{phrase}</span> }.into_any()
                }}
            }
            .into_any()
        }
    }
}

fn people_section(
    case: &Case,
    flash: &Flash,
    people: &[ssr::LinkedPerson],
    invitations: &[(String, String, i64)],
) -> AnyView {
    let action = |name: &str| format!("/staff/cases/{}/{name}", case.child.id);
    let kept_relationship = flash.kept("link", "relationship").unwrap_or_default();
    let radio = |value: &'static str, id: &'static str, label: &'static str| {
        let checked = kept_relationship == value;
        view! {
            <div class="govuk-radios__item">
                <input class="govuk-radios__input" id=id name="relationship" type="radio" value=value checked=checked/>
                <label class="govuk-label govuk-radios__label" for=id>{label}</label>
            </div>
        }
    };
    view! {
        <h2 class="govuk-heading-m" id="link-section">"People linked to the child"</h2>
        {if people.is_empty() {
            view! { <p class="govuk-body">"Nobody is linked yet."</p> }.into_any()
        } else {
            view! {
                <ul class="govuk-list portal-people" id="linked-people">
                    {people.iter().map(|p| {
                        let what = format!("{} – {}", relationship_label(p.relationship), p.email);
                        view! {
                            <li class="portal-person">
                                <span class="govuk-!-font-weight-bold">{p.name.clone()}</span>
                                <span class="portal-cell-detail">{what}</span>
                                {(!p.verified).then(|| view! {
                                    <strong class="govuk-tag govuk-tag--yellow">"Not confirmed – added by them"</strong>
                                })}
                                <div class="govuk-button-group">
                                    {(!p.verified).then(|| view! {
                                        <form method="post" action=action("verify")>
                                            {version_input(case)}
                                            <input type="hidden" name="user" value=p.user_id.to_string()/>
                                            <button type="submit" class="govuk-button govuk-button--secondary">
                                                "Confirm link" <span class="govuk-visually-hidden">{format!(" for {}", p.name)}</span>
                                            </button>
                                        </form>
                                    })}
                                    <form method="post" action=action("unlink")>
                                        {version_input(case)}
                                        <input type="hidden" name="user" value=p.user_id.to_string()/>
                                        <button type="submit" class="govuk-button govuk-button--warning">
                                            "Unlink" <span class="govuk-visually-hidden">{format!(" {}", p.name)}</span>
                                        </button>
                                    </form>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }}
        {(!invitations.is_empty()).then(|| view! {
            <p class="govuk-body">"Invited to register, not yet linked:"</p>
            <ul class="govuk-list govuk-list--bullet" id="invitations">
                {invitations.iter().map(|(email, relationship, at)| {
                    let label = Relationship::parse(relationship).map(relationship_label).unwrap_or_default();
                    view! { <li>{format!("{email} ({label}), invited on {}", clock::date(*at))}</li> }
                }).collect_view()}
            </ul>
        })}
        <form method="post" action=action("link") novalidate>
            {version_input(case)}
            <h3 class="govuk-heading-s">"Link someone by email"</h3>
            {form_problem(flash, "link")}
            <div class=group_class(flash, "link", "email")>
                <label class="govuk-label" for="email">"Email address"</label>
                <div class="govuk-hint" id="email-hint">"If they have no account yet, they are invited to register and linked when they confirm their address."</div>
                {field_error(flash, "link", "email")}
                <input class="govuk-input govuk-!-width-two-thirds" id="email" name="email" type="email" autocomplete="off" spellcheck="false"
                    aria-describedby="email-hint" value=flash.kept("link", "email").unwrap_or_default()/>
            </div>
            <div class=group_class(flash, "link", "relationship")>
                <fieldset class="govuk-fieldset">
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">"They are"</legend>
                    {field_error(flash, "link", "relationship")}
                    <div class="govuk-radios govuk-radios--small">
                        {radio("parent_carer", "relationship", "A parent or carer")}
                        {radio("self", "relationship-self", "The young person themself")}
                        {radio("professional", "relationship-professional", "A professional (school, health, educational psychologist)")}
                    </div>
                </fieldset>
            </div>
            <button type="submit" class="govuk-button">"Link"</button>
        </form>
    }
    .into_any()
}

fn submissions_section(case: &Case, submissions: &[ssr::CaseSubmission]) -> AnyView {
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

fn requests_section(
    case: &Case,
    flash: &Flash,
    people: &[ssr::LinkedPerson],
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
                                let label = format!("{} ({})", p.name, relationship_label(p.relationship));
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

fn clock_section(
    case: &Case,
    flash: &Flash,
    timeline: &[crate::status::timeline::StageStatus],
    next: Option<(Stage, Date)>,
    earliest_request: Option<Date>,
    today: Date,
) -> AnyView {
    let started = timeline
        .first()
        .is_some_and(|s| matches!(s.state, StageState::Done { .. }));
    let to_record = timeline
        .iter()
        .find(|s| s.state == StageState::Current)
        .map(|s| s.stage);
    let action = |name: &str| format!("/staff/cases/{}/{name}", case.child.id);
    let decision =
        to_record.filter(|s| matches!(s, Stage::DecisionToAssess | Stage::DecisionToIssue));
    let kept_decision = flash.kept("stage", "decision").unwrap_or_default();
    view! {
        <h2 class="govuk-heading-m" id="stage-section">"Statutory clock"</h2>
        {started.then(|| view! {
            {scroll_table(
                "Stages and deadlines",
                &[("Stage", false), ("Deadline", false), ("Done", false)],
                "clock",
                view! {
                        {timeline.iter().map(|s| {
                            let deadline = s.deadline.map(Date::long).unwrap_or_default();
                            let done = match s.state {
                                StageState::Done { on } => if s.late { format!("{} (late)", on.long()) } else { on.long() },
                                StageState::Current if s.overdue => "Overdue".into(),
                                StageState::Current => "Next".into(),
                                StageState::ToCome => String::new(),
                            };
                            view! {
                                <tr class="govuk-table__row">
                                    <th scope="row" class="govuk-table__header">{s.stage.label()}</th>
                                    <td class="govuk-table__cell">{deadline}</td>
                                    <td class="govuk-table__cell">{done}</td>
                                </tr>
                            }
                        }).collect_view()}
                }.into_any(),
            )}
        })}
        {case.advice_requested_on.map(|d| view! {
            <p class="govuk-body">{format!("Advice was requested on {}: each advice-giver has until {}.", d.long(), add_days(d, 42).long())}</p>
        })}
        {to_record.map(|stage| {
            let (heading, button) = if stage == Stage::RequestReceived {
                ("Start the assessment".to_owned(), "Start the assessment".to_owned())
            } else {
                (format!("Record: {}", stage.label()), "Record".to_owned())
            };
            let default = if stage == Stage::RequestReceived { earliest_request.unwrap_or(today) } else { today };
            let legend = if stage == Stage::RequestReceived { "Day the request was received (week 0)" } else { "Date" };
            view! {
                <form method="post" action=action("stage") novalidate>
                    {version_input(case)}
                    <input type="hidden" name="stage" value=stage.as_str()/>
                    <h3 class="govuk-heading-s">{heading}</h3>
                    {form_problem(flash, "stage")}
                    {date_input(flash, "stage", "on", legend, default)}
                    {decision.map(|d| {
                        let (yes, no) = if d == Stage::DecisionToAssess {
                            ("Yes – carry out an assessment", "No – do not assess")
                        } else {
                            ("Yes – issue an EHC plan", "No – do not issue a plan")
                        };
                        view! {
                            <div class=group_class(flash, "stage", "decision")>
                                <fieldset class="govuk-fieldset">
                                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">"Decision"</legend>
                                    {field_error(flash, "stage", "decision")}
                                    <div class="govuk-radios govuk-radios--small">
                                        <div class="govuk-radios__item">
                                            <input class="govuk-radios__input" id="decision" name="decision" type="radio" value="yes" checked=kept_decision == "yes"/>
                                            <label class="govuk-label govuk-radios__label" for="decision">{yes}</label>
                                        </div>
                                        <div class="govuk-radios__item">
                                            <input class="govuk-radios__input" id="decision-no" name="decision" type="radio" value="no" checked=kept_decision == "no"/>
                                            <label class="govuk-label govuk-radios__label" for="decision-no">{no}</label>
                                        </div>
                                    </div>
                                </fieldset>
                            </div>
                            {reason_text(flash, "stage", "Reason (needed for No)", "The family is sent this with their right to appeal and to mediation.")}
                        }
                    })}
                    <button type="submit" class="govuk-button">{button}</button>
                </form>
            }
        })}
        {(next.is_some_and(|(s, _)| s == Stage::AdviceGathering)).then(|| view! {
            <form method="post" action=action("advice") novalidate id="advice-section">
                {version_input(case)}
                <h3 class="govuk-heading-s">"Advice requested"</h3>
                {form_problem(flash, "advice")}
                {date_input(flash, "advice", "advice", "Day advice was asked for", case.advice_requested_on.unwrap_or(today))}
                <button type="submit" class="govuk-button govuk-button--secondary">"Record advice requested"</button>
            </form>
        })}
    }
    .into_any()
}

async fn shared_documents(
    pool: &sqlx::AnyPool,
    child_id: i64,
) -> Result<Vec<(String, String, String, i64)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT public_id, title, kind, shared_at FROM shared_documents WHERE child_id = $1 ORDER BY shared_at DESC, id DESC",
    )
    .bind(child_id)
    .fetch_all(pool)
    .await?)
}

fn share_section(
    case: &Case,
    flash: &Flash,
    people: &[ssr::LinkedPerson],
    documents: &[(String, String, String, i64)],
) -> AnyView {
    let kept_kind = flash.kept("share", "kind").unwrap_or_default();
    let kept_readers = flash.kept_all("share", "readers").unwrap_or_default();
    view! {
        <h2 class="govuk-heading-m" id="share-section">"Shared documents"</h2>
        {if documents.is_empty() {
            view! { <p class="govuk-body">"Nothing has been shared yet."</p> }.into_any()
        } else {
            view! {
                <ul class="govuk-list govuk-list--bullet" id="case-documents">
                    {documents.iter().map(|(_, title, kind, at)| {
                        let kind = DocumentKind::parse(kind).map(|k| k.label()).unwrap_or_default();
                        view! { <li>{format!("{title} ({kind}), shared on {}", clock::date(*at))}</li> }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }}
        {(!people.is_empty()).then(|| view! {
            <form method="post" action=format!("/staff/cases/{}/documents", case.child.id) enctype="multipart/form-data" novalidate>
                {version_input(case)}
                <h3 class="govuk-heading-s">"Share a document"</h3>
                {form_problem(flash, "share")}
                <div class=group_class(flash, "share", "kind")>
                    <fieldset class="govuk-fieldset">
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">"What is it?"</legend>
                        {field_error(flash, "share", "kind")}
                        <div class="govuk-radios govuk-radios--small">
                            {DocumentKind::ALL.iter().enumerate().map(|(i, k)| {
                                let id = if i == 0 { "kind".to_owned() } else { format!("kind-{}", k.as_str()) };
                                let checked = kept_kind == k.as_str();
                                view! {
                                    <div class="govuk-radios__item">
                                        <input class="govuk-radios__input" id=id.clone() name="kind" type="radio" value=k.as_str() checked=checked/>
                                        <label class="govuk-label govuk-radios__label" for=id>{k.label()}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                </div>
                <div class=group_class(flash, "share", "title")>
                    <label class="govuk-label" for="title">"Title"</label>
                    {field_error(flash, "share", "title")}
                    <input class="govuk-input" id="title" name="title" type="text" value=flash.kept("share", "title").unwrap_or_default()/>
                </div>
                <div class=group_class(flash, "share", "body")>
                    <label class="govuk-label" for="body">"Text"</label>
                    <div class="govuk-hint" id="body-hint">"What the readers see on the page. Leave a blank line between paragraphs."</div>
                    {field_error(flash, "share", "body")}
                    <textarea class="govuk-textarea" id="body" name="body" rows="6" aria-describedby="body-hint">{flash.kept("share", "body").unwrap_or_default()}</textarea>
                </div>
                <div class=group_class(flash, "share", "file")>
                    <label class="govuk-label" for="file">"File (optional)"</label>
                    <div class="govuk-hint" id="file-hint">"A PDF, Word document or picture. Choose it again if the page shows a problem."</div>
                    {field_error(flash, "share", "file")}
                    <input class="govuk-file-upload" id="file" name="file" type="file" aria-describedby="file-hint"/>
                </div>
                <div class=group_class(flash, "share", "readers")>
                    <fieldset class="govuk-fieldset">
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">"Who can read it"</legend>
                        {field_error(flash, "share", "readers")}
                        <div class="govuk-checkboxes govuk-checkboxes--small">
                            {people.iter().enumerate().map(|(i, p)| {
                                let id = if i == 0 { "readers".to_owned() } else { format!("readers-{}", p.user_id) };
                                let checked = kept_readers.contains(&p.user_id.to_string());
                                let label = format!("{} ({})", p.name, relationship_label(p.relationship));
                                view! {
                                    <div class="govuk-checkboxes__item">
                                        <input class="govuk-checkboxes__input" id=id.clone() name="readers" type="checkbox" value=p.user_id.to_string() checked=checked/>
                                        <label class="govuk-label govuk-checkboxes__label" for=id>{label}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                </div>
                <button type="submit" class="govuk-button">"Share"</button>
            </form>
        })}
    }
    .into_any()
}

/// `/staff/cases/:child/submissions/:submission`: every answer and file, and the review.
pub async fn submission(
    state: &AppState,
    child: &str,
    submission: &str,
) -> Result<HtmlPage, AppError> {
    let (account, session) = require_role(state, &Role::STAFF).await?;
    let case = ssr::find_case(state.db.pool(), child).await?;
    let found = ssr::find_case_submission(state.db.pool(), case.child_id, submission).await?;
    let full = crate::forms::store::submissions_for_child(state.db.pool(), case.child_id)
        .await?
        .into_iter()
        .find(|s| s.public_id == found.public_id)
        .ok_or(AppError::NotFound)?;
    let form = state
        .forms
        .get(&full.form_id, full.form_version)
        .ok_or_else(|| crate::error::internal("submission on a form not in the library"))?;
    let files = crate::forms::files::files_of_submission(state.db.pool(), submission).await?;
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
    let html = to_html(|| {
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
    });
    Ok(HtmlPage {
        title: format!("{} {} – review", found.title, found.reference),
        html,
    })
}

/// `/staff/cases/new`.
pub async fn new_case(state: &AppState) -> Result<HtmlPage, AppError> {
    let (_, session) = require_role(state, &Role::STAFF).await?;
    let (answers, errors) = session
        .remove::<(PersonAnswers, Vec<FieldError>)>(NEW_CASE_KEY)
        .await
        .map_err(crate::error::internal)?
        .unwrap_or_default();
    let title = if errors.is_empty() {
        "Add a case"
    } else {
        "Error: Add a case"
    };
    let html = to_html(|| {
        view! {
            <a class="govuk-back-link" href="/staff">"Back to cases"</a>
            {(!errors.is_empty()).then(|| view! { <ErrorSummaryList errors=errors.clone()/> })}
            <h1 class="govuk-heading-l">"Add a case"</h1>
            <p class="govuk-body">"For a child or young person the portal does not know yet – a request that came by post or email, say. You can link their family and ask for forms on the next page."</p>
            <form method="post" action="/staff/cases" novalidate>
                {crate::people::area::person_fields(&answers, &crate::people::area::Problems(&errors))}
                <button type="submit" class="govuk-button">"Add the case"</button>
            </form>
        }
        .into_any()
    });
    Ok(HtmlPage {
        title: title.into(),
        html,
    })
}
