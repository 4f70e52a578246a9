//! The family's page of a plan: section by section, their comments with the SEN team's
//! answers, and (while the draft is open) a comment box on each section, the school or setting
//! they want, and a meeting request. A refusal comes back with what was typed.

use leptos::prelude::*;

use super::{
    setting_kind_label,
    store::{self, Comment, FamilyRequest, Plan},
    PlanKind, SECTIONS, SETTING_KINDS,
};
use crate::{
    auth::api::server::require_role,
    clock,
    components::ServerPage,
    error::AppError,
    messages::pages::{
        field_error, group_class, kept, refused_summary, refused_title, take_refused, Refused,
    },
    people::access::FORM_ROLES,
    platform::AppState,
    role::Role,
    status::{
        store::{today, IssuedPlan},
        timeline::due_phrase,
    },
    values::Date,
};

/// Where a refusal on a plan's page waits: `message_refused:plan:{id}`.
pub fn refused_scope(plan: &str) -> String {
    format!("plan:{plan}")
}

/// The id of the box that says whether the draft takes comments: problems about the whole
/// plan (the 15 days are over) link to it.
pub const STATUS_ID: &str = "plan-status";

/// The plan's child, if the signed-in person is its family (a parent, carer or the young
/// person, linked to the child); `NotFound` for anyone else, as for no such plan.
pub async fn family_plan(
    state: &AppState,
    account: &crate::auth::ssr::accounts::Account,
    plan: &str,
) -> Result<(Plan, crate::people::store::Child), AppError> {
    let plan = store::find_plan(state.db.pool(), plan)
        .await?
        .filter(|p| p.issued_on.is_some())
        .ok_or(AppError::NotFound)?;
    if account.role != Role::Citizen {
        return Err(AppError::NotFound);
    }
    let child = crate::people::store::children_of(state.db.pool(), account.id)
        .await?
        .into_iter()
        .find(|c| c.id == plan.child_id)
        .ok_or(AppError::NotFound)?;
    Ok((plan, child))
}

/// `/plans/:plan`.
pub async fn plan_page(state: &AppState, plan: &str) -> Result<ServerPage, AppError> {
    let (account, session) = require_role(state, &FORM_ROLES).await?;
    let (plan, child) = family_plan(state, &account, plan).await?;
    let pool = state.db.pool();
    crate::people::access::audit_read(state, &account, &child, "plan_viewed").await?;
    let own = crate::people::store::acts_for_self(pool, child.id, account.id).await?;
    let refused = take_refused(&session, &refused_scope(&plan.public_id)).await?;
    let comments: Vec<Comment> = store::comments_of(pool, plan.id)
        .await?
        .into_iter()
        .filter(|c| c.author_id == Some(account.id))
        .collect();
    let request = store::requests_of(pool, plan.id)
        .await?
        .into_iter()
        .find(|r| r.user_id == account.id);
    let others: Vec<IssuedPlan> = crate::status::store::issued_plans(pool, child.id)
        .await?
        .into_iter()
        .filter(|p| p.public_id != plan.public_id)
        .collect();
    let today = today();
    let open = plan.open_for_comments(today);
    let name = (!own).then(|| child.summary.first_name.clone());
    let title = if own {
        format!(
            "Your {}",
            plan.kind.label().to_lowercase().replace("ehc", "EHC")
        )
    } else {
        format!("{} for {}", plan.kind.label(), child.summary.full_name())
    };
    let body = view! {
        <a class="govuk-back-link" href=format!("/children/{}/forms", child.summary.id)>
            {if own { "Back to your page".to_owned() } else { format!("Back to {}’s page", child.summary.first_name) }}
        </a>
        {refused_summary(&refused)}
        <span class="govuk-caption-l">{if own { "Your EHC plan".to_owned() } else { format!("EHC plan for {}", child.summary.full_name()) }}</span>
        <h1 class="govuk-heading-l">{plan.kind.label()}</h1>
        {status_box(&plan, today, &others)}
        <p class="govuk-body">
            <a class="govuk-link" href=format!("/plans/{}/copy.pdf", plan.public_id) download="">"Download a copy to keep (PDF)"</a>
        </p>
        <nav aria-labelledby="plan-contents">
            <h2 class="govuk-heading-s" id="plan-contents">"Sections"</h2>
            <ol class="govuk-list portal-plan-contents">
                {SECTIONS.iter().map(|s| view! {
                    <li><a class="govuk-link" href=format!("#{}", s.anchor())>{s.heading()}</a></li>
                }).collect_view()}
            </ol>
        </nav>
        {SECTIONS.iter().map(|s| section_view(&plan, s, name.as_deref(), &comments, open, &refused)).collect_view()}
        {open.then(|| requests_view(&plan, request.as_ref(), &refused))}
        {(!open && plan.kind == PlanKind::Draft).then(|| asked_view(request.as_ref()))}
    }
    .into_any();
    Ok(ServerPage {
        title: refused_title(&refused, &title),
        body,
    })
}

