//! Picking up an advice request: a plain form's button, the same with JavaScript on or off.

use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use crate::{
    advice::store::{
        claim_request, find_request_for_professional, hand_over_draft, link_draft,
        still_in_organisation,
    },
    advice::{AdviceProgress, AdviceRequest},
    auth::{api::server::signed_in, return_path::sign_in_then, ssr::accounts::Audit},
    error::AppError,
    people::Relationship,
    platform::{db::unix_now, AppState},
    role::Role,
};

/// `POST /advice/{id}/pick-up`: the signed-in professional takes the request on. It must be
/// asked of an organisation they belong to (anyone else is told it does not exist). Nobody
/// may have it yet, or whoever had it must have left the organisation: then their draft comes
/// with it. They are linked to the child, the advice form for its kind becomes their draft,
/// and it opens. Picking up one's own request again just opens it.
pub async fn pick_up(
    State(state): State<AppState>,
    session: Session,
    Path(request_id): Path<String>,
) -> Response {
    match pick_up_inner(&state, &session, &request_id).await {
        Ok(Some(draft)) => Redirect::to(&format!("/drafts/{draft}")).into_response(),
        Ok(None) => Redirect::to("/professional").into_response(),
        Err(AppError::SignInRequired) => {
            Redirect::to(&sign_in_then("/professional")).into_response()
        }
        Err(err) => err.into_response(),
    }
}

/// The draft to open, or `None` when there is none (the advice is with the SEN team).
async fn pick_up_inner(
    state: &AppState,
    session: &Session,
    request_id: &str,
) -> Result<Option<String>, AppError> {
    let account = signed_in(state, session)
        .await?
        .ok_or(AppError::SignInRequired)?;
    if account.role != Role::Professional {
        return Err(AppError::NotFound);
    }
    let today = crate::status::store::today();
    let mut tx = state.db.begin().await?;
    let request = find_request_for_professional(&mut tx, account.id, request_id, today)
        .await?
        .ok_or(AppError::NotFound)?;
    if request.progress == AdviceProgress::Accepted {
        return Err(AppError::invalid(
            "The SEN team has already accepted this advice: there is nothing more to do.",
        ));
    }
    if request.picked_up_by == Some(account.id) {
        return Ok(request.draft);
    }
    if !still_in_organisation(&mut tx, request.id, account.id).await? {
        return Err(AppError::NotFound);
    }
    if let Some(holder) = request.picked_up_by {
        if still_in_organisation(&mut tx, request.id, holder).await? {
            return Err(taken(&request));
        }
    }
    if !claim_request(
        &mut tx,
        request.id,
        account.id,
        request.picked_up_by,
        unix_now(),
    )
    .await?
    {
        return Err(AppError::invalid(
            "Someone else in your organisation picked this request up a moment ago. Your caseload shows who.",
        ));
    }
    crate::people::store::link_child(
        &mut tx,
        request.child_id,
        account.id,
        Relationship::Professional,
        true,
    )
    .await?;
    let draft = match request.progress {
        // Nothing written yet: the advice form for its kind, the child's details filled in.
        AdviceProgress::NotPickedUp => {
            let form = crate::advice::form_for(&state.forms, request.kind).ok_or_else(|| {
                crate::error::internal(format!("no advice form for {:?}", request.kind))
            })?;
            let summary = child_summary(&mut tx, request.child_id).await?;
            let id = crate::forms::store::insert_draft(
                &mut *tx,
                request.child_id,
                account.id,
                &form.id,
                form.version,
                &form.steps[0].id,
                &crate::forms::api::server::prefilled(&form, &summary),
            )
            .await?;
            link_draft(&mut tx, &id, request.id).await?;
            Some(id)
        }
        // Taken over from someone who left: their draft, if there is one, is now this person's.
        _ => hand_over_draft(&mut tx, request.id, account.id).await?,
    };
    Audit::of(Some(account.id), "advice_picked_up", "")
        .child(request.child_id)
        .detail(&format!(
            "{} for {}",
            request.kind.label(),
            request.organisation
        ))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(draft)
}

fn taken(request: &AdviceRequest) -> AppError {
    let by = match &request.progress {
        AdviceProgress::Writing { by } | AdviceProgress::Returned { by } => by.clone(),
        _ => "someone else".to_owned(),
    };
    AppError::invalid(format!(
        "{by} has picked this request up. They can carry on with it; if they leave {}, anyone there can take it over.",
        request.organisation
    ))
}

