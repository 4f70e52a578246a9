//! Advice requests in the database.

use super::{AdviceKind, AdviceRequest, AdviceState};
use crate::{error::AppError, values::Date};

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: i64,
    kind: String,
    organisation: String,
    person: Option<String>,
    asked_on: String,
    due_on: String,
    received_on: Option<String>,
}

fn request_from(row: RequestRow, today: Date) -> Result<AdviceRequest, AppError> {
    let date = |text: &str| {
        Date::from_iso(text)
            .ok_or_else(|| crate::error::internal(format!("bad date {text:?} in advice_requests")))
    };
    let due_on = date(&row.due_on)?;
    let received = row.received_on.as_deref().map(date).transpose()?;
    Ok(AdviceRequest {
        id: row.id,
        kind: AdviceKind::parse(&row.kind)
            .ok_or_else(|| crate::error::internal(format!("unknown advice kind {:?}", row.kind)))?,
        organisation: row.organisation,
        person: row.person,
        asked_on: date(&row.asked_on)?,
        due_on,
        state: AdviceState::of(due_on, received, today),
    })
}

/// The child's advice requests: those still awaited first, soonest due first; then the rest.
pub async fn requests_for_child(
    pool: &sqlx::AnyPool,
    child_id: i64,
    today: Date,
) -> Result<Vec<AdviceRequest>, AppError> {
    let rows: Vec<RequestRow> = sqlx::query_as(
        "SELECT a.id, a.kind, o.name AS organisation, u.full_name AS person, a.asked_on, a.due_on, \
           a.received_on \
         FROM advice_requests a JOIN organisations o ON o.id = a.organisation_id \
         LEFT JOIN users u ON u.id = a.person_id \
         WHERE a.child_id = $1 \
         ORDER BY CASE WHEN a.received_on IS NULL THEN 0 ELSE 1 END, a.due_on, a.id",
    )
    .bind(child_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(|r| request_from(r, today)).collect()
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
        "INSERT INTO advice_requests (child_id, kind, organisation_id, person_id, note, asked_on, \
           due_on, asked_by, asked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
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
