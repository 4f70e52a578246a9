//! Shared documents in the database. `share_document` is what the SEN team's dashboard calls;
//! the demo seed and the tests call it too.

use bytes::Bytes;

use super::{DocumentKind, SharedListing};
use crate::{auth::ssr::accounts::Audit, error::AppError, ids, platform::db::unix_now};

/// A document to share on a child's record.
#[derive(Clone, Debug)]
pub struct NewDocument {
    pub child_id: i64,
    /// The SEN officer or professional sharing it.
    pub shared_by: i64,
    pub kind: DocumentKind,
    pub title: String,
    /// Plain text; a blank line starts a new paragraph.
    pub body: String,
    /// Who may read it: people linked to the child (the family, and professionals where
    /// the SEN team chooses).
    pub readers: Vec<i64>,
    /// File name and content of each file (typed from the content, as uploads are).
    pub files: Vec<(String, Bytes)>,
}

/// A document's file once checked and stored: its name, type, size and storage key.
pub type StoredFile = (String, &'static str, i64, String);

/// Shares a document in a transaction of its own: its files are checked and stored, then it
/// is recorded (see `record_document`).
pub async fn share_document(
    db: &crate::platform::Db,
    storage: &crate::platform::storage::Storage,
    document: &NewDocument,
) -> Result<String, AppError> {
    check_readers(&mut *db.pool().acquire().await?, document).await?;
    let stored = store_files(storage, &document.files).await?;
    let mut tx = db.begin().await?;
    let public_id = record_document(&mut tx, document, &stored).await?;
    tx.commit().await?;
    Ok(public_id)
}

/// Checks and stores a document's or message's files, before the transaction that records them
/// (a file left by a transaction that did not commit is removed by the clean-up). A refused
/// file is a problem with the `file` field.
pub async fn store_files(
    storage: &crate::platform::storage::Storage,
    files: &[(String, Bytes)],
) -> Result<Vec<StoredFile>, AppError> {
    let limit = storage.max_upload_bytes;
    let mut stored = Vec::new();
    for (name, content) in files {
        let name = crate::documents::files::clean_name(name);
        if let Some(reason) =
            crate::documents::files::refusal(&name, content.len() as u64, limit, content)
        {
            return Err(AppError::field("file", reason));
        }
        let content_type = crate::documents::files::sniff(content)
            .ok_or_else(|| AppError::field("file", "That type of file cannot be shared"))?;
        let key = storage.put(content.clone()).await?;
        stored.push((name, content_type, content.len() as i64, key));
    }
    Ok(stored)
}

/// A document needs readers, each linked to the child.
async fn check_readers(
    conn: &mut sqlx::AnyConnection,
    document: &NewDocument,
) -> Result<(), AppError> {
    if document.readers.is_empty() {
        return Err(AppError::invalid("Choose who can read the document"));
    }
    for reader in &document.readers {
        if crate::people::store::relationship_to(&mut *conn, document.child_id, *reader)
            .await?
            .is_none()
        {
            return Err(AppError::invalid(
                "Each reader must be linked to the child before a document is shared with them",
            ));
        }
    }
    Ok(())
}

/// What holds stored files: a shared document, or a message (its opening, or one reply).
#[derive(Clone, Copy, Debug)]
pub enum FileHolder {
    Document(i64),
    Message { message: i64, reply: Option<i64> },
}

/// Writes the attachment rows of files stored by `store_files`, in the caller's transaction.
pub async fn record_files(
    tx: &mut sqlx::AnyConnection,
    stored: &[StoredFile],
    holder: FileHolder,
    child_id: i64,
    by: i64,
    now: i64,
) -> Result<(), AppError> {
    let (document, message, reply, path) = match holder {
        FileHolder::Document(id) => (Some(id), None, None, "shared"),
        FileHolder::Message { message, reply } => (None, Some(message), reply, "message"),
    };
    for (name, content_type, size, key) in stored {
        sqlx::query(
            "INSERT INTO attachments (public_id, shared_document_id, message_id, reply_id, child_id, uploaded_by, \
             answer_path, file_name, content_type, size_bytes, storage_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(ids::token(12))
        .bind(document)
        .bind(message)
        .bind(reply)
        .bind(child_id)
        .bind(by)
        .bind(path)
        .bind(name)
        .bind(*content_type)
        .bind(*size)
        .bind(key)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Records a shared document in the caller's transaction: its readers must be linked to the
/// child; the document, its readers and its stored files are written, audited.
pub async fn record_document(
    tx: &mut sqlx::AnyConnection,
    document: &NewDocument,
    stored: &[StoredFile],
) -> Result<String, AppError> {
    check_readers(&mut *tx, document).await?;
    let public_id = ids::token(12);
    let now = unix_now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO shared_documents (public_id, child_id, shared_by, kind, title, body, shared_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&public_id)
    .bind(document.child_id)
    .bind(document.shared_by)
    .bind(document.kind.as_str())
    .bind(&document.title)
    .bind(&document.body)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for reader in &document.readers {
        sqlx::query(
            "INSERT INTO shared_document_readers (document_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(*reader)
        .execute(&mut *tx)
        .await?;
    }
    record_files(
        &mut *tx,
        stored,
        FileHolder::Document(id),
        document.child_id,
        document.shared_by,
        now,
    )
    .await?;
    let detail = format!(
        "{}: {} ({public_id})",
        document.kind.label(),
        document.title
    );
    Audit::of(None, "document_shared", "")
        .by(document.shared_by)
        .child(document.child_id)
        .detail(&detail)
        .write(&mut *tx)
        .await?;
    Ok(public_id)
}

/// Who sees what: the readers chosen when it was shared, while they are linked to the child;
/// and the members of a school or setting consulted on it (a draft plan).
pub const READABLE_BY_USER: &str = "(EXISTS (SELECT 1 FROM shared_document_readers r \
     JOIN child_links l ON l.child_id = d.child_id AND l.user_id = r.user_id \
     WHERE r.document_id = d.id AND r.user_id = $1) \
     OR EXISTS (SELECT 1 FROM consultations co JOIN organisation_members cm \
       ON cm.organisation_id = co.organisation_id WHERE co.document_id = d.id AND cm.user_id = $1))";

/// A shared document as listed, with its sharer's name.
#[derive(sqlx::FromRow)]
struct ListingRow {
    public_id: String,
    title: String,
    kind: String,
    shared_by_name: Option<String>,
    shared_at: i64,
}

/// The documents on a child's record that `user_id` may see, newest first.
pub async fn shared_for_child(
    pool: &sqlx::AnyPool,
    child_id: i64,
    user_id: i64,
) -> Result<Vec<SharedListing>, AppError> {
    let rows: Vec<ListingRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT d.public_id, d.title, d.kind, u.full_name AS shared_by_name, d.shared_at FROM shared_documents d \
             LEFT JOIN users u ON u.id = d.shared_by \
             WHERE d.child_id = $2 AND {READABLE_BY_USER} ORDER BY d.shared_at DESC, d.id DESC"
        )))
        .bind(user_id)
        .bind(child_id)
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| SharedListing {
            id: row.public_id,
            title: row.title,
            kind: DocumentKind::parse(&row.kind)
                .map_or("Document", DocumentKind::label)
                .to_owned(),
            shared_by: row.shared_by_name.unwrap_or_else(|| "The SEN team".into()),
            shared_at: row.shared_at,
        })
        .collect())
}

