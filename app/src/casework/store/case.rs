//! A case: its row, its history, the version every change claims, assigning it, and Add a case.
//! This file holds its SQL; the markup is in `casework/pages/case.rs`.

use super::dashboard::caseworkers;
use crate::{
    auth::ssr::accounts::{Account, Audit},
    error::AppError,
    people::ChildSummary,
    platform::{db::unix_now, AppState},
    status::store::ensure_case,
    values::Date,
};

/// A case as its page shows it.
pub struct Case {
    pub child_id: i64,
    pub child: ChildSummary,
    pub reference: String,
    pub caseworker: Option<(i64, String)>,
    pub advice_requested_on: Option<Date>,
    pub outcome: Option<(String, String)>,
    pub version: i64,
    pub updated_at: i64,
    pub updated_by: Option<String>,
}

/// A case with its child, its caseworker's name and who changed it last.
#[derive(sqlx::FromRow)]
struct CaseRow {
    child_id: i64,
    public_id: String,
    first_name: String,
    last_name: String,
    date_of_birth: String,
    reference: String,
    caseworker_id: Option<i64>,
    caseworker_name: Option<String>,
    advice_requested_on: Option<String>,
    outcome: Option<String>,
    outcome_reason: Option<String>,
    version: i64,
    updated_at: i64,
    updated_by_name: Option<String>,
}

/// The child's case by the child's public id (a case is opened for any child the SEN team
/// looks at, so a child linked by a parent alone can be picked up).
pub async fn find_case(pool: &sqlx::AnyPool, child: &str) -> Result<Case, AppError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM children WHERE public_id = $1")
        .bind(child)
        .fetch_optional(pool)
        .await?;
    let child_id = found.ok_or(AppError::NotFound)?;
    let mut conn = pool.acquire().await?;
    ensure_case(&mut conn, child_id).await?;
    let row: CaseRow = sqlx::query_as(
        "SELECT c.id AS child_id, c.public_id, c.first_name, c.last_name, c.date_of_birth, k.reference, \
         k.caseworker_id, w.full_name AS caseworker_name, k.advice_requested_on, k.outcome, k.outcome_reason, \
         k.version, k.updated_at, e.full_name AS updated_by_name \
         FROM cases k JOIN children c ON c.id = k.child_id LEFT JOIN users w ON w.id = k.caseworker_id \
         LEFT JOIN users e ON e.id = k.updated_by WHERE k.child_id = $1",
    )
    .bind(child_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Case {
        child_id: row.child_id,
        child: ChildSummary {
            id: row.public_id,
            first_name: row.first_name,
            last_name: row.last_name,
            date_of_birth: row.date_of_birth,
        },
        reference: row.reference,
        caseworker: row.caseworker_id.zip(row.caseworker_name),
        advice_requested_on: row.advice_requested_on.as_deref().and_then(Date::from_iso),
        outcome: row
            .outcome
            .map(|o| (o, row.outcome_reason.unwrap_or_default())),
        version: row.version,
        updated_at: row.updated_at,
        updated_by: row.updated_by_name,
    })
}

/// An entry of the case's audit timeline: (when, who, what, detail).
pub async fn timeline(
    pool: &sqlx::AnyPool,
    child_id: i64,
) -> Result<Vec<(i64, String, String, String)>, AppError> {
    let rows: Vec<TimelineRow> = sqlx::query_as(
        "SELECT a.at, actor.full_name AS actor_name, u.full_name AS user_name, a.action, a.detail FROM audit_log a \
         LEFT JOIN users actor ON actor.id = a.actor_id LEFT JOIN users u ON u.id = a.user_id \
         WHERE a.child_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT 200",
    )
    .bind(child_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            (
                row.at,
                row.actor_name
                    .or(row.user_name)
                    .unwrap_or_else(|| "The portal".into()),
                crate::auth::describe_action(&row.action).to_owned(),
                row.detail,
            )
        })
        .collect())
}

/// A change to a case: who makes it, and the version of the case their page showed.
#[derive(Clone, Copy)]
pub struct Change<'a> {
    pub state: &'a AppState,
    pub staff: &'a Account,
    pub case: &'a Case,
    pub version: i64,
}

impl<'a> Change<'a> {
    pub fn parts(&self) -> (&'a AppState, &'a Account, &'a Case, i64) {
        (self.state, self.staff, self.case, self.version)
    }
}

/// An entry of the case's audit timeline: when, who did it (or whose account it was), what,
/// and the detail.
#[derive(sqlx::FromRow)]
struct TimelineRow {
    at: i64,
    actor_name: Option<String>,
    user_name: Option<String>,
    action: String,
    detail: String,
}

/// Who changed a case last, and when.
#[derive(sqlx::FromRow)]
struct LastChange {
    updated_by_name: Option<String>,
    updated_at: i64,
}

/// Marks the case as changed by `by`, if it is still at `version`; otherwise says who changed
/// it since, and changes nothing.
pub async fn claim_version(
    conn: &mut sqlx::AnyConnection,
    child_id: i64,
    version: i64,
    by: i64,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE cases SET version = version + 1, updated_at = $1, updated_by = $2 WHERE child_id = $3 AND version = $4",
    )
    .bind(unix_now())
    .bind(by)
    .bind(child_id)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(());
    }
    let last: LastChange = sqlx::query_as(
        "SELECT u.full_name AS updated_by_name, k.updated_at FROM cases k \
         LEFT JOIN users u ON u.id = k.updated_by WHERE k.child_id = $1",
    )
    .bind(child_id)
    .fetch_one(&mut *conn)
    .await?;
    let (who, at) = (last.updated_by_name, last.updated_at);
    Err(AppError::invalid(format!(
        "{} changed this case at {} on {}, after you opened it. The page now shows that change: check it, then try again. What you typed is still here.",
        who.unwrap_or_else(|| "Someone else".into()),
        crate::clock::time_of_day(at),
        crate::clock::date(at),
    )))
}

/// Gives the case to a caseworker (or to nobody).
pub async fn assign(change: &Change<'_>, caseworker: Option<i64>) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    let name = match caseworker {
        None => None,
        Some(id) => Some(
            caseworkers(state.db.pool())
                .await?
                .into_iter()
                .find(|c| c.id == id)
                .map(|c| c.full_name)
                .ok_or_else(|| {
                    AppError::field("caseworker", "Choose a caseworker from the list")
                })?,
        ),
    };
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    sqlx::query("UPDATE cases SET caseworker_id = $1 WHERE child_id = $2")
        .bind(caseworker)
        .bind(case.child_id)
        .execute(&mut *tx)
        .await?;
    let detail = name.clone().unwrap_or_else(|| "Nobody".into());
    Audit::of(caseworker, "case_assigned", "")
        .by(staff.id)
        .child(case.child_id)
        .detail(&detail)
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(match name {
        Some(name) => format!("The case is now assigned to {name}"),
        None => "The case is no longer assigned to anyone".into(),
    })
}

/// Adds a child the SEN team has a request for (by post, say), and opens their case.
pub async fn add_case(
    state: &AppState,
    staff: &Account,
    person: &crate::people::NewPerson,
) -> Result<String, AppError> {
    let mut tx = state.db.begin().await?;
    let child = crate::people::store::insert_child(
        &mut tx,
        &person.first_name,
        &person.last_name,
        &person.date_of_birth.iso(),
        Some(staff.id),
    )
    .await?;
    ensure_case(&mut tx, child.id).await?;
    Audit::of(None, "case_created", "")
        .by(staff.id)
        .child(child.id)
        .detail(&child.summary.full_name())
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(child.summary.id)
}
