//! Files attached to a form's answers: upload (with the page's scripts, one request per file,
//! so the browser can show progress), the type checked from the content, storage under a
//! random key, and download as an attachment by people allowed to see the form.
//!
//! A file belongs to a draft until the draft is submitted, then to the submission. The
//! answer of an attachments field holds the ids of its files.

use std::collections::HashSet;

use axum::{
    extract::{Multipart, Path, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use bytes::Bytes;
use tower_sessions::Session;

use super::store::Draft;
use crate::{
    auth::{api::server::signed_in, ssr::accounts::Audit},
    documents::files::{clean_name, content_disposition, refusal, sniff},
    documents::AttachmentInfo,
    error::AppError,
    formdef::{
        answers::{Answer, Answers, StepTooLarge, MAX_STEP_PAIRS, MAX_STEP_TEXT_BYTES},
        schema::{FieldKind, FormDefinition},
    },
    ids,
    platform::{db::unix_now, AppState},
};

/// `section.index.field` of an attachments field of this form, or `None`.
pub fn attachment_path(form: &FormDefinition, path: &str) -> Option<(String, usize, String)> {
    let mut bits = path.splitn(3, '.');
    let (section, index, field) = (bits.next()?, bits.next()?, bits.next()?);
    let index: usize = index.parse().ok()?;
    let section_def = form.sections().find(|s| s.id == section)?;
    let field_def = section_def.fields.iter().find(|f| f.id == field)?;
    if field_def.kind != FieldKind::Attachments {
        return None;
    }
    let max_items = section_def.repeat.as_ref().map_or(1, |r| r.max as usize);
    (index < max_items).then(|| (section.to_owned(), index, field.to_owned()))
}

/// Stores one file for a draft and records it. The caller has checked type and size.
pub async fn store_file(
    state: &AppState,
    draft: &Draft,
    user_id: i64,
    path: &str,
    name: &str,
    content: Bytes,
) -> Result<AttachmentInfo, AppError> {
    let content_type = sniff(&content).ok_or_else(|| AppError::invalid("unknown type"))?;
    let size = content.len() as i64;
    let key = state.storage.put(content).await?;
    let public_id = ids::token(12);
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "INSERT INTO attachments (public_id, draft_id, child_id, uploaded_by, answer_path, file_name, content_type, size_bytes, storage_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&public_id)
    .bind(draft.id)
    .bind(draft.child_id)
    .bind(user_id)
    .bind(path)
    .bind(name)
    .bind(content_type)
    .bind(size)
    .bind(&key)
    .bind(unix_now())
    .execute(&mut *tx)
    .await?;
    Audit::of(Some(user_id), "file_uploaded", "")
        .child(draft.child_id)
        .detail(&public_id)
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(AttachmentInfo {
        id: public_id,
        name: name.to_owned(),
        size: size as u64,
        content_type: content_type.to_owned(),
    })
}

/// Every attachments answer given: (section, item, field) and the file ids it names.
fn attachment_answers(
    form: &FormDefinition,
    answers: &Answers,
) -> Vec<(String, usize, String, Vec<String>)> {
    let mut found = Vec::new();
    for section in form.sections() {
        for field in section
            .fields
            .iter()
            .filter(|f| f.kind == FieldKind::Attachments)
        {
            for index in 0..answers.items(&section.id).len() {
                if let Some(Answer::Many(ids)) = answers.get(&section.id, index, &field.id) {
                    found.push((section.id.clone(), index, field.id.clone(), ids.clone()));
                }
            }
        }
    }
    found
}

/// The ids of every file the answers name.
pub fn named_files(form: &FormDefinition, answers: &Answers) -> Vec<String> {
    attachment_answers(form, answers)
        .into_iter()
        .flat_map(|(.., ids)| ids)
        .collect()
}

/// Takes a file off whichever attachments answer names it.
pub fn detach(form: &FormDefinition, answers: &mut Answers, file: &str) {
    for (section, index, field, ids) in attachment_answers(form, answers) {
        if ids.iter().any(|id| id == file) {
            let kept = ids.into_iter().filter(|id| id != file).collect();
            answers.set(&section, index, &field, Answer::Many(kept));
        }
    }
}

/// Gives each file the answers name its new id (the files were copied to a new draft).
pub fn rename_files(
    form: &FormDefinition,
    answers: &mut Answers,
    renamed: &std::collections::HashMap<String, String>,
) {
    for (section, index, field, ids) in attachment_answers(form, answers) {
        let ids = ids
            .into_iter()
            .map(|id| renamed.get(&id).cloned().unwrap_or(id))
            .collect();
        answers.set(&section, index, &field, Answer::Many(ids));
    }
}

/// Refuses answers that name a file this draft does not have.
pub fn check_files(
    form: &FormDefinition,
    answers: &Answers,
    known: &[AttachmentInfo],
) -> Result<(), AppError> {
    let known: HashSet<&str> = known.iter().map(|f| f.id.as_str()).collect();
    if named_files(form, answers)
        .iter()
        .any(|id| !known.contains(id.as_str()))
    {
        return Err(AppError::invalid(
            "A file in these answers is not attached to this form. Reload the page and try again.",
        ));
    }
    Ok(())
}

/// A stored file of a draft.
#[derive(sqlx::FromRow)]
struct DraftFile {
    id: i64,
    public_id: String,
    storage_key: String,
}

/// Forgets, in the caller's transaction, the files of a draft that no answer names (removed,
/// or uploaded and never saved); returns their storage keys, for `delete_stored` once the
/// transaction is committed.
pub async fn forget_unused(
    tx: &mut sqlx::AnyConnection,
    draft_id: i64,
    form: &FormDefinition,
    answers: &Answers,
) -> Result<Vec<String>, AppError> {
    let named: HashSet<String> = named_files(form, answers).into_iter().collect();
    let files: Vec<DraftFile> =
        sqlx::query_as("SELECT id, public_id, storage_key FROM attachments WHERE draft_id = $1")
            .bind(draft_id)
            .fetch_all(&mut *tx)
            .await?;
    let mut keys = Vec::new();
    for file in files.into_iter().filter(|f| !named.contains(&f.public_id)) {
        sqlx::query("DELETE FROM attachments WHERE id = $1")
            .bind(file.id)
            .execute(&mut *tx)
            .await?;
        keys.push(file.storage_key);
    }
    Ok(keys)
}

/// Deletes forgotten files from storage. A file that cannot be deleted now is logged and left:
/// nothing refers to it any more, and the change that forgot it has already been saved.
pub async fn delete_stored(state: &AppState, keys: &[String]) {
    for key in keys {
        if let Err(error) = state.storage.delete(key).await {
            tracing::warn!(%key, ?error, "could not delete a forgotten file from storage");
        }
    }
}

/// A file read from a multipart body, whole, refused early when over the limit.
pub struct Upload {
    pub field: String,
    pub name: String,
    pub content: Result<Bytes, String>,
}

/// Reads a multipart body: text fields as pairs, files as `Upload`s (empty file inputs, which
/// browsers send when nothing was chosen, are left out). Held to a posted step's limits as it
/// is read: at most `MAX_STEP_PAIRS` parts and `MAX_STEP_TEXT_BYTES` of names and text;
/// each file is held to `limit` on its own.
pub async fn read_multipart(
    mut body: Multipart,
    limit: u64,
) -> Result<(Vec<(String, String)>, Vec<Upload>), AppError> {
    let mut pairs = Vec::new();
    let mut uploads = Vec::new();
    let mut parts = 0usize;
    let mut text = 0usize;
    let bad = |_| AppError::invalid("The upload did not arrive whole. Try again.");
    while let Some(mut field) = body.next_field().await.map_err(bad)? {
        parts += 1;
        if parts > MAX_STEP_PAIRS {
            return Err(StepTooLarge::TooManyPairs.into());
        }
        let key = field.name().unwrap_or_default().to_owned();
        text += key.len();
        if text > MAX_STEP_TEXT_BYTES {
            return Err(StepTooLarge::TooMuchText.into());
        }
        match field.file_name().map(str::to_owned) {
            None => {
                let mut value = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    text += chunk.len();
                    if text > MAX_STEP_TEXT_BYTES {
                        return Err(StepTooLarge::TooMuchText.into());
                    }
                    value.extend_from_slice(&chunk);
                }
                pairs.push((key, String::from_utf8_lossy(&value).into_owned()));
            }
            // A file input where nothing was chosen.
            Some(raw) if raw.is_empty() => while field.chunk().await.map_err(bad)?.is_some() {},
            Some(raw) => {
                let name = clean_name(&raw);
                let mut content = Vec::new();
                let mut too_big = false;
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    if content.len() as u64 + chunk.len() as u64 > limit {
                        too_big = true;
                        break;
                    }
                    content.extend_from_slice(&chunk);
                }
                let content = if too_big {
                    Err(format!(
                        "The file ‘{name}’ is larger than {} MB. Choose a smaller file",
                        limit / (1024 * 1024)
                    ))
                } else {
                    match refusal(&name, content.len() as u64, limit, &content) {
                        Some(message) => Err(message),
                        None => Ok(Bytes::from(content)),
                    }
                };
                uploads.push(Upload {
                    field: key,
                    name,
                    content,
                });
            }
        }
    }
    Ok((pairs, uploads))
}

