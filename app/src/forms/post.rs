//! A step posted to the server: "Save and continue", "Previous", "Add More", "Remove",
//! "Upload", "Save and come back later", "Accept" on the declaration, and (from the page's
//! scripts) the quiet autosave. The step's answers are saved whatever they are (so nothing
//! typed is lost), then the person is sent where the button asked, or shown the same step
//! with its problems.
//!
//! One function, `apply`, does it for both ways in: a plain form post without JavaScript
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
    api::{server::today, StepReply},
    files::{self, Upload},
    render::{self, DECLARATION},
    store,
    wizard::StepAction,
};
use crate::{
    auth::{api::server::signed_in, return_path::sign_in_then, ssr::accounts::Account},
    error::{AppError, FieldError},
    formdef::{
        answers::{
            check_step_size, field_dom_id, Answer, StepTooLarge, MAX_STEP_PAIRS,
            MAX_STEP_TEXT_BYTES,
        },
        schema::FormDefinition,
    },
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
    session
        .remove::<Vec<FieldError>>(PROBLEMS_KEY)
        .await
        .map(Option::unwrap_or_default)
        .map_err(crate::error::internal)
}

/// What a posted step comes to.
pub enum Next {
    /// Saved quietly (autosave).
    Saved,
    /// Open this address.
    Go(String),
    /// Show the same step again, with these problems (none after Add More or Remove);
    /// `focus` is the element to move to.
    Show {
        errors: Vec<FieldError>,
        focus: Option<String>,
    },
    /// The page's copy was older than what is stored: nothing was written.
    Conflict { html: String },
}

pub struct Applied {
    pub next: Next,
    pub version: i64,
    pub saved_at: i64,
    /// Set when `next` is `Show`: the step's page as it is now.
    pub html: Option<String>,
}

/// Whether a post must name the version it was based on (the page's scripts) or is applied
/// to whatever is newest (a page without JavaScript, whose post replaces only its own step).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Versioning {
    Strict,
    Merge,
}

