//! Conversations in the database: every message opens a thread between its recipient and the
//! SEN team, and either side may reply, with files. The recipient's unread mark is the
//! message's `read_at` (a reply from the team clears it); the team's is `team_read_at` (a reply
//! from the recipient clears it). Each reply is emailed to the other side, saying only that
//! there is a message.

use bytes::Bytes;

use super::store::{message_from, MessageRow, MESSAGE_COLUMNS};
use crate::{
    auth::{return_path::sign_in_then, ssr::accounts::Account, ssr::accounts::Audit},
    documents::{
        store::{store_files, FileHolder, StoredFile},
        AttachmentInfo,
    },
    error::AppError,
    ids,
    platform::{db::unix_now, AppState, Email},
    role::Role,
};

pub use super::store::Message;

/// The longest reply or message, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// The most files one reply carries.
pub const MAX_FILES: usize = 5;
/// The longest subject, in characters.
pub const MAX_SUBJECT_CHARS: usize = 150;

/// A reply as read back.
#[derive(Clone, Debug)]
pub struct Reply {
    pub public_id: String,
    pub author: Option<String>,
    pub from_team: bool,
    pub body: String,
    pub sent_at: i64,
    pub files: Vec<AttachmentInfo>,
}

/// A message with its files and every reply, oldest first.
#[derive(Clone, Debug)]
pub struct Thread {
    pub message: Message,
    pub files: Vec<AttachmentInfo>,
    pub replies: Vec<Reply>,
}

#[derive(sqlx::FromRow)]
struct ReplyRow {
    id: i64,
    public_id: String,
    author_name: Option<String>,
    from_team: i64,
    body: String,
    sent_at: i64,
}

#[derive(sqlx::FromRow)]
struct FileRow {
    reply_id: Option<i64>,
    public_id: String,
    file_name: String,
    content_type: String,
    size_bytes: i64,
}

/// The message's files and replies.
pub async fn thread_of(pool: &sqlx::AnyPool, message: Message) -> Result<Thread, AppError> {
    let rows: Vec<ReplyRow> = sqlx::query_as(
        "SELECT p.id, p.public_id, u.full_name AS author_name, p.from_team, p.body, p.sent_at \
         FROM message_replies p LEFT JOIN users u ON u.id = p.author_id \
         WHERE p.message_id = $1 ORDER BY p.id",
    )
    .bind(message.id)
    .fetch_all(pool)
    .await?;
    let files: Vec<FileRow> = sqlx::query_as(
        "SELECT reply_id, public_id, file_name, content_type, size_bytes FROM attachments \
         WHERE message_id = $1 ORDER BY id",
    )
    .bind(message.id)
    .fetch_all(pool)
    .await?;
    let info = |f: &FileRow| AttachmentInfo {
        id: f.public_id.clone(),
        name: f.file_name.clone(),
        content_type: f.content_type.clone(),
        size: f.size_bytes.max(0) as u64,
    };
    let files_of = |reply: Option<i64>| {
        files
            .iter()
            .filter(|f| f.reply_id == reply)
            .map(info)
            .collect()
    };
    let replies = rows
        .into_iter()
        .map(|r| Reply {
            files: files_of(Some(r.id)),
            public_id: r.public_id,
            author: r.author_name,
            from_team: r.from_team == 1,
            body: r.body,
            sent_at: r.sent_at,
        })
        .collect();
    Ok(Thread {
        files: files_of(None),
        message,
        replies,
    })
}

/// Any message, for the SEN team.
pub async fn find_message(
    pool: &sqlx::AnyPool,
    public_id: &str,
) -> Result<Option<Message>, AppError> {
    let row: Option<MessageRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MESSAGE_COLUMNS} WHERE m.public_id = $1"
    )))
    .bind(public_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(message_from))
}

/// The conversations of a child's case, newest first.
pub async fn threads_for_case(
    pool: &sqlx::AnyPool,
    child_id: i64,
) -> Result<Vec<Message>, AppError> {
    let rows: Vec<MessageRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MESSAGE_COLUMNS} WHERE m.case_child_id = $1 ORDER BY m.last_at DESC, m.id DESC"
    )))
    .bind(child_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(message_from).collect())
}

/// A conversation with something the SEN team has not read, and whose case it is.
#[derive(Clone, Debug)]
pub struct ToRead {
    pub message: Message,
    /// The child's public id and name, when the conversation belongs to a case.
    pub child: Option<(String, String)>,
}

#[derive(sqlx::FromRow)]
struct ChildName {
    public_id: String,
    first_name: String,
    last_name: String,
}

/// How many conversations have something the SEN team has not read, and the oldest `limit` of
/// them (the longest waiting first).
pub async fn replies_to_read(
    pool: &sqlx::AnyPool,
    limit: i64,
) -> Result<(i64, Vec<ToRead>), AppError> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE team_read_at IS NULL")
        .fetch_one(pool)
        .await?;
    let rows: Vec<MessageRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MESSAGE_COLUMNS} WHERE m.team_read_at IS NULL ORDER BY m.last_at, m.id LIMIT $1"
    )))
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let messages: Vec<Message> = rows.into_iter().map(message_from).collect();
    let mut to_read = Vec::new();
    for message in messages {
        let child = match message.case_child_id {
            Some(id) => sqlx::query_as::<_, ChildName>(
                "SELECT public_id, first_name, last_name FROM children WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(|c| (c.public_id, format!("{} {}", c.first_name, c.last_name))),
            None => None,
        };
        to_read.push(ToRead { message, child });
    }
    Ok((count, to_read))
}

