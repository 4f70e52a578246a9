//! The inactivity warning (WCAG 2.2.1): two minutes before the 30-minute idle limit, a signed-in
//! page offers "Stay signed in". Needs JavaScript; without it the session still ends on time.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::pages::SignOutButton;
use crate::error::AppError;

pub const IDLE_LIMIT: Duration = Duration::from_secs(30 * 60);

/// Bumped by anything that reached the server on the person's behalf (an autosave, say), so
/// the inactivity clock starts again. Provided by `App`.
#[derive(Clone, Copy)]
pub struct Activity(pub RwSignal<u32>);
pub const WARNING_BEFORE: Duration = Duration::from_secs(2 * 60);

/// Any request refreshes the session; this one exists only for that.
#[server(prefix = "/api", endpoint = "auth/keep-alive")]
pub async fn keep_alive() -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                auth::api::server::{session, signed_in},
                error::internal,
                platform::{db::unix_now, AppState},
            };
            let state = AppState::current()?;
            let session = session().await?;
            if signed_in(&state, &session).await?.is_none() {
                return Err(AppError::SignInRequired);
            }
            // A change makes tower-sessions store the session again with a fresh expiry.
            session
                .insert("last_active", unix_now())
                .await
                .map_err(internal)?;
            Ok(())
        }
        .await,
    )
}

#[component]
pub fn IdleWarning() -> impl IntoView {
    let (warning, set_warning) = signal(false);
    let pathname = use_location().pathname;
    let keep_alive = ServerAction::<KeepAlive>::new();
    let activity = use_context::<Activity>();
    // The clock restarts on every page change and every "Stay signed in" (both reach the server).
    Effect::new(move |previous: Option<Vec<TimeoutHandle>>| {
        pathname.track();
        keep_alive.version().track();
        if let Some(Activity(signal)) = activity {
            signal.track();
        }
        for handle in previous.into_iter().flatten() {
            handle.clear();
        }
        set_warning.set(false);
        let warn =
            set_timeout_with_handle(move || set_warning.set(true), IDLE_LIMIT - WARNING_BEFORE)
                .ok();
        let end = set_timeout_with_handle(
            move || {
                // Back to this page after signing in again.
                let here = window().location();
                let path = format!(
                    "{}{}",
                    here.pathname().unwrap_or_default(),
                    here.search().unwrap_or_default()
                );
                let _ = here.set_href(&format!(
                    "/signed-out?reason=inactive&return={}",
                    crate::components::query_value(&path)
                ));
            },
            IDLE_LIMIT,
        )
        .ok();
        warn.into_iter().chain(end).collect::<Vec<_>>()
    });
    view! {
        <Show when=move || warning.get()>
            <div class="portal-idle" role="alertdialog" aria-labelledby="idle-title" aria-describedby="idle-text">
                <div class="govuk-width-container">
                    <h2 class="govuk-heading-m" id="idle-title">"You will be signed out soon"</h2>
                    <p class="govuk-body" id="idle-text">
                        "You have not done anything for a while, so we will sign you out in 2 minutes to keep your information safe. Anything you have saved is kept."
                    </p>
                    <div class="govuk-button-group">
                        <ActionForm action=keep_alive>
                            <button type="submit" class="govuk-button">"Stay signed in"</button>
                        </ActionForm>
                        <SignOutButton/>
                    </div>
                </div>
            </div>
        </Show>
    }
}
