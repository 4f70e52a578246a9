//! The plan's SQL and rules: reading plans, sections, comments and the family's requests; the
//! family's comments, school or setting and meeting request, each only while the draft is open
//! for comments; and the writes the SEN team's side (in `casework`) makes inside its own
//! transactions.

use super::{section, PlanKind, MAX_COMMENTS_PER_PLAN, MAX_COMMENT_CHARS, PLACEMENT};
use crate::{
    auth::ssr::accounts::{Account, Audit},
    error::AppError,
    ids,
    platform::{db::unix_now, AppState},
    values::Date,
};

/// A plan with its sections.
#[derive(Clone, Debug)]
pub struct Plan {
    pub id: i64,
    pub public_id: String,
    pub child_id: i64,
    pub kind: PlanKind,
    /// `None` while the SEN team is still writing it.
    pub issued_on: Option<Date>,
    /// A draft's last day for comments.
    pub comments_due: Option<Date>,
    pub closed_at: Option<i64>,
    /// (letter, text), in the order A to K; missing sections are empty.
    pub sections: Vec<(String, String)>,
}

impl Plan {
    /// The text of section `letter` ("" when nothing is written).
    pub fn text(&self, letter: &str) -> &str {
        self.sections
            .iter()
            .find(|(l, _)| l == letter)
            .map_or("", |(_, t)| t.as_str())
    }

    /// Whether the family may still comment, name a school and ask for a meeting on `today`.
    pub fn open_for_comments(&self, today: Date) -> bool {
        self.kind == PlanKind::Draft
            && self.issued_on.is_some()
            && self.closed_at.is_none()
            && self.comments_due.is_some_and(|due| today <= due)
    }

    /// Refuses what the family sends once the draft no longer takes it, saying why and when.
    pub fn check_open(&self, today: Date) -> Result<(), AppError> {
        if self.open_for_comments(today) {
            return Ok(());
        }
        Err(AppError::invalid(
            match (self.kind, self.closed_at, self.comments_due) {
                (PlanKind::Final, ..) => {
                    "This is the final plan: it takes no comments. Write to the SEN team if you \
                 disagree with it, or ask them about your right to appeal"
                        .to_owned()
                }
                (_, Some(_), _) => "The final plan has been issued, so this draft takes no more \
                 comments. Write to the SEN team if you disagree with the final plan"
                    .to_owned(),
                (_, None, Some(due)) => format!(
                "The 15 days to comment on this draft plan ended on {}. You can still write to \
                 the SEN team, who will read what you send",
                due.long()
            ),
                (_, None, None) => "This draft plan has not been issued yet".to_owned(),
            },
        ))
    }
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: i64,
    public_id: String,
    child_id: i64,
    kind: String,
    issued_on: Option<String>,
    comments_due: Option<String>,
    closed_at: Option<i64>,
}

const PLAN_COLUMNS: &str =
    "id, public_id, child_id, kind, issued_on, comments_due, closed_at FROM plans";

async fn with_sections(conn: &mut sqlx::AnyConnection, row: PlanRow) -> Result<Plan, AppError> {
    let mut sections: Vec<(String, String)> =
        sqlx::query_as("SELECT letter, body FROM plan_sections WHERE plan_id = $1")
            .bind(row.id)
            .fetch_all(&mut *conn)
            .await?;
    sections.sort_by_key(|(letter, _)| {
        super::SECTIONS
            .iter()
            .position(|s| s.letter == letter)
            .unwrap_or(usize::MAX)
    });
    Ok(Plan {
        id: row.id,
        public_id: row.public_id,
        child_id: row.child_id,
        kind: PlanKind::parse(&row.kind).unwrap_or(PlanKind::Draft),
        issued_on: row.issued_on.as_deref().and_then(Date::from_iso),
        comments_due: row.comments_due.as_deref().and_then(Date::from_iso),
        closed_at: row.closed_at,
        sections,
    })
}

/// What `one` looks a plan up by.
enum Key<'a> {
    PublicId(&'a str),
    Child(i64),
}

async fn one(
    conn: &mut sqlx::AnyConnection,
    filter: &str,
    key: Key<'_>,
) -> Result<Option<Plan>, AppError> {
    let query = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PLAN_COLUMNS} WHERE {filter} ORDER BY id DESC LIMIT 1"
    )));
    let query = match key {
        Key::PublicId(id) => query.bind(id.to_owned()),
        Key::Child(id) => query.bind(id),
    };
    let row: Option<PlanRow> = query.fetch_optional(&mut *conn).await?;
    match row {
        Some(row) => Ok(Some(with_sections(conn, row).await?)),
        None => Ok(None),
    }
}

