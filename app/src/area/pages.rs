//! The SEND area, rendered on the server: a dark tile for each child linked to the person, a
//! light one for themself, and Add Person — a plain form that posts (so it works without
//! JavaScript) and, when refused, comes back with every answer kept and each problem named.

use axum::{
    extract::{Form, State},
    response::{IntoResponse, Redirect, Response},
};
use leptos::prelude::*;
use tower_sessions::Session;

use crate::{
    auth::{
        api::server::{require_role, signed_in},
        return_path::sign_in_then,
    },
    components::{ErrorSummaryList, ServerPage},
    error::{AppError, FieldError},
    people::{ChildSummary, NewPerson, PersonAnswers, Relationship},
    platform::AppState,
    role::Role,
    status::{
        store::{progress_of, today},
        timeline::StageState,
    },
    values::Date,
};

/// What a refused Add Person post leaves for the page it goes back to.
const REFUSED_KEY: &str = "add_person_refused";

struct Tile {
    child: ChildSummary,
    relationship: Relationship,
    verified: bool,
    /// "Assessment: Advice gathered", with whether that stage is overdue.
    stage: Option<(String, bool)>,
}

/// `/send`: the tiles and Add Person.
pub async fn send_area(state: &AppState) -> Result<ServerPage, AppError> {
    let (account, _) = require_role(state, &crate::people::access::FORM_ROLES).await?;
    let today = today();
    let mut tiles = Vec::new();
    for (child, relationship, verified) in
        crate::people::store::links_of(state.db.pool(), account.id).await?
    {
        let progress = progress_of(state.db.pool(), child.id).await?;
        let stage = progress
            .timeline(today)
            .into_iter()
            .find(|s| s.state == StageState::Current)
            .filter(|_| progress.has_started())
            .map(|s| (format!("Assessment – next: {}", s.stage.label()), s.overdue));
        tiles.push(Tile {
            child: child.summary,
            relationship,
            verified,
            stage,
        });
    }
    let citizen = account.role == Role::Citizen;
    let (mine, children): (Vec<Tile>, Vec<Tile>) = tiles
        .into_iter()
        .partition(|t| t.relationship == Relationship::Myself);
    let body = {
        view! {
            <span class="govuk-caption-l">"Special Educational Needs and Disabilities"</span>
            <h1 class="govuk-heading-l">"Your SEND area"</h1>
            <p class="govuk-body">
                "Choose a child or young person to fill in forms for them, read what the SEN team has shared and see where an assessment has got to."
            </p>
            {children.is_empty().then(|| view! {
                <p class="govuk-body">
                    "Nobody is linked to your account yet. The SEN team links a child to you when they ask for your views or share something with you."
                </p>
            })}
            <ul class="portal-tiles">
                {children.into_iter().map(tile).collect_view()}
                {citizen.then(|| self_tile(mine.into_iter().next(), &account.full_name))}
            </ul>
            {citizen.then(|| view! {
                <h2 class="govuk-heading-m">"Asking for an assessment?"</h2>
                <p class="govuk-body">
                    "Add a child yourself only when you are asking the SEN team for an EHC needs assessment for them. Then fill in form E1 on their page."
                </p>
                <a class="govuk-button" href="/send/add-person" role="button" draggable="false">"Add Person"</a>
            })}
        }
        .into_any()
    };
    Ok(ServerPage {
        title: "Your SEND area".into(),
        body,
    })
}

fn tile(t: Tile) -> AnyView {
    let born = Date::from_iso(&t.child.date_of_birth).map(|d| format!("Born {}", d.long()));
    let class = if t.relationship == Relationship::Myself {
        "portal-tile portal-tile--self"
    } else {
        "portal-tile portal-tile--child"
    };
    view! {
        <li class="portal-tiles__item">
            <a class=class href=format!("/children/{}/forms", t.child.id)>
                <span class="portal-tile__name">{t.child.full_name()}</span>
                <span class="portal-tile__detail">{born}</span>
                {t.stage.map(|(stage, overdue)| view! {
                    <span class="portal-tile__detail">
                        {if overdue { format!("{stage} – overdue") } else { stage }}
                    </span>
                })}
                {(!t.verified).then(|| view! {
                    <span class="portal-tile__detail">"Added by you – the SEN team will confirm"</span>
                })}
            </a>
        </li>
    }
    .into_any()
}

