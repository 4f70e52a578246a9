//! Advice requests in the database.

use super::{
    AdviceKind, AdviceProgress, AdviceRequest, AdviceState, Answered, Consultation,
    ConsultationAnswer,
};
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
    /// `teams::OrganisationKind::as_str`.
    pub kind: String,
    pub members: Vec<(i64, String)>,
}

/// Every organisation with its members, for choosing whom to ask, by name. Deactivated members
/// are left out: they cannot answer.
pub async fn organisations_with_members(
    pool: &sqlx::AnyPool,
) -> Result<Vec<OrganisationChoice>, AppError> {
    /// An organisation, with one member (or none) per row.
    type Row = (i64, String, String, Option<i64>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT o.id, o.name, o.kind, u.id, u.full_name FROM organisations o \
         LEFT JOIN organisation_members m ON m.organisation_id = o.id \
         LEFT JOIN users u ON u.id = m.user_id AND u.deactivated_at IS NULL \
         ORDER BY o.name_key, o.id, lower(u.full_name)",
    )
    .fetch_all(pool)
    .await?;
    let mut out: Vec<OrganisationChoice> = Vec::new();
    for (id, name, kind, user, user_name) in rows {
        if out.last().map(|last| last.id) != Some(id) {
            out.push(OrganisationChoice {
                id,
                name,
                kind,
                members: Vec::new(),
            });
        }
        if let (Some(user), Some(user_name), Some(last)) = (user, user_name, out.last_mut()) {
            last.members.push((user, user_name));
        }
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct ConsultationRow {
    id: i64,
    public_id: String,
    child_id: i64,
    organisation: String,
    document: String,
    document_title: String,
    note: String,
    asked_on: String,
    due_on: String,
    answer: Option<String>,
    reasons: Option<String>,
    answered_by_name: Option<String>,
    answered_at: Option<i64>,
}

const CONSULTATION_SELECT: &str =
    "SELECT co.id, co.public_id, co.child_id, o.name AS organisation, \
       d.public_id AS document, d.title AS document_title, co.note, co.asked_on, co.due_on, \
       co.answer, co.reasons, u.full_name AS answered_by_name, co.answered_at \
     FROM consultations co JOIN organisations o ON o.id = co.organisation_id \
     JOIN shared_documents d ON d.id = co.document_id LEFT JOIN users u ON u.id = co.answered_by";

/// Unanswered first, soonest due first.
const CONSULTATION_ORDER: &str =
    "ORDER BY CASE WHEN co.answer IS NULL THEN 0 ELSE 1 END, co.due_on, co.id";

fn consultation_from(row: ConsultationRow) -> Result<Consultation, AppError> {
    let date = |text: &str| {
        Date::from_iso(text)
            .ok_or_else(|| crate::error::internal(format!("bad date {text:?} in consultations")))
    };
    let answered = match (
        row.answer.as_deref().and_then(ConsultationAnswer::parse),
        row.answered_at,
    ) {
        (Some(answer), Some(at)) => Some(Answered {
            answer,
            reasons: row.reasons.unwrap_or_default(),
            by: row.answered_by_name,
            on: crate::clock::local_date(at),
        }),
        _ => None,
    };
    Ok(Consultation {
        id: row.id,
        public_id: row.public_id,
        child_id: row.child_id,
        organisation: row.organisation,
        document: row.document,
        document_title: row.document_title,
        note: row.note,
        asked_on: date(&row.asked_on)?,
        due_on: date(&row.due_on)?,
        answered,
    })
}

/// The child's consultations, unanswered first.
pub async fn consultations_for_child(
    pool: &sqlx::AnyPool,
    child_id: i64,
) -> Result<Vec<Consultation>, AppError> {
    let rows: Vec<ConsultationRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CONSULTATION_SELECT} WHERE co.child_id = $1 {CONSULTATION_ORDER}"
    )))
    .bind(child_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(consultation_from).collect()
}

/// SQL: consultations with an organisation professional `$1` belongs to.
pub const CONSULTED_USER: &str = "co.organisation_id IN (SELECT m.organisation_id FROM \
     organisation_members m WHERE m.user_id = $1)";

/// Every consultation with an organisation professional `user_id` belongs to.
pub async fn consultations_for_professional(
    pool: &sqlx::AnyPool,
    user_id: i64,
) -> Result<Vec<Consultation>, AppError> {
    let rows: Vec<ConsultationRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CONSULTATION_SELECT} WHERE {CONSULTED_USER} {CONSULTATION_ORDER}"
    )))
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(consultation_from).collect()
}

/// The consultation, if professional `user_id` belongs to the organisation consulted; `None`
/// for anyone else, exactly as for an id that does not exist.
pub async fn find_consultation_for_professional(
    pool: &sqlx::AnyPool,
    user_id: i64,
    public_id: &str,
) -> Result<Option<Consultation>, AppError> {
    let row: Option<ConsultationRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CONSULTATION_SELECT} WHERE {CONSULTED_USER} AND co.public_id = $2"
    )))
    .bind(user_id)
    .bind(public_id)
    .fetch_optional(pool)
    .await?;
    row.map(consultation_from).transpose()
}

/// A new consultation.
pub struct NewConsultation<'a> {
    pub child_id: i64,
    pub organisation_id: i64,
    pub document_id: i64,
    pub note: &'a str,
    pub asked_on: Date,
    pub due_on: Date,
    pub asked_by: i64,
    pub asked_at: i64,
}

pub async fn insert_consultation(
    conn: &mut sqlx::AnyConnection,
    new: &NewConsultation<'_>,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO consultations (public_id, child_id, organisation_id, document_id, note, \
           asked_on, due_on, asked_by, asked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         RETURNING id",
    )
    .bind(crate::ids::token(12))
    .bind(new.child_id)
    .bind(new.organisation_id)
    .bind(new.document_id)
    .bind(new.note)
    .bind(new.asked_on.iso())
    .bind(new.due_on.iso())
    .bind(new.asked_by)
    .bind(new.asked_at)
    .fetch_one(conn)
    .await?)
}

/// Records the answer, unless the consultation was answered already: whether it was recorded.
pub async fn answer_consultation(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    answer: ConsultationAnswer,
    reasons: &str,
    by: i64,
    at: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE consultations SET answer = $1, reasons = $2, answered_by = $3, answered_at = $4 \
         WHERE id = $5 AND answer IS NULL",
    )
    .bind(answer.as_str())
    .bind(reasons)
    .bind(by)
    .bind(at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The schools and early years settings a draft plan can go to for consultation, by name, with
/// their active members' ids.
pub async fn schools_and_settings(
    pool: &sqlx::AnyPool,
) -> Result<Vec<OrganisationChoice>, AppError> {
    Ok(organisations_with_members(pool)
        .await?
        .into_iter()
        .filter(|o| matches!(o.kind.as_str(), "school" | "early_years"))
        .collect())
}
