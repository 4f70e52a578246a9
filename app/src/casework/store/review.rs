//! What people send: the submissions of a case, and accepting or sending one back. This file holds
//! its SQL; the markup is in `casework/pages/review.rs`.

use std::collections::HashMap;

use super::case::{claim_version, Case, Change};
use crate::{
    auth::ssr::accounts::{Account, Audit},
    error::AppError,
    ids,
    messages::store::{write_message, FormRequest, NewMessage},
    platform::{db::unix_now, outbox::Queued, AppState},
    values::Date,
};

/// A submission on the case, with its review.
pub struct CaseSubmission {
    pub id: i64,
    pub public_id: String,
    pub reference: String,
    pub title: String,
    pub form_id: String,
    pub submitted_by: String,
    pub submitted_by_id: i64,
    pub submitted_at: i64,
    /// (outcome, reason, reviewer, when).
    pub review: Option<(String, String, Option<String>, i64)>,
}

/// A submission with who sent it and its review, if any.
#[derive(sqlx::FromRow)]
struct SubmissionRow {
    id: i64,
    public_id: String,
    reference: String,
    title: String,
    form_id: String,
    submitted_by_name: String,
    submitted_by: i64,
    submitted_at: i64,
    outcome: Option<String>,
    reason: Option<String>,
    reviewer_name: Option<String>,
    reviewed_at: Option<i64>,
}

fn case_submission(row: SubmissionRow) -> CaseSubmission {
    let (reason, reviewer_name, reviewed_at) = (row.reason, row.reviewer_name, row.reviewed_at);
    CaseSubmission {
        id: row.id,
        public_id: row.public_id,
        reference: row.reference,
        title: row.title,
        form_id: row.form_id,
        submitted_by: row.submitted_by_name,
        submitted_by_id: row.submitted_by,
        submitted_at: row.submitted_at,
        review: row.outcome.map(|o| {
            (
                o,
                reason.unwrap_or_default(),
                reviewer_name,
                reviewed_at.unwrap_or(0),
            )
        }),
    }
}

const CASE_SUBMISSION_SQL: &str = "SELECT s.id, s.public_id, s.reference, s.title, s.form_id, \
     u.full_name AS submitted_by_name, s.submitted_by, s.submitted_at, r.outcome, r.reason, \
     w.full_name AS reviewer_name, r.reviewed_at FROM submissions s \
     JOIN users u ON u.id = s.submitted_by LEFT JOIN submission_reviews r ON r.submission_id = s.id \
     LEFT JOIN users w ON w.id = r.reviewed_by";

pub async fn case_submissions(
    pool: &sqlx::AnyPool,
    child_id: i64,
) -> Result<Vec<CaseSubmission>, AppError> {
    let rows: Vec<SubmissionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CASE_SUBMISSION_SQL} WHERE s.child_id = $1 ORDER BY s.submitted_at DESC, s.id DESC"
    )))
    .bind(child_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(case_submission).collect())
}

pub async fn find_case_submission(
    pool: &sqlx::AnyPool,
    child_id: i64,
    public_id: &str,
) -> Result<CaseSubmission, AppError> {
    let row: Option<SubmissionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CASE_SUBMISSION_SQL} WHERE s.child_id = $1 AND s.public_id = $2"
    )))
    .bind(child_id)
    .bind(public_id)
    .fetch_optional(pool)
    .await?;
    row.map(case_submission).ok_or(AppError::NotFound)
}

/// A file of a submission, to copy into the new draft when it is sent back.
#[derive(sqlx::FromRow)]
struct SubmittedFile {
    public_id: String,
    answer_path: String,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    storage_key: String,
}

/// Accepts a submission: recorded, and the sender told.
pub async fn accept(change: &Change<'_>, submission: &CaseSubmission) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    if submission.review.is_some() {
        return Err(AppError::invalid("This form has already been reviewed"));
    }
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    insert_review(&mut tx, submission.id, "accepted", "", staff.id, None).await?;
    crate::advice::store::advice_accepted(&mut tx, submission.id, crate::status::store::today())
        .await?;
    Audit::of(Some(submission.submitted_by_id), "submission_accepted", "")
        .by(staff.id)
        .child(case.child_id)
        .detail(&submission.reference)
        .write(&mut tx)
        .await?;
    let email = tell_sender(
        &mut tx,
        state,
        staff,
        case,
        submission,
        format!("{} accepted", submission.title),
        format!(
            "The SEN team has accepted the {} you sent for {} (reference {}). Thank you.",
            submission.title, case.child.first_name, submission.reference
        ),
        None,
    )
    .await?;
    tx.commit().await?;
    if let Some(email) = email {
        email.wake();
    }
    Ok(format!(
        "{} {} is accepted",
        submission.title, submission.reference
    ))
}

pub(super) async fn insert_review(
    conn: &mut sqlx::AnyConnection,
    submission_id: i64,
    outcome: &str,
    reason: &str,
    by: i64,
    new_draft: Option<&str>,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "INSERT INTO submission_reviews (submission_id, outcome, reason, reviewed_by, reviewed_at, new_draft_id) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (submission_id) DO NOTHING",
    )
    .bind(submission_id)
    .bind(outcome)
    .bind(reason)
    .bind(by)
    .bind(unix_now())
    .bind(new_draft)
    .execute(conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::invalid("This form has already been reviewed"));
    }
    Ok(())
}