/// The plan with this public id (issued or not: callers decide who may see it).
pub async fn find_plan(pool: &sqlx::AnyPool, public_id: &str) -> Result<Option<Plan>, AppError> {
    let mut conn = pool.acquire().await?;
    one(&mut conn, "public_id = $1", Key::PublicId(public_id)).await
}

/// The child's newest plan of `kind`, issued (`Some(true)`), being written (`Some(false)`), or
/// either (`None`).
pub async fn latest_plan(
    pool: &sqlx::AnyPool,
    child_id: i64,
    kind: PlanKind,
    issued: Option<bool>,
) -> Result<Option<Plan>, AppError> {
    let issued = match issued {
        Some(true) => " AND issued_on IS NOT NULL",
        Some(false) => " AND issued_on IS NULL",
        None => "",
    };
    let mut conn = pool.acquire().await?;
    let filter = format!("child_id = $1 AND kind = '{}'{issued}", kind.as_str());
    one(&mut conn, &filter, Key::Child(child_id)).await
}

/// A comment on a section, with the SEN team's answer once given.
#[derive(Clone, Debug)]
pub struct Comment {
    pub public_id: String,
    pub letter: String,
    pub author_id: Option<i64>,
    pub author_name: String,
    pub body: String,
    pub written_at: i64,
    pub answer: Option<Answer>,
}

/// The SEN team's answer to a comment.
#[derive(Clone, Debug)]
pub struct Answer {
    pub changed: bool,
    pub reason: String,
    pub by: String,
    pub at: i64,
}

#[derive(sqlx::FromRow)]
struct CommentRow {
    public_id: String,
    letter: String,
    author_id: Option<i64>,
    author_name: Option<String>,
    body: String,
    written_at: i64,
    answer: Option<String>,
    reason: Option<String>,
    answered_by_name: Option<String>,
    answered_at: Option<i64>,
}

/// Every comment on the plan, oldest first.
pub async fn comments_of(pool: &sqlx::AnyPool, plan_id: i64) -> Result<Vec<Comment>, AppError> {
    let rows: Vec<CommentRow> = sqlx::query_as(
        "SELECT c.public_id, c.letter, c.author_id, a.full_name AS author_name, c.body, \
         c.written_at, c.answer, c.reason, b.full_name AS answered_by_name, c.answered_at \
         FROM plan_comments c LEFT JOIN users a ON a.id = c.author_id \
         LEFT JOIN users b ON b.id = c.answered_by WHERE c.plan_id = $1 ORDER BY c.id",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Comment {
            answer: match (r.answer.as_deref(), r.answered_at) {
                (Some(answer), Some(at)) => Some(Answer {
                    changed: answer == "changed",
                    reason: r.reason.unwrap_or_default(),
                    by: r
                        .answered_by_name
                        .unwrap_or_else(|| "The SEN team".to_owned()),
                    at,
                }),
                _ => None,
            },
            public_id: r.public_id,
            letter: r.letter,
            author_id: r.author_id,
            author_name: r
                .author_name
                .unwrap_or_else(|| "A former account".to_owned()),
            body: r.body,
            written_at: r.written_at,
        })
        .collect())
}

/// What one member of the family asked for on a draft.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FamilyRequest {
    pub user_id: i64,
    pub full_name: String,
    pub setting_kind: Option<String>,
    pub setting_name: Option<String>,
    pub setting_at: Option<i64>,
    pub meeting_note: Option<String>,
    pub meeting_at: Option<i64>,
}

/// What the family asked for on the plan, by person.
pub async fn requests_of(
    pool: &sqlx::AnyPool,
    plan_id: i64,
) -> Result<Vec<FamilyRequest>, AppError> {
    Ok(sqlx::query_as(
        "SELECT r.user_id, u.full_name, r.setting_kind, r.setting_name, r.setting_at, \
         r.meeting_note, r.meeting_at FROM plan_requests r JOIN users u ON u.id = r.user_id \
         WHERE r.plan_id = $1 ORDER BY u.full_name, r.user_id",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?)
}

/// A comment, meeting note or school name as the family typed it: trimmed, not blank, not
/// too long. `what` names it in the messages.
fn checked(field: &str, text: &str, what: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::field(field, format!("Write your {what}")));
    }
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::field(
            field,
            format!("Your {what} must be {MAX_COMMENT_CHARS} characters or fewer"),
        ));
    }
    Ok(text.to_owned())
}

