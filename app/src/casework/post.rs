//! The case page's plain form posts. Each one names the case's version it was made from; the
//! answer is always a redirect back to the page, carrying in the session either what was done
//! or what stopped it (with everything typed, so nothing is lost).

use axum::{
    extract::{Form, Multipart, Path, State},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::store::{self, Case};
use crate::{
    auth::{
        api::server::signed_in,
        return_path::{sign_in_then, ReturnPath},
        ssr::accounts::Account,
    },
    documents::DocumentKind,
    error::AppError,
    people::{NewPerson, PersonAnswers, Relationship},
    platform::AppState,
    role::Role,
    status::{store::today, timeline::Stage},
    values::Date,
};

/// What a post leaves for the page it goes back to.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Flash {
    /// What was done, for the green banner.
    pub done: Option<String>,
    /// What stopped it: the form, the field (or "") and the message.
    pub problem: Option<(String, String, String)>,
    /// The refused form's fields as typed.
    pub kept: Vec<(String, String)>,
}

impl Flash {
    /// A typed value of the refused form `form`.
    pub fn kept(&self, form: &str, field: &str) -> Option<String> {
        match &self.problem {
            Some((f, ..)) if f == form => self
                .kept
                .iter()
                .find(|(k, _)| k == field)
                .map(|(_, v)| v.clone()),
            _ => None,
        }
    }

    /// Every typed value of `field` (checkboxes).
    pub fn kept_all(&self, form: &str, field: &str) -> Option<Vec<String>> {
        match &self.problem {
            Some((f, ..)) if f == form => Some(
                self.kept
                    .iter()
                    .filter(|(k, _)| k == field)
                    .map(|(_, v)| v.clone())
                    .collect(),
            ),
            _ => None,
        }
    }

    /// The problem's message when it is about this form's `field`.
    pub fn error(&self, form: &str, field: &str) -> Option<String> {
        match &self.problem {
            Some((f, fld, message)) if f == form && fld == field => Some(message.clone()),
            _ => None,
        }
    }
}

pub fn flash_key(child: &str) -> String {
    format!("case_flash:{child}")
}

/// The signed-in SEN officer or administrator; `Forbidden` for anyone else.
pub async fn require_staff(state: &AppState, session: &Session) -> Result<Account, AppError> {
    let account = signed_in(state, session)
        .await?
        .ok_or(AppError::SignInRequired)?;
    if Role::STAFF.contains(&account.role) {
        Ok(account)
    } else {
        Err(AppError::Forbidden)
    }
}

struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn id(&self, name: &str) -> Option<i64> {
        self.get(name).trim().parse().ok()
    }

    /// The date in `{prefix}-day`, `-month` and `-year`.
    fn date(&self, prefix: &str) -> Result<Date, String> {
        Date::parse(
            &self.get(&format!("{prefix}-day")),
            &self.get(&format!("{prefix}-month")),
            &self.get(&format!("{prefix}-year")),
        )
        .map_err(|e| e.to_string())
    }
}