async fn child_summary(
    conn: &mut sqlx::AnyConnection,
    child_id: i64,
) -> Result<crate::people::ChildSummary, AppError> {
    let (id, first_name, last_name, date_of_birth): (String, String, String, String) =
        sqlx::query_as(
            "SELECT public_id, first_name, last_name, date_of_birth FROM children WHERE id = $1",
        )
        .bind(child_id)
        .fetch_one(conn)
        .await?;
    Ok(crate::people::ChildSummary {
        id,
        first_name,
        last_name,
        date_of_birth,
    })
}

/// The consultation answer form, as posted.
#[derive(serde::Deserialize)]
pub struct AnswerPosted {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    reasons: String,
}

/// `POST /consultations/{id}/answer`: a member of the school or setting consulted answers,
/// once. A refused answer comes back to its page with what was typed.
pub async fn answer_consultation(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    axum::extract::Form(posted): axum::extract::Form<AnswerPosted>,
) -> Response {
    let page = format!("/consultations/{id}");
    match answer_inner(&state, &session, &id, &posted).await {
        Ok(()) => Redirect::to("/professional").into_response(),
        Err(AppError::SignInRequired) => Redirect::to(&sign_in_then(&page)).into_response(),
        Err(AppError::Field { field, message }) => {
            let problem = crate::error::FieldError {
                target: if field == "answer" {
                    "answer-can_meet".to_owned()
                } else {
                    field.clone()
                },
                field,
                message,
            };
            let kept = (posted.answer, posted.reasons, vec![problem]);
            match session.insert(super::pages::ANSWER_REFUSED_KEY, kept).await {
                Ok(()) => Redirect::to(&page).into_response(),
                Err(err) => crate::error::internal(err).into_response(),
            }
        }
        Err(err) => err.into_response(),
    }
}

