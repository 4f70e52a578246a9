//! Messages in the database, and their emails. The SEN team's changes write messages with
//! `write_message` in their own transaction; `send_message` is the same in a transaction of its
//! own (the tests use it), and the demo seed writes messages with `insert_message`.

use crate::{
    auth::{return_path::sign_in_then, ssr::accounts::Audit},
    error::AppError,
    ids,
    platform::{db::unix_now, outbox::Queued, AppState, Email},
    values::Date,
};

/// A message to send. An action message names a child, a form and the date it is wanted by.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub recipient_id: i64,
    pub sender_id: Option<i64>,
    pub child_id: Option<i64>,
    /// The child whose case the conversation belongs to, when the message cannot name them to
    /// its recipient (an advice request to a professional not yet linked); `child_id` otherwise.
    pub case_child_id: Option<i64>,
    pub subject: String,
    pub body: String,
    pub action: Option<FormRequest>,
}

/// What an action message asks for.
#[derive(Clone, Debug)]
pub struct FormRequest {
    pub form_id: String,
    pub due_on: Date,
}

/// A message as read back for its recipient.
#[derive(Clone, Debug)]
pub struct Message {
    pub id: i64,
    pub public_id: String,
    pub recipient_id: i64,
    pub recipient: String,
    pub sender_id: Option<i64>,
    pub sender: Option<String>,
    pub child_id: Option<i64>,
    pub case_child_id: Option<i64>,
    pub subject: String,
    pub body: String,
    pub action: Option<FormRequest>,
    pub sent_at: i64,
    /// When the recipient last read the conversation; `None` when something is new to them.
    pub read_at: Option<i64>,
    /// When the SEN team last read it; `None` when the recipient has written since.
    pub team_read_at: Option<i64>,
    /// When the newest reply (or the message) was written.
    pub last_at: i64,
}

impl Message {
    /// Whether the recipient opened the conversation by writing to the SEN team.
    pub fn from_recipient(&self) -> bool {
        self.sender_id == Some(self.recipient_id)
    }
}

/// A message with its sender's name.
#[derive(sqlx::FromRow)]
pub(super) struct MessageRow {
    id: i64,
    public_id: String,
    recipient_id: i64,
    recipient_name: String,
    sender_id: Option<i64>,
    sender_name: Option<String>,
    child_id: Option<i64>,
    case_child_id: Option<i64>,
    subject: String,
    body: String,
    form_id: Option<String>,
    due_on: Option<String>,
    sent_at: i64,
    read_at: Option<i64>,
    team_read_at: Option<i64>,
    last_at: Option<i64>,
}

pub(super) const MESSAGE_COLUMNS: &str =
    "m.id, m.public_id, m.recipient_id, r.full_name AS recipient_name, \
     m.sender_id, s.full_name AS sender_name, m.child_id, m.case_child_id, m.subject, m.body, \
     m.form_id, m.due_on, m.sent_at, m.read_at, m.team_read_at, m.last_at FROM messages m \
     JOIN users r ON r.id = m.recipient_id LEFT JOIN users s ON s.id = m.sender_id";

pub(super) fn message_from(row: MessageRow) -> Message {
    let action = match (row.form_id, row.due_on.as_deref().and_then(Date::from_iso)) {
        (Some(form_id), Some(due_on)) => Some(FormRequest { form_id, due_on }),
        _ => None,
    };
    Message {
        id: row.id,
        public_id: row.public_id,
        recipient_id: row.recipient_id,
        recipient: row.recipient_name,
        sender_id: row.sender_id,
        sender: row.sender_name,
        child_id: row.child_id,
        case_child_id: row.case_child_id,
        subject: row.subject,
        body: row.body,
        action,
        sent_at: row.sent_at,
        read_at: row.read_at,
        team_read_at: row.team_read_at,
        last_at: row.last_at.unwrap_or(row.sent_at),
    }
}

/// Writes a message (no email): for the demo seed, and inside `send_message`.
pub async fn insert_message(
    conn: &mut sqlx::AnyConnection,
    message: &NewMessage,
    sent_at: i64,
) -> Result<String, AppError> {
    let public_id = ids::token(12);
    sqlx::query(
        "INSERT INTO messages (public_id, recipient_id, sender_id, child_id, subject, body, form_id, due_on, sent_at, \
         case_child_id, team_read_at, last_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $9)",
    )
    .bind(&public_id)
    .bind(message.recipient_id)
    .bind(message.sender_id)
    .bind(message.child_id)
    .bind(&message.subject)
    .bind(&message.body)
    .bind(message.action.as_ref().map(|a| a.form_id.clone()))
    .bind(message.action.as_ref().map(|a| a.due_on.iso()))
    .bind(sent_at)
    .bind(message.case_child_id.or(message.child_id))
    .execute(conn)
    .await?;
    Ok(public_id)
}

/// Sends a message in a transaction of its own (see `write_message`); returns its public id.
pub async fn send_message(state: &AppState, message: &NewMessage) -> Result<String, AppError> {
    let mut tx = state.db.begin().await?;
    let (public_id, email) = write_message(&mut tx, state, message).await?;
    tx.commit().await?;
    email.wake();
    Ok(public_id)
}

