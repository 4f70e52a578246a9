//! The caseload page, rendered on the server.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;

use super::{store::CaseloadChild, FINISHED_SHOWN_DAYS};
use crate::{
    advice::{AdviceProgress, AdviceRequest, AdviceState, Consultation},
    auth::{api::server::require_role, ssr::accounts::Account},
    components::ServerPage,
    error::AppError,
    platform::{db::unix_now, AppState},
    role::Role,
    status::timeline::{due_phrase, stage_name},
    values::Date,
};

/// A child on the caseload with what is asked of this professional about them.
struct Entry {
    child: CaseloadChild,
    linked: bool,
    requests: Vec<AdviceRequest>,
    consultations: Vec<Consultation>,
    /// The earliest due date among requests not yet received and consultations not yet
    /// answered: the caseload's order.
    first_due: Option<Date>,
}

pub async fn caseload(state: &AppState) -> Result<ServerPage, AppError> {
    let (account, _) = require_role(state, &[Role::Professional]).await?;
    let pool = state.db.pool();
    let today = crate::status::store::today();
    let mut requests: HashMap<i64, Vec<AdviceRequest>> = HashMap::new();
    for request in crate::advice::store::requests_for_professional(pool, account.id, today).await? {
        requests.entry(request.child_id).or_default().push(request);
    }
    let mut consultations: HashMap<i64, Vec<Consultation>> = HashMap::new();
    for consultation in
        crate::advice::store::consultations_for_professional(pool, account.id).await?
    {
        consultations
            .entry(consultation.child_id)
            .or_default()
            .push(consultation);
    }
    let linked = super::store::linked_children(pool, account.id).await?;
    let held_by_leavers = held_by_leavers(state, &requests, account.id).await?;
    let finished_after = unix_now() - FINISHED_SHOWN_DAYS * 86_400;
    let (mut active, mut finished): (Vec<Entry>, Vec<Entry>) = (Vec::new(), Vec::new());
    for child in super::store::children_of_professional(pool, account.id).await? {
        let requests = requests.remove(&child.id).unwrap_or_default();
        let consultations = consultations.remove(&child.id).unwrap_or_default();
        let first_due = requests
            .iter()
            .filter(|r| !matches!(r.state, AdviceState::Received { .. }))
            .map(|r| r.due_on)
            .chain(
                consultations
                    .iter()
                    .filter(|c| c.answered.is_none())
                    .map(|c| c.due_on),
            )
            .min();
        let entry = Entry {
            linked: linked.contains(&child.id),
            child,
            requests,
            consultations,
            first_due,
        };
        match entry.child.closed_at {
            None => active.push(entry),
            Some(at) if at >= finished_after => finished.push(entry),
            Some(_) => {}
        }
    }
    // Due and overdue first; the rest by name (as read).
    active.sort_by_key(|e| (e.first_due.is_none(), e.first_due));
    finished.sort_by_key(|e| std::cmp::Reverse(e.child.closed_at));
    let unread = crate::messages::store::unread_count(pool, account.id).await?;
    let body = view! {
        <span class="govuk-caption-l">{account.role.label()}</span>
        <h1 class="govuk-heading-l">"Your caseload"</h1>
        <p class="govuk-body">
            {format!("Signed in as {}. ", account.full_name)}
            <a class="govuk-link" href="/messages">
                {match unread {
                    0 => "You have no unread messages".to_owned(),
                    1 => "You have 1 unread message".to_owned(),
                    n => format!("You have {n} unread messages"),
                }}
            </a>
        </p>
        <p class="govuk-body">
            "The children and young people you are involved with, and the advice the SEN team has asked of you \
             or of your organisation. Anyone in your organisation can pick a request up."
        </p>
        <a class="govuk-button govuk-button--secondary" role="button" draggable="false" href="/professional/request">
            "Ask for an EHC needs assessment"
        </a>
        <h2 class="govuk-heading-m" id="active-heading">{format!("Active ({})", active.len())}</h2>
        {if active.is_empty() {
            view! { <p class="govuk-body">"Nothing is asked of you or your organisation at the moment."</p> }.into_any()
        } else {
            view! {
                <div id="caseload-active">
                    {active.iter().map(|e| child_card(e, &account, &held_by_leavers, today)).collect_view()}
                </div>
            }.into_any()
        }}
        <h2 class="govuk-heading-m" id="finished-heading">{format!("Finished in the last 18 months ({})", finished.len())}</h2>
        {if finished.is_empty() {
            view! { <p class="govuk-body">"None."</p> }.into_any()
        } else {
            view! {
                <div id="caseload-finished">
                    {finished.iter().map(|e| child_card(e, &account, &held_by_leavers, today)).collect_view()}
                </div>
            }.into_any()
        }}
        <p class="govuk-body">
            <a class="govuk-link" href="/send">"Special Educational Needs and Disabilities: every child you are linked to"</a>
        </p>
    }
    .into_any();
    Ok(ServerPage {
        title: "Your caseload".into(),
        body,
    })
}

