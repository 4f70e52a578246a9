//! The wizard's markup, rendered on the server: the numbered list of steps with their states,
//! one step's questions with Add More and Remove, the Summary with Change links, the
//! declaration with Accept, and the banner shown when another window saved first.
//!
//! Every step is a plain form posting to `/drafts/{id}/steps/{step}`, so it all works without
//! JavaScript. The browser receives this markup as HTML and its scripts (`autosave.rs`) only
//! save and send it; the definition and the answers never need to travel as data, which keeps
//! the page's WebAssembly small.

use leptos::prelude::*;

use super::{
    fields::{question, Place},
    wizard::StepAction,
};
use crate::{
    components::{to_html, ErrorSummaryList},
    documents::AttachmentInfo,
    error::FieldError,
    formdef::{
        answers::{field_dom_id, Answers},
        schema::{FormDefinition, Section, Step},
        validate::{display_answer, first_input_id, StepState},
    },
    people::ChildSummary,
    values::Date,
};

/// Summary and the declaration follow the form's own steps.
pub const SUMMARY: &str = "summary";
pub const DECLARATION: &str = "declaration";

/// Everything one page of the wizard shows.
pub struct WizardView<'a> {
    pub form: &'a FormDefinition,
    pub draft: &'a str,
    pub child: &'a ChildSummary,
    pub answers: &'a Answers,
    pub files: &'a [AttachmentInfo],
    pub step: &'a str,
    pub version: i64,
    pub today: Date,
    /// Problems to show: the step's (after Continue) or the declaration's.
    pub errors: Vec<FieldError>,
}

/// The ids of every page of the wizard, in order.
pub fn step_ids(form: &FormDefinition) -> Vec<&str> {
    let mut ids: Vec<&str> = form.steps.iter().map(|s| s.id.as_str()).collect();
    ids.push(SUMMARY);
    ids.push(DECLARATION);
    ids
}

pub fn step_title<'a>(form: &'a FormDefinition, step: &str) -> &'a str {
    match step {
        SUMMARY => "Summary",
        DECLARATION => "Declaration",
        other => form
            .steps
            .iter()
            .find(|s| s.id == other)
            .map_or("", |s| s.title.as_str()),
    }
}

/// "Step 2 of 8: School or setting – Parental Consent".
pub fn page_title(form: &FormDefinition, step: &str) -> String {
    let ids = step_ids(form);
    let number = ids.iter().position(|s| *s == step).map_or(0, |i| i + 1);
    format!(
        "Step {number} of {}: {} – {}",
        ids.len(),
        step_title(form, step),
        form.title
    )
}

/// The page below the site header: back link, form title, steps and the current step.
pub fn wizard_view(w: &WizardView<'_>) -> AnyView {
    let body = match w.step {
        SUMMARY => summary_step(w),
        DECLARATION => declaration_step(w),
        other => match w.form.steps.iter().position(|s| s.id == other) {
            Some(index) => step_form(w, index),
            None => {
                view! { <p class="govuk-body">"This step is not part of the form."</p> }.into_any()
            }
        },
    };
    view! {
        <a class="govuk-back-link" href=format!("/children/{}/forms", w.child.id)>
            {format!("Back to {}’s forms", w.child.first_name)}
        </a>
        <span class="govuk-caption-l">{w.child.full_name()}</span>
        <h1 class="govuk-heading-l">{w.form.title.clone()}</h1>
        // Filled in by the page's scripts: "Saving…", "Saved at 10:42".
        <p class="portal-save-status" id="save-status" role="status" aria-live="polite"></p>
        // The step comes first (on a phone, right under the title); on wider screens the
        // list of steps sits beside it on the left.
        <div class="portal-wizard">
            <div class="portal-wizard__main">{body}</div>
            <div class="portal-wizard__steps">{step_list(w)}</div>
        </div>
    }
    .into_any()
}

/// The same as HTML, for the page's island to put in place of the step it shows.
pub fn wizard_html(w: &WizardView<'_>) -> String {
    to_html(|| wizard_view(w))
}