/// When it was issued, and whether (and until when) the draft takes comments.
fn status_box(plan: &Plan, today: Date, others: &[IssuedPlan]) -> AnyView {
    let issued = plan.issued_on.map(Date::long).unwrap_or_default();
    let text = match (plan.kind, plan.comments_due) {
        (PlanKind::Final, _) => format!(
            "Issued on {issued}. This is the final plan: the SEN team must make sure the help in it is given."
        ),
        (PlanKind::Draft, Some(due)) if plan.open_for_comments(today) => format!(
            "Issued on {issued}. You can comment on any section, tell the SEN team which school or setting you would like, and ask for a meeting until {} ({}).",
            due.long(),
            due_phrase(due, today).replace("due ", "")
        ),
        (PlanKind::Draft, _) if plan.closed_at.is_some() => format!(
            "Issued on {issued}. The final plan has been issued, so this draft takes no more comments. Your comments and the SEN team’s answers stay here."
        ),
        (PlanKind::Draft, Some(due)) => format!(
            "Issued on {issued}. The 15 days to comment ended on {}. The SEN team is writing the final plan.",
            due.long()
        ),
        (PlanKind::Draft, None) => format!("Issued on {issued}."),
    };
    view! {
        <div class="govuk-inset-text" id=STATUS_ID>
            <p class="govuk-body">{text}</p>
            {(!others.is_empty()).then(|| view! {
                <ul class="govuk-list">
                    {others.iter().map(|p| view! {
                        <li>
                            <a class="govuk-link" href=format!("/plans/{}", p.public_id)>
                                {format!("Read the {} issued on {}", p.label().to_lowercase().replace("ehc", "EHC"), p.issued_on.long())}
                            </a>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
    .into_any()
}

/// The text as paragraphs, or what an empty section means.
pub fn section_text(plan: &Plan, letter: &str) -> Vec<String> {
    let text = plan.text(letter);
    if text.trim().is_empty() {
        if plan.kind == PlanKind::Draft && store::empty_in_draft(letter) {
            vec![
                "Left empty in a draft plan: the final plan names the school or setting."
                    .to_owned(),
            ]
        } else {
            vec!["Nothing is written in this section.".to_owned()]
        }
    } else {
        crate::components::paragraphs(text)
    }
}

fn section_view(
    plan: &Plan,
    section: &super::Section,
    name: Option<&str>,
    comments: &[Comment],
    open: bool,
    refused: &Option<Refused>,
) -> AnyView {
    let anchor = section.anchor();
    let field = format!("comment-{}", section.letter.to_lowercase());
    let mine: Vec<&Comment> = comments
        .iter()
        .filter(|c| c.letter == section.letter)
        .collect();
    let kept_text = kept(refused, &field);
    let refused_here = refused.as_ref().is_some_and(|r| r.field == field);
    view! {
        <section class="portal-plan-section" id=anchor.clone() aria-labelledby=format!("{anchor}-heading")>
            <h2 class="govuk-heading-m" id=format!("{anchor}-heading")>{section.heading()}</h2>
            <p class="govuk-hint">{section.about_in(plan.kind, name)}</p>
            <div class="portal-document">
                {section_text(plan, section.letter).into_iter().map(|p| view! { <p class="govuk-body">{p}</p> }).collect_view()}
            </div>
            {(!mine.is_empty()).then(|| view! {
                <h3 class="govuk-heading-s">{format!("Your comments on section {}", section.letter)}</h3>
                <ul class="govuk-list portal-plan-comments">
                    {mine.iter().map(|c| comment_view(c)).collect_view()}
                </ul>
            })}
            {open.then(|| view! {
                // Closed until wanted (a refused comment opens it again), so the plan reads as
                // a plan; `details` opens and closes without scripts.
                <details class="govuk-details portal-plan-comment-box" open=refused_here>
                    <summary class="govuk-details__summary">
                        <span class="govuk-details__summary-text">{format!("Comment on section {}", section.letter)}</span>
                    </summary>
                    <div class="govuk-details__text">
                        <form method="post" action=format!("/plans/{}/comment", plan.public_id) novalidate>
                            <input type="hidden" name="section" value=section.letter/>
                            <div class=group_class(refused, &field)>
                                <label class="govuk-label govuk-label--s" for=field.clone()>{format!("Your comment on section {}", section.letter)}</label>
                                {field_error(refused, &field)}
                                <textarea class="govuk-textarea" id=field.clone() name=field.clone() rows="4">{kept_text}</textarea>
                            </div>
                            <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">
                                {format!("Send comment on section {}", section.letter)}
                            </button>
                        </form>
                    </div>
                </details>
            })}
        </section>
    }
    .into_any()
}

/// A comment and the SEN team's answer, or that none has come yet.
pub fn comment_view(comment: &Comment) -> AnyView {
    let answer = match &comment.answer {
        Some(answer) => {
            let (tag, class) = if answer.changed {
                ("Plan changed", "govuk-tag govuk-tag--green")
            } else {
                ("Not changed", "govuk-tag govuk-tag--orange")
            };
            view! {
                <div class="portal-plan-answer">
                    <p class="govuk-body">
                        <strong class=class>{tag}</strong>
                        {format!(" {}, SEN team, {}", answer.by, clock::date_time(answer.at))}
                    </p>
                    {(!answer.reason.is_empty()).then(|| view! { <p class="govuk-body portal-message-text">{answer.reason.clone()}</p> })}
                </div>
            }
            .into_any()
        }
        None => view! { <p class="govuk-body"><strong class="govuk-tag govuk-tag--grey">"Not answered yet"</strong></p> }.into_any(),
    };
    view! {
        <li class="portal-plan-comment" id=format!("comment-{}", comment.public_id)>
            <p class="govuk-body-s">{format!("{}, {}", comment.author_name, clock::date_time(comment.written_at))}</p>
            <p class="govuk-body portal-message-text">{comment.body.clone()}</p>
            {answer}
        </li>
    }
    .into_any()
}

/// The school or setting this person asked for, said back to them.
fn setting_asked(request: Option<&FamilyRequest>) -> Option<String> {
    let r = request?;
    match (&r.setting_kind, &r.setting_name, r.setting_at) {
        (Some(kind), Some(name), Some(at)) => Some(format!(
            "You asked for {name} to be named ({}), on {}.",
            setting_kind_label(kind).unwrap_or_default().to_lowercase(),
            clock::date(at)
        )),
        _ => None,
    }
}

/// The meeting this person asked for, said back to them.
fn meeting_asked(request: Option<&FamilyRequest>) -> Option<String> {
    request
        .and_then(|r| r.meeting_at)
        .map(|at| format!("You asked for a meeting on {}.", clock::date(at)))
}

fn asked_view(request: Option<&FamilyRequest>) -> Option<AnyView> {
    let lines: Vec<String> = [setting_asked(request), meeting_asked(request)]
        .into_iter()
        .flatten()
        .collect();
    (!lines.is_empty()).then(|| {
        view! {
            <h2 class="govuk-heading-m">"What you asked for"</h2>
            {lines.into_iter().map(|l| view! { <p class="govuk-body">{l}</p> }).collect_view()}
        }
        .into_any()
    })
}

/// The school or setting the family would like, and a meeting: while the draft is open.
fn requests_view(
    plan: &Plan,
    request: Option<&FamilyRequest>,
    refused: &Option<Refused>,
) -> AnyView {
    let kept_kind = refused
        .as_ref()
        .map(|_| kept(refused, "setting-kind"))
        .or_else(|| request.and_then(|r| r.setting_kind.clone()))
        .unwrap_or_default();
    let kept_name = refused
        .as_ref()
        .map(|_| kept(refused, "setting-name"))
        .or_else(|| request.and_then(|r| r.setting_name.clone()))
        .unwrap_or_default();
    let kept_note = kept(refused, "meeting-note");
    view! {
        <section class="portal-plan-section" id="setting" aria-labelledby="setting-heading">
            <h2 class="govuk-heading-m" id="setting-heading">"The school or setting you would like"</h2>
            {setting_asked(request).map(|l| view! { <p class="govuk-body" id="setting-asked">{l}</p> })}
            <form method="post" action=format!("/plans/{}/setting", plan.public_id) novalidate>
                <div class=group_class(refused, "setting-kind")>
                    <fieldset class="govuk-fieldset">
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">"What kind of school or setting is it?"</legend>
                        {field_error(refused, "setting-kind")}
                        <div class="govuk-radios govuk-radios--small">
                            {SETTING_KINDS.iter().enumerate().map(|(i, (value, label))| {
                                let id = if i == 0 { "setting-kind".to_owned() } else { format!("setting-kind-{}", i + 1) };
                                view! {
                                    <div class="govuk-radios__item">
                                        <input class="govuk-radios__input" id=id.clone() name="setting-kind" type="radio" value=*value checked=kept_kind == *value/>
                                        <label class="govuk-label govuk-radios__label" for=id>{*label}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                </div>
                <div class=group_class(refused, "setting-name")>
                    <label class="govuk-label govuk-label--s" for="setting-name">"Its name"</label>
                    {field_error(refused, "setting-name")}
                    <input class="govuk-input" id="setting-name" name="setting-name" type="text" value=kept_name/>
                </div>
                <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">"Send the school or setting you would like"</button>
            </form>
        </section>
        <section class="portal-plan-section" id="meeting" aria-labelledby="meeting-heading">
            <h2 class="govuk-heading-m" id="meeting-heading">"Ask for a meeting"</h2>
            <p class="govuk-body">"You can meet someone from the SEN team to talk about the draft plan before it is made final."</p>
            {meeting_asked(request).map(|l| view! { <p class="govuk-body" id="meeting-asked">{l}</p> })}
            <form method="post" action=format!("/plans/{}/meeting", plan.public_id) novalidate>
                <div class=group_class(refused, "meeting-note")>
                    <label class="govuk-label govuk-label--s" for="meeting-note">"What would you like to talk about? (optional)"</label>
                    {field_error(refused, "meeting-note")}
                    <textarea class="govuk-textarea" id="meeting-note" name="meeting-note" rows="3">{kept_note}</textarea>
                </div>
                <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">"Ask for a meeting"</button>
            </form>
        </section>
    }
    .into_any()
}