/// Requests someone else picked up who has since left its organisation: anyone there may take
/// them over.
async fn held_by_leavers(
    state: &AppState,
    requests: &HashMap<i64, Vec<AdviceRequest>>,
    me: i64,
) -> Result<HashSet<i64>, AppError> {
    let mut out = HashSet::new();
    let mut conn = state.db.pool().acquire().await?;
    for request in requests.values().flatten() {
        if let Some(holder) = request.picked_up_by.filter(|h| *h != me) {
            if request.progress != AdviceProgress::Accepted
                && !crate::advice::store::still_in_organisation(&mut conn, request.id, holder)
                    .await?
            {
                out.insert(request.id);
            }
        }
    }
    Ok(out)
}

fn child_card(entry: &Entry, account: &Account, leavers: &HashSet<i64>, today: Date) -> AnyView {
    let child = &entry.child;
    let name = format!("{} {}", child.first_name, child.last_name);
    let born = Date::from_iso(&child.date_of_birth)
        .map(Date::long)
        .unwrap_or_default();
    let stage = match (&child.stage, child.closed_at) {
        (_, Some(_)) => "Finished".to_owned(),
        (Some(stage), None) => stage_name(stage),
        (None, None) => "No request for an assessment".to_owned(),
    };
    view! {
        <div class="govuk-summary-card portal-caseload-child">
            <div class="govuk-summary-card__title-wrapper">
                <h3 class="govuk-summary-card__title">{name.clone()}</h3>
                {entry.linked.then(|| view! {
                    <ul class="govuk-summary-card__actions">
                        <li class="govuk-summary-card__action">
                            <a class="govuk-link" href=format!("/children/{}/forms", child.public_id)>
                                "Open record"<span class="govuk-visually-hidden">{format!(" of {name}")}</span>
                            </a>
                        </li>
                    </ul>
                })}
            </div>
            <div class="govuk-summary-card__content">
                <dl class="govuk-summary-list">
                    <div class="govuk-summary-list__row">
                        <dt class="govuk-summary-list__key">"Date of birth"</dt>
                        <dd class="govuk-summary-list__value">{born}</dd>
                    </div>
                    <div class="govuk-summary-list__row">
                        <dt class="govuk-summary-list__key">"Stage"</dt>
                        <dd class="govuk-summary-list__value">{stage}</dd>
                    </div>
                </dl>
                {if entry.requests.is_empty() && entry.consultations.is_empty() {
                    view! { <p class="govuk-body">"No advice is asked of you about them."</p> }.into_any()
                } else {
                    view! {
                        {entry.requests.iter().map(|r| request_item(r, account, leavers.contains(&r.id), today)).collect_view()}
                        {entry.consultations.iter().map(|c| consultation_item(c, today)).collect_view()}
                    }.into_any()
                }}
            </div>
        </div>
    }
    .into_any()
}