/// The numbered steps, each with its state; any step can be opened.
fn step_list(w: &WizardView<'_>) -> AnyView {
    let items = step_ids(w.form)
        .into_iter()
        .enumerate()
        .map(|(i, id)| {
            let state = w.form.steps.iter().find(|s| s.id == id).map(|s| {
                let state = w.form.step_state(s, w.answers, w.today);
                let class = match state {
                    StepState::Complete => "govuk-tag govuk-tag--green",
                    StepState::InProgress => "govuk-tag govuk-tag--light-blue",
                    StepState::NotStarted => "govuk-tag govuk-tag--grey",
                };
                view! { <strong class=format!("{class} portal-steps__state")>{state.label()}</strong> }
            });
            let current = (id == w.step).then_some("step");
            view! {
                <li class="portal-steps__item">
                    <a class="govuk-link portal-steps__link" href=format!("/drafts/{}/{id}", w.draft) aria-current=current>
                        {format!("{}. {}", i + 1, step_title(w.form, id))}
                    </a>
                    {state}
                </li>
            }
        })
        .collect_view();
    view! {
        <nav aria-label="Steps of this form">
            <h2 class="govuk-heading-s">"Steps"</h2>
            <ol class="portal-steps">{items}</ol>
        </nav>
    }
    .into_any()
}

fn action_button(action: StepAction, label: String, class: &'static str) -> AnyView {
    view! { <button type="submit" name="__action" value=action.value() class=class>{label}</button> }
        .into_any()
}

/// The form every step (and the declaration) is: it posts the step to the server.
fn step_form_tag(w: &WizardView<'_>, step: &str, body: AnyView) -> AnyView {
    view! {
        <form method="post" action=format!("/drafts/{}/steps/{step}", w.draft) enctype="multipart/form-data"
            novalidate id="wizard-form" data-today=w.today.iso()>
            // The first submit button is the one Enter presses.
            <button type="submit" name="__action" value="continue" class="portal-default-action" tabindex="-1" aria-hidden="true">"Save and continue"</button>
            <input type="hidden" name="__version" value=w.version.to_string()/>
            {body}
        </form>
    }
    .into_any()
}

/// One step's questions.
fn step_form(w: &WizardView<'_>, index: usize) -> AnyView {
    let step: &Step = &w.form.steps[index];
    let sections = step
        .sections
        .iter()
        .filter(|s| w.form.is_shown(s, 0, s.show_if.as_ref(), w.answers))
        .map(|section| section_view(w, section))
        .collect_view();
    let errors =
        (!w.errors.is_empty()).then(|| view! { <ErrorSummaryList errors=w.errors.clone()/> });
    let buttons = view! {
        <div class="govuk-button-group">
            {(index > 0).then(|| action_button(StepAction::Previous, "Previous".into(), "govuk-button govuk-button--secondary"))}
            {action_button(StepAction::Continue, "Save and continue".into(), "govuk-button")}
            {action_button(StepAction::Exit, "Save and come back later".into(), "govuk-button govuk-button--secondary")}
        </div>
    };
    let body = view! { {sections} {buttons} }.into_any();
    view! {
        {errors}
        <h2 class="govuk-heading-m">{step.title.clone()}</h2>
        {step.intro.clone().map(|intro| view! { <p class="govuk-body">{intro}</p> })}
        {step_form_tag(w, &step.id, body)}
    }
    .into_any()
}

