//! Forgotten password: email and secret answer, always the same reply; a reset link by email
//! only when both were right; a new password ends every other session.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::SecretQuestionSelect;
use crate::{components::ErrorSummary, error::AppError};

/// Reset links work for an hour.
pub const RESET_LINK_SECS: i64 = 60 * 60;

#[server(prefix = "/api", endpoint = "auth/forgotten-password")]
pub async fn forgotten_password(
    email: String,
    secret_question: String,
    secret_answer: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                account::store,
                auth::{
                    api::server::client_ip,
                    normalise_secret_answer,
                    ssr::{
                        accounts, hash_secret_off_thread, tokens, verify_secret_off_thread,
                        PasswordHashString,
                    },
                },
                platform::{AppState, Email},
            };
            let state = AppState::current()?;
            let ip = client_ip().await;
            let email = accounts::normalise_email(&email);
            if email.is_empty() {
                return Err(AppError::field("email", "Enter your email address"));
            }
            let attempt = accounts::begin_attempt(&state, &email, &ip).await?;
            let answer = normalise_secret_answer(&secret_answer);
            let account = accounts::find_account_by_email(&state, &email).await?;
            let stored = match &account {
                Some(a) => store::find_secret(state.db.pool(), a.id).await?,
                None => None,
            };
            let right = match (&account, stored.map(|s| (s.secret_question, s.secret_answer_hash))) {
                (Some(account), Some((Some(question), Some(hash)))) if account.active => {
                    verify_secret_off_thread(&state, &answer, &PasswordHashString(hash)).await?
                        && question == secret_question
                }
                _ => {
                    // The same work as a real check, so the reply's timing tells nothing.
                    let _ = hash_secret_off_thread(&state, &answer).await?;
                    false
                }
            };
            // Counted for every request, so the reply and its timing say nothing of the answer.
            let may_send = accounts::may_send_email(&state, "reset", &email, &ip).await?;
            match account {
                Some(account) if right && may_send => {
                    // Only the newest link works.
                    let mut tx = state.db.begin().await?;
                    attempt.succeeded(&mut tx).await?;
                    tokens::revoke(&mut tx, account.id, tokens::RESET_PASSWORD).await?;
                    let token = tokens::issue(&mut tx, account.id, tokens::RESET_PASSWORD, RESET_LINK_SECS).await?;
                    accounts::Audit::of(Some(account.id), "reset_requested", &ip).write(&mut tx).await?;
                    let base = &state.runtime.base_url;
                    let link = state
                        .outbox
                        .write(&mut tx, &Email {
                            to: account.email.clone(),
                            subject: "Reset your password".into(),
                            text: format!(
                                "To choose a new password for the SEND Portal, open this link:\n\n\
                                 {base}/reset-password?token={token}\n\nThe link works once, for 1 hour. \
                                 If you did not ask for it, you can ignore this email: your password has not changed.\n"
                            ),
                        })
                        .await?;
                    tx.commit().await?;
                    link.wake();
                }
                // Right, but this address has had its fill of emails for now.
                Some(_) if right => attempt.withdrawn(&state).await?,
                other => {
                    attempt.failed(&state, accounts::Audit::of(other.map(|a| a.id), "reset_refused", &ip)).await?;
                }
            }
            leptos_axum::redirect("/forgotten-password/sent");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "auth/reset-password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                auth::{
                    api::server::client_ip,
                    rules::NewPassword,
                    ssr::{accounts, hash_secret_off_thread, is_common_password, tokens},
                },
                platform::AppState,
            };
            let state = AppState::current()?;
            let password = NewPassword::parse(&password).map_err(|m| AppError::field("password", m))?;
            if is_common_password(password.expose()) {
                return Err(AppError::field(
                    "password",
                    "This password is too common and easy to guess. Choose a different one.",
                ));
            }
            let hash = hash_secret_off_thread(&state, password.expose()).await?;
            let mut tx = state.db.begin().await?;
            let Some(user_id) = tokens::consume(&mut tx, &token, tokens::RESET_PASSWORD).await? else {
                return Err(AppError::invalid(
                    "This link has expired or has already been used. Ask for a new one from the forgotten password page.",
                ));
            };
            let account = accounts::find_account(&state, user_id).await?.ok_or(AppError::NotFound)?;
            accounts::replace_password(&state, tx, &account, &hash, None, "password_reset", &client_ip().await).await?;
            leptos_axum::redirect("/reset-password/done");
            Ok(())
        }
        .await,
    )
}