/// Emails the case's caseworker (if it has one) that the family has sent something on the
/// draft, with a link to the plan's page: it says what, never what they wrote.
async fn tell_caseworker(
    tx: &mut sqlx::AnyConnection,
    state: &AppState,
    plan: &Plan,
    what: &str,
) -> Result<Option<crate::platform::outbox::Queued>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Contact {
        email: String,
        child: String,
    }
    let contact: Option<Contact> = sqlx::query_as(
        "SELECT u.email, c.public_id AS child FROM cases cs JOIN users u ON u.id = cs.caseworker_id \
         JOIN children c ON c.id = cs.child_id WHERE cs.child_id = $1 AND u.deactivated_at IS NULL",
    )
    .bind(plan.child_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(contact) = contact else {
        return Ok(None);
    };
    let link = format!(
        "{}{}",
        state.runtime.base_url,
        crate::auth::return_path::sign_in_then(&format!("/staff/cases/{}/plan", contact.child))
    );
    let email = crate::platform::Email {
        to: contact.email,
        subject: format!("Draft EHC plan: {what}"),
        text: format!(
            "The family has sent something on a draft EHC plan in the SEND portal: {what}.\n\nRead it, and answer any comment, on the case's plan page: {link}\n"
        ),
    };
    Ok(Some(state.outbox.write(&mut *tx, &email).await?))
}

/// A comment from the family on section `letter` of an open draft. Returns its public id.
pub async fn comment(
    state: &AppState,
    author: &Account,
    plan: &Plan,
    letter: &str,
    text: &str,
    today: Date,
) -> Result<String, AppError> {
    plan.check_open(today)?;
    let section = section(letter)
        .ok_or_else(|| AppError::field("section", "Choose the section you are commenting on"))?;
    let field = format!("comment-{}", section.letter.to_lowercase());
    let body = checked(&field, text, "comment")?;
    let mut tx = state.db.begin().await?;
    // The count is claimed first, so the limit holds however many arrive at once.
    let claimed = sqlx::query(
        "UPDATE plans SET comment_count = comment_count + 1 WHERE id = $1 AND comment_count < $2",
    )
    .bind(plan.id)
    .bind(MAX_COMMENTS_PER_PLAN)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Err(AppError::field(
            &field,
            format!(
                "This draft plan has {MAX_COMMENTS_PER_PLAN} comments, the most it takes: write \
                 to the SEN team instead"
            ),
        ));
    }
    let public_id = ids::token(12);
    sqlx::query(
        "INSERT INTO plan_comments (public_id, plan_id, letter, author_id, body, written_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&public_id)
    .bind(plan.id)
    .bind(section.letter)
    .bind(author.id)
    .bind(&body)
    .bind(unix_now())
    .execute(&mut *tx)
    .await?;
    Audit::of(Some(author.id), "plan_commented", "")
        .child(plan.child_id)
        .detail(&section.heading())
        .write(&mut tx)
        .await?;
    let email = tell_caseworker(&mut tx, state, plan, "a comment to answer").await?;
    tx.commit().await?;
    if let Some(email) = email {
        email.wake();
    }
    Ok(public_id)
}

/// The school or setting the family member would like named in the plan (replacing what they
/// said before).
pub async fn name_setting(
    state: &AppState,
    author: &Account,
    plan: &Plan,
    kind: &str,
    name: &str,
    today: Date,
) -> Result<(), AppError> {
    plan.check_open(today)?;
    if super::setting_kind_label(kind).is_none() {
        return Err(AppError::field(
            "setting-kind",
            "Choose the kind of school or setting",
        ));
    }
    let name = checked("setting-name", name, "school or setting’s name")?;
    let now = unix_now();
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "INSERT INTO plan_requests (plan_id, user_id, setting_kind, setting_name, setting_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (plan_id, user_id) DO UPDATE SET \
         setting_kind = $3, setting_name = $4, setting_at = $5",
    )
    .bind(plan.id)
    .bind(author.id)
    .bind(kind)
    .bind(&name)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Audit::of(Some(author.id), "plan_setting_named", "")
        .child(plan.child_id)
        .detail(&name)
        .write(&mut tx)
        .await?;
    let email = tell_caseworker(
        &mut tx,
        state,
        plan,
        "the school or setting they would like",
    )
    .await?;
    tx.commit().await?;
    if let Some(email) = email {
        email.wake();
    }
    Ok(())
}