/// A shared document with its sharer's name.
#[derive(sqlx::FromRow)]
struct DocumentRow {
    id: i64,
    child_id: i64,
    kind: String,
    title: String,
    body: String,
    shared_by_name: Option<String>,
    shared_at: i64,
}

pub struct Document {
    pub id: i64,
    pub child_id: i64,
    pub kind: Option<DocumentKind>,
    pub title: String,
    pub body: String,
    pub shared_by: String,
    pub shared_at: i64,
}

pub async fn find_document_for_user(
    pool: &sqlx::AnyPool,
    user_id: i64,
    public_id: &str,
) -> Result<Option<Document>, AppError> {
    let row: Option<DocumentRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT d.id, d.child_id, d.kind, d.title, d.body, u.full_name AS shared_by_name, d.shared_at \
             FROM shared_documents d \
             LEFT JOIN users u ON u.id = d.shared_by WHERE d.public_id = $2 AND {READABLE_BY_USER}"
        )))
        .bind(user_id)
        .bind(public_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|row| Document {
        id: row.id,
        child_id: row.child_id,
        kind: DocumentKind::parse(&row.kind),
        title: row.title,
        body: row.body,
        shared_by: row.shared_by_name.unwrap_or_else(|| "The SEN team".into()),
        shared_at: row.shared_at,
    }))
}