/// `POST /staff/cases/{child}/{action}`.
pub async fn case_action(
    State(state): State<AppState>,
    session: Session,
    Path((child, action)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let case_path = format!("/staff/cases/{child}");
    // Built from the address and a posted field: only ever a page of this site.
    let back = match (
        action.as_str(),
        fields.iter().find(|(k, _)| k == "submission"),
    ) {
        ("reject" | "accept", Some((_, s))) => {
            ReturnPath::parse(&format!("{case_path}/submissions/{s}")).ok()
        }
        (plan, _) if plan.starts_with("plan-") => {
            ReturnPath::parse(&format!("{case_path}/plan")).ok()
        }
        _ => ReturnPath::parse(&case_path).ok(),
    }
    .map_or_else(|| "/staff".to_owned(), ReturnPath::into_string);
    let fields = Fields(fields);
    let result = async {
        let staff = require_staff(&state, &session).await?;
        let case = store::find_case(state.db.pool(), &child).await?;
        act(&state, &staff, &case, &action, &fields).await
    }
    .await;
    finish(
        &session, &child, &action, result, fields.0, &case_path, &back,
    )
    .await
}

async fn act(
    state: &AppState,
    staff: &Account,
    case: &Case,
    action: &str,
    f: &Fields,
) -> Result<String, AppError> {
    let change = &store::Change {
        state,
        staff,
        case,
        version: f.id("version").unwrap_or(0),
    };
    let today = today();
    match action {
        "assign" => store::assign(change, f.id("caseworker")).await,
        "link" => {
            let relationship = Relationship::parse(&f.get("relationship"));
            store::link_by_email(change, &f.get("email"), relationship).await
        }
        "verify" | "unlink" => {
            let user = f.id("user").ok_or(AppError::NotFound)?;
            store::change_link(change, user, action == "unlink").await
        }
        "request" => {
            store::request_form(
                change,
                &f.get("form"),
                f.id("recipient"),
                f.date("due"),
                &f.get("note"),
                today,
            )
            .await
        }
        "stage" => {
            let go_ahead = match f.get("decision").as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            };
            store::record_next_stage(
                change,
                Stage::parse(&f.get("stage")),
                f.date("on"),
                go_ahead,
                &f.get("reason"),
                today,
            )
            .await
        }
        "advice" => store::record_advice_requested(change, f.date("advice"), today).await,
        "ask-advice" => {
            let asked = store::AdviceAsked {
                kind: &f.get("advice-kind"),
                organisation: f.id("advice-organisation"),
                person: f.id("advice-person"),
                due_on: f.date("advice-due"),
                note: &f.get("advice-note"),
            };
            store::ask_advice(change, &asked, today).await
        }
        "consult-school" => {
            let consulting = store::Consulting {
                organisation: f.id("consult-organisation"),
                document: &f.get("consult-document"),
                due_on: f.date("consult-due"),
                note: &f.get("consult-note"),
            };
            store::consult_school(change, &consulting, today).await
        }
        "accept" | "reject" => {
            let submission =
                store::find_case_submission(state.db.pool(), case.child_id, &f.get("submission"))
                    .await?;
            if action == "accept" {
                store::accept(change, &submission).await
            } else {
                let due = f.date("due").map_err(|m| AppError::field("due-day", m))?;
                if due < today {
                    return Err(AppError::field(
                        "due-day",
                        "The new due date must be today or later",
                    ));
                }
                store::reject(change, &submission, &f.get("reason"), due).await
            }
        }
        "plan-save" | "plan-issue" => {
            store::save_draft(change, &plan_sections(f), action == "plan-issue", today).await
        }
        "plan-final" => store::issue_final(change, &plan_sections(f), today).await,
        "plan-answer" => {
            let comment = f.get("comment");
            store::answer_comment(change, &comment, &f.get("answer"), &f.get("reason")).await
        }
        _ => Err(AppError::NotFound),
    }
}

/// The plan's section texts as posted (`section-a` to `section-k`).
fn plan_sections(f: &Fields) -> store::Sections {
    crate::plans::SECTIONS
        .iter()
        .map(|s| (s.letter, f.get(&s.anchor())))
        .collect()
}

/// Back to the page: the banner on success; on a refusal the problem and what was typed (the
/// version left out, so a retry uses the page's new one).
async fn finish(
    session: &Session,
    child: &str,
    action: &str,
    result: Result<String, AppError>,
    fields: Vec<(String, String)>,
    case_path: &str,
    back: &str,
) -> Response {
    let flash = match result {
        Ok(done) => Flash {
            done: Some(done),
            ..Flash::default()
        },
        Err(AppError::SignInRequired) => {
            return Redirect::to(&sign_in_then(case_path)).into_response()
        }
        Err(AppError::Invalid(message)) => Flash {
            problem: Some((action.to_owned(), String::new(), message)),
            kept: fields.into_iter().filter(|(k, _)| k != "version").collect(),
            done: None,
        },
        Err(AppError::Field { field, message }) => Flash {
            problem: Some((action.to_owned(), field, message)),
            kept: fields.into_iter().filter(|(k, _)| k != "version").collect(),
            done: None,
        },
        Err(other) => return other.into_response(),
    };
    // A change made on the plan's page goes back to it either way.
    let to = if flash.done.is_some() && !action.starts_with("plan-") {
        case_path
    } else {
        back
    };
    match session.insert(&flash_key(child), flash).await {
        Ok(()) => Redirect::to(to).into_response(),
        Err(err) => crate::error::internal(err).into_response(),
    }
}