/// Reads a plain multipart form (a message, a shared document): its text fields, and its files
/// as (name, content). A file refused as it was read (too big, the wrong type) is a problem
/// with `file_field`. The text fields are given to `kept` as soon as they are read, so a
/// refusal can give back what was typed.
pub async fn read_form_with_files(
    body: Multipart,
    limit: u64,
    file_field: &str,
    kept: &mut Vec<(String, String)>,
) -> Result<Vec<(String, Bytes)>, AppError> {
    let (pairs, uploads) = read_multipart(body, limit).await?;
    *kept = pairs;
    uploads
        .into_iter()
        .map(|upload| {
            upload
                .content
                .map(|content| (upload.name, content))
                .map_err(|m| AppError::field(file_field, m))
        })
        .collect()
}

#[derive(serde::Serialize)]
struct UploadReply {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<AttachmentInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn reply(status: StatusCode, file: Option<AttachmentInfo>, error: Option<String>) -> Response {
    (status, Json(UploadReply { file, error })).into_response()
}

/// `POST /drafts/{draft}/files`: one file (`file`) for the attachments field named by `path`
/// (`section.index.field`). Answers JSON: `{"file": {...}}` or `{"error": "..."}`. The page
/// adds the file's id to its answers and saves them as usual.
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    Path(draft_id): Path<String>,
    body: Multipart,
) -> Response {
    match upload_inner(&state, &session, &draft_id, body).await {
        Ok(file) => reply(StatusCode::OK, Some(file), None),
        Err(AppError::Invalid(message)) => reply(StatusCode::BAD_REQUEST, None, Some(message)),
        Err(err) => {
            let status =
                StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            reply(status, None, Some(err.to_string()))
        }
    }
}