fn section_view(w: &WizardView<'_>, section: &Section) -> AnyView {
    let n = w.form.item_count(section, w.answers);
    let items = (0..n)
        .map(|index| {
            let questions = section
                .fields
                .iter()
                .filter(|f| w.form.is_shown(section, index, f.show_if.as_ref(), w.answers))
                .map(|field| {
                    let id = field_dom_id(&section.id, index, &field.id);
                    let error = w.errors.iter().find(|e| e.field == id).map(|e| e.message.clone());
                    question(
                        field,
                        Place {
                            section: &section.id,
                            index,
                            answer: w.answers.get(&section.id, index, &field.id),
                            error,
                            files: w.files,
                        },
                    )
                })
                .collect_view();
            let heading = match (&section.repeat, &section.title) {
                (Some(_), Some(title)) => Some(format!("{title} {}", index + 1)),
                (None, Some(title)) => Some(title.clone()),
                _ => None,
            };
            let remove = section.repeat.as_ref().filter(|r| n > r.min as usize).map(|r| {
                action_button(
                    StepAction::Remove(section.id.clone(), index),
                    format!("Remove {} {}", r.item, index + 1),
                    "govuk-button govuk-button--secondary portal-remove",
                )
            });
            view! {
                <fieldset class="govuk-fieldset portal-item" id=format!("{}-{index}", section.id) tabindex="-1">
                    {heading.map(|h| view! { <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">{h}</legend> })}
                    {section.hint.clone().filter(|_| index == 0).map(|h| view! { <p class="govuk-hint">{h}</p> })}
                    {questions}
                    {remove}
                </fieldset>
            }
        })
        .collect_view();
    let add = section.repeat.as_ref().filter(|r| n < r.max as usize).map(|r| {
        view! {
            <div id=format!("{}-add", section.id) tabindex="-1" class="portal-add">
                {action_button(StepAction::Add(section.id.clone()), "Add More".into(), "govuk-button govuk-button--secondary")}
                <p class="govuk-hint">{format!("Add another {} (up to {}).", r.item, r.max)}</p>
            </div>
        }
    });
    view! { <div class="portal-section">{items}{add}</div> }.into_any()
}

/// Every answer, with Change links, and what is still missing.
fn summary_step(w: &WizardView<'_>) -> AnyView {
    let missing = w.form.check_all(w.answers, w.today).len();
    let warning = (missing > 0).then(|| {
        let (is, needs) = if missing == 1 { ("answer is", "needs") } else { ("answers are", "need") };
        view! {
            <div class="govuk-warning-text">
                <span class="govuk-warning-text__icon" aria-hidden="true">"!"</span>
                <strong class="govuk-warning-text__text">
                    <span class="govuk-visually-hidden">"Warning"</span>
                    {format!("{missing} {is} still missing or {needs} correcting. They are marked on the steps listed.")}
                </strong>
            </div>
        }
    });
    view! {
        <h2 class="govuk-heading-m">"Summary"</h2>
        <p class="govuk-body">"Check your answers. Use the Change links to correct anything before you accept the declaration."</p>
        {warning}
        {answers_summary(w.form, w.answers, w.files, Some(w.draft))}
        <a class="govuk-button" href=format!("/drafts/{}/{DECLARATION}", w.draft) draggable="false" role="button">"Continue to the declaration"</a>
    }
    .into_any()
}

/// The declaration: two "I agree" boxes and Accept.
fn declaration_step(w: &WizardView<'_>) -> AnyView {
    let declaration = &w.form.declaration;
    let paragraphs = crate::components::paragraphs(&declaration.text)
        .into_iter()
        .map(|p| view! { <p class="govuk-body">{p}</p> })
        .collect_view();
    let error = w.errors.first().map(|e| e.message.clone());
    let boxes = declaration
        .agreements
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let id = format!("agreed-{i}");
            view! {
                <div class="govuk-checkboxes__item">
                    <input class="govuk-checkboxes__input" id=id.clone() name=format!("agreed[{i}]") type="checkbox" value=i.to_string()/>
                    <label class="govuk-label govuk-checkboxes__label" for=id>{text.clone()}</label>
                </div>
            }
        })
        .collect_view();
    let group_class = if error.is_some() {
        "govuk-form-group govuk-form-group--error"
    } else {
        "govuk-form-group"
    };
    let body = view! {
        <div class=group_class>
            <fieldset class="govuk-fieldset" aria-describedby=error.as_ref().map(|_| "agreed-error")>
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">"Do you agree?"</legend>
                {error.clone().map(|e| view! {
                    <p class="govuk-error-message" id="agreed-error"><span class="govuk-visually-hidden">"Error: "</span>{e}</p>
                })}
                <div class="govuk-checkboxes" data-module="govuk-checkboxes">{boxes}</div>
            </fieldset>
        </div>
        {action_button(StepAction::Accept, "Accept".into(), "govuk-button")}
    }
    .into_any();
    view! {
        {(!w.errors.is_empty()).then(|| view! { <ErrorSummaryList errors=w.errors.clone()/> })}
        <h2 class="govuk-heading-m">"Declaration"</h2>
        {paragraphs}
        {step_form_tag(w, DECLARATION, body)}
    }
    .into_any()
}

/// One group of a step's answers: a section, or one item of a repeating section.
pub struct AnswerGroup<'a> {
    /// "Professional 2" for an item of a repeating section.
    pub heading: Option<String>,
    pub section: &'a Section,
    pub index: usize,
    pub fields: Vec<&'a crate::formdef::schema::Field>,
}

