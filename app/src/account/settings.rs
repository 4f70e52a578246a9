//! The account page: change password, change secret question, recent sign-ins, and signing
//! out of every other session.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use super::SecretQuestionSelect;
use crate::{components::ErrorSummary, error::AppError};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub name: String,
    pub email: String,
    pub secret_question: Option<String>,
    pub recent: Vec<AccountEvent>,
    pub other_sessions: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEvent {
    pub at: i64,
    pub what: String,
    pub ip: String,
}

#[cfg(feature = "ssr")]
mod server {
    pub use crate::auth::api::server::require_account;
    use crate::{
        auth::ssr::{accounts, accounts::Account, verify_secret_off_thread},
        error::AppError,
        platform::AppState,
    };

    /// The signed-in person's current password, asked again before a change: counted as a
    /// try (so it cannot be guessed here either) and audited when wrong; `field` is the
    /// page's box for it; `ip` the client's address.
    pub async fn check_current_password(
        state: &AppState,
        account: &Account,
        password: &str,
        field: &str,
        ip: &str,
    ) -> Result<(), AppError> {
        let attempt = accounts::begin_attempt(state, &account.email, ip).await?;
        if !verify_secret_off_thread(state, password, &account.password_hash).await? {
            attempt
                .failed(
                    state,
                    accounts::Audit::of(Some(account.id), "password_check_failed", ip),
                )
                .await?;
            return Err(AppError::field(field, "Your current password is not right"));
        }
        attempt.withdrawn(state).await
    }
}

#[server(prefix = "/api", endpoint = "account/overview")]
pub async fn account_overview() -> Result<AccountSummary, AppError> {
    crate::error::with_status(
        async move {
            use crate::{account::store, platform::AppState};
            let state = AppState::current()?;
            let (account, session) = server::require_account(&state).await?;
            let pool = state.db.pool();
            let question = store::find_secret_question(pool, account.id).await?;
            let rows = store::list_recent_sign_ins(pool, account.id).await?;
            let current = session.id().map(|id| id.to_string()).unwrap_or_default();
            let others = store::count_other_sessions(
                pool,
                account.id,
                &current,
                crate::platform::db::unix_now(),
            )
            .await?;
            Ok(AccountSummary {
                name: account.full_name,
                email: account.email,
                secret_question: question,
                recent: rows
                    .into_iter()
                    .map(|row| AccountEvent {
                        at: row.at,
                        what: crate::auth::describe_action(&row.action).to_owned(),
                        ip: row.ip.unwrap_or_default(),
                    })
                    .collect(),
                other_sessions: others,
            })
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "account/change-password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                auth::{
                    api::server::client_ip,
                    rules::NewPassword,
                    ssr::{accounts, hash_secret_off_thread, is_common_password},
                },
                platform::AppState,
            };
            let state = AppState::current()?;
            let (account, session) = server::require_account(&state).await?;
            let ip = client_ip().await;
            server::check_current_password(
                &state,
                &account,
                &current_password,
                "current_password",
                &ip,
            )
            .await?;
            let new = NewPassword::parse(&new_password)
                .map_err(|m| AppError::field("new_password", m))?;
            if is_common_password(new.expose()) {
                return Err(AppError::field(
                    "new_password",
                    "This password is too common and easy to guess. Choose a different one.",
                ));
            }
            let hash = hash_secret_off_thread(&state, new.expose()).await?;
            accounts::replace_password(
                &state,
                state.db.begin().await?,
                &account,
                &hash,
                Some(&session),
                "password_changed",
                &ip,
            )
            .await?;
            leptos_axum::redirect("/account?changed=password");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "account/change-secret")]
pub async fn change_secret(
    current_password: String,
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
                    rules::SECRET_QUESTIONS,
                    ssr::{accounts, hash_secret_off_thread},
                },
                platform::{db::unix_now, AppState},
            };
            let state = AppState::current()?;
            let (account, _) = server::require_account(&state).await?;
            let ip = client_ip().await;
            server::check_current_password(
                &state,
                &account,
                &current_password,
                "secret_password",
                &ip,
            )
            .await?;
            if !SECRET_QUESTIONS.contains(&secret_question.as_str()) {
                return Err(AppError::field(
                    "secret_question",
                    "Choose a secret question",
                ));
            }
            let answer = normalise_secret_answer(&secret_answer);
            if answer.chars().count() < 2 {
                return Err(AppError::field(
                    "secret_answer",
                    "Enter the answer to your secret question",
                ));
            }
            let hash = hash_secret_off_thread(&state, &answer).await?;
            let mut tx = state.db.begin().await?;
            store::update_secret(&mut tx, account.id, &secret_question, &hash.0, unix_now())
                .await?;
            accounts::Audit::of(Some(account.id), "secret_changed", &ip)
                .write(&mut tx)
                .await?;
            tx.commit().await?;
            leptos_axum::redirect("/account?changed=secret");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "account/sign-out-others")]
