//! The stages of a child's assessment as the SEN team records them. `record_stage` is what the
//! staff dashboard calls; the demo seed and the tests call it too. Each child with a request or
//! a case has a row in `cases` whose stage and next deadline are worked out here whenever
//! something is recorded (`refresh_case`), for the SEN team's dashboard to sort and filter on.

use super::timeline::{Progress, Stage};
use crate::{error::AppError, ids, platform::db::unix_now, values::Date};

/// A stage of the assessment and the day it happened (ISO).
#[derive(sqlx::FromRow)]
struct StageRow {
    stage: String,
    happened_on: String,
}

/// Whether the SEN team decided not to go on, and why.
#[derive(sqlx::FromRow)]
struct OutcomeRow {
    outcome: Option<String>,
    outcome_reason: Option<String>,
}

/// Today in the UK: the day due dates and deadlines are counted against.
pub fn today() -> Date {
    crate::clock::local_date(unix_now())
}

/// Records that `stage` of the child's assessment happened on `on` (again: the date is
/// corrected), as done by `recorded_by`.
pub async fn record_stage(
    conn: &mut sqlx::AnyConnection,
    child_id: i64,
    stage: Stage,
    on: Date,
    recorded_by: Option<i64>,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO assessment_stages (child_id, stage, happened_on, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (child_id, stage) DO UPDATE SET \
         happened_on = excluded.happened_on, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
    )
    .bind(child_id)
    .bind(stage.as_str())
    .bind(on.iso())
    .bind(recorded_by)
    .bind(unix_now())
    .execute(&mut *conn)
    .await?;
    refresh_case(conn, child_id).await
}

/// Sorts after every real date: a case with no deadline comes last.
const NO_DEADLINE: &str = "9999-12-31";

/// Opens a case for the child if there is none (a request was sent, or the SEN team added the
/// child).
pub async fn ensure_case(conn: &mut sqlx::AnyConnection, child_id: i64) -> Result<(), AppError> {
    let now = unix_now();
    sqlx::query(
        "INSERT INTO cases (child_id, reference, stage, urgency, version, updated_at) \
         VALUES ($1, $2, 'not_started', $3, 1, $4) ON CONFLICT (child_id) DO NOTHING",
    )
    .bind(child_id)
    .bind(format!("SEN-{}", ids::reference()))
    .bind(NO_DEADLINE)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Works out the case's stage and next deadline again from what is recorded (after a stage,
/// the advice request or an outcome is recorded).
pub async fn refresh_case(conn: &mut sqlx::AnyConnection, child_id: i64) -> Result<(), AppError> {
    ensure_case(conn, child_id).await?;
    let progress = load_progress(conn, child_id).await?;
    let advice: Option<String> =
        sqlx::query_scalar("SELECT advice_requested_on FROM cases WHERE child_id = $1")
            .bind(child_id)
            .fetch_one(&mut *conn)
            .await?;
    let next = progress.next_due(advice.as_deref().and_then(Date::from_iso));
    let stage = match next {
        Some((stage, _)) => stage.as_str(),
        None if progress.stopped => "stopped",
        None if !progress.has_started() => "not_started",
        None => "done",
    };
    let deadline = next.map(|(_, d)| d.iso());
    sqlx::query(
        "UPDATE cases SET stage = $1, requested_on = $2, next_deadline = $3, urgency = $4 WHERE child_id = $5",
    )
    .bind(stage)
    .bind(progress.requested().map(Date::iso))
    .bind(deadline.clone())
    .bind(deadline.unwrap_or_else(|| NO_DEADLINE.into()))
    .bind(child_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// What the SEN team has recorded for the child, in the stages' order.
pub async fn progress_of(pool: &sqlx::AnyPool, child_id: i64) -> Result<Progress, AppError> {
    load_progress(&mut *pool.acquire().await?, child_id).await
}

/// The same, on a connection (inside a transaction that records a stage).
pub async fn load_progress(
    conn: &mut sqlx::AnyConnection,
    child_id: i64,
) -> Result<Progress, AppError> {
    let rows: Vec<StageRow> =
        sqlx::query_as("SELECT stage, happened_on FROM assessment_stages WHERE child_id = $1")
            .bind(child_id)
            .fetch_all(&mut *conn)
            .await?;
    let outcome: Option<Option<String>> =
        sqlx::query_scalar("SELECT outcome FROM cases WHERE child_id = $1")
            .bind(child_id)
            .fetch_optional(&mut *conn)
            .await?;
    let mut done: Vec<(Stage, Date)> = rows
        .iter()
        .filter_map(|row| Some((Stage::parse(&row.stage)?, Date::from_iso(&row.happened_on)?)))
        .collect();
    done.sort();
    Ok(Progress {
        done,
        stopped: outcome.flatten().is_some(),
    })
}

/// What the family is told when the SEN team decided not to go on, with the reason.
pub async fn ended_because(
    pool: &sqlx::AnyPool,
    child_id: i64,
) -> Result<Option<String>, AppError> {
    let row: Option<OutcomeRow> =
        sqlx::query_as("SELECT outcome, outcome_reason FROM cases WHERE child_id = $1")
            .bind(child_id)
            .fetch_optional(pool)
            .await?;
    Ok(match row.map(|r| (r.outcome, r.outcome_reason)) {
        Some((Some(outcome), reason)) => Some(format!(
            "{}\n\nThe reason: {}\n\nIf you disagree you can ask for mediation and appeal to the SEND Tribunal. The letter from the SEN team explains how and by when.",
            if outcome == "not_assessing" {
                "The SEN team decided not to carry out an EHC needs assessment."
            } else {
                "The SEN team decided not to issue an EHC plan."
            },
            reason.unwrap_or_default()
        )),
        _ => None,
    })
}

/// An issued EHC plan (`plans` table, written by the SEN team's side): which, and its dates.
#[derive(Clone, Debug)]
pub struct IssuedPlan {
    pub public_id: String,
    pub final_plan: bool,
    pub issued_on: Date,
    /// A draft's last day for comments.
    pub comments_due: Option<Date>,
    /// A draft closed by the final plan.
    pub closed: bool,
}

impl IssuedPlan {
    /// "Draft EHC plan" or "Final EHC plan".
    pub fn label(&self) -> &'static str {
        if self.final_plan {
            "Final EHC plan"
        } else {
            "Draft EHC plan"
        }
    }
}

#[derive(sqlx::FromRow)]
struct IssuedPlanRow {
    public_id: String,
    kind: String,
    issued_on: String,
    comments_due: Option<String>,
    closed_at: Option<i64>,
}

/// Every issued plan of the child, newest first: for the family's pages and the status page.
pub async fn issued_plans(
    pool: &sqlx::AnyPool,
    child_id: i64,
) -> Result<Vec<IssuedPlan>, AppError> {
    let rows: Vec<IssuedPlanRow> = sqlx::query_as(
        "SELECT public_id, kind, issued_on, comments_due, closed_at FROM plans \
         WHERE child_id = $1 AND issued_on IS NOT NULL ORDER BY id DESC",
    )
    .bind(child_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(IssuedPlan {
                issued_on: Date::from_iso(&r.issued_on)?,
                comments_due: r.comments_due.as_deref().and_then(Date::from_iso),
                final_plan: r.kind == "final",
                closed: r.closed_at.is_some(),
                public_id: r.public_id,
            })
        })
        .collect())
}
