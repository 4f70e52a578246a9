//! The EHC status diagram, rendered on the server: the stages as a flow of boxes (an SVG
//! picture, drawn for a 320 px phone and scaled up on wider screens), what is happening now,
//! and a table that says the same in words for screen readers and anyone who prefers text.

use leptos::prelude::*;

use super::timeline::{comments_due, due_phrase, Progress, Stage, StageState, StageStatus};
use crate::{people::ChildSummary, values::Date};

const BOX_TOP: i64 = 8;
const ROW: i64 = 76;
const BOX_HEIGHT: i64 = 60;
/// Units across: the longest label ("Decision whether to issue a plan") in bold at 16 px fits,
/// and on a 320 px phone the text is drawn at about 85% of its size.
const WIDTH: i64 = 340;

/// The whole page below the header, with the SEN team's decision when the assessment stopped
/// (not to assess, or not to issue a plan) and its reason.
pub fn page(
    child: &ChildSummary,
    progress: &Progress,
    ended: Option<String>,
    today: Date,
) -> AnyView {
    let timeline = progress.timeline(today);
    {
        view! {
            <a class="govuk-back-link" href=format!("/children/{}/forms", child.id)>
                {format!("Back to {}’s page", child.first_name)}
            </a>
            <span class="govuk-caption-l">{child.full_name()}</span>
            <h1 class="govuk-heading-l">"Assessment status"</h1>
            {now_html(progress, &timeline, today)}
            {ended.map(|text| view! {
                <div class="govuk-inset-text portal-status-now" id="assessment-ended">
                    {crate::components::paragraphs(&text).into_iter().map(|p| view! { <p class="govuk-body">{p}</p> }).collect_view()}
                </div>
            })}
            <h2 class="govuk-heading-m" id="status-diagram-heading">
                "Process for EHC needs assessment and EHC plan development"
            </h2>
            {diagram(&timeline, today)}
            {legend()}
            {table(&timeline, today)}
            <p class="govuk-body">
                "Deadlines are counted in calendar weeks from the day the SEN team received the request, \
                 weekends and holidays included, as the law sets them out."
            </p>
        }
        .into_any()
    }
}

/// Where things stand, in two or three sentences at the top.
fn now_html(progress: &Progress, timeline: &[StageStatus], today: Date) -> AnyView {
    let requested = progress.requested().map(Date::long).unwrap_or_default();
    let final_by = progress
        .deadline(Stage::FinalPlan)
        .map(Date::long)
        .unwrap_or_default();
    let current = timeline
        .iter()
        .find(|s| s.state == StageState::Current)
        .copied();
    let comments = progress
        .date_of(Stage::DraftPlan)
        .filter(|_| progress.date_of(Stage::FinalPlan).is_none());
    view! {
        <p class="govuk-body">
            {format!(
                "The SEN team received the request on {requested}. The whole process, to a final EHC plan if one is needed, should take no more than 20 weeks: until {final_by}."
            )}
        </p>
        {current.map(|s| {
            let due = s.deadline.map(|d| format!("Due by {} ({}).", d.long(), due_phrase(d, today))).unwrap_or_default();
            let class = if s.overdue { "govuk-inset-text portal-status-now portal-status-now--overdue" } else { "govuk-inset-text portal-status-now" };
            view! {
                <div class=class>
                    <p class="govuk-body govuk-!-font-weight-bold">{format!("Next: {}", s.stage.label())}</p>
                    <p class="govuk-body">{s.stage.explanation()}</p>
                    <p class="govuk-body">
                        {due}
                        {s.overdue.then(|| view! { " " <strong class="govuk-tag govuk-tag--red">"Overdue"</strong> })}
                    </p>
                </div>
            }
        })}
        {comments.map(|issued| {
            let by = comments_due(issued);
            view! {
                <p class="govuk-body">
                    {format!(
                        "Your comments on the draft plan, and the school or setting you would like named in it, are due by {} ({}).",
                        by.long(),
                        due_phrase(by, today)
                    )}
                </p>
            }
        })}
    }
    .into_any()
}