fn request_item(
    r: &AdviceRequest,
    account: &Account,
    held_by_leaver: bool,
    today: Date,
) -> AnyView {
    let of = match (&r.person, r.person_id) {
        (_, Some(id)) if id == account.id => format!("Asked of you at {}", r.organisation),
        (Some(person), _) => format!("Asked of {person} at {}", r.organisation),
        (None, _) => format!("Asked of anyone at {}", r.organisation),
    };
    let due = match r.state {
        AdviceState::Received { on } => {
            view! { <span>{format!("Received on {}", on.long())}</span> }.into_any()
        }
        AdviceState::Overdue { due } | AdviceState::Waiting { due } => {
            let class = if r.state.is_overdue() {
                "govuk-tag govuk-tag--red"
            } else {
                "govuk-tag govuk-tag--grey"
            };
            view! { {format!("Due by {} ", due.long())}<strong class=class>{due_phrase(due, today)}</strong> }.into_any()
        }
    };
    let mine = r.picked_up_by == Some(account.id);
    let pick_up = |label: &'static str| {
        view! {
        <form method="post" action=format!("/advice/{}/pick-up", r.public_id)>
            <button type="submit" class="govuk-button govuk-!-margin-bottom-2" data-module="govuk-button">
                {label}<span class="govuk-visually-hidden">{format!(": {}", r.kind.label().to_lowercase())}</span>
            </button>
        </form>
    }.into_any()
    };
    let action = match (&r.progress, mine, &r.draft) {
        (AdviceProgress::NotPickedUp, ..) => pick_up("Pick up and start"),
        (AdviceProgress::Writing { .. }, true, Some(draft)) => {
            link_to(draft, "Continue the advice")
        }
        (AdviceProgress::Returned { .. }, true, Some(draft)) => {
            link_to(draft, "Change and send again")
        }
        (AdviceProgress::Writing { .. } | AdviceProgress::Returned { .. }, false, _)
            if held_by_leaver =>
        {
            pick_up("Take over")
        }
        _ => ().into_any(),
    };
    let progress = match (&r.progress, mine) {
        (AdviceProgress::Writing { .. }, true) => "You are writing it".to_owned(),
        (AdviceProgress::Returned { .. }, true) => {
            "The SEN team sent it back to you to change: their reason is in your messages"
                .to_owned()
        }
        (progress, _) => progress.describe(),
    };
    view! {
        <div class="portal-caseload-request" id=format!("request-{}", r.public_id)>
            <h4 class="govuk-heading-s govuk-!-margin-bottom-1">{r.kind.label()}</h4>
            <p class="govuk-body govuk-!-margin-bottom-1">{format!("{of}, on {}.", r.asked_on.long())}</p>
            <p class="govuk-body govuk-!-margin-bottom-1">{due}</p>
            {(!r.note.is_empty()).then(|| view! {
                <div class="govuk-inset-text govuk-!-margin-top-1 govuk-!-margin-bottom-1">{r.note.clone()}</div>
            })}
            <p class="govuk-body portal-caseload-request__progress">{progress}</p>
            {action}
        </div>
    }
    .into_any()
}

fn consultation_item(c: &Consultation, today: Date) -> AnyView {
    let state = match &c.answered {
        Some(a) => view! {
            <p class="govuk-body portal-caseload-request__progress">
                {format!("{} answered on {}: {}", c.organisation, a.on.long(), a.answer.label().to_lowercase())}
            </p>
        }
        .into_any(),
        None => {
            let class = if c.due_on < today { "govuk-tag govuk-tag--red" } else { "govuk-tag govuk-tag--grey" };
            view! {
                <p class="govuk-body govuk-!-margin-bottom-1">
                    {format!("Answer by {} ", c.due_on.long())}<strong class=class>{due_phrase(c.due_on, today)}</strong>
                </p>
                <a class="govuk-button govuk-!-margin-bottom-2" role="button" draggable="false" href=format!("/consultations/{}", c.public_id)>
                    "Answer the consultation"
                </a>
            }
            .into_any()
        }
    };
    view! {
        <div class="portal-caseload-request" id=format!("consultation-{}", c.public_id)>
            <h4 class="govuk-heading-s govuk-!-margin-bottom-1">"Consultation on a draft EHC plan"</h4>
            <p class="govuk-body govuk-!-margin-bottom-1">
                {format!("{} is asked, on {}, whether it can meet their needs. ", c.organisation, c.asked_on.long())}
                <a class="govuk-link" href=format!("/shared/{}", c.document)>{format!("Read {}", c.document_title)}</a>
            </p>
            {(!c.note.is_empty()).then(|| view! {
                <div class="govuk-inset-text govuk-!-margin-top-1 govuk-!-margin-bottom-1">{c.note.clone()}</div>
            })}
            {state}
        </div>
    }
    .into_any()
}