/// The light tile: the young person's own record, or the way to add it.
fn self_tile(mine: Option<Tile>, name: &str) -> AnyView {
    match mine {
        Some(t) => tile(t),
        None => view! {
            <li class="portal-tiles__item">
                <a class="portal-tile portal-tile--self" href="/send/add-person?who=self">
                    <span class="portal-tile__name">{format!("You ({name})")}</span>
                    <span class="portal-tile__detail">"Aged 16 to 25? Ask for an assessment for yourself"</span>
                </a>
            </li>
        }
        .into_any(),
    }
}

/// `/send/add-person`: the form, with what a refused post kept.
pub async fn add_person_form(state: &AppState, who: &str) -> Result<ServerPage, AppError> {
    let (_, session) = require_role(state, &[Role::Citizen]).await?;
    let (mut answers, errors) =
        crate::auth::api::server::take::<(PersonAnswers, Vec<FieldError>)>(&session, REFUSED_KEY)
            .await?
            .unwrap_or_default();
    if answers.who.is_empty() && matches!(who, "self" | "child") {
        answers.who = who.to_owned();
    }
    Ok(ServerPage {
        title: if errors.is_empty() {
            "Add Person".into()
        } else {
            "Error: Add Person".into()
        },
        body: add_person_body(&answers, errors),
    })
}

/// The problems of a refused form, by field: what each input needs to show its own.
pub struct Problems<'a>(pub &'a [FieldError]);

