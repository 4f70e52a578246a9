//! The statutory clock: recording the next stage of the assessment and that advice was asked for.
//! This file holds its markup; the SQL is in `casework/store/stages.rs`.

use leptos::prelude::*;

use super::{
    date_input, deadline_text, field_error, form_problem, group_class, reason_text, scroll_table,
    version_input,
};
use crate::casework::{post::Flash, store::Case};
use crate::{
    status::timeline::{add_days, Stage, StageState},
    values::Date,
};

pub(super) fn next_text(
    case: &Case,
    progress: &crate::status::timeline::Progress,
    next: Option<(Stage, Date)>,
    today: Date,
) -> AnyView {
    if let Some((outcome, reason)) = &case.outcome {
        let what = if outcome == "not_assessing" {
            "Decided not to assess"
        } else {
            "Decided not to issue a plan"
        };
        return view! { <strong>{what.to_owned()}</strong> {format!(" – {reason}")} }.into_any();
    }
    match next {
        None if !progress.has_started() => {
            view! { "Record the request to start the statutory clock" }.into_any()
        }
        None => view! { "Every stage is recorded" }.into_any(),
        Some((stage, due)) => {
            let (date, phrase, overdue) = deadline_text(due, today);
            view! {
                {format!("{} by {date} – ", stage.label())}
                {if overdue {
                    view! { <strong class="govuk-tag govuk-tag--red">{phrase}</strong> }.into_any()
                } else {
                    view! { <span>{phrase}</span> }.into_any()
                }}
            }
            .into_any()
        }
    }
}

pub(super) fn clock_section(
    case: &Case,
    flash: &Flash,
    timeline: &[crate::status::timeline::StageStatus],
    next: Option<(Stage, Date)>,
    earliest_request: Option<Date>,
    today: Date,
) -> AnyView {
    let started = timeline
        .first()
        .is_some_and(|s| matches!(s.state, StageState::Done { .. }));
    let to_record = timeline
        .iter()
        .find(|s| s.state == StageState::Current)
        .map(|s| s.stage);
    let action = |name: &str| format!("/staff/cases/{}/{name}", case.child.id);
    let decision =
        to_record.filter(|s| matches!(s, Stage::DecisionToAssess | Stage::DecisionToIssue));
    let kept_decision = flash.kept("stage", "decision").unwrap_or_default();
    view! {
        <h2 class="govuk-heading-m" id="stage-section">"Statutory clock"</h2>
        {started.then(|| view! {
            {scroll_table(
                "Stages and deadlines",
                &[("Stage", false), ("Deadline", false), ("Done", false)],
                "clock",
                view! {
                        {timeline.iter().map(|s| {
                            let deadline = s.deadline.map(Date::long).unwrap_or_default();
                            let done = match s.state {
                                StageState::Done { on } => if s.late { format!("{} (late)", on.long()) } else { on.long() },
                                StageState::Current if s.overdue => "Overdue".into(),
                                StageState::Current => "Next".into(),
                                StageState::ToCome => String::new(),
                            };
                            view! {
                                <tr class="govuk-table__row">
                                    <th scope="row" class="govuk-table__header">{s.stage.label()}</th>
                                    <td class="govuk-table__cell">{deadline}</td>
                                    <td class="govuk-table__cell">{done}</td>
                                </tr>
                            }
                        }).collect_view()}
                }.into_any(),
            )}
        })}
        {case.advice_requested_on.map(|d| view! {
            <p class="govuk-body">{format!("Advice was requested on {}: each advice-giver has until {}.", d.long(), add_days(d, 42).long())}</p>
        })}
        {to_record.map(|stage| {
            let (heading, button) = if stage == Stage::RequestReceived {
                ("Start the assessment".to_owned(), "Start the assessment".to_owned())
            } else {
                (format!("Record: {}", stage.label()), "Record".to_owned())
            };
            let default = if stage == Stage::RequestReceived { earliest_request.unwrap_or(today) } else { today };
            let legend = if stage == Stage::RequestReceived { "Day the request was received (week 0)" } else { "Date" };
            view! {
                <form method="post" action=action("stage") novalidate>
                    {version_input(case)}
                    <input type="hidden" name="stage" value=stage.as_str()/>
                    <h3 class="govuk-heading-s">{heading}</h3>
                    {form_problem(flash, "stage")}
                    {date_input(flash, "stage", "on", legend, default)}
                    {decision.map(|d| {
                        let (yes, no) = if d == Stage::DecisionToAssess {
                            ("Yes – carry out an assessment", "No – do not assess")
                        } else {
                            ("Yes – issue an EHC plan", "No – do not issue a plan")
                        };
                        view! {
                            <div class=group_class(flash, "stage", "decision")>
                                <fieldset class="govuk-fieldset">
                                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">"Decision"</legend>
                                    {field_error(flash, "stage", "decision")}
                                    <div class="govuk-radios govuk-radios--small">
                                        <div class="govuk-radios__item">
                                            <input class="govuk-radios__input" id="decision" name="decision" type="radio" value="yes" checked=kept_decision == "yes"/>
                                            <label class="govuk-label govuk-radios__label" for="decision">{yes}</label>
                                        </div>
                                        <div class="govuk-radios__item">
                                            <input class="govuk-radios__input" id="decision-no" name="decision" type="radio" value="no" checked=kept_decision == "no"/>
                                            <label class="govuk-label govuk-radios__label" for="decision-no">{no}</label>
                                        </div>
                                    </div>
                                </fieldset>
                            </div>
                            {reason_text(flash, "stage", "Reason (needed for No)", "The family is sent this with their right to appeal and to mediation.")}
                        }
                    })}
                    <button type="submit" class="govuk-button">{button}</button>
                </form>
            }
        })}
        {(next.is_some_and(|(s, _)| s == Stage::AdviceGathering)).then(|| view! {
            <form method="post" action=action("advice") novalidate id="advice-section">
                {version_input(case)}
                <h3 class="govuk-heading-s">"Advice requested"</h3>
                {form_problem(flash, "advice")}
                {date_input(flash, "advice", "advice", "Day advice was asked for", case.advice_requested_on.unwrap_or(today))}
                <button type="submit" class="govuk-button govuk-button--secondary">"Record advice requested"</button>
            </form>
        })}
    }
    .into_any()
}