/// Writes a message in the caller's transaction: stored for the recipient's portal, and an
/// email that says what is asked and by when with a link to sign in — nothing more than the
/// child's first name. An action message's child must be linked to the recipient and its form
/// must exist for their role. Returns the message's public id, and the email to announce
/// once the transaction has committed.
pub async fn write_message(
    conn: &mut sqlx::AnyConnection,
    state: &AppState,
    message: &NewMessage,
) -> Result<(String, Queued), AppError> {
    let recipient = crate::auth::ssr::accounts::find_account_in(&mut *conn, message.recipient_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Whether the message is about a child, and the child's first name for the email: none
    // for a young person acting for themself, who is not told about themself by name.
    let (about_child, child) = match message.child_id {
        Some(child_id) => {
            let relationship =
                crate::people::store::relationship_to(&mut *conn, child_id, recipient.id)
                    .await?
                    .ok_or_else(|| {
                        AppError::invalid(
                    "Link the child to this person before sending them a message about the child",
                )
                    })?;
            if relationship == crate::people::Relationship::Myself {
                (true, None)
            } else {
                (true, Some(child_first_name(&mut *conn, child_id).await?))
            }
        }
        None => (false, None),
    };
    let form_title = match &message.action {
        Some(action) => {
            let form = state
                .forms
                .latest(&action.form_id)
                .filter(|f| f.audience.iter().any(|a| a.includes(recipient.role)))
                .ok_or_else(|| AppError::invalid("That form is not one this person can fill in"))?;
            if !about_child {
                return Err(AppError::invalid("Say which child the form is for"));
            }
            Some(form.title.clone())
        }
        None => None,
    };
    let public_id = insert_message(&mut *conn, message, unix_now()).await?;
    // The subject says what it was about in the case history; the id finds the message.
    let detail = format!("{} ({public_id})", message.subject);
    let mut audit = Audit::of(Some(recipient.id), "message_sent", "").detail(&detail);
    if let Some(sender) = message.sender_id {
        audit = audit.by(sender);
    }
    if let Some(child_id) = message.case_child_id.or(message.child_id) {
        audit = audit.child(child_id);
    }
    audit.write(&mut *conn).await?;
    let email = state
        .outbox
        .write(
            conn,
            &message_email(
                &recipient.email,
                &state.site.council_name,
                &state.runtime.base_url,
                &public_id,
                child.as_deref(),
                form_title
                    .as_deref()
                    .zip(message.action.as_ref().map(|a| a.due_on)),
            ),
        )
        .await?;
    Ok((public_id, email))
}

async fn child_first_name(
    conn: &mut sqlx::AnyConnection,
    child_id: i64,
) -> Result<String, AppError> {
    let name: String = sqlx::query_scalar("SELECT first_name FROM children WHERE id = $1")
        .bind(child_id)
        .fetch_one(conn)
        .await?;
    Ok(name)
}

/// The email about a new message. It names the form and the date (not sensitive) and the
/// child by first name only; the message itself is read after signing in.
pub fn message_email(
    to: &str,
    council: &str,
    base_url: &str,
    message_id: &str,
    child_first_name: Option<&str>,
    form_and_due: Option<(&str, Date)>,
) -> Email {
    let link = format!(
        "{base_url}{}",
        sign_in_then(&format!("/messages/{message_id}"))
    );
    let (subject, ask) = match (form_and_due, child_first_name) {
        (Some((form, due)), Some(child)) => (
            format!("Action needed by {}: a form for {child}", due.long()),
            format!(
                "The {council} SEN team asks you to fill in a form for {child} in the SEND portal: {form}.\n\n\
                 Please send it by {}.",
                due.long()
            ),
        ),
        (Some((form, due)), None) => (
            format!("Action needed by {}: a form to fill in", due.long()),
            format!(
                "The {council} SEN team asks you to fill in a form in the SEND portal: {form}.\n\n\
                 Please send it by {}.",
                due.long()
            ),
        ),
        (_, Some(child)) => (
            format!("New message about {child} in the SEND portal"),
            format!("The {council} SEN team has sent you a message about {child} in the SEND portal."),
        ),
        _ => (
            "New message in the SEND portal".to_owned(),
            format!("The {council} SEN team has sent you a message in the SEND portal."),
        ),
    };
    Email {
        to: to.to_owned(),
        subject,
        text: format!(
            "{ask}\n\nSign in to read the message: {link}\n\n\
             For your privacy we never put details about a child in an email.\n"
        ),
    }
}

/// How many messages the person has not opened.
pub async fn unread_count(pool: &sqlx::AnyPool, user_id: i64) -> Result<i64, AppError> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE recipient_id = $1 AND read_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    Ok(count)
}

/// The person's messages, newest first (`limit` of them, if given).
pub async fn messages_for(
    pool: &sqlx::AnyPool,
    user_id: i64,
    limit: Option<i64>,
) -> Result<Vec<Message>, AppError> {
    let rows: Vec<MessageRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MESSAGE_COLUMNS} WHERE m.recipient_id = $1 ORDER BY m.last_at DESC, m.id DESC LIMIT $2"
    )))
    .bind(user_id)
    .bind(limit.unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(message_from).collect())
}

/// The message, if it was sent to `user_id`; `None` otherwise, as for no such message.
pub async fn find_message_for_user(
    pool: &sqlx::AnyPool,
    user_id: i64,
    public_id: &str,
) -> Result<Option<Message>, AppError> {
    let row: Option<MessageRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MESSAGE_COLUMNS} WHERE m.public_id = $1 AND m.recipient_id = $2"
    )))
    .bind(public_id)
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(message_from))
}

/// Marks a message read (the first time it is opened).
pub async fn mark_read(pool: &sqlx::AnyPool, message_id: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE messages SET read_at = $1 WHERE id = $2 AND read_at IS NULL")
        .bind(unix_now())
        .bind(message_id)
        .execute(pool)
        .await?;
    Ok(())
}