/// The questions a form shows for these answers, step by step: what a summary lists.
pub fn shown_answers<'a>(
    form: &'a FormDefinition,
    answers: &Answers,
) -> Vec<(&'a Step, Vec<AnswerGroup<'a>>)> {
    form.steps
        .iter()
        .map(|step| {
            let groups = step
                .sections
                .iter()
                .filter(|s| form.is_shown(s, 0, s.show_if.as_ref(), answers))
                .flat_map(|section| {
                    (0..form.item_count(section, answers)).map(move |index| AnswerGroup {
                        heading: match (&section.repeat, &section.title) {
                            (Some(_), Some(title)) => Some(format!("{title} {}", index + 1)),
                            _ => None,
                        },
                        section,
                        index,
                        fields: section
                            .fields
                            .iter()
                            .filter(|f| form.is_shown(section, index, f.show_if.as_ref(), answers))
                            .collect(),
                    })
                })
                .collect();
            (step, groups)
        })
        .collect()
}

/// Every answer as text, step by step: (step title, [(group heading, [(question, answer)])]).
/// Files are named. For the copy to keep.
pub type AnswerText = (String, Vec<(Option<String>, Vec<(String, String)>)>);

pub fn answers_text(
    form: &FormDefinition,
    answers: &Answers,
    files: &[AttachmentInfo],
) -> Vec<AnswerText> {
    shown_answers(form, answers)
        .into_iter()
        .map(|(step, groups)| {
            let groups = groups
                .into_iter()
                .map(|g| {
                    let rows = g
                        .fields
                        .iter()
                        .map(|field| {
                            let answer = answers.get(&g.section.id, g.index, &field.id);
                            let value =
                                if field.kind == crate::formdef::schema::FieldKind::Attachments {
                                    let names: Vec<String> = answer
                                        .map(|a| a.many())
                                        .unwrap_or_default()
                                        .iter()
                                        .filter_map(|id| files.iter().find(|f| &f.id == id))
                                        .map(AttachmentInfo::describe)
                                        .collect();
                                    if names.is_empty() {
                                        "No files".to_owned()
                                    } else {
                                        names.join("\n")
                                    }
                                } else {
                                    display_answer(field, answer)
                                };
                            (field.label.clone(), value)
                        })
                        .collect();
                    (g.heading, rows)
                })
                .collect();
            (step.title.clone(), groups)
        })
        .collect()
}

/// Every answer of a form as a GOV.UK summary list: the Summary (with Change links, given the
/// draft) and a submission's View Details (read-only; files can be downloaded).
pub fn answers_summary(
    form: &FormDefinition,
    answers: &Answers,
    files: &[AttachmentInfo],
    draft: Option<&str>,
) -> AnyView {
    shown_answers(form, answers)
        .into_iter()
        .map(|(step, groups)| {
            let sections = groups
                .into_iter()
                .map(|AnswerGroup { heading, section, index, fields }| {
                    let rows = fields
                        .into_iter()
                        .map(|field| {
                            let answer = answers.get(&section.id, index, &field.id);
                            let value = if field.kind == crate::formdef::schema::FieldKind::Attachments {
                                file_list(answer.map(|a| a.many()).unwrap_or_default(), files)
                            } else {
                                display_answer(field, answer).into_any()
                            };
                            let change = draft.map(|draft| {
                                let target = first_input_id(field, &field_dom_id(&section.id, index, &field.id));
                                view! {
                                    <dd class="govuk-summary-list__actions">
                                        <a class="govuk-link" href=format!("/drafts/{draft}/{}#{target}", step.id)>
                                            "Change"<span class="govuk-visually-hidden">{format!(" {}", field.label)}</span>
                                        </a>
                                    </dd>
                                }
                            });
                            view! {
                                <div class="govuk-summary-list__row">
                                    <dt class="govuk-summary-list__key">{field.label.clone()}</dt>
                                    <dd class="govuk-summary-list__value portal-answer">{value}</dd>
                                    {change}
                                </div>
                            }
                        })
                        .collect_view();
                    view! {
                        {heading.map(|h| view! { <h4 class="govuk-heading-s">{h}</h4> })}
                        <dl class="govuk-summary-list">{rows}</dl>
                    }
                })
                .collect_view();
            view! {
                <h3 class="govuk-heading-m portal-summary-step">{step.title.clone()}</h3>
                {sections}
            }
        })
        .collect_view()
        .into_any()
}