/// `POST /staff/cases/{child}/documents`: shares a document (a multipart form: it may carry a
/// file).
pub async fn share_document(
    State(state): State<AppState>,
    session: Session,
    Path(child): Path<String>,
    body: Multipart,
) -> Response {
    let case_path = format!("/staff/cases/{child}");
    let mut kept = Vec::new();
    let result = async {
        let staff = require_staff(&state, &session).await?;
        let case = store::find_case(state.db.pool(), &child).await?;
        let files = crate::forms::files::read_form_with_files(
            body,
            state.storage.max_upload_bytes,
            "file",
            &mut kept,
        )
        .await?;
        let f = Fields(kept.clone());
        let readers = f
            .all("readers")
            .iter()
            .filter_map(|r| r.parse().ok())
            .collect();
        store::share(
            &store::Change {
                state: &state,
                staff: &staff,
                case: &case,
                version: f.id("version").unwrap_or(0),
            },
            DocumentKind::parse(&f.get("kind")),
            &f.get("title"),
            &f.get("body"),
            readers,
            files,
        )
        .await
    }
    .await;
    finish(
        &session, &child, "share", result, kept, &case_path, &case_path,
    )
    .await
}

/// `POST /staff/cases/{child}/messages`: a plain message (asking for no form) to someone linked
/// to the child, which opens a conversation (a multipart form: it may carry files).
pub async fn send_message(
    State(state): State<AppState>,
    session: Session,
    Path(child): Path<String>,
    body: Multipart,
) -> Response {
    let case_path = format!("/staff/cases/{child}");
    let mut kept = Vec::new();
    let result = async {
        let staff = require_staff(&state, &session).await?;
        let case = store::find_case(state.db.pool(), &child).await?;
        let files = crate::forms::files::read_form_with_files(
            body,
            state.storage.max_upload_bytes,
            "message-file",
            &mut kept,
        )
        .await?;
        let f = Fields(kept.clone());
        let recipient = f
            .id("message-to")
            .ok_or_else(|| AppError::field("message-to", "Choose who the message is for"))?;
        let person = store::linked_people(state.db.pool(), case.child_id)
            .await?
            .into_iter()
            .find(|p| p.user_id == recipient)
            .ok_or_else(|| AppError::field("message-to", "Choose someone linked to the child"))?;
        crate::messages::thread::open_conversation(
            &state,
            crate::messages::thread::Opening {
                recipient_id: person.user_id,
                author: staff.id,
                child_id: case.child_id,
                subject: f.get("message-subject"),
                body: f.get("message-body"),
                files,
            },
        )
        .await
        .map_err(|e| match e {
            AppError::Field { field, message } => {
                AppError::field(&format!("message-{field}"), message)
            }
            other => other,
        })?;
        Ok(format!("Message sent to {}", person.name))
    }
    .await;
    finish(
        &session, &child, "message", result, kept, &case_path, &case_path,
    )
    .await
}

/// `POST /staff/cases`: adds a child and opens their case.
pub async fn new_case(
    State(state): State<AppState>,
    session: Session,
    Form(answers): Form<PersonAnswers>,
) -> Response {
    let result = async {
        let staff = require_staff(&state, &session).await?;
        let answers = PersonAnswers {
            who: "child".into(),
            ..answers
        };
        match NewPerson::parse(&answers, today()) {
            Ok(person) => Ok(Ok(store::add_case(&state, &staff, &person).await?)),
            Err(problems) => Ok(Err((answers, problems))),
        }
    }
    .await;
    match result {
        Ok(Ok(child)) => Redirect::to(&format!("/staff/cases/{child}")).into_response(),
        Ok(Err(refused)) => match session.insert(super::pages::NEW_CASE_KEY, refused).await {
            Ok(()) => Redirect::to("/staff/cases/new").into_response(),
            Err(err) => crate::error::internal(err).into_response(),
        },
        Err(AppError::SignInRequired) => {
            Redirect::to(&sign_in_then("/staff/cases/new")).into_response()
        }
        Err(err) => err.into_response(),
    }
}