/// A message to whoever sent the submission, if they are still linked to the child, in the
/// caller's transaction.
#[allow(clippy::too_many_arguments)]
pub(super) async fn tell_sender(
    tx: &mut sqlx::AnyConnection,
    state: &AppState,
    staff: &Account,
    case: &Case,
    submission: &CaseSubmission,
    subject: String,
    body: String,
    action: Option<FormRequest>,
) -> Result<Option<Queued>, AppError> {
    let linked =
        crate::people::store::relationship_to(&mut *tx, case.child_id, submission.submitted_by_id)
            .await?
            .is_some();
    if !linked {
        return Ok(None);
    }
    let (_, email) = write_message(
        tx,
        state,
        &NewMessage {
            recipient_id: submission.submitted_by_id,
            sender_id: Some(staff.id),
            child_id: Some(case.child_id),
            case_child_id: None,
            subject,
            body,
            action,
        },
    )
    .await?;
    Ok(Some(email))
}

/// Sends a submission back: the sender gets a new draft with every answer (and file) of the
/// rejected one, and a message with the reason that opens it. The rejected submission stays
/// in the history.
pub async fn reject(
    change: &Change<'_>,
    submission: &CaseSubmission,
    reason: &str,
    due_on: Date,
) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "Say what needs changing: the person sees this reason",
        ));
    }
    if submission.review.is_some() {
        return Err(AppError::invalid("This form has already been reviewed"));
    }
    let found = crate::forms::store::submissions_for_child(state.db.pool(), case.child_id)
        .await?
        .into_iter()
        .find(|s| s.public_id == submission.public_id)
        .ok_or(AppError::NotFound)?;
    let form = state
        .forms
        .get(&found.form_id, found.form_version)
        .ok_or_else(|| crate::error::internal("submission on a form not in the library"))?;
    // The files go with the answers: each is copied under a new key first (a copy whose
    // transaction does not commit is removed by the clean-up), then everything is recorded in
    // one transaction.
    let files: Vec<SubmittedFile> = sqlx::query_as(
        "SELECT a.public_id, a.answer_path, a.file_name, a.content_type, a.size_bytes, a.storage_key \
         FROM attachments a WHERE a.submission_id = $1 ORDER BY a.id",
    )
    .bind(submission.id)
    .fetch_all(state.db.pool())
    .await?;
    let mut copies = Vec::new();
    for file in files {
        let content = state.storage.get(&file.storage_key).await?;
        let new_key = state.storage.put(content).await?;
        copies.push((
            file.public_id,
            ids::token(12),
            file.answer_path,
            file.file_name,
            file.content_type,
            file.size_bytes,
            new_key,
        ));
    }
    let mut answers = found.answers.clone();
    let renamed: HashMap<String, String> = copies
        .iter()
        .map(|(old_id, new_id, ..)| (old_id.clone(), new_id.clone()))
        .collect();
    crate::forms::files::rename_files(&form, &mut answers, &renamed);
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    let draft_id = crate::forms::store::insert_draft(
        &mut *tx,
        case.child_id,
        submission.submitted_by_id,
        &form.id,
        form.version,
        &form.steps[0].id,
        &answers,
    )
    .await?;
    let draft_row: i64 = sqlx::query_scalar("SELECT id FROM drafts WHERE public_id = $1")
        .bind(&draft_id)
        .fetch_one(&mut *tx)
        .await?;
    crate::advice::store::advice_returned(&mut tx, submission.id, draft_row).await?;
    for (_, new_id, path, name, content_type, size, key) in copies {
        sqlx::query(
            "INSERT INTO attachments (public_id, draft_id, child_id, uploaded_by, answer_path, file_name, content_type, size_bytes, storage_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&new_id)
        .bind(draft_row)
        .bind(case.child_id)
        .bind(submission.submitted_by_id)
        .bind(path)
        .bind(name)
        .bind(content_type)
        .bind(size)
        .bind(key)
        .bind(unix_now())
        .execute(&mut *tx)
        .await?;
    }
    insert_review(
        &mut tx,
        submission.id,
        "rejected",
        reason,
        staff.id,
        Some(&draft_id),
    )
    .await?;
    Audit::of(Some(submission.submitted_by_id), "submission_rejected", "")
        .by(staff.id)
        .child(case.child_id)
        .detail(&format!("{}: {reason}", submission.reference))
        .write(&mut tx)
        .await?;
    let email = tell_sender(
        &mut tx,
        state,
        staff,
        case,
        submission,
        format!("Please change and send again: {}", submission.title),
        format!(
            "The SEN team has looked at the {} you sent for {} (reference {}) and needs you to change it:\n\n{reason}\n\n\
             Your answers are kept: choose the button below to open them, make the change and send the form again by {}.",
            submission.title,
            case.child.first_name,
            submission.reference,
            due_on.long()
        ),
        Some(FormRequest {
            form_id: form.id.clone(),
            due_on,
        }),
    )
    .await?;
    tx.commit().await?;
    if let Some(email) = email {
        email.wake();
    }
    Ok(format!(
        "{} {} has been sent back to {} with your reason",
        submission.title, submission.reference, submission.submitted_by
    ))
}
