//! The status page of a child's assessment, rendered on the server.

use super::store::{ended_because, progress_of, today};
use crate::{components::ServerPage, error::AppError, platform::AppState};

/// The status diagram of a child linked to the signed-in person, or
/// `NotFound` when there is no such child for them or the SEN team has not started yet.
pub async fn status_page(state: &AppState, child: &str) -> Result<ServerPage, AppError> {
    let account = crate::people::access::require_form_user(state).await?;
    let child = crate::people::access::linked_child(state, &account, child).await?;
    let progress = progress_of(state.db.pool(), child.id).await?;
    if !progress.has_started() {
        return Err(AppError::NotFound);
    }
    crate::people::access::audit_read(state, &account, &child, "status_viewed").await?;
    Ok(ServerPage {
        title: format!("Assessment status for {}", child.summary.full_name()),
        body: {
            let diagram = super::diagram::page(
                &child.summary,
                &progress,
                ended_because(state.db.pool(), child.id).await?,
                today(),
            );
            let advice =
                crate::advice::store::requests_for_child(state.db.pool(), child.id, today())
                    .await?;
            let advice = crate::advice::pages::asked_for_family(&advice);
            let plans = super::store::issued_plans(state.db.pool(), child.id).await?;
            let plan = plan_box(&plans, &progress, today());
            leptos::prelude::IntoAny::into_any(leptos::view! { {plan} {diagram} {advice} })
        },
    })
}

/// The plan's dates: the family's 15 days on a draft, and the week-20 deadline for the final
/// plan (or when it was issued), each with a link to the plan.
fn plan_box(
    plans: &[super::store::IssuedPlan],
    progress: &super::timeline::Progress,
    today: crate::values::Date,
) -> Option<leptos::prelude::AnyView> {
    use super::timeline::{due_phrase, Stage};
    use leptos::prelude::*;
    let mut lines: Vec<(String, Option<(String, &'static str)>)> = Vec::new();
    let final_plan = plans.iter().find(|p| p.final_plan);
    let draft = plans.iter().find(|p| !p.final_plan);
    if let Some(p) = final_plan {
        lines.push((
            format!("The final EHC plan was issued on {}.", p.issued_on.long()),
            Some((format!("/plans/{}", p.public_id), "Read the final plan")),
        ));
    } else {
        if let Some(d) = draft {
            let text = match d.comments_due {
                Some(due) if today <= due => format!(
                    "The draft EHC plan was issued on {}. You have until {} ({}) to comment on it, name the school or setting you would like, and ask for a meeting.",
                    d.issued_on.long(),
                    due.long(),
                    due_phrase(due, today).replace("due ", "")
                ),
                Some(due) => format!(
                    "The draft EHC plan was issued on {}. The 15 days to comment on it ended on {}.",
                    d.issued_on.long(),
                    due.long()
                ),
                None => format!("The draft EHC plan was issued on {}.", d.issued_on.long()),
            };
            lines.push((
                text,
                Some((format!("/plans/{}", d.public_id), "Read the draft plan")),
            ));
        }
        if !progress.stopped {
            if let Some(deadline) = progress.deadline(Stage::FinalPlan) {
                lines.push((
                    format!(
                        "The final plan must be issued by {} (20 weeks from the request).",
                        deadline.long()
                    ),
                    None,
                ));
            }
        }
    }
    (!lines.is_empty()).then(|| {
        view! {
            <div class="govuk-inset-text" id="plan-dates">
                {lines.into_iter().map(|(text, link)| view! {
                    <p class="govuk-body">
                        {text}
                        {link.map(|(href, label)| view! { " " <a class="govuk-link" href=href>{label}</a> })}
                    </p>
                }).collect_view()}
            </div>
        }
        .into_any()
    })
}
