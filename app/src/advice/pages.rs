//! What a family is told about the advice asked for about their child: which services were
//! asked, when, and when each replied. Services are named, never the staff in them.

use leptos::prelude::*;

use super::{AdviceRequest, AdviceState};

/// The list on the family's status page; nothing before anyone has been asked.
pub fn asked_for_family(requests: &[AdviceRequest]) -> Option<AnyView> {
    if requests.is_empty() {
        return None;
    }
    Some(
        view! {
            <h2 class="govuk-heading-m" id="advice-asked">"Who has been asked for advice"</h2>
            <p class="govuk-body">
                "The SEN team asks these services for advice about your child’s needs. Each has 6 weeks to reply."
            </p>
            <ul class="govuk-list govuk-list--spaced" id="advice-list">
                {requests.iter().map(|r| {
                    let (tag, text) = match r.state {
                        AdviceState::Received { on } => (
                            view! { <strong class="govuk-tag govuk-tag--green">"received"</strong> }.into_any(),
                            format!("Asked on {}, replied on {}.", r.asked_on.long(), on.long()),
                        ),
                        AdviceState::Overdue { due } => (
                            view! { <strong class="govuk-tag govuk-tag--red">"late"</strong> }.into_any(),
                            format!("Asked on {}, due by {}: it is late.", r.asked_on.long(), due.long()),
                        ),
                        AdviceState::Waiting { due } => (
                            view! { <strong class="govuk-tag govuk-tag--grey">"waiting"</strong> }.into_any(),
                            format!("Asked on {}, due by {}.", r.asked_on.long(), due.long()),
                        ),
                    };
                    view! {
                        <li>
                            <span class="govuk-!-font-weight-bold">{format!("{} — ", r.kind.label())}</span>
                            {tag}
                            <br/>{format!("{}. {text}", r.organisation)}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any(),
    )
}
