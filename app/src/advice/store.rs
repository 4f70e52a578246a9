//! Advice requests in the database.

use super::{AdviceKind, AdviceProgress, AdviceRequest, AdviceState};
use crate::{error::AppError, values::Date};

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: i64,
    public_id: String,
    child_id: i64,
    kind: String,
    organisation: String,
    person: Option<String>,
    person_id: Option<i64>,
    note: String,
    asked_on: String,
    due_on: String,
    received_on: Option<String>,
    sent_on: Option<String>,
    picked_up_by: Option<i64>,
    picked_up_by_name: Option<String>,
    latest: Option<String>,
    draft: Option<String>,
}

/// Every request's columns, with its organisation, who it was asked of, who picked it up, the
/// latest advice sent for it (`sent` while unreviewed, else the review's outcome) and the draft
/// being written.
const REQUEST_SELECT: &str = "SELECT a.id, a.public_id, a.child_id, a.kind, o.name AS organisation, \
       u.full_name AS person, a.person_id, a.note, a.asked_on, a.due_on, a.received_on, a.sent_on, \
       a.picked_up_by, p.full_name AS picked_up_by_name, \
       (SELECT CASE WHEN r.outcome IS NULL THEN 'sent' ELSE r.outcome END FROM submissions s \
          LEFT JOIN submission_reviews r ON r.submission_id = s.id \
          WHERE s.advice_request_id = a.id ORDER BY s.id DESC LIMIT 1) AS latest, \
       (SELECT d.public_id FROM drafts d WHERE d.advice_request_id = a.id ORDER BY d.id DESC LIMIT 1) AS draft \
     FROM advice_requests a JOIN organisations o ON o.id = a.organisation_id \
     LEFT JOIN users u ON u.id = a.person_id LEFT JOIN users p ON p.id = a.picked_up_by";

/// Awaited first, soonest due first; then the rest.
const REQUEST_ORDER: &str =
    "ORDER BY CASE WHEN a.received_on IS NULL THEN 0 ELSE 1 END, a.due_on, a.id";

fn request_from(row: RequestRow, today: Date) -> Result<AdviceRequest, AppError> {
    let date = |text: &str| {
        Date::from_iso(text)
            .ok_or_else(|| crate::error::internal(format!("bad date {text:?} in advice_requests")))
    };
    let due_on = date(&row.due_on)?;
    let asked_on = date(&row.asked_on)?;
    let received = row.received_on.as_deref().map(date).transpose()?;
    let sent_on = row.sent_on.as_deref().map(date).transpose()?;
    Ok(AdviceRequest {
        id: row.id,
        public_id: row.public_id,
        child_id: row.child_id,
        kind: AdviceKind::parse(&row.kind)
            .ok_or_else(|| crate::error::internal(format!("unknown advice kind {:?}", row.kind)))?,
        organisation: row.organisation,
        person: row.person,
        person_id: row.person_id,
        note: row.note,
        asked_on,
        due_on,
        state: AdviceState::of(due_on, received, today),
        progress: AdviceProgress::of(
            received.is_some(),
            row.latest.as_deref(),
            row.picked_up_by_name,
            sent_on,
            asked_on,
        ),
        picked_up_by: row.picked_up_by,
        draft: row.draft,
    })
}

/// The child's advice requests: those still awaited first, soonest due first; then the rest.
pub async fn requests_for_child(
    pool: &sqlx::AnyPool,
    child_id: i64,
    today: Date,
) -> Result<Vec<AdviceRequest>, AppError> {
    let rows: Vec<RequestRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{REQUEST_SELECT} WHERE a.child_id = $1 {REQUEST_ORDER}"
    )))
    .bind(child_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(|r| request_from(r, today)).collect()
}

/// SQL: the requests professional `$1` may see and pick up: those asked of an organisation
/// they belong to, and those they picked up (also after leaving it, until someone there takes
/// them over).
pub const ASKED_OF_USER: &str =
    "(a.organisation_id IN (SELECT m.organisation_id FROM organisation_members m \
     WHERE m.user_id = $1) OR a.picked_up_by = $1)";

/// Every request professional `user_id` may see, awaited first, soonest due first.
pub async fn requests_for_professional(
    pool: &sqlx::AnyPool,
    user_id: i64,
    today: Date,
) -> Result<Vec<AdviceRequest>, AppError> {
    let rows: Vec<RequestRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{REQUEST_SELECT} WHERE {ASKED_OF_USER} {REQUEST_ORDER}"
    )))
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(|r| request_from(r, today)).collect()
}

/// The request with this public id, if professional `user_id` may see it; `None` for anyone
/// else, exactly as for an id that does not exist.
pub async fn find_request_for_professional(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    public_id: &str,
    today: Date,
) -> Result<Option<AdviceRequest>, AppError> {
    let row: Option<RequestRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{REQUEST_SELECT} WHERE {ASKED_OF_USER} AND a.public_id = $2"
    )))
    .bind(user_id)
    .bind(public_id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| request_from(r, today)).transpose()
}

