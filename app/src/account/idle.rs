//! The inactivity warning (WCAG 2.2.1): two minutes before the 30-minute idle limit, a signed-in
//! page offers "Stay signed in". Needs JavaScript; without it the session still ends on time.

use std::time::Duration;

use leptos::prelude::*;

use super::pages::SignOutButton;
use crate::{auth::ACTIVITY_EVENT, error::AppError};

pub const IDLE_LIMIT: Duration = Duration::from_secs(30 * 60);
pub const WARNING_BEFORE: Duration = Duration::from_secs(2 * 60);

/// Any request refreshes the session; this one exists only for that.
// JSON, like `save_step`: the islands then need no form-encoding code in the wasm.
#[server(prefix = "/api", endpoint = "auth/keep-alive", input = server_fn::codec::Json)]
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

/// On every signed-in page (each page load starts the clock again, as it reaches the server).
#[island]
pub fn IdleWarning() -> impl IntoView {
    let (warning, set_warning) = signal(false);
    let keep_alive = ServerAction::<KeepAlive>::new();
    let activity = RwSignal::new(0u32);
    let listener = window_event_listener_untyped(ACTIVITY_EVENT, move |_| {
        activity.update(|n| *n = n.wrapping_add(1));
    });
    on_cleanup(move || listener.remove());
    // The clock restarts on every "Stay signed in" and every save (both reach the server).
    Effect::new(move |previous: Option<Vec<TimeoutHandle>>| {
        keep_alive.version().track();
        activity.track();
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
                        <button type="button" class="govuk-button"
                            on:click=move |_| { keep_alive.dispatch(KeepAlive {}); }>
                            "Stay signed in"
                        </button>
                        <SignOutButton/>
                    </div>
                </div>
            </div>
        </Show>
    }
}
