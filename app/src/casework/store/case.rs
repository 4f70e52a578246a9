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

pub(super) type CaseRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    i64,
    Option<String>,
);

/// The child's case by the child's public id (a case is opened for any child the SEN team
/// looks at, so a child linked by a parent alone can be picked up).
pub async fn find_case(pool: &sqlx::AnyPool, child: &str) -> Result<Case, AppError> {
    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM children WHERE public_id = $1")
        .bind(child)
        .fetch_optional(pool)
        .await?;
    let (child_id,) = found.ok_or(AppError::NotFound)?;
    let mut conn = pool.acquire().await?;
    ensure_case(&mut conn, child_id).await?;
    let row: CaseRow = sqlx::query_as(
        "SELECT c.id, c.public_id, c.first_name, c.last_name, c.date_of_birth, k.reference, k.caseworker_id, \
         w.full_name, k.advice_requested_on, k.outcome, k.outcome_reason, k.version, k.updated_at, e.full_name \
         FROM cases k JOIN children c ON c.id = k.child_id LEFT JOIN users w ON w.id = k.caseworker_id \
         LEFT JOIN users e ON e.id = k.updated_by WHERE k.child_id = $1",
    )
    .bind(child_id)
    .fetch_one(&mut *conn)
    .await?;
    let (
        id,
        public_id,
        first,
        last,
        born,
        reference,
        worker_id,
        worker,
        advice,
        outcome,
        reason,
        version,
        at,
        by,
    ) = row;
    Ok(Case {
        child_id: id,
        child: ChildSummary {
            id: public_id,
            first_name: first,
            last_name: last,
            date_of_birth: born,
        },
        reference,
        caseworker: worker_id.zip(worker),
        advice_requested_on: advice.as_deref().and_then(Date::from_iso),
        outcome: outcome.map(|o| (o, reason.unwrap_or_default())),
        version,
        updated_at: at,
        updated_by: by,
    })
}

/// An entry of the case's audit timeline: (when, who, what, detail).
pub async fn timeline(
    pool: &sqlx::AnyPool,
    child_id: i64,
) -> Result<Vec<(i64, String, String, String)>, AppError> {
    let rows: Vec<TimelineRow> = sqlx::query_as(
        "SELECT a.at, actor.full_name, u.full_name, a.action, a.detail FROM audit_log a \
         LEFT JOIN users actor ON actor.id = a.actor_id LEFT JOIN users u ON u.id = a.user_id \
         WHERE a.child_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT 200",
    )
    .bind(child_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, actor, user, action, detail)| {
            (
                at,
                actor.or(user).unwrap_or_else(|| "The portal".into()),
                crate::auth::describe_action(&action).to_owned(),
                detail,
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

/// An entry of the case's audit timeline: when, who, what, and the detail.
pub(super) type TimelineRow = (i64, Option<String>, Option<String>, String, String);

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
    let (who, at): (Option<String>, i64) = sqlx::query_as(
        "SELECT u.full_name, k.updated_at FROM cases k LEFT JOIN users u ON u.id = k.updated_by WHERE k.child_id = $1",
    )
    .bind(child_id)
    .fetch_one(&mut *conn)
    .await?;
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
                .find(|(c, _)| *c == id)
                .map(|(_, n)| n)
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