/// Marks a conversation read by the SEN team.
pub async fn mark_team_read(pool: &sqlx::AnyPool, message_id: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE messages SET team_read_at = $1 WHERE id = $2 AND team_read_at IS NULL")
        .bind(unix_now())
        .bind(message_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// The text of a reply or message, checked: not blank, not too long.
pub fn checked_text(field: &str, text: &str, what: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::field(field, format!("Enter your {what}")));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(AppError::field(
            field,
            format!("Your {what} must be {MAX_TEXT_CHARS} characters or fewer"),
        ));
    }
    Ok(text.to_owned())
}

fn checked_files(files: &[(String, Bytes)], case_child_id: Option<i64>) -> Result<(), AppError> {
    if files.len() > MAX_FILES {
        return Err(AppError::field(
            "file",
            format!("Send at most {MAX_FILES} files with one message"),
        ));
    }
    if !files.is_empty() && case_child_id.is_none() {
        return Err(AppError::field(
            "file",
            "Files can only be sent in a conversation about a child",
        ));
    }
    Ok(())
}

/// Writes the files of a message or reply in the caller's transaction (a conversation about
/// no child carries none: `checked_files` refuses them).
async fn record_files(
    tx: &mut sqlx::AnyConnection,
    stored: &[StoredFile],
    message: i64,
    reply: Option<i64>,
    child_id: Option<i64>,
    by: i64,
    now: i64,
) -> Result<(), AppError> {
    match child_id {
        Some(child_id) => {
            crate::documents::store::record_files(
                tx,
                stored,
                FileHolder::Message { message, reply },
                child_id,
                by,
                now,
            )
            .await
        }
        None => Ok(()),
    }
}

/// Whether `account` may take part in the conversation: its recipient, or the SEN team.
pub fn may_reply(account: &Account, message: &Message) -> bool {
    Role::STAFF.contains(&account.role) || message.recipient_id == account.id
}

/// Writes a reply to a conversation: checked, with its files stored, the other side's unread
/// mark set, audited, and the other side emailed. Returns the reply's public id.
pub async fn reply(
    state: &AppState,
    author: &Account,
    message: &Message,
    body: &str,
    files: Vec<(String, Bytes)>,
) -> Result<String, AppError> {
    if !may_reply(author, message) {
        return Err(AppError::NotFound);
    }
    let from_team = Role::STAFF.contains(&author.role);
    // A message about a child is answered only while the person is still linked to them (the
    // page no longer shows the child to someone unlinked).
    if let (false, Some(child)) = (from_team, message.child_id) {
        if crate::people::store::relationship_to(state.db.pool(), child, author.id)
            .await?
            .is_none()
        {
            return Err(AppError::NotFound);
        }
    }
    let body = checked_text("body", body, "reply")?;
    checked_files(&files, message.case_child_id)?;
    let stored = store_files(&state.storage, &files).await?;
    let now = unix_now();
    let public_id = ids::token(12);
    let mut tx = state.db.begin().await?;
    let reply_id: i64 = sqlx::query_scalar(
        "INSERT INTO message_replies (public_id, message_id, author_id, from_team, body, sent_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&public_id)
    .bind(message.id)
    .bind(author.id)
    .bind(i64::from(from_team))
    .bind(&body)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    record_files(
        &mut tx,
        &stored,
        message.id,
        Some(reply_id),
        message.case_child_id,
        author.id,
        now,
    )
    .await?;
    // The writer has read everything so far; the other side has something new.
    let marks = if from_team {
        "read_at = NULL, team_read_at = $1, last_at = $1"
    } else {
        "team_read_at = NULL, read_at = $1, last_at = $1"
    };
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE messages SET {marks} WHERE id = $2"
    )))
    .bind(now)
    .bind(message.id)
    .execute(&mut *tx)
    .await?;
    let detail = format!("{} ({})", message.subject, message.public_id);
    let mut audit = Audit::of(Some(message.recipient_id), "message_replied", "")
        .by(author.id)
        .detail(&detail);
    if let Some(child_id) = message.case_child_id {
        audit = audit.child(child_id);
    }
    audit.write(&mut tx).await?;
    let to = if from_team {
        Some(message.recipient_id)
    } else {
        team_contact(&mut tx, message).await?
    };
    let email = match to {
        Some(to) => {
            let address: Option<String> = sqlx::query_scalar(
                "SELECT email FROM users WHERE id = $1 AND deactivated_at IS NULL",
            )
            .bind(to)
            .fetch_optional(&mut *tx)
            .await?;
            match address {
                Some(address) => {
                    let path = if from_team {
                        format!("/messages/{}", message.public_id)
                    } else {
                        format!("/staff/messages/{}", message.public_id)
                    };
                    Some(
                        state
                            .outbox
                            .write(&mut tx, &reply_email(state, &address, &path, from_team))
                            .await?,
                    )
                }
                None => None,
            }
        }
        None => None,
    };
    tx.commit().await?;
    if let Some(email) = email {
        email.wake();
    }
    Ok(public_id)
}

