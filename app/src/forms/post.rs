//! A step posted by a page without JavaScript ("Save and continue", "Previous", "Add More",
//! "Remove", "Save and come back later"). The step's answers are saved whatever they are (so
//! nothing typed is lost), then the person is sent where the button asked, or back to the
//! same step with its problems when Continue finds some.

use axum::{
    extract::{Form, Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use tower_sessions::Session;

use super::{
    api::server::{today, FORM_ROLES},
    store,
    wizard::StepAction,
};
use crate::{
    auth::{api::server::signed_in, pages::sign_in_then},
    error::AppError,
    platform::AppState,
};

/// A step posted after the session had ended: kept in the new (signed-out) session, and saved
/// once the owner of the draft has signed in again and the step opens.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct UnsavedStep {
    pub draft: String,
    pub step: String,
    pub pairs: Vec<(String, String)>,
}

pub const UNSAVED_STEP_KEY: &str = "unsaved_step";

fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

pub async fn save_step(
    State(state): State<AppState>,
    session: Session,
    Path((draft_id, step_id)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    match save(&state, &session, &draft_id, &step_id, pairs.clone()).await {
        Ok(to) => see_other(&to),
        Err(AppError::SignInRequired) => {
            let unsaved = UnsavedStep {
                draft: draft_id.clone(),
                step: step_id.clone(),
                pairs,
            };
            if let Err(err) = session.insert(UNSAVED_STEP_KEY, unsaved).await {
                return crate::error::internal(err).into_response();
            }
            see_other(&sign_in_then(&format!("/drafts/{draft_id}/{step_id}")))
        }
        Err(err) => err.into_response(),
    }
}

async fn save(
    state: &AppState,
    session: &Session,
    draft_id: &str,
    step_id: &str,
    pairs: Vec<(String, String)>,
) -> Result<String, AppError> {
    let account = signed_in(state, session)
        .await?
        .ok_or(AppError::SignInRequired)?;
    if !FORM_ROLES.contains(&account.role) {
        return Err(AppError::Forbidden);
    }
    let mut draft = store::find_draft_for_user(state.db.pool(), account.id, draft_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = state
        .forms
        .get(&draft.form_id, draft.form_version)
        .ok_or(AppError::NotFound)?;
    let index = form
        .steps
        .iter()
        .position(|s| s.id == step_id)
        .ok_or(AppError::NotFound)?;
    let step = &form.steps[index];
    let action = pairs
        .iter()
        .find(|(k, _)| k == "__action")
        .and_then(|(_, v)| StepAction::parse(v))
        .unwrap_or(StepAction::Continue);
    // Applied to the newest saved answers: another window's changes to other steps are kept.
    let mut tries = 0;
    let (answers, added) = loop {
        let mut answers = draft.answers.clone();
        answers.replace_step(step, &pairs);
        let mut added = None;
        match &action {
            StepAction::Add(section_id) => {
                if let Some(section) = step.sections.iter().find(|s| &s.id == section_id) {
                    let max = section.repeat.as_ref().map_or(0, |r| r.max as usize);
                    let shown = form.item_count(section, &answers);
                    // An ordinary section always shows its items; add after those shown.
                    while answers.items(section_id).len() < shown {
                        answers.add_item(section_id);
                    }
                    if shown < max {
                        added = Some(answers.add_item(section_id));
                    }
                }
            }
            StepAction::Remove(section_id, item)
                if step
                    .sections
                    .iter()
                    .any(|s| &s.id == section_id && s.repeat.is_some()) =>
            {
                answers.remove_item(section_id, *item);
            }
            _ => {}
        }
        form.check_shape(&answers).map_err(AppError::Invalid)?;
        match store::save_answers(state.db.pool(), &draft, draft.version, &answers, step_id).await?
        {
            store::Saved::Saved { .. } => break (answers, added),
            store::Saved::Stale(latest) if tries < 3 => {
                tries += 1;
                draft = latest;
            }
            store::Saved::Stale(_) => {
                return Err(AppError::invalid(
                    "This form is being changed somewhere else at the same time. Try again.",
                ))
            }
        }
    };
    let base = format!("/drafts/{draft_id}");
    Ok(match action {
        StepAction::Continue => {
            if form.check_step(step, &answers, today()).is_empty() {
                let next = form
                    .steps
                    .get(index + 1)
                    .map_or("summary", |s| s.id.as_str());
                format!("{base}/{next}")
            } else {
                format!("{base}/{step_id}?check=1#error-summary")
            }
        }
        StepAction::Previous => match index.checked_sub(1) {
            Some(previous) => format!("{base}/{}", form.steps[previous].id),
            None => format!("{base}/{step_id}"),
        },
        StepAction::Exit => {
            let (child,): (String,) =
                sqlx::query_as("SELECT public_id FROM children WHERE id = $1")
                    .bind(draft.child_id)
                    .fetch_one(state.db.pool())
                    .await?;
            format!("/children/{child}/forms?saved=1")
        }
        StepAction::Add(section) => match added {
            Some(i) => format!("{base}/{step_id}#{section}-{i}"),
            None => format!("{base}/{step_id}#{section}-add"),
        },
        StepAction::Remove(section, _) => format!("{base}/{step_id}#{section}-add"),
    })
}

/// Saves a step that was posted while signed out (see `UnsavedStep`) into `draft`, if it is
/// this draft's. Called when the draft opens after signing in again.
pub async fn apply_unsaved_step(
    state: &AppState,
    session: &Session,
    draft: &mut store::Draft,
    form: &super::schema::FormDefinition,
) -> Result<(), AppError> {
    let Some(unsaved) = session
        .get::<UnsavedStep>(UNSAVED_STEP_KEY)
        .await
        .map_err(crate::error::internal)?
    else {
        return Ok(());
    };
    session
        .remove_value(UNSAVED_STEP_KEY)
        .await
        .map_err(crate::error::internal)?;
    let Some(step) = form.steps.iter().find(|s| s.id == unsaved.step) else {
        return Ok(());
    };
    if unsaved.draft != draft.public_id {
        return Ok(());
    }
    let mut answers = draft.answers.clone();
    answers.replace_step(step, &unsaved.pairs);
    if form.check_shape(&answers).is_err() {
        return Ok(());
    }
    if let store::Saved::Saved { version, at } =
        store::save_answers(state.db.pool(), draft, draft.version, &answers, &step.id).await?
    {
        draft.answers = answers;
        draft.version = version;
        draft.updated_at = at;
    }
    Ok(())
}
