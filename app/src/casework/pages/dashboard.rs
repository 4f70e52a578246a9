//! The dashboard: open cases filtered, sorted and paged, and the caseworkers to assign. This file
//! holds its markup; the SQL is in `casework/store/dashboard.rs`.

use leptos::prelude::*;

use super::{deadline_text, scroll_table, stage_name};
use crate::casework::{
    store::{self},
    CaseFilter, DashboardRow, PAGE_SIZE,
};
use crate::status::timeline::due_phrase;
use crate::{
    auth::api::server::require_role,
    components::{query_value, ServerPage},
    error::AppError,
    platform::AppState,
    role::Role,
    status::{store::today, timeline::Stage},
    values::Date,
};

/// How many conversations with replies to read the dashboard lists (the longest waiting).
const REPLIES_SHOWN: i64 = 10;

/// "Replies to read": conversations where a family or professional has written since the SEN
/// team last read them, the longest waiting first.
fn replies_panel(count: i64, replies: &[crate::messages::thread::ToRead]) -> AnyView {
    view! {
        <section class="portal-panel" aria-labelledby="replies-heading" id="replies-to-read">
            <h2 class="govuk-heading-m" id="replies-heading">
                {format!("Replies to read ({count})")}
            </h2>
            {if replies.is_empty() {
                view! { <p class="govuk-body">"Nobody is waiting for an answer."</p> }.into_any()
            } else {
                view! {
                    <ul class="govuk-list portal-message-list">
                        {replies.iter().map(|r| {
                            let about = r.child.as_ref().map(|(_, name)| format!("{name} · ")).unwrap_or_default();
                            view! {
                                <li class="portal-message-list__item portal-message-list__item--unread">
                                    <a class="govuk-link" href=format!("/staff/messages/{}", r.message.public_id)>{r.message.subject.clone()}</a>
                                    <br/>
                                    <span class="portal-secondary-text">
                                        {format!("{about}{} · waiting since {} {}", r.message.recipient,
                                            crate::clock::date(r.message.last_at), crate::clock::time_of_day(r.message.last_at))}
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {(count > replies.len() as i64).then(|| view! {
                        <p class="govuk-body">{format!("And {} more: each case lists its own.", count - replies.len() as i64)}</p>
                    })}
                }
                .into_any()
            }}
        </section>
    }
    .into_any()
}

/// "Overdue": forms and advice past their due date and not answered, the longest overdue
/// first, with whether the reminder has gone.
fn overdue_panel(count: usize, overdue: &[crate::reminders::Overdue], today: Date) -> AnyView {
    if count == 0 {
        return ().into_any();
    }
    view! {
        <section class="portal-panel" aria-labelledby="overdue-heading" id="overdue-requests">
            <h2 class="govuk-heading-m" id="overdue-heading">{format!("Overdue requests ({count})")}</h2>
            <ul class="govuk-list portal-message-list">
                {overdue.iter().map(|o| view! {
                    <li class="portal-message-list__item">
                        <a class="govuk-link" href=format!("/staff/cases/{}", o.child.0)>{format!("{}: {}", o.child.1, o.what)}</a>
                        <br/>
                        <span class="portal-secondary-text">
                            {format!("Asked of {} · ", o.of)}
                            <span class="portal-overdue">{format!("due {} – {}", o.due_on.long(), due_phrase(o.due_on, today))}</span>
                            {if o.reminded { " · reminder sent" } else { " · no reminder sent" }}
                        </span>
                    </li>
                }).collect_view()}
            </ul>
            {(count > overdue.len()).then(|| view! {
                <p class="govuk-body">{format!("And {} more: each case lists its own.", count - overdue.len())}</p>
            })}
        </section>
    }
    .into_any()
}

/// `/staff`.
pub async fn dashboard(state: &AppState, filter: &CaseFilter) -> Result<ServerPage, AppError> {
    let (account, _) = require_role(state, &Role::STAFF).await?;
    let today = today();
    let (rows, total) = store::dashboard(state.db.pool(), filter, today).await?;
    let caseworkers = store::caseworkers(state.db.pool()).await?;
    let (to_read, replies) =
        crate::messages::thread::replies_to_read(state.db.pool(), REPLIES_SHOWN).await?;
    let (overdue_count, overdue) =
        crate::reminders::overdue(state, today, REPLIES_SHOWN as usize).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = filter.page.clamp(1, pages);
    let link = |page: i64| {
        let due = if filter.overdue {
            "overdue"
        } else if filter.awaiting {
            "awaiting"
        } else if filter.advice_overdue {
            "advice"
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
    let body = {
        view! {
            <span class="govuk-caption-l">{format!("SEN team – {}", account.full_name)}</span>
            <h1 class="govuk-heading-l">"Cases"</h1>
            <a class="govuk-button govuk-button--secondary" href="/staff/cases/new" role="button" draggable="false">"Add a case"</a>
            {replies_panel(to_read, &replies)}
            {overdue_panel(overdue_count, &overdue, today)}
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
                        {caseworkers.iter().map(|worker| {
                            let selected = filter.caseworker == worker.id.to_string();
                            view! { <option value=worker.id.to_string() selected=selected>{worker.full_name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="govuk-form-group">
                    <label class="govuk-label govuk-label--s" for="due">"Show"</label>
                    <select class="govuk-select" id="due" name="due">
                        <option value="" selected=!filter.overdue && !filter.awaiting && !filter.advice_overdue>"All open cases"</option>
                        <option value="overdue" selected=filter.overdue>"Overdue only"</option>
                        <option value="awaiting" selected=filter.awaiting>"With forms awaiting review"</option>
                        <option value="advice" selected=filter.advice_overdue>"With advice overdue"</option>
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
    };
    Ok(ServerPage {
        title: "Cases".into(),
        body,
    })
}

pub(super) fn cases_table(rows: &[DashboardRow], today: Date) -> AnyView {
    scroll_table(
        "Open cases, most urgent first",
        &[
            ("Child or young person", false),
            ("Next stage", false),
            ("Request received", false),
            ("Next deadline", false),
            ("Caseworker", false),
            ("Advice awaited", false),
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
                                <td class="govuk-table__cell portal-advice-awaited">
                                    {if row.advice.is_empty() {
                                        view! { "–" }.into_any()
                                    } else {
                                        view! {
                                            <ul class="govuk-list govuk-body-s govuk-!-margin-bottom-0">
                                                {row.advice.iter().map(|a| {
                                                    let overdue = a.due_on < today;
                                                    view! {
                                                        <li>
                                                            {format!("{} from {}: ", a.kind.label(), a.organisation)}
                                                            {if overdue {
                                                                view! { <strong class="govuk-tag govuk-tag--red">{due_phrase(a.due_on, today)}</strong> }.into_any()
                                                            } else {
                                                                view! { <span>{due_phrase(a.due_on, today)}</span> }.into_any()
                                                            }}
                                                        </li>
                                                    }
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </td>
                                <td class="govuk-table__cell govuk-table__cell--numeric">{row.outstanding.to_string()}</td>
                                <td class="govuk-table__cell govuk-table__cell--numeric">{row.awaiting.to_string()}</td>
                            </tr>
                        }
                    }).collect_view()}
        }
        .into_any(),
    )
}