/// The picture: one box per stage joined by arrows, coloured by state. Its words are in the
/// table below, so screen readers get a one-line summary here instead of every label twice.
fn diagram(timeline: &[StageStatus], today: Date) -> AnyView {
    let height = BOX_TOP * 2 + ROW * (timeline.len() as i64 - 1) + BOX_HEIGHT;
    let done = timeline
        .iter()
        .filter(|s| matches!(s.state, StageState::Done { .. }))
        .count();
    let summary = match timeline.iter().find(|s| s.state == StageState::Current) {
        Some(now) => format!(
            "Diagram: {done} of {} stages done; next: {}{}. Each stage is described in the table below.",
            timeline.len(),
            now.stage.label(),
            if now.overdue { ", which is overdue" } else { "" }
        ),
        None if done < timeline.len() => format!(
            "Diagram: {done} of {} stages done; the assessment stopped there. Each stage is described in the table below.",
            timeline.len()
        ),
        None => format!("Diagram: all {} stages done.", timeline.len()),
    };
    view! {
        <figure class="portal-status-diagram">
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=summary
                xmlns="http://www.w3.org/2000/svg" focusable="false">
                {timeline.iter().enumerate().map(|(i, s)| stage_box(i, s, i + 1 == timeline.len(), today)).collect_view()}
            </svg>
        </figure>
    }
    .into_any()
}

fn stage_box(index: usize, status: &StageStatus, last: bool, today: Date) -> AnyView {
    let y = BOX_TOP + ROW * index as i64;
    let (kind, line) = match status.state {
        StageState::Done { on } => (
            "done",
            if status.late {
                format!("Done {} (late)", on.long())
            } else {
                format!("Done {}", on.long())
            },
        ),
        StageState::Current => (
            "current",
            // Short, to fit a phone: the full dates are in the table.
            match status.deadline {
                Some(d) => format!("Next · {}", due_phrase(d, today)),
                None => "Next".to_owned(),
            },
        ),
        StageState::ToCome => (
            "to-come",
            status
                .deadline
                .map(|d| format!("Due by {}", d.long()))
                .unwrap_or_default(),
        ),
    };
    let class = if status.overdue {
        format!("portal-stage portal-stage--{kind} portal-stage--overdue")
    } else {
        format!("portal-stage portal-stage--{kind}")
    };
    let centre = y + BOX_HEIGHT / 2;
    view! {
        <g class=class>
            {(!last).then(|| view! {
                <line class="portal-stage__joint" x1="20" y1={centre + 14} x2="20" y2={centre + ROW - 14}/>
                <path class="portal-stage__arrow" d=format!("M {} {} l -8 -8 h 16 z", 40 + (WIDTH - 42) / 2, y + ROW - 2)/>
            })}
            <rect class="portal-stage__box" x="40" y=y width={WIDTH - 42} height=BOX_HEIGHT rx="4"/>
            <circle class="portal-stage__dot" cx="20" cy=centre r="13"/>
            {match status.state {
                StageState::Done { .. } => view! {
                    <path class="portal-stage__tick" d=format!("M 13 {centre} l 5 5 l 9 -10")/>
                }.into_any(),
                StageState::Current => view! {
                    <circle class="portal-stage__now" cx="20" cy=centre r="5"/>
                }.into_any(),
                StageState::ToCome => ().into_any(),
            }}
            // The longest label is drawn a little narrower rather than past the box's edge.
            <text class="portal-stage__label" x="52" y={y + 25}
                textLength=(status.stage.label().len() > 28).then_some(WIDTH - 64)
                lengthAdjust=(status.stage.label().len() > 28).then_some("spacingAndGlyphs")>
                {status.stage.label()}
            </text>
            <text class="portal-stage__when" x="52" y={y + 47}>
                {line}
            </text>
        </g>
    }
    .into_any()
}

fn legend() -> AnyView {
    view! {
        <ul class="portal-status-legend" aria-hidden="true">
            <li><span class="portal-status-legend__key portal-status-legend__key--done"></span>"Done"</li>
            <li><span class="portal-status-legend__key portal-status-legend__key--current"></span>"Next"</li>
            <li><span class="portal-status-legend__key portal-status-legend__key--to-come"></span>"To come"</li>
            <li><span class="portal-status-legend__key portal-status-legend__key--overdue"></span>"Overdue"</li>
        </ul>
    }
    .into_any()
}

