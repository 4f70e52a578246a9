//! The EHC process as the SEND Regulations 2014 and the Code of Practice set it out (DESIGN
//! section 4): each stage's deadline is counted in calendar weeks from the day the request was
//! received (week 0); weekends and bank holidays count like any other day. The family has at
//! least 15 calendar days to comment on a draft plan, and a plan is reviewed within 12 months of
//! being issued.

use serde::{Deserialize, Serialize};

use crate::values::Date;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Stage {
    RequestReceived,
    DecisionToAssess,
    AdviceGathering,
    DecisionToIssue,
    DraftPlan,
    FinalPlan,
    AnnualReview,
}

impl Stage {
    /// In the order they happen.
    pub const ALL: [Stage; 7] = [
        Stage::RequestReceived,
        Stage::DecisionToAssess,
        Stage::AdviceGathering,
        Stage::DecisionToIssue,
        Stage::DraftPlan,
        Stage::FinalPlan,
        Stage::AnnualReview,
    ];

    /// As stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::RequestReceived => "request_received",
            Stage::DecisionToAssess => "decision_to_assess",
            Stage::AdviceGathering => "advice_gathering",
            Stage::DecisionToIssue => "decision_to_issue",
            Stage::DraftPlan => "draft_plan",
            Stage::FinalPlan => "final_plan",
            Stage::AnnualReview => "annual_review",
        }
    }

    pub fn parse(text: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// What happens at this stage, in a sentence for families.
    pub fn explanation(self) -> &'static str {
        match self {
            Stage::RequestReceived => "The SEN team has received the request for an EHC needs assessment.",
            Stage::DecisionToAssess => "The SEN team decides whether to carry out an assessment, and writes to you with the reasons.",
            Stage::AdviceGathering => "The SEN team asks you, the school or setting, health, an educational psychologist and social care for advice. Each has 6 weeks to reply.",
            Stage::DecisionToIssue => "The SEN team decides whether the child or young person needs an EHC plan.",
            Stage::DraftPlan => "You receive the draft plan. You have at least 15 days to comment on it and to name the school or setting you would like.",
            Stage::FinalPlan => "The SEN team issues the final EHC plan.",
            Stage::AnnualReview => "The plan is reviewed with you at least once a year.",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::RequestReceived => "Request received",
            Stage::DecisionToAssess => "Decision whether to assess",
            Stage::AdviceGathering => "Advice gathered",
            Stage::DecisionToIssue => "Decision whether to issue a plan",
            Stage::DraftPlan => "Draft plan issued",
            Stage::FinalPlan => "Final plan issued",
            Stage::AnnualReview => "Annual review",
        }
    }

    /// Weeks from the request by which the stage must be done (the annual review is counted
    /// from the final plan instead).
    fn weeks_from_request(self) -> i64 {
        match self {
            Stage::RequestReceived => 0,
            Stage::DecisionToAssess => 6,
            // Advice is asked for once the council decides to assess (by week 6); each
            // advice-giver then has 6 weeks.
            Stage::AdviceGathering => 12,
            Stage::DecisionToIssue | Stage::DraftPlan => 16,
            Stage::FinalPlan => 20,
            Stage::AnnualReview => 20 + 52,
        }
    }
}

/// The family's time to comment on a draft plan and name a school: at least 15 days.
pub const DRAFT_COMMENT_DAYS: i64 = 15;

pub fn add_days(date: Date, days: i64) -> Date {
    Date::from_days_since_epoch(date.days_since_epoch() + days)
}

/// The same day a year later (29 February becomes 28 February).
pub fn a_year_after(date: Date) -> Date {
    Date::new(date.year + 1, date.month, date.day)
        .or_else(|| Date::new(date.year + 1, date.month, date.day - 1))
        .unwrap_or(date)
}

/// The last day to comment on a draft plan issued on `issued`.
pub fn comments_due(issued: Date) -> Date {
    add_days(issued, DRAFT_COMMENT_DAYS)
}

/// What happened when: the stages the SEN team has recorded as done, with their dates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub done: Vec<(Stage, Date)>,
    /// The assessment ended at the last stage done (the SEN team decided not to assess, or
    /// not to issue a plan): nothing is current and nothing is overdue.
    pub stopped: bool,
}

impl Progress {
    pub fn date_of(&self, stage: Stage) -> Option<Date> {
        self.done.iter().find(|(s, _)| *s == stage).map(|(_, d)| *d)
    }

    /// The request date: week 0.
    pub fn requested(&self) -> Option<Date> {
        self.date_of(Stage::RequestReceived)
    }

    /// The diagram is shown once the SEN team has recorded the request as received: before
    /// that there is no assessment (and no clock) to show.
    pub fn has_started(&self) -> bool {
        self.requested().is_some()
    }

    /// The deadline of a stage: weeks from the request, except the annual review (a year from
    /// the final plan, once there is one).
    pub fn deadline(&self, stage: Stage) -> Option<Date> {
        let requested = self.requested()?;
        if stage == Stage::AnnualReview {
            if let Some(final_plan) = self.date_of(Stage::FinalPlan) {
                return Some(a_year_after(final_plan));
            }
        }
        Some(add_days(requested, stage.weeks_from_request() * 7))
    }