async fn upload_inner(
    state: &AppState,
    session: &Session,
    draft_id: &str,
    body: Multipart,
) -> Result<AttachmentInfo, AppError> {
    let account = signed_in(state, session)
        .await?
        .ok_or(AppError::SignInRequired)?;
    if !crate::people::access::FORM_ROLES.contains(&account.role) {
        return Err(AppError::Forbidden);
    }
    let draft = super::store::find_draft_for_user(state.db.pool(), account.id, draft_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = state
        .forms
        .get(&draft.form_id, draft.form_version)
        .ok_or(AppError::NotFound)?;
    let (pairs, mut uploads) = read_multipart(body, state.storage.max_upload_bytes).await?;
    let path = pairs
        .iter()
        .find(|(k, _)| k == "path")
        .map(|(_, v)| v.clone())
        .and_then(|p| attachment_path(&form, &p).map(|_| p))
        .ok_or_else(|| AppError::invalid("Choose where the file belongs and try again."))?;
    let upload = uploads
        .pop()
        .ok_or_else(|| AppError::invalid("Choose a file to upload"))?;
    let content = upload.content.map_err(AppError::Invalid)?;
    store_file(state, &draft, account.id, &path, &upload.name, content).await
}

/// `GET /files/{id}`: the file, as an attachment, to the owner of its draft or to people
/// linked to the child once it is submitted. Anyone else gets "not found".
pub async fn download(
    State(state): State<AppState>,
    session: Session,
    Path(file_id): Path<String>,
) -> Response {
    match download_inner(&state, &session, &file_id).await {
        Ok(response) => response,
        Err(err) => err.into_response(),
    }
}

async fn download_inner(
    state: &AppState,
    session: &Session,
    file_id: &str,
) -> Result<Response, AppError> {
    let account = signed_in(state, session)
        .await?
        .ok_or(AppError::SignInRequired)?;
    let staff = crate::role::Role::STAFF.contains(&account.role);
    let file = super::store::find_file_for_user(state.db.pool(), account.id, staff, file_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (name, content_type, key, child_id) = (
        file.file_name,
        file.content_type,
        file.storage_key,
        file.child_id,
    );
    let content = state.storage.get(&key).await?;
    crate::auth::ssr::accounts::audit(
        state,
        Audit::of(Some(account.id), "file_downloaded", "")
            .child(child_id)
            .detail(file_id),
    )
    .await?;
    let disposition = content_disposition(&name);
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_str(&content_type)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        content,
    )
        .into_response())
}
