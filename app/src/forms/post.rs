//! A step posted to the server: "Save and continue", "Previous", "Add More", "Remove",
//! "Upload", "Save and come back later", "Accept" on the declaration, and (from the page's
//! scripts) the quiet autosave. The step's answers are saved whatever they are (so nothing
//! typed is lost), then the person is sent where the button asked, or shown the same step
//! with its problems.
//!
//! One function, `steps::apply`, does it for both ways in: a plain form post without JavaScript
//! (answered with a redirect, `save_step`) and the page's scripts (answered with a `StepReply`,
//! from the `save_step` server function or, for files, this handler with
//! `Accept: application/json`).

use axum::{
    body::Body,
    extract::{Form, FromRequest, Multipart, Path, Request, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use futures_util::StreamExt;
use tower_sessions::Session;

use super::{
    api::StepReply,
    files::{self, Upload},
    steps::{apply, Applied, Next, Versioning},
    store,
};
use crate::{
    auth::{api::server::signed_in, return_path::sign_in_then, ssr::accounts::Account},
    error::{AppError, FieldError},
    formdef::answers::{check_step_size, StepTooLarge, MAX_STEP_PAIRS, MAX_STEP_TEXT_BYTES},
    people::access::FORM_ROLES,
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

/// Problems from a post that the answers cannot show (a refused file, an unticked box), for
/// the page the post redirects to.
const PROBLEMS_KEY: &str = "step_problems";

/// The problems kept by the last post, removed as they are read.
pub async fn take_problems(session: &Session) -> Result<Vec<FieldError>, AppError> {
    crate::auth::api::server::take(session, PROBLEMS_KEY)
        .await
        .map(Option::unwrap_or_default)
}

/// A step arrives as an ordinary form, or as multipart when it can carry files.
async fn read_body(
    state: &AppState,
    request: Request,
) -> Result<(Vec<(String, String)>, Vec<Upload>), AppError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let unreadable = || AppError::invalid("The form did not arrive whole. Try again.");
    if multipart {
        let body = Multipart::from_request(request, state)
            .await
            .map_err(|_| unreadable())?;
        files::read_multipart(body, state.storage.max_upload_bytes).await
    } else {
        // Read no more than a step within the limits can take (see `MAX_STEP_FORM_BYTES`)
        // before parsing any of it.
        let (parts, body) = request.into_parts();
        let mut chunks = body.into_data_stream();
        let mut bytes = Vec::new();
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|_| unreadable())?;
            if bytes.len() + chunk.len() > MAX_STEP_FORM_BYTES {
                return Err(StepTooLarge::TooLong.into());
            }
            bytes.extend_from_slice(&chunk);
        }
        let request = Request::from_parts(parts, Body::from(bytes));
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, state)
            .await
            .map_err(|_| unreadable())?;
        Ok((pairs, Vec::new()))
    }
}

/// The most a signed-out post may keep in its session (form-encoded text only, no files): a
/// step posted just after the session ended is typically a few short answers, and anyone can
/// send signed-out posts.
pub const SIGNED_OUT_KEEP_BYTES: usize = 16 * 1024;

/// A step posted after the session had ended: what was typed is kept in the new session, to be
/// saved once the person has signed in again, when it is plain text of at most
/// `SIGNED_OUT_KEEP_BYTES`; anything larger, and any files, are not read at all.
async fn keep_signed_out_step(
    state: &AppState,
    session: &Session,
    draft: String,
    step: String,
    request: Request,
) -> Response {
    let form_encoded = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let back = sign_in_then(&format!("/drafts/{draft}/{step}"));
    if !form_encoded {
        return see_other(&back);
    }
    let (parts, body) = request.into_parts();
    let mut chunks = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(Ok(chunk)) = chunks.next().await {
        if bytes.len() + chunk.len() > SIGNED_OUT_KEEP_BYTES {
            tracing::info!(%draft, "a signed-out post was too long to keep");
            return see_other(&back);
        }
        bytes.extend_from_slice(&chunk);
    }
    let request = Request::from_parts(parts, Body::from(bytes));
    let Ok(Form(pairs)) = Form::<Vec<(String, String)>>::from_request(request, state).await else {
        return see_other(&back);
    };
    if check_step_size(&pairs).is_ok() {
        let unsaved = UnsavedStep { draft, step, pairs };
        if let Err(err) = session.insert(UNSAVED_STEP_KEY, unsaved).await {
            return crate::error::internal(err).into_response();
        }
    }
    see_other(&back)
}

