//! Drafts and submissions in the database. Every lookup names the person asking: a draft is
//! found only for its owner while they are still linked to the child; a submission for anyone
//! linked to the child.

use crate::formdef::answers::Answers;
use crate::{error::AppError, ids, platform::db::unix_now};

/// A draft row, for the server.
#[derive(Clone, Debug)]
pub struct Draft {
    pub id: i64,
    pub public_id: String,
    pub child_id: i64,
    pub owner_id: i64,
    pub form_id: String,
    pub form_version: u32,
    pub answers: Answers,
    pub version: i64,
    pub current_step: String,
    pub updated_at: i64,
}

/// A draft as the database returns it (`DRAFT_COLUMNS`).
#[derive(sqlx::FromRow)]
struct DraftRow {
    id: i64,
    public_id: String,
    child_id: i64,
    owner_id: i64,
    form_id: String,
    form_version: i64,
    answers: String,
    version: i64,
    current_step: String,
    updated_at: i64,
}

const DRAFT_COLUMNS: &str =
    "d.id, d.public_id, d.child_id, d.owner_id, d.form_id, d.form_version, \
     d.answers, d.version, d.current_step, d.updated_at";

impl TryFrom<DraftRow> for Draft {
    type Error = AppError;

    fn try_from(row: DraftRow) -> Result<Draft, AppError> {
        Ok(Draft {
            id: row.id,
            public_id: row.public_id,
            child_id: row.child_id,
            owner_id: row.owner_id,
            form_id: row.form_id,
            form_version: u32::try_from(row.form_version).map_err(crate::error::internal)?,
            answers: serde_json::from_str(&row.answers).map_err(crate::error::internal)?,
            version: row.version,
            current_step: row.current_step,
            updated_at: row.updated_at,
        })
    }
}

pub async fn insert_draft<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    child_id: i64,
    owner_id: i64,
    form_id: &str,
    form_version: u32,
    first_step: &str,
    answers: &Answers,
) -> Result<String, AppError> {
    let public_id = ids::token(12);
    let now = unix_now();
    sqlx::query(
        "INSERT INTO drafts (public_id, child_id, owner_id, form_id, form_version, answers, version, \
         current_step, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $8)",
    )
    .bind(&public_id)
    .bind(child_id)
    .bind(owner_id)
    .bind(form_id)
    .bind(i64::from(form_version))
    .bind(serde_json::to_string(answers).map_err(crate::error::internal)?)
    .bind(first_step)
    .bind(now)
    .execute(db)
    .await?;
    Ok(public_id)
}

/// The draft, if `user_id` owns it and is still linked to its child.
pub async fn find_draft_for_user<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    user_id: i64,
    public_id: &str,
) -> Result<Option<Draft>, AppError> {
    let row: Option<DraftRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {DRAFT_COLUMNS} FROM drafts d JOIN child_links l ON l.child_id = d.child_id AND l.user_id = d.owner_id \
         WHERE d.public_id = $1 AND d.owner_id = $2"
    )))
    .bind(public_id)
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    row.map(Draft::try_from).transpose()
}

/// What a save did: expected outcomes, not errors.
pub enum Saved {
    Saved {
        version: i64,
        at: i64,
    },
    /// Someone saved since `base_version`: nothing was written.
    Stale(Draft),
}

/// Writes the answers, and the step the person is on, if the draft is still at
/// `base_version`: one statement.
pub async fn save_answers(
    conn: &mut sqlx::AnyConnection,
    draft: &Draft,
    base_version: i64,
    answers: &Answers,
    step: &str,
) -> Result<Saved, AppError> {
    let now = unix_now();
    let done = sqlx::query(
        "UPDATE drafts SET answers = $1, version = version + 1, current_step = $2, updated_at = $3 \
         WHERE id = $4 AND version = $5",
    )
    .bind(serde_json::to_string(answers).map_err(crate::error::internal)?)
    .bind(step)
    .bind(now)
    .bind(draft.id)
    .bind(base_version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(Saved::Saved {
            version: base_version + 1,
            at: now,
        });
    }
    let latest = find_draft_for_user(&mut *conn, draft.owner_id, &draft.public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Saved::Stale(latest))
}