async fn answer_inner(
    state: &AppState,
    session: &Session,
    id: &str,
    posted: &AnswerPosted,
) -> Result<(), AppError> {
    let account = signed_in(state, session)
        .await?
        .ok_or(AppError::SignInRequired)?;
    if account.role != Role::Professional {
        return Err(AppError::NotFound);
    }
    let consultation =
        crate::advice::store::find_consultation_for_professional(state.db.pool(), account.id, id)
            .await?
            .ok_or(AppError::NotFound)?;
    let answer = crate::advice::ConsultationAnswer::parse(&posted.answer).ok_or_else(|| {
        AppError::field(
            "answer",
            format!(
                "Choose whether {} can meet the needs",
                consultation.organisation
            ),
        )
    })?;
    let reasons = posted.reasons.trim();
    if reasons.is_empty() {
        return Err(AppError::field(
            "reasons",
            "Give your reasons: the SEN team and the family rely on them",
        ));
    }
    if reasons.chars().count() > 4000 {
        return Err(AppError::field(
            "reasons",
            "Keep your reasons to 4,000 characters or fewer",
        ));
    }
    let mut tx = state.db.begin().await?;
    if !crate::advice::store::answer_consultation(
        &mut tx,
        consultation.id,
        answer,
        reasons,
        account.id,
        unix_now(),
    )
    .await?
    {
        return Err(AppError::invalid(
            "This consultation has already been answered: your caseload shows the answer.",
        ));
    }
    Audit::of(Some(account.id), "consultation_answered", "")
        .child(consultation.child_id)
        .detail(&format!(
            "{}: {}",
            consultation.organisation,
            answer.label()
        ))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// `POST /professional/request`: a school or setting asks for an assessment. In one transaction:
/// the child is recorded and linked to them, the case starts (on the dashboard, its clock not
/// yet started), the parent's account is linked (unconfirmed, as a parent's own Add Person is)
/// and asked for consent (E2) by a portal message and email, or an address without an account
/// is invited to register; then the request form opens, the child's details filled in. A
/// refused request comes back with what was typed.
pub async fn start_setting_request(
    State(state): State<AppState>,
    session: Session,
    axum::extract::Form(typed): axum::extract::Form<super::pages::SettingRequest>,
) -> Response {
    match setting_request_inner(&state, &session, &typed).await {
        Ok(Ok(draft)) => Redirect::to(&format!("/drafts/{draft}")).into_response(),
        Ok(Err(problems)) => refused(&session, typed, problems).await,
        Err(AppError::SignInRequired) => {
            Redirect::to(&sign_in_then("/professional/request")).into_response()
        }
        Err(err) => err.into_response(),
    }
}

async fn refused(
    session: &Session,
    typed: super::pages::SettingRequest,
    problems: Vec<crate::error::FieldError>,
) -> Response {
    match session
        .insert(super::pages::REQUEST_REFUSED_KEY, (typed, problems))
        .await
    {
        Ok(()) => Redirect::to("/professional/request").into_response(),
        Err(err) => crate::error::internal(err).into_response(),
    }
}

async fn setting_request_inner(
    state: &AppState,
    session: &Session,
    typed: &super::pages::SettingRequest,
) -> Result<Result<String, Vec<crate::error::FieldError>>, AppError> {
    let account = signed_in(state, session)
        .await?
        .ok_or(AppError::SignInRequired)?;
    if account.role != Role::Professional {
        return Err(AppError::NotFound);
    }
    let today = crate::status::store::today();
    let child = crate::people::NewPerson::parse(&typed.person(), today);
    let mut problems = child.as_ref().err().cloned().unwrap_or_default();
    let email = typed.parent_email.trim().to_lowercase();
    let problem = |field: &str, message: &str| crate::error::FieldError {
        field: field.into(),
        target: field.into(),
        message: message.into(),
    };
    if email.is_empty() {
        problems.push(problem(
            "parent_email",
            "Enter their parent's or carer's email address",
        ));
    } else if crate::values::EmailAddress::parse(&email).is_err() {
        problems.push(problem(
            "parent_email",
            "Enter an email address in the correct format, like name@example.com",
        ));
    }
    let form = super::pages::SETTING_FORMS
        .iter()
        .find(|(id, _)| *id == typed.form)
        .and_then(|(id, _)| state.forms.latest(id));
    if form.is_none() {
        problems.push(problem("form", "Choose which request you are making"));
    }
    let parent = crate::auth::ssr::accounts::find_account_by_email(state, &email).await?;
    if parent.as_ref().is_some_and(|p| p.role != Role::Citizen) {
        problems.push(problem(
            "parent_email",
            "That address belongs to a professional's or the council's account: enter the parent's own",
        ));
    }
    let (Some(form), Ok(child), true) = (form, child, problems.is_empty()) else {
        return Ok(Err(problems));
    };
    let mut tx = state.db.begin().await?;
    let record = crate::people::store::insert_child(
        &mut tx,
        &child.first_name,
        &child.last_name,
        &child.date_of_birth.iso(),
        Some(account.id),
    )
    .await?;
    crate::people::store::link_child(
        &mut tx,
        record.id,
        account.id,
        Relationship::Professional,
        true,
    )
    .await?;
    crate::status::store::ensure_case(&mut tx, record.id).await?;
    let first = &child.first_name;
    let email_out = match &parent {
        Some(parent) => {
            crate::people::store::link_child(
                &mut tx,
                record.id,
                parent.id,
                Relationship::ParentCarer,
                false,
            )
            .await?;
            let (_, queued) = crate::messages::store::write_message(
                &mut tx,
                state,
                &crate::messages::store::NewMessage {
                    recipient_id: parent.id,
                    sender_id: Some(account.id),
                    child_id: Some(record.id),
                    case_child_id: None,
                    subject: format!("Your consent for an EHC needs assessment for {first}"),
                    body: format!(
                        "{} is asking the council for an Education, Health and Care needs assessment for {first}. \
                         The council needs your consent, and would like to know who it may ask for advice: \
                         please fill in E2 Parental Consent with the button below.",
                        account.full_name
                    ),
                    action: Some(crate::messages::store::FormRequest {
                        form_id: crate::forms::consent::CONSENT_FORM.to_owned(),
                        due_on: crate::status::timeline::add_days(today, 14),
                    }),
                },
            )
            .await?;
            queued
        }
        None => {
            sqlx::query(
                "INSERT INTO invitations (email, child_id, relationship, invited_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&email)
            .bind(record.id)
            .bind(Relationship::ParentCarer.as_str())
            .bind(account.id)
            .bind(unix_now())
            .execute(&mut *tx)
            .await?;
            state
                .outbox
                .write(&mut tx, &crate::platform::Email {
                    to: email.clone(),
                    subject: format!("{}: you are invited to the SEND portal", state.site.council_name),
                    text: format!(
                        "{} has asked the council for an Education, Health and Care needs assessment for {first}.\n\n\
                         Register with this email address ({email}) at {}/register . Once you have confirmed your address, \
                         {first} will be in your SEND area, and the SEN team will ask for your consent there.\n\n\
                         If you did not expect this email, you can ignore it.\n",
                        account.full_name, state.runtime.base_url
                    ),
                })
                .await?
        }
    };
    let draft = crate::forms::store::insert_draft(
        &mut *tx,
        record.id,
        account.id,
        &form.id,
        form.version,
        &form.steps[0].id,
        &crate::forms::api::server::prefilled(&form, &record.summary),
    )
    .await?;
    Audit::of(Some(account.id), "assessment_requested_by_setting", "")
        .child(record.id)
        .detail(&form.title)
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    email_out.wake();
    Ok(Ok(draft))
}