/// The family member asks for a meeting about the draft, saying what about (optional).
pub async fn ask_meeting(
    state: &AppState,
    author: &Account,
    plan: &Plan,
    note: &str,
    today: Date,
) -> Result<(), AppError> {
    plan.check_open(today)?;
    let note = note.trim();
    if note.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::field(
            "meeting-note",
            format!(
                "What you would like to talk about must be {MAX_COMMENT_CHARS} characters or fewer"
            ),
        ));
    }
    let now = unix_now();
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "INSERT INTO plan_requests (plan_id, user_id, meeting_note, meeting_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (plan_id, user_id) DO UPDATE SET \
         meeting_note = $3, meeting_at = $4",
    )
    .bind(plan.id)
    .bind(author.id)
    .bind(note)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Audit::of(Some(author.id), "plan_meeting_asked", "")
        .child(plan.child_id)
        .write(&mut tx)
        .await?;
    let email = tell_caseworker(&mut tx, state, plan, "a meeting asked for").await?;
    tx.commit().await?;
    if let Some(email) = email {
        email.wake();
    }
    Ok(())
}

// The SEN team's writes, each inside the caller's transaction.

/// A new plan of `kind` for the child, not yet issued. Returns its id and public id.
pub async fn create_plan(
    conn: &mut sqlx::AnyConnection,
    child_id: i64,
    kind: PlanKind,
    by: i64,
) -> Result<(i64, String), AppError> {
    let public_id = ids::token(12);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO plans (public_id, child_id, kind, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&public_id)
    .bind(child_id)
    .bind(kind.as_str())
    .bind(by)
    .bind(unix_now())
    .fetch_one(&mut *conn)
    .await?;
    Ok((id, public_id))
}

/// Replaces the plan's sections with `sections` (letter, text).
pub async fn save_sections(
    conn: &mut sqlx::AnyConnection,
    plan_id: i64,
    sections: &[(&'static str, String)],
    by: i64,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM plan_sections WHERE plan_id = $1")
        .bind(plan_id)
        .execute(&mut *conn)
        .await?;
    for (letter, text) in sections {
        sqlx::query("INSERT INTO plan_sections (plan_id, letter, body) VALUES ($1, $2, $3)")
            .bind(plan_id)
            .bind(*letter)
            .bind(text)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE plans SET updated_by = $1, updated_at = $2 WHERE id = $3")
        .bind(by)
        .bind(unix_now())
        .bind(plan_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Issues the plan on `on`; a draft takes comments until `comments_due`.
pub async fn mark_issued(
    conn: &mut sqlx::AnyConnection,
    plan_id: i64,
    on: Date,
    comments_due: Option<Date>,
    by: i64,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE plans SET issued_on = $1, comments_due = $2, issued_by = $3 \
         WHERE id = $4 AND issued_on IS NULL",
    )
    .bind(on.iso())
    .bind(comments_due.map(Date::iso))
    .bind(by)
    .bind(plan_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if done == 0 {
        return Err(AppError::invalid(
            "This plan has been issued already: reload the page to see it",
        ));
    }
    Ok(())
}

/// Closes the child's issued drafts: the final plan is issued.
pub async fn close_drafts(conn: &mut sqlx::AnyConnection, child_id: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE plans SET closed_at = $1 WHERE child_id = $2 AND kind = 'draft' \
         AND issued_on IS NOT NULL AND closed_at IS NULL",
    )
    .bind(unix_now())
    .bind(child_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records the SEN team's answer to a comment on the plan. Returns the comment's author, to
/// tell them; refuses a comment already answered.
pub async fn answer_comment(
    conn: &mut sqlx::AnyConnection,
    plan_id: i64,
    comment: &str,
    changed: bool,
    reason: &str,
    by: i64,
) -> Result<Option<i64>, AppError> {
    let author: Option<Option<i64>> = sqlx::query_scalar(
        "SELECT author_id FROM plan_comments WHERE plan_id = $1 AND public_id = $2",
    )
    .bind(plan_id)
    .bind(comment)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(author) = author else {
        return Err(AppError::NotFound);
    };
    let done = sqlx::query(
        "UPDATE plan_comments SET answer = $1, reason = $2, answered_by = $3, answered_at = $4 \
         WHERE plan_id = $5 AND public_id = $6 AND answer IS NULL",
    )
    .bind(if changed { "changed" } else { "not_changed" })
    .bind(reason)
    .bind(by)
    .bind(unix_now())
    .bind(plan_id)
    .bind(comment)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if done == 0 {
        return Err(AppError::invalid(
            "This comment has been answered already: reload the page to see the answer",
        ));
    }
    Ok(author)
}

/// Whether section `letter` is one a draft leaves empty.
pub fn empty_in_draft(letter: &str) -> bool {
    letter == PLACEMENT
}
