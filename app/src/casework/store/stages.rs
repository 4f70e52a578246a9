//! The statutory clock: recording the next stage of the assessment and that advice was asked for.
//! This file holds its SQL; the markup is in `casework/pages/stages.rs`.

use super::case::{claim_version, Change};
use crate::{
    auth::ssr::accounts::Audit,
    error::AppError,
    platform::db::unix_now,
    status::{
        store::{load_progress, record_stage, refresh_case},
        timeline::Stage,
    },
    values::Date,
};

/// Records the next stage of the assessment on `on`. A decision stage says whether it goes
/// ahead; a "no" needs the reason (the family is told it) and ends the assessment.
pub async fn record_next_stage(
    change: &Change<'_>,
    stage: Option<Stage>,
    on: Result<Date, String>,
    go_ahead: Option<bool>,
    reason: &str,
    today: Date,
) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    let mut conn = state.db.pool().acquire().await?;
    let progress = load_progress(&mut conn, case.child_id).await?;
    drop(conn);
    if progress.stopped {
        return Err(AppError::invalid(
            "This assessment has ended: there is nothing more to record",
        ));
    }
    let next = Stage::ALL
        .into_iter()
        .find(|s| progress.date_of(*s).is_none())
        .ok_or_else(|| AppError::invalid("Every stage is recorded"))?;
    if stage != Some(next) {
        return Err(AppError::invalid(format!(
            "The next stage to record is ‘{}’: reload the page to see what has been recorded",
            next.label()
        )));
    }
    let on = on.map_err(|m| AppError::field("on-day", m))?;
    if on > today {
        return Err(AppError::field(
            "on-day",
            "The date must be today or earlier",
        ));
    }
    if let Some((_, last)) = progress.done.iter().max_by_key(|(_, d)| *d) {
        if on < *last {
            return Err(AppError::field(
                "on-day",
                format!(
                    "The date must be on or after {}, when the last stage was recorded",
                    last.long()
                ),
            ));
        }
    }
    let decision = matches!(next, Stage::DecisionToAssess | Stage::DecisionToIssue);
    let stops = match (decision, go_ahead) {
        (false, _) => false,
        (true, None) => return Err(AppError::field("decision", "Choose what was decided")),
        (true, Some(yes)) => !yes,
    };
    if stops && reason.trim().is_empty() {
        return Err(AppError::field(
            "reason",
            "Give the reason for the decision: the family is told it, with their right to appeal",
        ));
    }
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    if stops {
        let outcome = if next == Stage::DecisionToAssess {
            "not_assessing"
        } else {
            "no_plan"
        };
        sqlx::query("UPDATE cases SET outcome = $1, outcome_reason = $2, closed_at = $3 WHERE child_id = $4")
            .bind(outcome)
            .bind(reason.trim())
            .bind(unix_now())
            .bind(case.child_id)
            .execute(&mut *tx)
            .await?;
    }
    record_stage(&mut tx, case.child_id, next, on, Some(staff.id)).await?;
    let detail = if stops {
        format!("{}: {} – no: {}", next.label(), on.long(), reason.trim())
    } else {
        format!("{}: {}", next.label(), on.long())
    };
    Audit::of(None, "stage_recorded", "")
        .by(staff.id)
        .child(case.child_id)
        .detail(&detail)
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(if stops {
        format!(
            "Recorded: {} on {} – the assessment ends here",
            next.label(),
            on.long()
        )
    } else {
        format!("Recorded: {} on {}", next.label(), on.long())
    })
}

/// Records the day advice was asked for: each advice-giver has 6 weeks from it.
pub async fn record_advice_requested(
    change: &Change<'_>,
    on: Result<Date, String>,
    today: Date,
) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    let on = on.map_err(|m| AppError::field("advice-day", m))?;
    if on > today {
        return Err(AppError::field(
            "advice-day",
            "The date must be today or earlier",
        ));
    }
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    sqlx::query("UPDATE cases SET advice_requested_on = $1 WHERE child_id = $2")
        .bind(on.iso())
        .bind(case.child_id)
        .execute(&mut *tx)
        .await?;
    refresh_case(&mut tx, case.child_id).await?;
    Audit::of(None, "advice_requested", "")
        .by(staff.id)
        .child(case.child_id)
        .detail(&on.long())
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(format!(
        "Advice requested on {}: due by {}",
        on.long(),
        crate::status::timeline::add_days(on, crate::status::timeline::ADVICE_WEEKS * 7).long()
    ))
}