/// Turns a draft into a submission, in the caller's transaction (with the receipt email): the
/// submission (with a reference) is written, attachments move to it, and the draft goes.
/// Returns (public id, reference).
pub async fn submit_draft(
    tx: &mut sqlx::AnyConnection,
    draft: &Draft,
    title: &str,
) -> Result<(String, String), AppError> {
    let public_id = ids::token(12);
    let reference = format!("EHC-{}", ids::reference());
    let now = unix_now();
    let submission_id: i64 = sqlx::query_scalar(
        "INSERT INTO submissions (public_id, reference, child_id, submitted_by, form_id, form_version, title, answers, submitted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&public_id)
    .bind(&reference)
    .bind(draft.child_id)
    .bind(draft.owner_id)
    .bind(&draft.form_id)
    .bind(i64::from(draft.form_version))
    .bind(title)
    .bind(serde_json::to_string(&draft.answers).map_err(crate::error::internal)?)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    // Advice answers the request its draft was started from.
    crate::advice::store::advice_sent(
        &mut *tx,
        draft.id,
        submission_id,
        crate::status::store::today(),
    )
    .await?;
    // The family's consent decides which professionals read the family's forms.
    if draft.form_id == crate::forms::consent::CONSENT_FORM
        && matches!(
            crate::people::store::relationship_to(&mut *tx, draft.child_id, draft.owner_id).await?,
            Some(crate::people::Relationship::ParentCarer | crate::people::Relationship::Myself)
        )
    {
        crate::forms::consent::record_consent(&mut *tx, draft.child_id, &draft.answers, now)
            .await?;
    }
    sqlx::query("UPDATE attachments SET submission_id = $1, draft_id = NULL WHERE draft_id = $2")
        .bind(submission_id)
        .bind(draft.id)
        .execute(&mut *tx)
        .await?;
    // Only the version that was checked is submitted: a save since then stops it.
    let gone = sqlx::query("DELETE FROM drafts WHERE id = $1 AND version = $2")
        .bind(draft.id)
        .bind(draft.version)
        .execute(&mut *tx)
        .await?;
    if gone.rows_affected() != 1 {
        return Err(AppError::invalid(
            "This form was changed in another window while you were submitting it. Check the Summary and submit again.",
        ));
    }
    // A form sent for a child puts them on the SEN team's dashboard.
    crate::status::store::ensure_case(&mut *tx, draft.child_id).await?;
    crate::auth::ssr::accounts::Audit::of(Some(draft.owner_id), "form_submitted", "")
        .child(draft.child_id)
        .detail(&reference)
        .write(&mut *tx)
        .await?;
    Ok((public_id, reference))
}

/// A submission row, for the server.
#[derive(Clone, Debug)]
pub struct Submission {
    pub public_id: String,
    pub reference: String,
    pub child_id: i64,
    pub submitted_by: String,
    pub form_id: String,
    pub form_version: u32,
    pub title: String,
    pub answers: Answers,
    pub submitted_at: i64,
}

/// A submission as the database returns it (`SUBMISSION_COLUMNS`).
#[derive(sqlx::FromRow)]
struct SubmissionRow {
    public_id: String,
    reference: String,
    child_id: i64,
    submitted_by: String,
    form_id: String,
    form_version: i64,
    title: String,
    answers: String,
    submitted_at: i64,
}

impl TryFrom<SubmissionRow> for Submission {
    type Error = AppError;

    fn try_from(row: SubmissionRow) -> Result<Submission, AppError> {
        Ok(Submission {
            public_id: row.public_id,
            reference: row.reference,
            child_id: row.child_id,
            submitted_by: row.submitted_by,
            form_id: row.form_id,
            form_version: u32::try_from(row.form_version).map_err(crate::error::internal)?,
            title: row.title,
            answers: serde_json::from_str(&row.answers).map_err(crate::error::internal)?,
            submitted_at: row.submitted_at,
        })
    }
}

const SUBMISSION_COLUMNS: &str =
    "s.public_id, s.reference, s.child_id, u.full_name AS submitted_by, s.form_id, \
     s.form_version, s.title, s.answers, s.submitted_at";

/// SQL: whether the user whose id is the parameter `user` (`$1`, say) may read submission `s`.
/// While linked to its child: the person who sent it, and the family (parents, carers, the
/// young person). A professional linked to the child reads what the family sent only where the
/// family's consent (`forms::consent`) names the kind of an organisation they belong to;
/// otherwise it reaches them only as a document the SEN team shares with them. Their own
/// advice they always read. The SEN team reads every submission through its own pages.
pub fn submission_readable_by(user: &str) -> String {
    let citizen = crate::role::Role::Citizen.as_str();
    let professional = crate::role::Role::Professional.as_str();
    format!(
        "EXISTS (SELECT 1 FROM child_links rl JOIN users ru ON ru.id = rl.user_id \
         WHERE rl.child_id = s.child_id AND rl.user_id = {user} \
         AND (ru.role = '{citizen}' OR s.submitted_by = {user} \
           OR (ru.role = '{professional}' \
             AND EXISTS (SELECT 1 FROM users su WHERE su.id = s.submitted_by AND su.role = '{citizen}') \
             AND EXISTS (SELECT 1 FROM child_sharing cs \
               JOIN organisations so ON so.kind = cs.organisation_kind \
               JOIN organisation_members sm ON sm.organisation_id = so.id \
               WHERE cs.child_id = s.child_id AND sm.user_id = {user}))))"
    )
}

/// The submission, if `user_id` may read it (`submission_readable_by`).
pub async fn find_submission_for_user(
    pool: &sqlx::AnyPool,
    user_id: i64,
    public_id: &str,
) -> Result<Option<Submission>, AppError> {
    let row: Option<SubmissionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {SUBMISSION_COLUMNS} FROM submissions s JOIN users u ON u.id = s.submitted_by \
         WHERE s.public_id = $1 AND {}",
        submission_readable_by("$2")
    )))
    .bind(public_id)
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    row.map(Submission::try_from).transpose()
}

