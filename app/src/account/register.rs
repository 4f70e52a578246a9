//! Registering: details and a secret question, a link by email that confirms the address,
//! then choosing two-step verification (Email), which leads into the normal code sign-in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::SecretQuestionSelect;
use crate::{components::ErrorSummary, error::AppError};

/// Confirmation links work for a day.
pub const CONFIRM_LINK_SECS: i64 = 24 * 60 * 60;

#[server(prefix = "/api", endpoint = "auth/register")]
pub async fn register(
    full_name: String,
    email: String,
    password: String,
    secret_question: String,
    secret_answer: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                account::store::{self, NewCitizen},
                auth::{api::server::client_ip, normalise_secret_answer, rules::{NewPassword, SECRET_QUESTIONS}, ssr::{accounts, hash_secret_off_thread, is_common_password, tokens}},
                values::EmailAddress,
                platform::{db::unix_now, AppState, Email},
            };
            let state = AppState::current()?;
            let ip = client_ip().await;
            let full_name = full_name.trim().to_owned();
            if full_name.is_empty() {
                return Err(AppError::field("full_name", "Enter your full name"));
            }
            if full_name.chars().count() > 100 {
                return Err(AppError::field("full_name", "Your name must be 100 characters or fewer"));
            }
            let email = EmailAddress::parse(&email).map_err(|m| AppError::field("email", m))?;
            let password = NewPassword::parse(&password).map_err(|m| AppError::field("password", m))?;
            if is_common_password(password.expose()) {
                return Err(AppError::field(
                    "password",
                    "This password is too common and easy to guess. Choose a different one, for example three random words.",
                ));
            }
            if !SECRET_QUESTIONS.contains(&secret_question.as_str()) {
                return Err(AppError::field("secret_question", "Choose a secret question"));
            }
            let answer = normalise_secret_answer(&secret_answer);
            if answer.chars().count() < 2 {
                return Err(AppError::field("secret_answer", "Enter the answer to your secret question"));
            }
            // Hash first, whoever it is, so both branches below take the same time.
            let password_hash = hash_secret_off_thread(&state, password.expose()).await?;
            let answer_hash = hash_secret_off_thread(&state, &answer).await?;
            let base = state.runtime.base_url.clone();
            if !accounts::may_send_email(&state, "register", email.as_str(), &ip).await? {
                // The same reply as ever; nothing stored, nothing sent.
                leptos_axum::redirect("/register/check-email");
                return Ok(());
            }
            match accounts::find_account_by_email(&state, email.as_str()).await? {
                Some(existing) => {
                    // Same screen for the person registering; the owner hears about it.
                    let mut tx = state.db.begin().await?;
                    accounts::Audit::of(Some(existing.id), "register_existing", &ip).write(&mut tx).await?;
                    let notice = state
                        .outbox
                        .write(&mut tx, &Email {
                            to: existing.email.clone(),
                            subject: "You already have an account".into(),
                            text: format!(
                                "Someone tried to register for the SEND Portal with this email address, \
                                 which already has an account.\n\nIf it was you, sign in at {base}/sign-in \
                                 or reset your password at {base}/forgotten-password.\n\nIf it was not you, \
                                 you do not need to do anything.\n"
                            ),
                        })
                        .await?;
                    tx.commit().await?;
                    notice.wake();
                }
                None => {
                    let now = unix_now();
                    let mut tx = state.db.begin().await?;
                    let user_id = store::insert_citizen(
                        &mut tx,
                        &NewCitizen {
                            email: email.as_str(),
                            full_name: &full_name,
                            password_hash: &password_hash.0,
                            secret_question: &secret_question,
                            secret_answer_hash: &answer_hash.0,
                        },
                        now,
                    )
                    .await?;
                    let token = tokens::issue(&mut tx, user_id, tokens::CONFIRM_EMAIL, CONFIRM_LINK_SECS).await?;
                    accounts::Audit::of(Some(user_id), "register", &ip).write(&mut tx).await?;
                    let confirmation = write_confirmation(&state, &mut tx, email.as_str(), &token).await?;
                    tx.commit().await?;
                    confirmation.wake();
                }
            }
            leptos_axum::redirect("/register/check-email");
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
async fn write_confirmation(
    state: &crate::platform::AppState,
    conn: &mut sqlx::AnyConnection,
    to: &str,
    token: &str,
) -> Result<crate::platform::outbox::Queued, AppError> {
    let base = &state.runtime.base_url;
    state
        .outbox
        .write(conn, &crate::platform::Email {
            to: to.to_owned(),
            subject: "Confirm your email address".into(),
            text: format!(
                "To finish registering for the SEND Portal, open this link:\n\n{base}/register/confirm?token={token}\n\n\
                 The link works once, for 24 hours. If you did not register, ignore this email.\n"
            ),
        })
        .await
}