fn file_list(ids: &[String], files: &[AttachmentInfo]) -> AnyView {
    let named: Vec<&AttachmentInfo> = ids
        .iter()
        .filter_map(|id| files.iter().find(|f| &f.id == id))
        .collect();
    if named.is_empty() {
        return "No files".into_any();
    }
    view! {
        <ul class="govuk-list">
            {named.into_iter().map(|f| view! {
                <li><a class="govuk-link" href=format!("/files/{}", f.id) download="">{f.describe()}</a></li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// When another window or device saved first: the answers that differ, side by side, and the
/// choice. Nothing is overwritten until the person chooses.
pub fn conflict_html(form: &FormDefinition, mine: &Answers, theirs: &Answers) -> String {
    let rows = differences(form, mine, theirs);
    to_html(|| {
        view! {
            <div class="govuk-notification-banner portal-conflict" role="alert" aria-labelledby="conflict-title">
                <div class="govuk-notification-banner__header">
                    <h2 class="govuk-notification-banner__title" id="conflict-title">"Important"</h2>
                </div>
                <div class="govuk-notification-banner__content">
                    <p class="govuk-notification-banner__heading">
                        "This form was changed in another window or on another device. Nothing has been overwritten."
                    </p>
                    <p class="govuk-body">"Choose which answers to keep."</p>
                    <table class="govuk-table">
                        <caption class="govuk-table__caption govuk-table__caption--s">"Answers that differ"</caption>
                        <thead class="govuk-table__head">
                            <tr class="govuk-table__row">
                                <th scope="col" class="govuk-table__header">"Question"</th>
                                <th scope="col" class="govuk-table__header">"Here"</th>
                                <th scope="col" class="govuk-table__header">"Saved elsewhere"</th>
                            </tr>
                        </thead>
                        <tbody class="govuk-table__body">
                            {rows.into_iter().map(|(question, here, there)| view! {
                                <tr class="govuk-table__row">
                                    <th scope="row" class="govuk-table__header">{question}</th>
                                    <td class="govuk-table__cell">{here}</td>
                                    <td class="govuk-table__cell">{there}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <div class="govuk-button-group">
                        <button type="button" class="govuk-button" data-choice="mine">"Keep the answers here"</button>
                        <button type="button" class="govuk-button govuk-button--secondary" data-choice="theirs">"Use the answers saved elsewhere"</button>
                    </div>
                </div>
            </div>
        }
        .into_any()
    })
}

/// (question, here, elsewhere) for every answer that differs.
pub fn differences(
    form: &FormDefinition,
    mine: &Answers,
    theirs: &Answers,
) -> Vec<(String, String, String)> {
    let mut rows = Vec::new();
    for section in form.sections() {
        let items = mine
            .items(&section.id)
            .len()
            .max(theirs.items(&section.id).len());
        for index in 0..items {
            for field in &section.fields {
                let (a, b) = (
                    mine.get(&section.id, index, &field.id),
                    theirs.get(&section.id, index, &field.id),
                );
                if a.filter(|x| !x.is_empty()) != b.filter(|x| !x.is_empty()) {
                    let question = match (&section.repeat, &section.title) {
                        (Some(_), Some(title)) => format!("{title} {}: {}", index + 1, field.label),
                        _ => field.label.clone(),
                    };
                    rows.push((question, display_answer(field, a), display_answer(field, b)));
                }
            }
        }
    }
    rows
}