/// What a refused answer leaves in the session for the answer page: (answer, reasons, problems).
pub const ANSWER_REFUSED_KEY: &str = "consultation_answer_refused";

/// `/consultations/{id}`: a consultation with the school or setting, and its answer form.
pub async fn consultation_page(state: &AppState, id: &str) -> Result<ServerPage, AppError> {
    let (account, session) = require_role(state, &[Role::Professional]).await?;
    let consultation =
        crate::advice::store::find_consultation_for_professional(state.db.pool(), account.id, id)
            .await?
            .ok_or(AppError::NotFound)?;
    let child = crate::people::store::child_by_id(state.db.pool(), consultation.child_id).await?;
    let (answer, reasons, problems) = crate::auth::api::server::take::<(
        String,
        String,
        Vec<crate::error::FieldError>,
    )>(&session, ANSWER_REFUSED_KEY)
    .await?
    .unwrap_or_default();
    let today = crate::status::store::today();
    let problems = crate::area::pages::Problems(&problems);
    let error_list = (!problems.0.is_empty()).then(|| {
        view! { <crate::components::ErrorSummaryList errors=problems.0.to_vec()/> }
    });
    let title = if problems.0.is_empty() {
        "Consultation on a draft EHC plan"
    } else {
        "Error: Consultation on a draft EHC plan"
    };
    let body = view! {
        <a class="govuk-back-link" href="/professional">"Back to your caseload"</a>
        {error_list}
        <span class="govuk-caption-l">{format!("{} {}", child.summary.first_name, child.summary.last_name)}</span>
        <h1 class="govuk-heading-l">"Consultation on a draft EHC plan"</h1>
        <p class="govuk-body">
            {format!("The SEN team asks whether {} can meet the needs set out in the draft plan. ", consultation.organisation)}
            <a class="govuk-link" href=format!("/shared/{}", consultation.document)>{format!("Read {}", consultation.document_title)}</a>
        </p>
        {(!consultation.note.is_empty()).then(|| view! { <div class="govuk-inset-text">{consultation.note.clone()}</div> })}
        {match &consultation.answered {
            Some(a) => view! {
                <div class="govuk-panel govuk-panel--confirmation portal-answered">
                    <h2 class="govuk-panel__title">{a.answer.label()}</h2>
                    <div class="govuk-panel__body">{format!("Answered on {}{}", a.on.long(), a.by.as_ref().map(|b| format!(" by {b}")).unwrap_or_default())}</div>
                </div>
                <p class="govuk-body">{a.reasons.clone()}</p>
            }.into_any(),
            None => view! {
                <p class="govuk-body">{format!("Answer by {} ({}).", consultation.due_on.long(), due_phrase(consultation.due_on, today))}</p>
                <form method="post" action=format!("/consultations/{}/answer", consultation.public_id) novalidate>
                    <div class=problems.group("answer")>
                        <fieldset class="govuk-fieldset" aria-describedby="answer-hint">
                            <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">
                                {format!("Can {} meet the needs in the draft plan?", consultation.organisation)}
                            </legend>
                            <div class="govuk-hint" id="answer-hint">"The SEN team names a school or setting in the final plan only after this answer."</div>
                            {problems.message("answer")}
                            <div class="govuk-radios" data-module="govuk-radios">
                                {[crate::advice::ConsultationAnswer::CanMeet, crate::advice::ConsultationAnswer::CannotMeet].into_iter().map(|a| {
                                    let id = format!("answer-{}", a.as_str());
                                    view! {
                                        <div class="govuk-radios__item">
                                            <input class="govuk-radios__input" id=id.clone() name="answer" type="radio" value=a.as_str() checked=answer == a.as_str()/>
                                            <label class="govuk-label govuk-radios__label" for=id>{a.label()}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        </fieldset>
                    </div>
                    <div class=problems.group("reasons")>
                        <label class="govuk-label govuk-label--s" for="reasons">"Your reasons"</label>
                        <div class="govuk-hint" id="reasons-hint">"What in the draft plan you can or cannot provide, and why"</div>
                        {problems.message("reasons")}
                        <textarea class="govuk-textarea" id="reasons" name="reasons" rows="5" aria-describedby="reasons-hint">{reasons}</textarea>
                    </div>
                    <button type="submit" class="govuk-button">"Send your answer"</button>
                </form>
            }.into_any(),
        }}
    }
    .into_any();
    Ok(ServerPage {
        title: title.into(),
        body,
    })
}

fn link_to(draft: &str, text: &'static str) -> AnyView {
    view! {
        <a class="govuk-button govuk-!-margin-bottom-2" role="button" draggable="false" href=format!("/drafts/{draft}")>{text}</a>
    }
    .into_any()
}

/// What the "Ask for an assessment" form posts: the child, the parent's email, and which request.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SettingRequest {
    pub first_name: String,
    pub last_name: String,
    pub day: String,
    pub month: String,
    pub year: String,
    pub parent_email: String,
    pub form: String,
}

impl SettingRequest {
    /// The child's part, as Add Person takes it (the same checks and the same fields).
    pub fn person(&self) -> crate::people::PersonAnswers {
        crate::people::PersonAnswers {
            who: "child".into(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            day: self.day.clone(),
            month: self.month.clone(),
            year: self.year.clone(),
        }
    }
}

/// The requests a school or setting may make, as (form id, words).
pub const SETTING_FORMS: [(&str, &str); 2] = [
    (
        "early-years-request",
        "Early Years Setting Request: a child under compulsory school age",
    ),
    (
        "school-request",
        "School Request: a pupil or student of school age or older",
    ),
];

/// What a refused "Ask for an assessment" leaves in the session.
pub const REQUEST_REFUSED_KEY: &str = "setting_request_refused";

/// `/professional/request`: a school or setting asks for an assessment for a child the portal
/// may not know yet.
pub async fn request_page(state: &AppState) -> Result<ServerPage, AppError> {
    let (_, session) = require_role(state, &[Role::Professional]).await?;
    let (typed, problems) = crate::auth::api::server::take::<(
        SettingRequest,
        Vec<crate::error::FieldError>,
    )>(&session, REQUEST_REFUSED_KEY)
    .await?
    .unwrap_or_default();
    let p = crate::area::pages::Problems(&problems);
    let person = typed.person();
    let title = if problems.is_empty() {
        "Ask for an EHC needs assessment"
    } else {
        "Error: Ask for an EHC needs assessment"
    };
    let body = view! {
        <a class="govuk-back-link" href="/professional">"Back to your caseload"</a>
        {(!problems.is_empty()).then(|| view! { <crate::components::ErrorSummaryList errors=problems.clone()/> })}
        <h1 class="govuk-heading-l">"Ask for an EHC needs assessment"</h1>
        <p class="govuk-body">
            "For a child or young person at your school or setting. The request starts their case with the SEN team; \
             their parent or carer is asked, through the portal, for their consent (form E2). \
             The SEN team's 6 weeks to decide start when it records the request."
        </p>
        <form method="post" action="/professional/request" novalidate>
            {crate::area::pages::person_fields(&person, &p)}
            <div class=p.group("parent_email")>
                <label class="govuk-label govuk-label--s" for="parent_email">"Their parent's or carer's email address"</label>
                <div class="govuk-hint" id="parent_email-hint">"They are asked for their consent through the portal; without an account they are invited to register."</div>
                {p.message("parent_email")}
                <input class=p.input_class("parent_email", "govuk-!-width-two-thirds") id="parent_email" name="parent_email" type="email"
                    value=typed.parent_email.clone() spellcheck="false" autocomplete="off" aria-describedby=p.described("parent_email", Some("parent_email-hint"))/>
            </div>
            <div class=p.group("form")>
                <fieldset class="govuk-fieldset" aria-describedby=p.described("form", None)>
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">"Which request"</legend>
                    {p.message("form")}
                    <div class="govuk-radios" data-module="govuk-radios">
                        {SETTING_FORMS.into_iter().enumerate().map(|(i, (id, words))| {
                            let input = if i == 0 { "form".to_owned() } else { format!("form-{id}") };
                            view! {
                                <div class="govuk-radios__item">
                                    <input class="govuk-radios__input" id=input.clone() name="form" type="radio" value=id checked=typed.form == id/>
                                    <label class="govuk-label govuk-radios__label" for=input>{words}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            </div>
            <button type="submit" class="govuk-button">"Start the request"</button>
        </form>
    }
    .into_any();
    Ok(ServerPage {
        title: title.into(),
        body,
    })
}