/// "Send the link again": the same reply whatever the address.
#[server(prefix = "/api", endpoint = "auth/resend-confirmation")]
pub async fn resend_confirmation(email: String) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                auth::{
                    api::server::client_ip,
                    ssr::{accounts, tokens},
                },
                platform::AppState,
                values::EmailAddress,
            };
            let state = AppState::current()?;
            let email = EmailAddress::parse(&email).map_err(|m| AppError::field("email", m))?;
            let ip = client_ip().await;
            if !accounts::may_send_email(&state, "confirm_again", email.as_str(), &ip).await? {
                return Ok(());
            }
            if let Some(account) = accounts::find_account_by_email(&state, email.as_str()).await? {
                if !account.email_confirmed {
                    let mut tx = state.db.begin().await?;
                    let token = tokens::issue(
                        &mut tx,
                        account.id,
                        tokens::CONFIRM_EMAIL,
                        CONFIRM_LINK_SECS,
                    )
                    .await?;
                    let confirmation =
                        write_confirmation(&state, &mut tx, &account.email, &token).await?;
                    tx.commit().await?;
                    confirmation.wake();
                }
            }
            Ok(())
        }
        .await,
    )
}

/// Confirms the address from the emailed link (a button press: a GET changes nothing).
#[server(prefix = "/api", endpoint = "auth/confirm-email")]
pub async fn confirm_email(token: String) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                account::store,
                auth::{
                    api::server::{client_ip, session, SETTING_UP_KEY},
                    ssr::{accounts, tokens},
                },
                error::internal,
                platform::{db::unix_now, AppState},
            };
            let state = AppState::current()?;
            let mut tx = state.db.begin().await?;
            let Some(user_id) = tokens::consume(&mut tx, &token, tokens::CONFIRM_EMAIL).await?
            else {
                return Err(AppError::invalid(
                    "This link has expired or has already been used. Ask for a new link below.",
                ));
            };
            store::confirm_email(&mut tx, user_id, unix_now()).await?;
            accounts::Audit::of(Some(user_id), "email_confirmed", &client_ip().await)
                .write(&mut tx)
                .await?;
            // People the SEN team invited are linked to their child now the address is theirs.
            crate::people::store::claim_invitations(&mut tx, user_id).await?;
            tx.commit().await?;
            session()
                .await?
                .insert(SETTING_UP_KEY, user_id)
                .await
                .map_err(internal)?;
            leptos_axum::redirect("/register/two-step");
            Ok(())
        }
        .await,
    )
}

/// Chooses Email for two-step verification, then signs in with an emailed code.
#[server(prefix = "/api", endpoint = "auth/set-up-two-step")]
pub async fn set_up_two_step(method: String) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                account::store,
                auth::{
                    api::server::{
                        client_ip, send_code, session, PendingSignIn, PENDING_KEY, SETTING_UP_KEY,
                    },
                    ssr::accounts,
                },
                error::internal,
                ids,
                platform::{db::unix_now, AppState},
            };
            let state = AppState::current()?;
            let session = session().await?;
            let Some(user_id) = session.get::<i64>(SETTING_UP_KEY).await.map_err(internal)? else {
                return Err(AppError::invalid(
                    "Your session has timed out. Sign in to carry on.",
                ));
            };
            if method != "email" {
                return Err(AppError::field(
                    "method-email",
                    "Choose how to get your security codes",
                ));
            }
            let account = accounts::find_account(&state, user_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let ip = client_ip().await;
            let mut tx = state.db.begin().await?;
            store::set_two_step_email(&mut tx, user_id, unix_now()).await?;
            accounts::Audit::of(Some(user_id), "two_step_set_up", &ip)
                .detail("email")
                .write(&mut tx)
                .await?;
            tx.commit().await?;
            session
                .remove_value(SETTING_UP_KEY)
                .await
                .map_err(internal)?;
            let attempt = ids::token(16);
            session
                .insert(
                    PENDING_KEY,
                    PendingSignIn {
                        user_id,
                        attempt: attempt.clone(),
                        return_to: None,
                    },
                )
                .await
                .map_err(internal)?;
            send_code(&state, &account, &attempt, &ip).await?;
            leptos_axum::redirect("/sign-in/code");
            Ok(())
        }
        .await,
    )
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let error = move || action.value().get().and_then(|r| r.err());
    view! {
        <Title text="Create an account"/>
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
                {move || error().map(|e| view! { <ErrorSummary error=e field_id="full_name"/> })}
                <h1 class="govuk-heading-l">"Create an account"</h1>
                <ActionForm action=action>
                    <div class="govuk-form-group">
                        <label class="govuk-label" for="full_name">"Full name"</label>
                        <input class="govuk-input" id="full_name" name="full_name" type="text" autocomplete="name" spellcheck="false"/>
                    </div>
                    <div class="govuk-form-group">
                        <label class="govuk-label" for="email">"Email address"</label>
                        <div class="govuk-hint" id="email-hint">"We will email you a code each time you sign in."</div>
                        <input class="govuk-input" id="email" name="email" type="email" autocomplete="email"
                            spellcheck="false" aria-describedby="email-hint"/>
                    </div>
                    <div class="govuk-form-group">
                        <label class="govuk-label" for="password">"Password"</label>
                        <div class="govuk-hint" id="password-hint">
                            "At least 10 characters. Three random words are easy to remember and hard to guess."
                        </div>
                        <input class="govuk-input" id="password" name="password" type="password"
                            autocomplete="new-password" aria-describedby="password-hint"/>
                    </div>
                    <SecretQuestionSelect/>
                    <div class="govuk-form-group">
                        <label class="govuk-label" for="secret_answer">"Answer to your secret question"</label>
                        <div class="govuk-hint" id="secret_answer-hint">"You will need it if you forget your password."</div>
                        <input class="govuk-input" id="secret_answer" name="secret_answer" type="text"
                            autocomplete="off" aria-describedby="secret_answer-hint"/>
                    </div>
                    <button type="submit" class="govuk-button">"Create account"</button>
                </ActionForm>
                <p class="govuk-body">
                    "Already registered? " <a class="govuk-link" href="/sign-in">"Sign in"</a>
                </p>
            </div>
        </div>
    }
}