    /// Every stage with its state, in order. The first stage not done is current; the rest
    /// are to come. A stage is overdue when it is not done and its deadline has passed.
    pub fn timeline(&self, today: Date) -> Vec<StageStatus> {
        let mut current_found = false;
        Stage::ALL
            .iter()
            .map(|&stage| {
                let deadline = self.deadline(stage);
                let state = match self.date_of(stage) {
                    Some(on) => StageState::Done { on },
                    None if !current_found && !self.stopped => {
                        current_found = true;
                        StageState::Current
                    }
                    None => StageState::ToCome,
                };
                let overdue = !matches!(state, StageState::Done { .. })
                    && !self.stopped
                    && deadline.is_some_and(|d| d < today);
                let late = match (state, deadline) {
                    (StageState::Done { on }, Some(d)) => on > d,
                    _ => false,
                };
                StageStatus {
                    stage,
                    state,
                    deadline,
                    overdue,
                    late,
                }
            })
            .collect()
    }
}

impl Progress {
    /// The stage next to do and its deadline: `None` before the request is recorded and once
    /// the assessment has stopped. `advice_requested` (the day advice was asked for) brings
    /// the advice deadline forward to 6 weeks from that day when that is sooner.
    pub fn next_due(&self, advice_requested: Option<Date>) -> Option<(Stage, Date)> {
        if !self.has_started() || self.stopped {
            return None;
        }
        let stage = Stage::ALL
            .into_iter()
            .find(|s| self.date_of(*s).is_none())?;
        let mut deadline = self.deadline(stage)?;
        if let (Stage::AdviceGathering, Some(asked)) = (stage, advice_requested) {
            deadline = deadline.min(add_days(asked, ADVICE_WEEKS * 7));
        }
        Some((stage, deadline))
    }
}

