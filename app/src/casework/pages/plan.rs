//! The SEN team's page of a child's EHC plan: writing and issuing the draft, the family's
//! comments with an answer form each, what the family asked for, and the final plan. This file
//! holds its markup; the rules are in `casework/store/plan.rs`.

use leptos::prelude::*;

use super::super::{
    post::Flash,
    store::{self, Case},
};
use super::{field_error, flash_banner, form_problem, group_class, take_flash, version_input};
use crate::{
    auth::{api::server::require_role, ssr::accounts::Audit},
    clock,
    components::ServerPage,
    error::AppError,
    plans::{
        pages::{comment_view, section_text},
        setting_kind_label,
        store::{self as plans, Comment, FamilyRequest, Plan},
        PlanKind, PLACEMENT, SECTIONS,
    },
    platform::AppState,
    role::Role,
    status::{store::today, timeline::due_phrase},
    values::Date,
};

/// The plan's part of the case page: where it stands, and the way to its page.
pub(super) async fn plan_section(state: &AppState, case: &Case) -> Result<AnyView, AppError> {
    let pool = state.db.pool();
    let final_plan = plans::latest_plan(pool, case.child_id, PlanKind::Final, Some(true)).await?;
    let draft = plans::latest_plan(pool, case.child_id, PlanKind::Draft, None).await?;
    let waiting = match &draft {
        Some(d) if d.issued_on.is_some() => plans::comments_of(pool, d.id)
            .await?
            .iter()
            .filter(|c| c.answer.is_none())
            .count(),
        _ => 0,
    };
    let (text, link) = match (&final_plan, &draft) {
        (Some(f), _) => (
            format!(
                "The final plan was issued on {}.",
                f.issued_on.map(Date::long).unwrap_or_default()
            ),
            "Read the plan".to_owned(),
        ),
        (None, Some(d)) if d.issued_on.is_some() => (
            format!(
                "The draft plan was issued on {}; the family can comment until {}. {}",
                d.issued_on.map(Date::long).unwrap_or_default(),
                d.comments_due.map(Date::long).unwrap_or_default(),
                match waiting {
                    0 => "No comments wait for an answer.".to_owned(),
                    1 => "1 comment waits for an answer.".to_owned(),
                    n => format!("{n} comments wait for an answer."),
                }
            ),
            "Open the draft plan".to_owned(),
        ),
        (None, Some(_)) => (
            "A draft plan is being written: the family cannot see it yet.".to_owned(),
            "Go on writing the draft plan".to_owned(),
        ),
        (None, None) => (
            "No plan has been written in the portal yet.".to_owned(),
            "Write the draft plan".to_owned(),
        ),
    };
    Ok(view! {
        <h2 class="govuk-heading-m" id="plan-section">"EHC plan"</h2>
        <p class="govuk-body" id="case-plan">{text}</p>
        <p class="govuk-body">
            <a class="govuk-link" href=format!("/staff/cases/{}/plan", case.child.id)>{link}</a>
        </p>
    }
    .into_any())
}