#[component]
pub fn CheckEmailPage() -> impl IntoView {
    let action = ServerAction::<ResendConfirmation>::new();
    let error = move || action.value().get().and_then(|r| r.err());
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <Title text="Confirm your email address"/>
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
                {move || error().map(|e| view! { <ErrorSummary error=e field_id="email"/> })}
                {move || sent().then(|| view! {
                    <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
                        <div class="govuk-notification-banner__content">
                            <p class="govuk-notification-banner__heading">
                                "If that address has an account waiting to be confirmed, we have sent a new link."
                            </p>
                        </div>
                    </div>
                })}
                <h1 class="govuk-heading-l">"Confirm your email address"</h1>
                <p class="govuk-body">
                    "We have sent you an email with a link to finish registering. The link works for 24 hours."
                </p>
                <p class="govuk-body">"If you cannot find the email, check your spam or junk folder."</p>
                <h2 class="govuk-heading-m">"Send the link again"</h2>
                <ActionForm action=action>
                    <div class="govuk-form-group">
                        <label class="govuk-label" for="email">"Email address"</label>
                        <input class="govuk-input" id="email" name="email" type="email" autocomplete="email" spellcheck="false"/>
                    </div>
                    <button type="submit" class="govuk-button govuk-button--secondary">"Send the link again"</button>
                </ActionForm>
            </div>
        </div>
    }
}

#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let action = ServerAction::<ConfirmEmail>::new();
    let error = move || action.value().get().and_then(|r| r.err());
    let token = move || use_query_map().read().get("token").unwrap_or_default();
    view! {
        <Title text="Confirm your email address"/>
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
                {move || error().map(|e| view! {
                    <ErrorSummary error=e field_id="confirm"/>
                    <p class="govuk-body"><a class="govuk-link" href="/register/check-email">"Ask for a new link"</a></p>
                })}
                <h1 class="govuk-heading-l">"Confirm your email address"</h1>
                <p class="govuk-body">"Select the button to confirm this is your email address."</p>
                <ActionForm action=action>
                    <input type="hidden" name="token" value=token/>
                    <button type="submit" id="confirm" class="govuk-button">"Confirm email address"</button>
                </ActionForm>
            </div>
        </div>
    }
}

#[component]
pub fn TwoStepPage() -> impl IntoView {
    let action = ServerAction::<SetUpTwoStep>::new();
    let error = move || action.value().get().and_then(|r| r.err());
    view! {
        <Title text="Set up two-step verification"/>
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
                {move || error().map(|e| view! { <ErrorSummary error=e field_id="method-email"/> })}
                <h1 class="govuk-heading-l">"Set up two-step verification"</h1>
                <p class="govuk-body">
                    "To keep your child's information safe, each time you sign in you will also need a security code."
                </p>
                <ActionForm action=action>
                    <div class="govuk-form-group">
                        <fieldset class="govuk-fieldset">
                            <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">
                                "How do you want to get your security codes?"
                            </legend>
                            <div class="govuk-radios">
                                <div class="govuk-radios__item">
                                    <input class="govuk-radios__input" id="method-email" name="method" type="radio"
                                        value="email" checked aria-describedby="method-email-hint"/>
                                    <label class="govuk-label govuk-radios__label" for="method-email">"Email"</label>
                                    <div class="govuk-hint govuk-radios__hint" id="method-email-hint">
                                        "We email you a 6-digit code. The SEND area accepts only this method."
                                    </div>
                                </div>
                            </div>
                        </fieldset>
                    </div>
                    <button type="submit" class="govuk-button">"Continue"</button>
                </ActionForm>
            </div>
        </div>
    }
}