impl Problems<'_> {
    fn error_for(&self, field: &str) -> Option<String> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }

    pub fn group(&self, field: &str) -> &'static str {
        if self.error_for(field).is_some() {
            "govuk-form-group govuk-form-group--error"
        } else {
            "govuk-form-group"
        }
    }

    pub fn message(&self, field: &str) -> Option<AnyView> {
        self.error_for(field).map(|m| {
            view! {
                <p class="govuk-error-message" id=format!("{field}-error")>
                    <span class="govuk-visually-hidden">"Error: "</span>{m}
                </p>
            }
            .into_any()
        })
    }

    pub fn input_class(&self, field: &str, width: &str) -> String {
        let error = if self.error_for(field).is_some() {
            " govuk-input--error"
        } else {
            ""
        };
        format!("govuk-input {width}{error}")
    }

    /// The ids that describe an input: its hint and its error message.
    pub fn described(&self, field: &str, hint: Option<&str>) -> Option<String> {
        let mut ids: Vec<String> = hint.map(str::to_owned).into_iter().collect();
        if self.error_for(field).is_some() {
            ids.push(format!("{field}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// First name, last name and date of birth, with what was typed and each problem: Add Person's
/// and the SEN team's Add a case.
pub fn person_fields(answers: &PersonAnswers, p: &Problems<'_>) -> AnyView {
    let text = |field: &'static str, label: &'static str, value: &str| {
        view! {
            <div class=p.group(field)>
                <label class="govuk-label govuk-label--s" for=field>{label}</label>
                {p.message(field)}
                <input class=p.input_class(field, "govuk-!-width-two-thirds") id=field name=field type="text"
                    value=value.to_owned() spellcheck="false" autocomplete="off" aria-describedby=p.described(field, None)/>
            </div>
        }
    };
    let part = |name: &'static str, label: &'static str, value: &str, width: &'static str| {
        let id = format!("date_of_birth-{name}");
        view! {
            <div class="govuk-date-input__item">
                <div class="govuk-form-group">
                    <label class="govuk-label govuk-date-input__label" for=id.clone()>{label}</label>
                    <input class=p.input_class("date_of_birth", width) id=id name=name type="text"
                        inputmode="numeric" value=value.to_owned()/>
                </div>
            </div>
        }
    };
    view! {
        {text("first_name", "First name", &answers.first_name)}
        {text("last_name", "Last name", &answers.last_name)}
        <div class=p.group("date_of_birth")>
            <fieldset class="govuk-fieldset" role="group" aria-describedby=p.described("date_of_birth", Some("date_of_birth-hint"))>
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">"Date of birth"</legend>
                <div class="govuk-hint" id="date_of_birth-hint">"For example, 27 3 2015"</div>
                {p.message("date_of_birth")}
                <div class="govuk-date-input" id="date_of_birth">
                    {part("day", "Day", &answers.day, "govuk-input--width-2")}
                    {part("month", "Month", &answers.month, "govuk-input--width-2")}
                    {part("year", "Year", &answers.year, "govuk-input--width-4")}
                </div>
            </fieldset>
        </div>
    }
    .into_any()
}

fn add_person_body(answers: &PersonAnswers, errors: Vec<FieldError>) -> AnyView {
    let p = Problems(&errors);
    let checked = |value: &str| answers.who == value;
    {
        view! {
            <a class="govuk-back-link" href="/send">"Back to your SEND area"</a>
            {(!errors.is_empty()).then(|| view! { <ErrorSummaryList errors=errors.clone()/> })}
            <h1 class="govuk-heading-l">"Add Person"</h1>
            <p class="govuk-body">
                "Add a child or young person when you are asking the SEN team for an EHC needs assessment for them. \
                 If the SEN team has asked for your views, they have already linked the child to you."
            </p>
            <form method="post" action="/send/people" novalidate>
                <div class=p.group("who")>
                    <fieldset class="govuk-fieldset" aria-describedby=p.described("who", None)>
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">"Who are you adding?"</legend>
                        {p.message("who")}
                        <div class="govuk-radios" data-module="govuk-radios">
                            <div class="govuk-radios__item">
                                <input class="govuk-radios__input" id="who" name="who" type="radio" value="child" checked=checked("child")/>
                                <label class="govuk-label govuk-radios__label" for="who">"My child, or a child I care for"</label>
                            </div>
                            <div class="govuk-radios__item">
                                <input class="govuk-radios__input" id="who-self" name="who" type="radio" value="self" checked=checked("self")/>
                                <label class="govuk-label govuk-radios__label" for="who-self">"Myself – I am aged 16 to 25"</label>
                            </div>
                        </div>
                    </fieldset>
                </div>
                {person_fields(answers, &p)}
                <button type="submit" class="govuk-button">"Add Person"</button>
            </form>
        }
        .into_any()
    }
}

/// `POST /send/people`: Add Person.
pub async fn add_person(
    State(state): State<AppState>,
    session: Session,
    Form(answers): Form<PersonAnswers>,
) -> Response {
    match add_person_inner(&state, &session, answers).await {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(AppError::SignInRequired) => {
            Redirect::to(&sign_in_then("/send/add-person")).into_response()
        }
        Err(err) => err.into_response(),
    }
}

async fn add_person_inner(
    state: &AppState,
    session: &Session,
    answers: PersonAnswers,
) -> Result<String, AppError> {
    let account = signed_in(state, session)
        .await?
        .ok_or(AppError::SignInRequired)?;
    if account.role != Role::Citizen {
        return Err(AppError::NotFound);
    }
    let mut parsed = NewPerson::parse(&answers, today());
    if let Ok(person) = &parsed {
        let has_own_record = crate::people::store::links_of(state.db.pool(), account.id)
            .await?
            .iter()
            .any(|(_, r, _)| *r == Relationship::Myself);
        if person.relationship == Relationship::Myself && has_own_record {
            parsed = Err(vec![FieldError {
                field: "who".into(),
                target: "who".into(),
                message: "You have already added yourself: choose your own tile in your SEND area"
                    .into(),
            }]);
        }
    }
    match parsed {
        Ok(person) => {
            let child =
                crate::people::store::add_person(state.db.pool(), account.id, &person, "").await?;
            Ok(format!("/children/{}/forms?added=1", child.summary.id))
        }
        Err(problems) => {
            session
                .insert(REFUSED_KEY, (answers, problems))
                .await
                .map_err(crate::error::internal)?;
            Ok("/send/add-person".into())
        }
    }
}