/// Whether `user_id` can still answer for the request: an active member of its organisation.
pub async fn still_in_organisation(
    conn: &mut sqlx::AnyConnection,
    request_id: i64,
    user_id: i64,
) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM advice_requests a JOIN organisation_members m \
           ON m.organisation_id = a.organisation_id AND m.user_id = $2 \
         JOIN users u ON u.id = m.user_id AND u.deactivated_at IS NULL WHERE a.id = $1",
    )
    .bind(request_id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Records that `user_id` picked the request up, if it was still with `previous` (nobody, or
/// someone who has left): false when someone else took it first.
pub async fn claim_request(
    conn: &mut sqlx::AnyConnection,
    request_id: i64,
    user_id: i64,
    previous: Option<i64>,
    at: i64,
) -> Result<bool, AppError> {
    let still_with = match previous {
        Some(_) => "picked_up_by = $4",
        None => "picked_up_by IS NULL AND $4 = 0",
    };
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE advice_requests SET picked_up_by = $1, picked_up_at = $2 \
         WHERE id = $3 AND received_on IS NULL AND {still_with}"
    )))
    .bind(user_id)
    .bind(at)
    .bind(request_id)
    .bind(previous.unwrap_or(0))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// When a draft linked to a request is sent: the submission is linked to the request too, and
/// the request records the day. Nothing for other drafts.
pub async fn advice_sent(
    conn: &mut sqlx::AnyConnection,
    draft_id: i64,
    submission_id: i64,
    today: Date,
) -> Result<(), AppError> {
    let request: Option<i64> =
        sqlx::query_scalar("SELECT advice_request_id FROM drafts WHERE id = $1")
            .bind(draft_id)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
    let Some(request) = request else {
        return Ok(());
    };
    sqlx::query("UPDATE submissions SET advice_request_id = $1 WHERE id = $2")
        .bind(request)
        .bind(submission_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE advice_requests SET sent_on = $1 WHERE id = $2")
        .bind(today.iso())
        .bind(request)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// When the SEN team accepts a submission: if it is advice, its request is received today.
pub async fn advice_accepted(
    conn: &mut sqlx::AnyConnection,
    submission_id: i64,
    today: Date,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE advice_requests SET received_on = $1 WHERE received_on IS NULL AND id = \
           (SELECT advice_request_id FROM submissions WHERE id = $2)",
    )
    .bind(today.iso())
    .bind(submission_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// When the SEN team returns a submission with a new draft for its sender: if it is advice,
/// the new draft answers the same request.
pub async fn advice_returned(
    conn: &mut sqlx::AnyConnection,
    submission_id: i64,
    new_draft_id: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE drafts SET advice_request_id = \
           (SELECT advice_request_id FROM submissions WHERE id = $1) WHERE id = $2",
    )
    .bind(submission_id)
    .bind(new_draft_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Links a new draft to the request it answers.
pub async fn link_draft(
    conn: &mut sqlx::AnyConnection,
    draft_public_id: &str,
    request_id: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE drafts SET advice_request_id = $1 WHERE public_id = $2")
        .bind(request_id)
        .bind(draft_public_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Hands the request's draft (if any) to whoever took the request over.
pub async fn hand_over_draft(
    conn: &mut sqlx::AnyConnection,
    request_id: i64,
    to: i64,
) -> Result<Option<String>, AppError> {
    sqlx::query("UPDATE drafts SET owner_id = $1 WHERE advice_request_id = $2")
        .bind(to)
        .bind(request_id)
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query_scalar(
        "SELECT public_id FROM drafts WHERE advice_request_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(request_id)
    .fetch_optional(conn)
    .await?)
}

/// A new request, asked on `asked_on` and due on `due_on`; its id.
pub struct NewRequest<'a> {
    pub child_id: i64,
    pub kind: AdviceKind,
    pub organisation_id: i64,
    pub person_id: Option<i64>,
    pub note: &'a str,
    pub asked_on: Date,
    pub due_on: Date,
    pub asked_by: i64,
    pub asked_at: i64,
}

pub async fn insert_request(
    conn: &mut sqlx::AnyConnection,
    new: &NewRequest<'_>,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO advice_requests (public_id, child_id, kind, organisation_id, person_id, note, \
           asked_on, due_on, asked_by, asked_at) VALUES ($10, $1, $2, $3, $4, $5, $6, $7, $8, $9) \
         RETURNING id",
    )
    .bind(new.child_id)
    .bind(new.kind.as_str())
    .bind(new.organisation_id)
    .bind(new.person_id)
    .bind(new.note)
    .bind(new.asked_on.iso())
    .bind(new.due_on.iso())
    .bind(new.asked_by)
    .bind(new.asked_at)
    .bind(crate::ids::token(12))
    .fetch_one(conn)
    .await?)
}

/// An organisation to ask, with its members as (user id, name).
pub struct OrganisationChoice {
    pub id: i64,
    pub name: String,
    pub members: Vec<(i64, String)>,
}

/// Every organisation with its members, for choosing whom to ask, by name. Deactivated members
/// are left out: they cannot answer.
pub async fn organisations_with_members(
    pool: &sqlx::AnyPool,
) -> Result<Vec<OrganisationChoice>, AppError> {
    let rows: Vec<(i64, String, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT o.id, o.name, u.id, u.full_name FROM organisations o \
         LEFT JOIN organisation_members m ON m.organisation_id = o.id \
         LEFT JOIN users u ON u.id = m.user_id AND u.deactivated_at IS NULL \
         ORDER BY o.name_key, o.id, lower(u.full_name)",
    )
    .fetch_all(pool)
    .await?;
    let mut out: Vec<OrganisationChoice> = Vec::new();
    for (id, name, user, user_name) in rows {
        if out.last().map(|last| last.id) != Some(id) {
            out.push(OrganisationChoice {
                id,
                name,
                members: Vec::new(),
            });
        }
        if let (Some(user), Some(user_name), Some(last)) = (user, user_name, out.last_mut()) {
            last.members.push((user, user_name));
        }
    }
    Ok(out)
}