/// Each advice-giver has 6 weeks from being asked.
pub const ADVICE_WEEKS: i64 = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageState {
    Done { on: Date },
    Current,
    ToCome,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageStatus {
    pub stage: Stage,
    pub state: StageState,
    pub deadline: Option<Date>,
    /// Not done, and the deadline has passed.
    pub overdue: bool,
    /// Done, but after its deadline.
    pub late: bool,
}

/// A stage as the dashboard names it: the stage next to do.
pub fn stage_name(stage: &str) -> String {
    match stage {
        "not_started" => "Request not yet recorded".into(),
        "stopped" => "Ended".into(),
        "done" => "Plan in place".into(),
        other => Stage::parse(other)
            .map(|s| s.label().to_owned())
            .unwrap_or_else(|| other.to_owned()),
    }
}

/// "due today", "due tomorrow", "due in 5 days", "1 day overdue", "3 days overdue": calendar
/// days, weekends included.
pub fn due_phrase(due: Date, today: Date) -> String {
    let days = due.days_since_epoch() - today.days_since_epoch();
    match days {
        0 => "due today".into(),
        1 => "due tomorrow".into(),
        d if d > 1 => format!("due in {d} days"),
        -1 => "1 day overdue".into(),
        d => format!("{} days overdue", -d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> Date {
        Date::new(y, m, d).unwrap()
    }

    #[test]
    fn deadlines_are_counted_in_calendar_weeks_from_the_request() {
        // Friday 6 March 2026.
        let progress = Progress {
            stopped: false,
            done: vec![(Stage::RequestReceived, date(2026, 3, 6))],
        };
        assert_eq!(
            progress.deadline(Stage::DecisionToAssess),
            Some(date(2026, 4, 17))
        );
        assert_eq!(
            progress.deadline(Stage::AdviceGathering),
            Some(date(2026, 5, 29))
        );
        assert_eq!(
            progress.deadline(Stage::DecisionToIssue),
            Some(date(2026, 6, 26))
        );
        assert_eq!(progress.deadline(Stage::DraftPlan), Some(date(2026, 6, 26)));
        // Week 20 across the end of July.
        assert_eq!(progress.deadline(Stage::FinalPlan), Some(date(2026, 7, 24)));
        // Across a year end.
        let december = Progress {
            stopped: false,
            done: vec![(Stage::RequestReceived, date(2026, 12, 1))],
        };
        assert_eq!(december.deadline(Stage::FinalPlan), Some(date(2027, 4, 20)));
    }

    #[test]
    fn the_next_deadline_is_the_first_stage_not_done() {
        let mut progress = Progress {
            done: vec![(Stage::RequestReceived, date(2026, 3, 6))],
            stopped: false,
        };
        assert_eq!(
            progress.next_due(None),
            Some((Stage::DecisionToAssess, date(2026, 4, 17)))
        );
        progress
            .done
            .push((Stage::DecisionToAssess, date(2026, 4, 1)));
        assert_eq!(
            progress.next_due(None),
            Some((Stage::AdviceGathering, date(2026, 5, 29)))
        );
        // Advice asked for on 1 April is due 6 weeks later, before week 12.
        assert_eq!(
            progress.next_due(Some(date(2026, 4, 1))),
            Some((Stage::AdviceGathering, date(2026, 5, 13)))
        );
        // Asked late: week 12 still stands.
        assert_eq!(
            progress.next_due(Some(date(2026, 5, 1))),
            Some((Stage::AdviceGathering, date(2026, 5, 29)))
        );
        progress
            .done
            .push((Stage::AdviceGathering, date(2026, 5, 10)));
        assert_eq!(
            progress.next_due(None),
            Some((Stage::DecisionToIssue, date(2026, 6, 26)))
        );
        progress
            .done
            .push((Stage::DecisionToIssue, date(2026, 6, 1)));
        assert_eq!(
            progress.next_due(None),
            Some((Stage::DraftPlan, date(2026, 6, 26)))
        );
        progress.done.push((Stage::DraftPlan, date(2026, 6, 10)));
        assert_eq!(
            progress.next_due(None),
            Some((Stage::FinalPlan, date(2026, 7, 24)))
        );
        progress.done.push((Stage::FinalPlan, date(2026, 7, 20)));
        assert_eq!(
            progress.next_due(None),
            Some((Stage::AnnualReview, date(2027, 7, 20)))
        );
        assert_eq!(Progress::default().next_due(None), None);
    }

    #[test]
    fn a_stopped_assessment_has_nothing_current_or_overdue() {
        let progress = Progress {
            done: vec![
                (Stage::RequestReceived, date(2026, 3, 6)),
                (Stage::DecisionToAssess, date(2026, 4, 10)),
            ],
            stopped: true,
        };
        assert_eq!(progress.next_due(None), None);
        let timeline = progress.timeline(date(2026, 11, 30));
        assert!(timeline.iter().all(|s| !s.overdue));
        assert!(timeline.iter().all(|s| s.state != StageState::Current));
    }

    #[test]
    fn no_request_means_no_clock_and_no_diagram() {
        let progress = Progress::default();
        assert!(!progress.has_started());
        assert_eq!(progress.deadline(Stage::FinalPlan), None);
        let today = date(2026, 11, 30);
        assert!(progress.timeline(today).iter().all(|s| !s.overdue));
    }

    #[test]
    fn the_first_stage_not_done_is_current_and_late_ones_are_flagged() {
        let progress = Progress {
            stopped: false,
            done: vec![
                (Stage::RequestReceived, date(2026, 3, 6)),
                // Decided in week 7: done, but late.
                (Stage::DecisionToAssess, date(2026, 4, 20)),
            ],
        };
        let timeline = progress.timeline(date(2026, 6, 1));
        assert_eq!(
            timeline[0].state,
            StageState::Done {
                on: date(2026, 3, 6)
            }
        );
        assert!(!timeline[0].late);
        assert!(timeline[1].late && !timeline[1].overdue);
        assert_eq!(timeline[2].state, StageState::Current);
        // Advice was due by 29 May: overdue on 1 June.
        assert!(timeline[2].overdue);
        assert_eq!(timeline[3].state, StageState::ToCome);
        assert!(!timeline[3].overdue, "week 16 has not come yet");
    }

    #[test]
    fn weekends_count_like_any_other_day() {
        // Due on a Saturday: still due that Saturday, overdue on the Sunday.
        let saturday = date(2026, 12, 5);
        assert_eq!(due_phrase(saturday, date(2026, 11, 30)), "due in 5 days");
        assert_eq!(due_phrase(saturday, date(2026, 12, 4)), "due tomorrow");
        assert_eq!(due_phrase(saturday, saturday), "due today");
        assert_eq!(due_phrase(saturday, date(2026, 12, 6)), "1 day overdue");
        assert_eq!(due_phrase(saturday, date(2026, 12, 9)), "4 days overdue");
    }

    #[test]
    fn the_family_has_fifteen_days_to_comment_on_a_draft_plan() {
        // Issued Thursday 18 June: comments by Friday 3 July, weekends included.
        assert_eq!(comments_due(date(2026, 6, 18)), date(2026, 7, 3));
        assert_eq!(
            due_phrase(comments_due(date(2026, 6, 18)), date(2026, 6, 18)),
            "due in 15 days"
        );
        // Across a month end in a leap year.
        assert_eq!(comments_due(date(2028, 2, 20)), date(2028, 3, 6));
    }

    #[test]
    fn the_annual_review_is_a_year_from_the_final_plan() {
        let progress = Progress {
            stopped: false,
            done: vec![
                (Stage::RequestReceived, date(2027, 10, 1)),
                (Stage::FinalPlan, date(2028, 2, 29)),
            ],
        };
        assert_eq!(
            progress.deadline(Stage::AnnualReview),
            Some(date(2029, 2, 28))
        );
        let no_plan_yet = Progress {
            stopped: false,
            done: vec![(Stage::RequestReceived, date(2026, 1, 5))],
        };
        // Without a final plan, counted from where the plan should have been.
        assert_eq!(
            no_plan_yet.deadline(Stage::AnnualReview),
            Some(date(2027, 5, 24))
        );
    }
}
