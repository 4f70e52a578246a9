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
            leptos::prelude::IntoAny::into_any(leptos::view! { {diagram} {advice} })
        },
    })
}
