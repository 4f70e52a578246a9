//! The stages of a child's assessment as the SEN team records them. `record_stage` is what the
//! staff dashboard calls; the demo seed and the tests call it too.

use super::timeline::{Progress, Stage};
use crate::{
    error::AppError,
    forms::rules::Date,
    platform::{db::unix_now, AppState},
};

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
    crate::casework::ssr::refresh_case(conn, child_id).await
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
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT stage, happened_on FROM assessment_stages WHERE child_id = $1")
            .bind(child_id)
            .fetch_all(&mut *conn)
            .await?;
    let outcome: Option<(Option<String>,)> =
        sqlx::query_as("SELECT outcome FROM cases WHERE child_id = $1")
            .bind(child_id)
            .fetch_optional(&mut *conn)
            .await?;
    let mut done: Vec<(Stage, Date)> = rows
        .iter()
        .filter_map(|(stage, on)| Some((Stage::parse(stage)?, Date::from_iso(on)?)))
        .collect();
    done.sort();
    Ok(Progress {
        done,
        stopped: outcome.is_some_and(|(o,)| o.is_some()),
    })
}

/// The status diagram of a child linked to the signed-in person: the page's HTML, or
/// `NotFound` when there is no such child for them or the SEN team has not started yet.
pub async fn status_page(
    state: &AppState,
    child: &str,
) -> Result<crate::components::HtmlPage, AppError> {
    let account = crate::forms::api::server::require_form_user(state).await?;
    let child = crate::forms::api::server::linked_child(state, &account, child).await?;
    let progress = progress_of(state.db.pool(), child.id).await?;
    if !progress.has_started() {
        return Err(AppError::NotFound);
    }
    crate::people::ssr::audit_read(state, &account, &child, "status_viewed").await?;
    Ok(crate::components::HtmlPage {
        title: format!("Assessment status for {}", child.summary.full_name()),
        html: super::diagram::page_html_with(
            &child.summary,
            &progress,
            ended_because(state.db.pool(), child.id).await?,
            today(),
        ),
    })
}

/// What the family is told when the SEN team decided not to go on, with the reason.
async fn ended_because(pool: &sqlx::AnyPool, child_id: i64) -> Result<Option<String>, AppError> {
    let row: Option<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT outcome, outcome_reason FROM cases WHERE child_id = $1")
            .bind(child_id)
            .fetch_optional(pool)
            .await?;
    Ok(match row {
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
