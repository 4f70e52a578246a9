//! Every answer of a form as a GOV.UK summary list: the wizard's Summary (with Change links)
//! and a submission's View Details (read-only).

use leptos::prelude::*;

use super::{
    answers::{field_dom_id, Answers},
    schema::FormDefinition,
    validate::{display_answer, first_input_id},
};

#[component]
pub fn AnswersSummary(
    form: FormDefinition,
    answers: Answers,
    /// `/drafts/{id}` for Change links; none on a submitted form.
    change_base: Option<String>,
) -> impl IntoView {
    form.steps
        .iter()
        .map(|step| {
            let sections = step
                .sections
                .iter()
                .filter(|s| form.is_shown(s, 0, s.show_if.as_ref(), &answers))
                .map(|section| {
                    (0..form.item_count(section, &answers))
                        .map(|index| {
                            let heading = match (&section.repeat, &section.title) {
                                (Some(_), Some(title)) => Some(format!("{title} {}", index + 1)),
                                _ => None,
                            };
                            let rows = section
                                .fields
                                .iter()
                                .filter(|f| form.is_shown(section, index, f.show_if.as_ref(), &answers))
                                .map(|field| {
                                    let value = display_answer(field, answers.get(&section.id, index, &field.id));
                                    let change = change_base.as_ref().map(|base| {
                                        let target = first_input_id(field, &field_dom_id(&section.id, index, &field.id));
                                        view! {
                                            <dd class="govuk-summary-list__actions">
                                                <a class="govuk-link" href=format!("{base}/{}#{target}", step.id)>
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
                        .collect_view()
                })
                .collect_view();
            view! {
                <h3 class="govuk-heading-m portal-summary-step">{step.title.clone()}</h3>
                {sections}
            }
        })
        .collect_view()
}