/// The same in words: two columns, so it fits a 320 px phone.
fn table(timeline: &[StageStatus], today: Date) -> AnyView {
    view! {
        <table class="govuk-table portal-status-table">
            <caption class="govuk-table__caption govuk-table__caption--m">"Each stage"</caption>
            <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">"Stage"</th>
                    <th scope="col" class="govuk-table__header">"Status and deadline"</th>
                </tr>
            </thead>
            <tbody class="govuk-table__body">
                {timeline.iter().map(|s| {
                    let status = match s.state {
                        StageState::Done { on } if s.late => format!("Done on {} – after the deadline", on.long()),
                        StageState::Done { on } => format!("Done on {}", on.long()),
                        StageState::Current => "Next – in progress".to_owned(),
                        StageState::ToCome => "To come".to_owned(),
                    };
                    let deadline = s.deadline.map(|d| match s.state {
                        StageState::Done { .. } => format!("Deadline: {}", d.long()),
                        _ => format!("Deadline: {} ({})", d.long(), due_phrase(d, today)),
                    });
                    view! {
                        <tr class="govuk-table__row">
                            <th scope="row" class="govuk-table__header">{s.stage.label()}</th>
                            <td class="govuk-table__cell">
                                {status}
                                {s.overdue.then(|| view! { " " <strong class="govuk-tag govuk-tag--red">"Overdue"</strong> })}
                                {deadline.map(|d| view! { <br/><span class="portal-secondary-text">{d}</span> })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_html(child: &ChildSummary, progress: &Progress, today: Date) -> String {
        crate::components::to_html(|| page(child, progress, None, today))
    }

    fn date(y: i32, m: u32, d: u32) -> Date {
        Date::new(y, m, d).unwrap()
    }

    fn child() -> ChildSummary {
        ChildSummary {
            id: "abc".into(),
            first_name: "Max".into(),
            last_name: "Taylor".into(),
            date_of_birth: "2021-09-02".into(),
        }
    }

    #[test]
    fn every_stage_is_drawn_and_the_overdue_one_is_marked_in_picture_and_words() {
        let progress = Progress {
            stopped: false,
            done: vec![
                (Stage::RequestReceived, date(2026, 3, 6)),
                (Stage::DecisionToAssess, date(2026, 4, 10)),
            ],
        };
        // Advice was due by 29 May.
        let html = page_html(&child(), &progress, date(2026, 6, 1));
        assert_eq!(html.matches("<g class=\"portal-stage ").count(), 7);
        assert_eq!(html.matches("portal-stage--overdue").count(), 1);
        assert_eq!(html.matches("portal-stage--done").count(), 2);
        assert!(html.contains(
            "aria-label=\"Diagram: 2 of 7 stages done; next: Advice gathered, which is overdue."
        ));
        assert!(html.contains("Next · 3 days overdue"));
        assert!(html.contains("Next – in progress"));
        assert!(html.contains("Deadline: 29 May 2026 (3 days overdue)"));
        // The final plan's deadline, week 20, is in the summary at the top.
        assert!(html.contains("until 24 July 2026"));
        assert!(!html.contains("Your comments on the draft plan"));
    }

    #[test]
    fn a_draft_plan_opens_the_comment_window_until_the_final_plan() {
        let mut progress = Progress {
            stopped: false,
            done: vec![
                (Stage::RequestReceived, date(2026, 3, 6)),
                (Stage::DecisionToAssess, date(2026, 4, 10)),
                (Stage::AdviceGathering, date(2026, 5, 20)),
                (Stage::DecisionToIssue, date(2026, 6, 12)),
                (Stage::DraftPlan, date(2026, 6, 18)),
            ],
        };
        let html = page_html(&child(), &progress, date(2026, 6, 20));
        assert!(
            html.contains("are due by 3 July 2026 (due in 13 days)"),
            "{html}"
        );
        progress.done.push((Stage::FinalPlan, date(2026, 7, 20)));
        let html = page_html(&child(), &progress, date(2026, 7, 21));
        assert!(!html.contains("Your comments on the draft plan"));
        // Next is the annual review, a year after the final plan.
        assert!(html.contains("Next: Annual review"));
        assert!(html.contains("20 July 2027"));
    }
}