/// Saves a posted step and works out what comes next. A step larger than any form's is
/// refused (`AppError::TooLarge`) before anything else.
pub async fn apply(
    state: &AppState,
    account: &Account,
    draft_id: &str,
    step_id: &str,
    pairs: Vec<(String, String)>,
    uploads: Vec<Upload>,
    versioning: Versioning,
) -> Result<Applied, AppError> {
    check_step_size(&pairs)?;
    let (mut draft, form) = super::api::server::own_draft(state, account, draft_id).await?;
    let value = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let action = value("__action")
        .and_then(StepAction::parse)
        .unwrap_or(StepAction::Continue);
    let based_on: Option<i64> = value("__version").and_then(|v| v.parse().ok());
    if step_id == DECLARATION {
        // The declaration has no answers to save: only Accept does anything there.
        return match action {
            StepAction::Accept => accept(state, account, &draft, &form, &pairs).await,
            _ => Ok(Applied {
                next: Next::Saved,
                version: draft.version,
                saved_at: draft.updated_at,
                html: None,
            }),
        };
    }
    let index = form
        .steps
        .iter()
        .position(|s| s.id == step_id)
        .ok_or(AppError::NotFound)?;
    let step = &form.steps[index];

    // Chosen files are stored first; their ids join the answers below.
    let mut problems = Vec::new();
    let mut stored = Vec::new();
    for upload in uploads {
        let Some((section, item, field)) = files::attachment_path(&form, &upload.field)
            .filter(|(section, ..)| step.sections.iter().any(|s| &s.id == section))
        else {
            continue;
        };
        let dom_id = field_dom_id(&section, item, &field);
        match upload.content {
            Err(message) => problems.push(FieldError {
                field: dom_id.clone(),
                target: dom_id,
                message,
            }),
            Ok(content) => {
                let info = files::store_file(
                    state,
                    &draft,
                    account.id,
                    &upload.field,
                    &upload.name,
                    content,
                )
                .await?;
                stored.push((section, item, field, info.id));
            }
        }
    }

    let mut tries = 0;
    let (answers, version, saved_at, added) = loop {
        if versioning == Versioning::Strict && based_on.is_some_and(|v| v != draft.version) {
            let mut mine = draft.answers.clone();
            mine.replace_step(step, &pairs);
            return Ok(Applied {
                next: Next::Conflict {
                    html: render::conflict_html(&form, &mine, &draft.answers),
                },
                version: draft.version,
                saved_at: draft.updated_at,
                html: None,
            });
        }
        let mut answers = draft.answers.clone();
        answers.replace_step(step, &pairs);
        for (section, item, field, id) in &stored {
            let max = step
                .sections
                .iter()
                .find(|s| &s.id == section)
                .and_then(|s| s.fields.iter().find(|f| &f.id == field))
                .map_or(0, |f| f.max_files() as usize);
            let mut ids = answers
                .get(section, *item, field)
                .map(|a| a.many().to_vec())
                .unwrap_or_default();
            if ids.len() < max {
                ids.push(id.clone());
                answers.set(section, *item, field, Answer::Many(ids));
            } else if tries == 0 {
                let dom_id = field_dom_id(section, *item, field);
                problems.push(FieldError {
                    field: dom_id.clone(),
                    target: dom_id,
                    message: format!(
                        "You can attach up to {max} files here. Remove one to add another"
                    ),
                });
            }
        }
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
            StepAction::RemoveFile(file) => files::detach(&form, &mut answers, file),
            _ => {}
        }
        form.check_shape(&answers).map_err(AppError::Invalid)?;
        if !files::named_files(&form, &answers).is_empty() {
            let known = crate::documents::files::files_of_draft(state.db.pool(), draft.id).await?;
            files::check_files(&form, &answers, &known)?;
        }
        match store::save_answers(state.db.pool(), &draft, draft.version, &answers, step_id).await?
        {
            store::Saved::Saved { version, at } => break (answers, version, at, added),
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
    if matches!(action, StepAction::RemoveFile(_)) || !stored.is_empty() {
        files::remove_unused(state, draft.id, &form, &answers).await?;
    }
    draft.answers = answers;
    draft.version = version;

    let base = format!("/drafts/{draft_id}");
    let next = match action {
        _ if !problems.is_empty() => Next::Show {
            errors: problems,
            focus: Some("error-summary".into()),
        },
        StepAction::Autosave => Next::Saved,
        StepAction::Continue => {
            let errors = form.check_step(step, &draft.answers, today());
            if errors.is_empty() {
                let next = form
                    .steps
                    .get(index + 1)
                    .map_or(render::SUMMARY, |s| s.id.as_str());
                Next::Go(format!("{base}/{next}"))
            } else {
                Next::Show {
                    errors,
                    focus: Some("error-summary".into()),
                }
            }
        }
        StepAction::Previous => match index.checked_sub(1) {
            Some(previous) => Next::Go(format!("{base}/{}", form.steps[previous].id)),
            None => Next::Go(format!("{base}/{step_id}")),
        },
        StepAction::Exit => {
            let (child,): (String,) =
                sqlx::query_as("SELECT public_id FROM children WHERE id = $1")
                    .bind(draft.child_id)
                    .fetch_one(state.db.pool())
                    .await?;
            Next::Go(format!("/children/{child}/forms?saved=1"))
        }
        StepAction::Add(section) => Next::Show {
            errors: Vec::new(),
            focus: Some(match added {
                Some(i) => format!("{section}-{i}"),
                None => format!("{section}-add"),
            }),
        },
        StepAction::Remove(section, _) => Next::Show {
            errors: Vec::new(),
            focus: Some(format!("{section}-add")),
        },
        StepAction::Upload(path) => Next::Show {
            errors: Vec::new(),
            focus: Some(path.replace('.', "-")),
        },
        StepAction::RemoveFile(_) | StepAction::Accept => Next::Show {
            errors: Vec::new(),
            focus: None,
        },
    };
    if let Next::Go(to) = &next {
        if let Some(step) = to.strip_prefix(&format!("{base}/")) {
            store::set_current_step(state.db.pool(), draft.id, step).await?;
        }
    }
    let html = match &next {
        Next::Show { errors, .. } => Some(step_html(state, &draft, &form, step_id, errors).await?),
        _ => None,
    };
    Ok(Applied {
        next,
        version,
        saved_at,
        html,
    })
}

/// The page of one step of a draft, below the site header.
pub async fn step_view(
    state: &AppState,
    draft: &store::Draft,
    form: &FormDefinition,
    step: &str,
    errors: &[FieldError],
) -> Result<leptos::prelude::AnyView, AppError> {
    let child = crate::people::store::children_of(state.db.pool(), draft.owner_id)
        .await?
        .into_iter()
        .find(|c| c.id == draft.child_id)
        .ok_or(AppError::NotFound)?;
    let files = crate::documents::files::files_of_draft(state.db.pool(), draft.id).await?;
    Ok(render::wizard_view(&render::WizardView {
        form,
        draft: &draft.public_id,
        child: &child.summary,
        answers: &draft.answers,
        files: &files,
        step,
        version: draft.version,
        today: today(),
        errors: errors.to_vec(),
    }))
}

/// The same as HTML, for the island's `StepReply::Show`.
pub async fn step_html(
    state: &AppState,
    draft: &store::Draft,
    form: &FormDefinition,
    step: &str,
    errors: &[FieldError],
) -> Result<String, AppError> {
    let view = step_view(state, draft, form, step, errors).await?;
    Ok(crate::components::to_html(|| view))
}

/// Accept on the declaration: every required answer must be there and right, and every
/// statement agreed to. The draft becomes an immutable submission with a reference, and a
/// receipt is emailed.
async fn accept(
    state: &AppState,
    account: &Account,
    draft: &store::Draft,
    form: &FormDefinition,
    pairs: &[(String, String)],
) -> Result<Applied, AppError> {
    let agreed: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k.starts_with("agreed"))
        .map(|(_, v)| v.clone())
        .collect();
    match super::api::server::submit(state, account, draft, form, &agreed).await {
        Ok((id, _)) => Ok(Applied {
            next: Next::Go(format!("/submissions/{id}?submitted=1")),
            version: draft.version,
            saved_at: draft.updated_at,
            html: None,
        }),
        Err(AppError::Field { field, message }) => {
            let errors = vec![FieldError {
                field: field.clone(),
                target: field,
                message,
            }];
            let html = step_html(state, draft, form, DECLARATION, &errors).await?;
            Ok(Applied {
                next: Next::Show {
                    errors,
                    focus: Some("error-summary".into()),
                },
                version: draft.version,
                saved_at: draft.updated_at,
                html: Some(html),
            })
        }
        Err(other) => Err(other),
    }
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
        if let Err(err) = crate::auth::api::server::touch(&session).await {
            return err.into_response();
        }
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
/// this draft's. Called when the draft opens after signing in again.
pub async fn apply_unsaved_step(
    state: &AppState,
    session: &Session,
    draft: &mut store::Draft,
    form: &FormDefinition,
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
    // Checked before it was kept; checked again in case the limits have tightened since.
    if unsaved.draft != draft.public_id || check_step_size(&unsaved.pairs).is_err() {
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