pub async fn sign_out_others() -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                auth::{api::server::client_ip, ssr::accounts},
                platform::AppState,
            };
            let state = AppState::current()?;
            let (account, session) = server::require_account(&state).await?;
            let mut tx = state.db.begin().await?;
            accounts::end_sessions(&mut tx, account.id, Some(&session)).await?;
            accounts::Audit::of(Some(account.id), "signed_out_others", &client_ip().await)
                .write(&mut tx)
                .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let change_password = ServerAction::<ChangePassword>::new();
    let change_secret = ServerAction::<ChangeSecret>::new();
    let sign_out_others = ServerAction::<SignOutOthers>::new();
    let overview = Resource::new(
        move || {
            (
                change_password.version().get(),
                sign_out_others.version().get(),
                change_secret.version().get(),
            )
        },
        |_| account_overview(),
    );
    // Each change comes back here with `?changed=…` (a redirect, so it works without JavaScript).
    let query = leptos_router::hooks::use_query_map();
    let notice = move || match query.read().get("changed").as_deref() {
        Some("password") => {
            Some("Your password has been changed. Any other sessions have been signed out.")
        }
        Some("secret") => Some("Your secret question has been changed."),
        Some("sessions") => Some("You have been signed out everywhere else."),
        _ => None,
    };
    let error = move || {
        change_password
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| change_secret.value().get().and_then(|r| r.err()))
    };
    view! {
        <Title text="Your account"/>
        <Suspense>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(err) => crate::components::errors::load_failed(err, "/account".into()),
                    Ok(o) => view! {
                        <div class="govuk-grid-row">
                            <div class="govuk-grid-column-two-thirds">
                                {move || error().map(|e| view! { <ErrorSummary error=e field_id="current_password"/> })}
                                {move || notice().map(|text| view! { <crate::components::SuccessBanner text/> })}
                                <h1 class="govuk-heading-l">"Your account"</h1>
                                <dl class="govuk-summary-list">
                                    <div class="govuk-summary-list__row">
                                        <dt class="govuk-summary-list__key">"Name"</dt>
                                        <dd class="govuk-summary-list__value">{o.name.clone()}</dd>
                                    </div>
                                    <div class="govuk-summary-list__row">
                                        <dt class="govuk-summary-list__key">"Email address"</dt>
                                        <dd class="govuk-summary-list__value">{o.email.clone()}</dd>
                                    </div>
                                    <div class="govuk-summary-list__row">
                                        <dt class="govuk-summary-list__key">"Two-step verification"</dt>
                                        <dd class="govuk-summary-list__value">"Email"</dd>
                                    </div>
                                    <div class="govuk-summary-list__row">
                                        <dt class="govuk-summary-list__key">"Secret question"</dt>
                                        <dd class="govuk-summary-list__value">{o.secret_question.clone().unwrap_or_else(|| "Not set".into())}</dd>
                                    </div>
                                </dl>

                                <h2 class="govuk-heading-m">"Change your password"</h2>
                                <ActionForm action=change_password>
                                    <div class="govuk-form-group">
                                        <label class="govuk-label" for="current_password">"Current password"</label>
                                        <input class="govuk-input" id="current_password" name="current_password" type="password" autocomplete="current-password"/>
                                    </div>
                                    <div class="govuk-form-group">
                                        <label class="govuk-label" for="new_password">"New password"</label>
                                        <div class="govuk-hint" id="new_password-hint">"At least 10 characters."</div>
                                        <input class="govuk-input" id="new_password" name="new_password" type="password"
                                            autocomplete="new-password" aria-describedby="new_password-hint"/>
                                    </div>
                                    <button type="submit" class="govuk-button">"Change password"</button>
                                </ActionForm>

                                <h2 class="govuk-heading-m">"Change your secret question"</h2>
                                <ActionForm action=change_secret>
                                    <div class="govuk-form-group">
                                        <label class="govuk-label" for="secret_password">"Current password"</label>
                                        <input class="govuk-input" id="secret_password" name="current_password" type="password" autocomplete="current-password"/>
                                    </div>
                                    <SecretQuestionSelect/>
                                    <div class="govuk-form-group">
                                        <label class="govuk-label" for="secret_answer">"Answer to your secret question"</label>
                                        <input class="govuk-input" id="secret_answer" name="secret_answer" type="text" autocomplete="off"/>
                                    </div>
                                    <button type="submit" class="govuk-button govuk-button--secondary">"Change secret question"</button>
                                </ActionForm>

                                <h2 class="govuk-heading-m">"Recent sign-ins"</h2>
                                <table class="govuk-table">
                                    <caption class="govuk-table__caption govuk-visually-hidden">"Recent activity on your account, newest first"</caption>
                                    <thead class="govuk-table__head">
                                        <tr class="govuk-table__row">
                                            <th scope="col" class="govuk-table__header">"When (UTC)"</th>
                                            <th scope="col" class="govuk-table__header">"What"</th>
                                            <th scope="col" class="govuk-table__header">"From"</th>
                                        </tr>
                                    </thead>
                                    <tbody class="govuk-table__body">
                                        {o.recent.iter().map(|e| view! {
                                            <tr class="govuk-table__row">
                                                <td class="govuk-table__cell">{crate::clock::format_time(e.at * 1000)}</td>
                                                <td class="govuk-table__cell">{e.what.clone()}</td>
                                                <td class="govuk-table__cell">{e.ip.clone()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>

                                <h2 class="govuk-heading-m">"Other sessions"</h2>
                                <p class="govuk-body">
                                    {match o.other_sessions {
                                        0 => "You are not signed in anywhere else.".to_owned(),
                                        1 => "You are signed in on 1 other device or browser.".to_owned(),
                                        n => format!("You are signed in on {n} other devices or browsers."),
                                    }}
                                </p>
                                <ActionForm action=sign_out_others>
                                    <button type="submit" class="govuk-button govuk-button--warning">"Sign out of all other sessions"</button>
                                </ActionForm>
                            </div>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
