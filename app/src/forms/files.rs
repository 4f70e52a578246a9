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

use super::{
    answers::{Answer, Answers, StepTooLarge, MAX_STEP_PAIRS, MAX_STEP_TEXT_BYTES},
    api::AttachmentInfo,
    schema::{FieldKind, FormDefinition},
    store::Draft,
};
use crate::{
    auth::{api::server::signed_in, ssr::accounts::Audit},
    error::AppError,
    platform::{db::unix_now, ids, AppState},
};

/// The types people may attach, found from the first bytes of the file.
const ALLOWED: [(&str, &str); 8] = [
    ("application/pdf", "PDF"),
    ("application/msword", "Word"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word",
    ),
    ("image/jpeg", "JPEG"),
    ("image/png", "PNG"),
    ("image/gif", "GIF"),
    ("image/webp", "WebP"),
    ("image/heif", "HEIC"),
];

/// The sentence shown when a file is refused for its type.
pub const ALLOWED_TYPES_TEXT: &str =
    "a PDF, a Word document (.doc or .docx) or a photo (JPEG, PNG, GIF, WebP or HEIC)";

/// The type of a file from its content, if it is one people may attach.
pub fn sniff(content: &[u8]) -> Option<&'static str> {
    let found = infer::get(content)?.mime_type();
    // An old .doc is an OLE compound file: `infer` names it as such or as msword.
    let found = if found == "application/x-ole-storage" {
        "application/msword"
    } else if found == "image/heic" {
        "image/heif"
    } else {
        found
    };
    ALLOWED.iter().map(|(t, _)| *t).find(|t| *t == found)
}

/// Why an upload was refused, in words for the person.
pub fn refusal(name: &str, size: u64, limit: u64, content: &[u8]) -> Option<String> {
    if size == 0 {
        return Some(format!("The file ‘{name}’ is empty"));
    }
    if size > limit {
        return Some(format!(
            "The file ‘{name}’ is larger than {} MB. Choose a smaller file",
            limit / (1024 * 1024)
        ));
    }
    if sniff(content).is_none() {
        return Some(format!("The file ‘{name}’ must be {ALLOWED_TYPES_TEXT}"));
    }
    None
}

/// A file name safe to show and to send back in a header: no folders, no control characters.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

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

type FileRow = (String, String, String, i64);

fn info((id, name, content_type, size): FileRow) -> AttachmentInfo {
    AttachmentInfo {
        id,
        name,
        content_type,
        size: size.max(0) as u64,
    }
}

/// The files uploaded to a draft (whether or not an answer names them yet).
pub async fn files_of_draft(
    pool: &sqlx::AnyPool,
    draft_id: i64,
) -> Result<Vec<AttachmentInfo>, AppError> {
    let rows: Vec<FileRow> = sqlx::query_as(
        "SELECT public_id, file_name, content_type, size_bytes FROM attachments WHERE draft_id = $1 ORDER BY id",
    )
    .bind(draft_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(info).collect())
}

/// The files of a submission.
/// The files of a shared document.
pub async fn files_of_shared_document(
    pool: &sqlx::AnyPool,
    document_id: i64,
) -> Result<Vec<AttachmentInfo>, AppError> {
    let rows: Vec<FileRow> = sqlx::query_as(
        "SELECT public_id, file_name, content_type, size_bytes FROM attachments WHERE shared_document_id = $1 ORDER BY id",
    )
    .bind(document_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(info).collect())
}

pub async fn files_of_submission(
    pool: &sqlx::AnyPool,
    submission: &str,
) -> Result<Vec<AttachmentInfo>, AppError> {
    let rows: Vec<FileRow> = sqlx::query_as(
        "SELECT a.public_id, a.file_name, a.content_type, a.size_bytes FROM attachments a \
         JOIN submissions s ON s.id = a.submission_id WHERE s.public_id = $1 ORDER BY a.id",
    )
    .bind(submission)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(info).collect())
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