/// The submission, whoever may read it: for the SEN team, who read every submission.
pub async fn find_submission(
    pool: &sqlx::AnyPool,
    public_id: &str,
) -> Result<Option<Submission>, AppError> {
    let row: Option<SubmissionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {SUBMISSION_COLUMNS} FROM submissions s JOIN users u ON u.id = s.submitted_by \
         WHERE s.public_id = $1"
    )))
    .bind(public_id)
    .fetch_optional(pool)
    .await?;
    row.map(Submission::try_from).transpose()
}

/// A child's submissions, newest first: every one, for the SEN team.
pub async fn submissions_for_child(
    pool: &sqlx::AnyPool,
    child_id: i64,
) -> Result<Vec<Submission>, AppError> {
    let rows: Vec<SubmissionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {SUBMISSION_COLUMNS} FROM submissions s JOIN users u ON u.id = s.submitted_by \
         WHERE s.child_id = $1 ORDER BY s.submitted_at DESC, s.id DESC"
    )))
    .bind(child_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(Submission::try_from).collect()
}

/// A child's submissions that `user_id` may read, newest first.
pub async fn submissions_for_child_readable_by(
    pool: &sqlx::AnyPool,
    child_id: i64,
    user_id: i64,
) -> Result<Vec<Submission>, AppError> {
    let rows: Vec<SubmissionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {SUBMISSION_COLUMNS} FROM submissions s JOIN users u ON u.id = s.submitted_by \
         WHERE s.child_id = $1 AND {} ORDER BY s.submitted_at DESC, s.id DESC",
        submission_readable_by("$2")
    )))
    .bind(child_id)
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(Submission::try_from).collect()
}

/// The person's unfinished drafts for a child, most recently saved first.
pub async fn drafts_for_child(
    pool: &sqlx::AnyPool,
    child_id: i64,
    owner_id: i64,
) -> Result<Vec<Draft>, AppError> {
    let rows: Vec<DraftRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {DRAFT_COLUMNS} FROM drafts d WHERE d.child_id = $1 AND d.owner_id = $2 \
         ORDER BY d.updated_at DESC, d.id DESC"
    )))
    .bind(child_id)
    .bind(owner_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(Draft::try_from).collect()
}

/// A file someone may download.
#[derive(sqlx::FromRow)]
pub struct FileForDownload {
    pub file_name: String,
    pub content_type: String,
    pub storage_key: String,
    pub child_id: i64,
}

/// The file, if `user_id` may download it: a draft's files to its owner while they stay
/// linked to the child; a submission's to those who may read the submission; a shared
/// document's to its readers. The SEN team (`staff`) reads every submission and shared
/// document.
pub async fn find_file_for_user(
    pool: &sqlx::AnyPool,
    user_id: i64,
    staff: bool,
    public_id: &str,
) -> Result<Option<FileForDownload>, AppError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT a.file_name, a.content_type, a.storage_key, a.child_id FROM attachments a \
         LEFT JOIN drafts dr ON dr.id = a.draft_id \
         LEFT JOIN submissions s ON s.id = a.submission_id \
         LEFT JOIN shared_documents d ON d.id = a.shared_document_id \
         WHERE a.public_id = $2 AND ( \
           (a.draft_id IS NOT NULL AND dr.owner_id = $1 AND EXISTS ( \
              SELECT 1 FROM child_links l WHERE l.child_id = a.child_id AND l.user_id = $1)) OR \
           (a.submission_id IS NOT NULL AND {}) OR \
           (a.shared_document_id IS NOT NULL AND {}) OR \
           (a.message_id IS NOT NULL AND EXISTS ( \
              SELECT 1 FROM messages m WHERE m.id = a.message_id AND m.recipient_id = $1)){})",
        submission_readable_by("$1"),
        crate::documents::store::READABLE_BY_USER,
        if staff {
            " OR a.submission_id IS NOT NULL OR a.shared_document_id IS NOT NULL OR a.message_id IS NOT NULL"
        } else {
            ""
        }
    )))
    .bind(user_id)
    .bind(public_id)
    .fetch_optional(pool)
    .await?)
}