#[component]
pub fn ForgottenPasswordPage() -> impl IntoView {
    let action = ServerAction::<ForgottenPassword>::new();
    let error = move || action.value().get().and_then(|r| r.err());
    view! {
        <Title text="Forgotten your password"/>
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
                {move || error().map(|e| view! { <ErrorSummary error=e field_id="email"/> })}
                <h1 class="govuk-heading-l">"Forgotten your password"</h1>
                <p class="govuk-body">
                    "Enter your email address and the answer to your secret question. If both are right, we will email you a link to choose a new password."
                </p>
                <ActionForm action=action>
                    <div class="govuk-form-group">
                        <label class="govuk-label" for="email">"Email address"</label>
                        <input class="govuk-input" id="email" name="email" type="email" autocomplete="username" spellcheck="false"/>
                    </div>
                    <SecretQuestionSelect/>
                    <div class="govuk-form-group">
                        <label class="govuk-label" for="secret_answer">"Answer to your secret question"</label>
                        <input class="govuk-input" id="secret_answer" name="secret_answer" type="text" autocomplete="off"/>
                    </div>
                    <button type="submit" class="govuk-button">"Continue"</button>
                </ActionForm>
            </div>
        </div>
    }
}

#[component]
pub fn ResetLinkSentPage() -> impl IntoView {
    view! {
        <Title text="Check your email"/>
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
                <div class="govuk-panel govuk-panel--confirmation portal-panel--neutral">
                    <h1 class="govuk-panel__title">"Check your email"</h1>
                </div>
                <p class="govuk-body">
                    "If the email address and the answer to your secret question were right, we have sent you a link to reset your password. It works for 1 hour."
                </p>
                <p class="govuk-body">
                    "If you cannot find the email, check your spam or junk folder. If no email arrives, try again with the right details, and contact the SEN team only if you still cannot sign in."
                </p>
                <p class="govuk-body"><a class="govuk-link" href="/forgotten-password">"Try again"</a></p>
            </div>
        </div>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let error = move || action.value().get().and_then(|r| r.err());
    let token = move || use_query_map().read().get("token").unwrap_or_default();
    view! {
        <Title text="Choose a new password"/>
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
                {move || error().map(|e| view! { <ErrorSummary error=e field_id="password"/> })}
                <h1 class="govuk-heading-l">"Choose a new password"</h1>
                <ActionForm action=action>
                    <input type="hidden" name="token" value=token/>
                    <div class="govuk-form-group">
                        <label class="govuk-label" for="password">"New password"</label>
                        <div class="govuk-hint" id="password-hint">"At least 10 characters."</div>
                        <input class="govuk-input" id="password" name="password" type="password"
                            autocomplete="new-password" aria-describedby="password-hint"/>
                    </div>
                    <button type="submit" class="govuk-button">"Change password"</button>
                </ActionForm>
            </div>
        </div>
    }
}

#[component]
pub fn ResetDonePage() -> impl IntoView {
    view! {
        <Title text="Your password has been changed"/>
        <h1 class="govuk-heading-l">"Your password has been changed"</h1>
        <p class="govuk-body">"You have been signed out everywhere. Sign in with your new password: we will email you a code as usual."</p>
        <p class="govuk-body"><a class="govuk-link" href="/sign-in">"Sign in"</a></p>
    }
}