/// Who in the SEN team hears of a reply by email: whoever of them last wrote in the
/// conversation (a reply, or the message itself), or the case's caseworker. Nobody else is
/// emailed: the dashboard lists every conversation with something to read.
async fn team_contact(
    tx: &mut sqlx::AnyConnection,
    message: &Message,
) -> Result<Option<i64>, AppError> {
    let replied: Option<i64> = sqlx::query_scalar(
        "SELECT author_id FROM message_replies WHERE message_id = $1 AND from_team = 1 \
         AND author_id IS NOT NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(message.id)
    .fetch_optional(&mut *tx)
    .await?;
    if replied.is_some() {
        return Ok(replied);
    }
    if let Some(sender) = message.sender_id.filter(|s| *s != message.recipient_id) {
        return Ok(Some(sender));
    }
    match message.case_child_id {
        Some(child) => Ok(sqlx::query_scalar::<_, Option<i64>>(
            "SELECT caseworker_id FROM cases WHERE child_id = $1",
        )
        .bind(child)
        .fetch_optional(&mut *tx)
        .await?
        .flatten()),
        None => Ok(None),
    }
}

/// The email about a reply: that there is one, and a link to sign in. Nothing of what it says.
fn reply_email(state: &AppState, to: &str, path: &str, from_team: bool) -> Email {
    let link = format!("{}{}", state.runtime.base_url, sign_in_then(path));
    let council = &state.site.council_name;
    let (subject, text) = if from_team {
        (
            "New message in the SEND portal".to_owned(),
            format!("The {council} SEN team has sent you a message in the SEND portal."),
        )
    } else {
        (
            "A reply to read in the SEND portal".to_owned(),
            "Someone has replied to a conversation in the SEND portal.".to_owned(),
        )
    };
    Email {
        to: to.to_owned(),
        subject,
        text: format!(
            "{text}\n\nSign in to read it: {link}\n\n\
             For your privacy we never put details about a child in an email.\n"
        ),
    }
}

/// A message the SEN team writes, or that a family member starts, with its files.
pub struct Opening {
    pub recipient_id: i64,
    pub author: i64,
    pub child_id: i64,
    pub subject: String,
    pub body: String,
    pub files: Vec<(String, Bytes)>,
}

/// Writes a message that opens a conversation about a child: from the SEN team to someone
/// linked to the child (a plain message that asks for no form), or from a family member to the
/// SEN team (`author` is then the recipient: the team has it to read). Returns its public id.
pub async fn open_conversation(state: &AppState, opening: Opening) -> Result<String, AppError> {
    let subject = opening.subject.trim().to_owned();
    if subject.is_empty() {
        return Err(AppError::field("subject", "Enter a subject"));
    }
    if subject.chars().count() > MAX_SUBJECT_CHARS {
        return Err(AppError::field(
            "subject",
            format!("The subject must be {MAX_SUBJECT_CHARS} characters or fewer"),
        ));
    }
    let body = checked_text("body", &opening.body, "message")?;
    checked_files(&opening.files, Some(opening.child_id))?;
    let stored = store_files(&state.storage, &opening.files).await?;
    let from_recipient = opening.author == opening.recipient_id;
    let mut tx = state.db.begin().await?;
    let message = super::store::NewMessage {
        recipient_id: opening.recipient_id,
        sender_id: Some(opening.author),
        child_id: Some(opening.child_id),
        case_child_id: None,
        subject,
        body,
        action: None,
    };
    let (public_id, email) = if from_recipient {
        let linked =
            crate::people::store::relationship_to(&mut *tx, opening.child_id, opening.recipient_id)
                .await?
                .is_some();
        if !linked {
            return Err(AppError::NotFound);
        }
        let now = unix_now();
        let public_id = super::store::insert_message(&mut tx, &message, now).await?;
        sqlx::query("UPDATE messages SET read_at = $1, team_read_at = NULL WHERE public_id = $2")
            .bind(now)
            .bind(&public_id)
            .execute(&mut *tx)
            .await?;
        Audit::of(Some(opening.author), "message_written", "")
            .child(opening.child_id)
            .detail(&format!("{} ({public_id})", message.subject))
            .write(&mut tx)
            .await?;
        (public_id, None)
    } else {
        let (public_id, email) = super::store::write_message(&mut tx, state, &message).await?;
        (public_id, Some(email))
    };
    let id: i64 = sqlx::query_scalar("SELECT id FROM messages WHERE public_id = $1")
        .bind(&public_id)
        .fetch_one(&mut *tx)
        .await?;
    record_files(
        &mut tx,
        &stored,
        id,
        None,
        Some(opening.child_id),
        opening.author,
        unix_now(),
    )
    .await?;
    tx.commit().await?;
    if let Some(email) = email {
        email.wake();
    }
    Ok(public_id)
}