/// Forgets the files of a draft that no answer names (removed, or uploaded and never saved).
pub async fn remove_unused(
    state: &AppState,
    draft_id: i64,
    form: &FormDefinition,
    answers: &Answers,
) -> Result<(), AppError> {
    let named: HashSet<String> = named_files(form, answers).into_iter().collect();
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, public_id, storage_key FROM attachments WHERE draft_id = $1")
            .bind(draft_id)
            .fetch_all(state.db.pool())
            .await?;
    for (id, public_id, key) in rows {
        if named.contains(&public_id) {
            continue;
        }
        sqlx::query("DELETE FROM attachments WHERE id = $1")
            .bind(id)
            .execute(state.db.pool())
            .await?;
        state.storage.delete(&key).await?;
    }
    Ok(())
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
    if !super::api::server::FORM_ROLES.contains(&account.role) {
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
    crate::auth::api::server::touch(session).await?;
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
    // A draft's files to its owner while they stay linked to the child; a submission's to
    // those who may read the submission; a shared document's to its readers. The SEN team
    // reads every submission and shared document.
    let staff = crate::auth::Role::STAFF.contains(&account.role);
    let row: Option<(String, String, String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT a.file_name, a.content_type, a.storage_key, a.child_id FROM attachments a \
         LEFT JOIN drafts dr ON dr.id = a.draft_id \
         LEFT JOIN submissions s ON s.id = a.submission_id \
         LEFT JOIN shared_documents d ON d.id = a.shared_document_id \
         WHERE a.public_id = $2 AND ( \
           (a.draft_id IS NOT NULL AND dr.owner_id = $1 AND EXISTS ( \
              SELECT 1 FROM child_links l WHERE l.child_id = a.child_id AND l.user_id = $1)) OR \
           (a.submission_id IS NOT NULL AND {}) OR \
           (a.shared_document_id IS NOT NULL AND {}){})",
        super::store::submission_readable_by("$1"),
        crate::documents::ssr::READABLE_BY_USER,
        if staff {
            " OR a.submission_id IS NOT NULL OR a.shared_document_id IS NOT NULL"
        } else {
            ""
        }
    )))
    .bind(account.id)
    .bind(file_id)
    .fetch_optional(state.db.pool())
    .await?;
    let (name, content_type, key, child_id) = row.ok_or(AppError::NotFound)?;
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

/// `attachment; filename="plain"; filename*=UTF-8''percent-encoded` (RFC 6266).
pub fn content_disposition(name: &str) -> String {
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_content_not_the_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F']),
            Some("image/jpeg")
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        // A program renamed to look like a PDF is still a program.
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff"), None);
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b"just some text"), None);
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        let pdf = b"%PDF-1.7\n";
        assert_eq!(refusal("a.pdf", 9, 100, pdf), None);
        assert!(refusal("a.pdf", 0, 100, b"").unwrap().contains("is empty"));
        assert!(refusal("big.pdf", 30 * 1024 * 1024, 20 * 1024 * 1024, pdf)
            .unwrap()
            .contains("larger than 20 MB"));
        assert!(refusal("virus.pdf", 5, 100, b"MZ\x90\0\x03")
            .unwrap()
            .contains("must be a PDF"));
    }

    #[test]
    fn names_lose_folders_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\me\\report.pdf"), "report.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\r\n.pdf"), "ab.pdf");
        assert_eq!(clean_name("   "), "file");
    }

    #[test]
    fn downloads_are_attachments_with_a_safe_name() {
        assert_eq!(
            content_disposition("Ellie’s report.pdf"),
            "attachment; filename=\"Ellie_s report.pdf\"; filename*=UTF-8''Ellie%E2%80%99s%20report.pdf"
        );
        assert!(content_disposition("a\"b.pdf").starts_with("attachment; filename=\"a_b.pdf\""));
    }
}