/// The longest form-encoded step worth parsing: `MAX_STEP_TEXT_BYTES` of text, every byte
/// percent-encoded (three bytes each), and an `=` and a `&` for each of `MAX_STEP_PAIRS`
/// pairs. A longer body is over one of those limits, or padded with empty pairs.
const MAX_STEP_FORM_BYTES: usize = 3 * MAX_STEP_TEXT_BYTES + 2 * MAX_STEP_PAIRS;

fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

/// `POST /drafts/{draft}/steps/{step}`. Without JavaScript: answered with a redirect. From
/// the page's scripts (`Accept: application/json`, used for uploads with progress): answered
/// with a `StepReply`, as the `save_step` server function answers.
pub async fn save_step(
    State(state): State<AppState>,
    session: Session,
    Path((draft_id, step_id)): Path<(String, String)>,
    request: Request,
) -> Response {
    let wants_json = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    // Who is posting is known before any of the body is read: a signed-out post is read only
    // as far as what it may keep.
    let account = match signed_in(&state, &session).await {
        Ok(Some(account)) if FORM_ROLES.contains(&account.role) => account,
        Ok(Some(_)) => return AppError::Forbidden.into_response(),
        Ok(None) if wants_json => return AppError::SignInRequired.into_response(),
        Ok(None) => {
            return keep_signed_out_step(&state, &session, draft_id, step_id, request).await
        }
        Err(err) => return err.into_response(),
    };
    let (pairs, uploads) = match read_body(&state, request).await {
        Ok(body) => body,
        Err(err) => return err.into_response(),
    };
    if let Err(too_large) = check_step_size(&pairs) {
        return AppError::from(too_large).into_response();
    }
    // The page's scripts name the version they saw; a page without them is merged.
    let versioning = if wants_json {
        Versioning::Strict
    } else {
        Versioning::Merge
    };
    let applied = apply(
        &state, &account, &draft_id, &step_id, pairs, uploads, versioning,
    )
    .await;
    if wants_json {
        return match applied {
            Ok(applied) => Json(reply(applied)).into_response(),
            Err(err) => err.into_response(),
        };
    }
    match applied {
        Ok(applied) => {
            let base = format!("/drafts/{draft_id}/{step_id}");
            match applied.next {
                Next::Go(to) => see_other(&to),
                Next::Saved | Next::Conflict { .. } => see_other(&base),
                Next::Show { errors, focus } => {
                    if !errors.is_empty() {
                        if let Err(err) = session.insert(PROBLEMS_KEY, &errors).await {
                            return crate::error::internal(err).into_response();
                        }
                    }
                    match focus {
                        Some(id) => see_other(&format!("{base}#{id}")),
                        None => see_other(&base),
                    }
                }
            }
        }
        Err(err) => err.into_response(),
    }
}

/// What the page's scripts are told.
pub fn reply(applied: Applied) -> StepReply {
    let Applied {
        next,
        version,
        saved_at,
        html,
    } = applied;
    match next {
        Next::Saved => StepReply::Saved { version, saved_at },
        Next::Go(to) => StepReply::Go { to, version },
        Next::Show { focus, .. } => StepReply::Show {
            html: html.unwrap_or_default(),
            focus,
            version,
            saved_at,
        },
        Next::Conflict { html } => StepReply::Conflict {
            html,
            version,
            saved_at,
        },
    }
}

/// Saves a step that was posted while signed out (see `UnsavedStep`) into `draft`, if it is
/// this draft's, the way every step is saved (as an autosave: the person sees the step and
/// goes on from there). Called when the draft opens after signing in again.
pub async fn apply_unsaved_step(
    state: &AppState,
    account: &Account,
    session: &Session,
    draft: &mut store::Draft,
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
    if unsaved.draft != draft.public_id {
        return Ok(());
    }
    let mut pairs: Vec<(String, String)> = unsaved
        .pairs
        .into_iter()
        .filter(|(k, _)| k != "__action" && k != "__version")
        .collect();
    pairs.push(("__action".into(), "autosave".into()));
    match apply(
        state,
        account,
        &draft.public_id,
        &unsaved.step,
        pairs,
        Vec::new(),
        Versioning::Merge,
    )
    .await
    {
        // Kept answers that no longer fit the form (or its limits) are dropped, not shown as
        // an error: the step opens as it was last saved.
        Err(AppError::Invalid(_) | AppError::TooLarge(_) | AppError::NotFound) => Ok(()),
        Err(other) => Err(other),
        Ok(_) => {
            *draft = store::find_draft_for_user(state.db.pool(), account.id, &draft.public_id)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(())
        }
    }
}