/// `/staff/cases/:child/plan`.
pub async fn plan_page(state: &AppState, child: &str) -> Result<ServerPage, AppError> {
    let (account, session) = require_role(state, &Role::STAFF).await?;
    let case = store::find_case(state.db.pool(), child).await?;
    let flash = take_flash(&session, child).await?;
    let pool = state.db.pool();
    crate::auth::ssr::accounts::audit(
        state,
        Audit::of(Some(account.id), "case_viewed", "")
            .child(case.child_id)
            .detail(&format!("{} (plan)", case.reference)),
    )
    .await?;
    let today = today();
    let final_plan = plans::latest_plan(pool, case.child_id, PlanKind::Final, Some(true)).await?;
    let draft = plans::latest_plan(pool, case.child_id, PlanKind::Draft, None).await?;
    let issued_draft = draft.as_ref().filter(|d| d.issued_on.is_some());
    let (comments, requests) = match issued_draft {
        Some(d) => (
            plans::comments_of(pool, d.id).await?,
            plans::requests_of(pool, d.id).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let body = match (&final_plan, issued_draft) {
        (Some(final_plan), _) => {
            let draft_view = issued_draft.map(|d| {
                view! {
                    <h2 class="govuk-heading-l">"The draft plan, closed"</h2>
                    {draft_view(&case, &flash, d, &comments, &requests, false)}
                }
            });
            view! {
                <div class="govuk-inset-text" id="plan-status">
                    {format!("The final plan was issued on {}.", final_plan.issued_on.map(Date::long).unwrap_or_default())}
                </div>
                {SECTIONS.iter().map(|s| view! {
                    <section class="portal-plan-section" id=s.anchor()>
                        <h2 class="govuk-heading-m">{s.heading()}</h2>
                        {section_text(final_plan, s.letter).into_iter().map(|p| view! { <p class="govuk-body">{p}</p> }).collect_view()}
                    </section>
                }).collect_view()}
                {draft_view}
            }
            .into_any()
        }
        (None, Some(d)) => {
            let window_over = d.comments_due.is_some_and(|due| today > due);
            let waiting = comments.iter().filter(|c| c.answer.is_none()).count();
            view! {
                {draft_view(&case, &flash, d, &comments, &requests, true)}
                <h2 class="govuk-heading-l" id="plan-final-section">"The final plan"</h2>
                {if !window_over {
                    view! {
                        <p class="govuk-body">{format!(
                            "You can issue the final plan after {}, when the family’s 15 days to comment are over.",
                            d.comments_due.map(Date::long).unwrap_or_default()
                        )}</p>
                    }.into_any()
                } else if waiting > 0 {
                    view! { <p class="govuk-body">"Answer every comment above, then write the final plan here."</p> }.into_any()
                } else {
                    write_form(&case, &flash, PlanKind::Final, Some(d)).into_any()
                }}
            }
            .into_any()
        }
        (None, None) => view! {
            <p class="govuk-body">"Write each section. The family cannot see the draft until you issue it; then they have 15 days to comment on any section, name the school or setting they would like, and ask for a meeting."</p>
            {write_form(&case, &flash, PlanKind::Draft, draft.as_ref())}
        }
        .into_any(),
    };
    let title = format!("EHC plan – {}", case.child.full_name());
    Ok(ServerPage {
        title: if flash.problem.is_some() {
            format!("Error: {title}")
        } else {
            title
        },
        body: view! {
            <a class="govuk-back-link" href=format!("/staff/cases/{}", case.child.id)>"Back to the case"</a>
            {flash_banner(&flash)}
            <span class="govuk-caption-l">{format!("Case {}", case.reference)}</span>
            <h1 class="govuk-heading-l">{format!("EHC plan for {}", case.child.full_name())}</h1>
            {body}
        }
        .into_any(),
    })
}

/// The text of a section as typed in a refused form, else as saved.
fn kept_text(flash: &Flash, field: &str, saved: &str) -> String {
    ["plan-save", "plan-issue", "plan-final"]
        .iter()
        .find_map(|form| flash.kept(form, field))
        .unwrap_or_else(|| saved.to_owned())
}

/// The form writing a draft (saved, or issued) or the final plan (from the draft's text).
fn write_form(case: &Case, flash: &Flash, kind: PlanKind, from: Option<&Plan>) -> impl IntoView {
    let forms: &[&str] = match kind {
        PlanKind::Draft => &["plan-save", "plan-issue"],
        PlanKind::Final => &["plan-final"],
    };
    let child = case.child.id.clone();
    view! {
        <form method="post" action=format!("/staff/cases/{child}/{}", forms[forms.len() - 1]) novalidate id="plan-form">
            {version_input(case)}
            {forms.iter().map(|f| form_problem(flash, f)).collect_view()}
            {SECTIONS.iter().map(|s| {
                let field = s.anchor();
                if kind == PlanKind::Draft && s.letter == PLACEMENT {
                    return view! {
                        <div class="govuk-form-group">
                            <h2 class="govuk-label govuk-label--s">{s.heading()}</h2>
                            <p class="govuk-hint">"Left empty in a draft: a draft never names a school or setting. The family tells you which one they would like."</p>
                        </div>
                    }.into_any();
                }
                let saved = from.map(|p| p.text(s.letter)).unwrap_or_default();
                let text = kept_text(flash, &field, saved);
                let error = forms.iter().find_map(|f| field_error(flash, f, &field));
                let class = forms.iter().map(|f| group_class(flash, f, &field)).find(|c| c.contains("error")).unwrap_or("govuk-form-group");
                view! {
                    <div class=class>
                        <label class="govuk-label govuk-label--s" for=field.clone()>{s.heading()}</label>
                        {error}
                        <textarea class="govuk-textarea" id=field.clone() name=field rows="5">{text}</textarea>
                    </div>
                }.into_any()
            }).collect_view()}
            <div class="govuk-button-group">
                {match kind {
                    PlanKind::Draft => view! {
                        <button type="submit" class="govuk-button" formaction=format!("/staff/cases/{child}/plan-issue")>"Issue the draft plan to the family"</button>
                        <button type="submit" class="govuk-button govuk-button--secondary" formaction=format!("/staff/cases/{child}/plan-save")>"Save without issuing"</button>
                    }.into_any(),
                    PlanKind::Final => view! {
                        <button type="submit" class="govuk-button">"Issue the final plan"</button>
                    }.into_any(),
                }}
            </div>
        </form>
    }
}

/// An issued draft: when, the family's requests, and each section with its comments (and, when
/// `answering`, a form for each comment not yet answered).
fn draft_view(
    case: &Case,
    flash: &Flash,
    draft: &Plan,
    comments: &[Comment],
    requests: &[FamilyRequest],
    answering: bool,
) -> AnyView {
    let today = today();
    let due = draft.comments_due;
    let status = match due {
        Some(due) if today <= due => format!(
            "Issued on {}. The family can comment until {} ({}).",
            draft.issued_on.map(Date::long).unwrap_or_default(),
            due.long(),
            due_phrase(due, today).replace("due ", "")
        ),
        Some(due) => format!(
            "Issued on {}. The family’s 15 days to comment ended on {}.",
            draft.issued_on.map(Date::long).unwrap_or_default(),
            due.long()
        ),
        None => String::new(),
    };
    view! {
        <div class="govuk-inset-text" id=if answering { "plan-status" } else { "draft-status" }>{status}</div>
        <h2 class="govuk-heading-m">"What the family asked for"</h2>
        {if requests.is_empty() {
            view! { <p class="govuk-body" id="plan-requests">{if answering { "Nothing yet." } else { "Nothing." }}</p> }.into_any()
        } else {
            view! {
                <ul class="govuk-list govuk-list--bullet" id="plan-requests">
                    {requests.iter().flat_map(|r| {
                        let mut items = Vec::new();
                        if let (Some(kind), Some(name), Some(at)) = (&r.setting_kind, &r.setting_name, r.setting_at) {
                            items.push(format!("{} would like {name} named ({}), {}", r.full_name, setting_kind_label(kind).unwrap_or_default().to_lowercase(), clock::date(at)));
                        }
                        if let Some(at) = r.meeting_at {
                            let note = r.meeting_note.clone().filter(|n| !n.is_empty()).map(|n| format!(": {n}")).unwrap_or_default();
                            items.push(format!("{} asked for a meeting, {}{note}", r.full_name, clock::date(at)));
                        }
                        items
                    }).map(|line| view! { <li>{line}</li> }).collect_view()}
                </ul>
            }.into_any()
        }}
        {SECTIONS.iter().map(|s| {
            let on: Vec<&Comment> = comments.iter().filter(|c| c.letter == s.letter).collect();
            view! {
                <section class="portal-plan-section" id=format!("draft-{}", s.anchor())>
                    <h2 class="govuk-heading-m">{s.heading()}</h2>
                    <div class="portal-document">
                        {section_text(draft, s.letter).into_iter().map(|p| view! { <p class="govuk-body">{p}</p> }).collect_view()}
                    </div>
                    {(!on.is_empty()).then(|| view! {
                        <h3 class="govuk-heading-s">{format!("Comments on section {}", s.letter)}</h3>
                        <ul class="govuk-list portal-plan-comments">
                            {on.iter().map(|c| view! {
                                {comment_view(c)}
                                {(answering && c.answer.is_none()).then(|| answer_form(case, flash, c))}
                            }).collect_view()}
                        </ul>
                    })}
                </section>
            }
        }).collect_view()}
    }
    .into_any()
}

/// Changed, or not changed and why: the answer to one comment.
fn answer_form(case: &Case, flash: &Flash, comment: &Comment) -> AnyView {
    let id = &comment.public_id;
    let this = flash.kept("plan-answer", "comment").as_deref() == Some(id.as_str());
    let kept = |field: &str| {
        if this {
            flash.kept("plan-answer", field).unwrap_or_default()
        } else {
            String::new()
        }
    };
    let (answer_field, reason_field) = (format!("answer-{id}"), format!("reason-{id}"));
    let chosen = kept("answer");
    view! {
        <li>
            <form method="post" action=format!("/staff/cases/{}/plan-answer", case.child.id) novalidate class="portal-plan-answer-form">
                {version_input(case)}
                <input type="hidden" name="comment" value=id.clone()/>
                <div class=group_class(flash, "plan-answer", &answer_field)>
                    <fieldset class="govuk-fieldset">
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{format!("Your answer to {}", comment.author_name)}</legend>
                        {field_error(flash, "plan-answer", &answer_field)}
                        <div class="govuk-radios govuk-radios--small govuk-radios--inline">
                            <div class="govuk-radios__item">
                                <input class="govuk-radios__input" id=answer_field.clone() name="answer" type="radio" value="changed" checked=chosen == "changed"/>
                                <label class="govuk-label govuk-radios__label" for=answer_field.clone()>"The plan is changed"</label>
                            </div>
                            <div class="govuk-radios__item">
                                <input class="govuk-radios__input" id=format!("{answer_field}-2") name="answer" type="radio" value="not_changed" checked=chosen == "not_changed"/>
                                <label class="govuk-label govuk-radios__label" for=format!("{answer_field}-2")>"Not changed"</label>
                            </div>
                        </div>
                    </fieldset>
                </div>
                <div class=group_class(flash, "plan-answer", &reason_field)>
                    <label class="govuk-label govuk-label--s" for=reason_field.clone()>"What changed, or why not"</label>
                    {field_error(flash, "plan-answer", &reason_field)}
                    <textarea class="govuk-textarea" id=reason_field.clone() name="reason" rows="3">{kept("reason")}</textarea>
                </div>
                <button type="submit" class="govuk-button govuk-button--secondary">"Send the answer"</button>
            </form>
        </li>
    }
    .into_any()
}
