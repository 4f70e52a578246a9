//! Server functions for signing in with a password and an emailed code, and signing out.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::role::Role;

/// Who is signed in, as the pages need to know it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub name: String,
    pub email: String,
    pub role: Role,
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use std::net::SocketAddr;

    use axum::extract::ConnectInfo;
    use serde::{Deserialize, Serialize};
    use tower_sessions::Session;

    use crate::{
        auth::{
            session_store::{session_failed, ACCOUNT_KEY, USER_ID_KEY},
            ssr::{
                accounts::{self, Account},
                codes,
            },
        },
        error::{internal, AppError},
        platform::{db::unix_now, AppState, Email},
    };

    pub const PENDING_KEY: &str = "pending_sign_in";
    /// A confirmed account that has still to choose its two-step verification method.
    pub const SETTING_UP_KEY: &str = "setting_up_two_step";
    pub const SIGNED_IN_AT_KEY: &str = "signed_in_at";
    /// However active, a session ends this long after signing in.
    pub const ABSOLUTE_LIMIT_SECS: i64 = 12 * 60 * 60;

    /// A password accepted, a code not yet entered.
    #[derive(Clone, Debug, Serialize, Deserialize)]
    pub struct PendingSignIn {
        pub user_id: i64,
        pub attempt: String,
        /// Where to go after the code: the page the person was sent away from.
        #[serde(default)]
        pub return_to: Option<String>,
    }

    /// The sign-in attempt waiting for its code, and its account.
    pub async fn pending_sign_in(
        state: &AppState,
        session: &Session,
    ) -> Result<(PendingSignIn, Account), AppError> {
        let Some(pending) = session
            .get::<PendingSignIn>(PENDING_KEY)
            .await
            .map_err(session_failed)?
        else {
            return Err(AppError::invalid(
                "Your sign-in has timed out. Sign in again.",
            ));
        };
        let account = accounts::find_account(state, pending.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((pending, account))
    }

    pub async fn session() -> Result<Session, AppError> {
        leptos_axum::extract::<Session>().await.map_err(internal)
    }

    /// The client's address: the peer, or what trusted proxies say (`PORTAL_TRUSTED_PROXIES`).
    pub async fn client_ip() -> String {
        let Ok(ConnectInfo(peer)) = leptos_axum::extract::<ConnectInfo<SocketAddr>>().await else {
            return "unknown".into();
        };
        let headers = leptos_axum::extract::<http::HeaderMap>()
            .await
            .unwrap_or_default();
        let trusted = AppState::current()
            .map(|s| s.runtime.trusted_proxies.clone())
            .unwrap_or_default();
        crate::platform::client::client_address(peer.ip(), &headers, &trusted).to_string()
    }

    /// The signed-in account, if the session has one that is still within its limits.
    pub async fn signed_in(
        state: &AppState,
        session: &Session,
    ) -> Result<Option<Account>, AppError> {
        let Some(user_id) = session
            .get::<i64>(USER_ID_KEY)
            .await
            .map_err(session_failed)?
        else {
            return Ok(None);
        };
        let signed_in_at = session
            .get::<i64>(SIGNED_IN_AT_KEY)
            .await
            .map_err(session_failed)?
            .unwrap_or(0);
        if unix_now() - signed_in_at > ABSOLUTE_LIMIT_SECS {
            session.flush().await.map_err(session_failed)?;
            return Ok(None);
        }
        let epoch = session
            .get::<i64>(accounts::SESSION_EPOCH_KEY)
            .await
            .map_err(session_failed)?;
        // A page and its header both ask: the account is read once a request, with the
        // session when it was signed in before this request began.
        let memo = leptos::prelude::use_context::<RequestAccount>();
        let remembered = memo.as_ref().and_then(|m| m.get(user_id));
        let found = match remembered {
            Some(account) => Some(account),
            None => match session
                .get::<accounts::AccountRow>(ACCOUNT_KEY)
                .await
                .map_err(session_failed)?
            {
                Some(row) if row.id == user_id => Some(accounts::account_from(row)?),
                _ => accounts::find_account(state, user_id).await?,
            },
        };
        match found {
            // A session from before "sign out everywhere" is over, even if a request that was
            // under way then has saved it again since.
            Some(account) if account.active && epoch == Some(account.session_epoch) => {
                if let Some(memo) = &memo {
                    memo.keep(&account);
                }
                touch(session).await?;
                Ok(Some(account))
            }
            _ => {
                session.flush().await.map_err(session_failed)?;
                Ok(None)
            }
        }
    }

    /// The account a request's session was found signed in as, kept for the rest of that
    /// request (provided afresh for each request by the server). It is used only for the same
    /// user id, and every use still checks the session's epoch and that the account is active.
    #[derive(Clone, Default)]
    pub struct RequestAccount(std::sync::Arc<std::sync::Mutex<Option<Account>>>);

    impl RequestAccount {
        fn get(&self, user_id: i64) -> Option<Account> {
            let kept = self.0.lock().ok()?;
            kept.as_ref().filter(|a| a.id == user_id).cloned()
        }

        fn keep(&self, account: &Account) {
            if let Ok(mut kept) = self.0.lock() {
                *kept = Some(account.clone());
            }
        }
    }

    /// Takes `key` out of the session: the value, if there was one. Only a session that had
    /// it is changed (and so stored again).
    pub async fn take<T: serde::de::DeserializeOwned>(
        session: &Session,
        key: &str,
    ) -> Result<Option<T>, AppError> {
        let value = session.get::<T>(key).await.map_err(session_failed)?;
        if value.is_some() {
            session.remove_value(key).await.map_err(session_failed)?;
        }
        Ok(value)
    }

    /// The signed-in account and its session, or `SignInRequired`.
    pub async fn require_account(state: &AppState) -> Result<(Account, Session), AppError> {
        let session = session().await?;
        match signed_in(state, &session).await? {
            Some(account) => Ok((account, session)),
            None => Err(AppError::SignInRequired),
        }
    }

    /// Counts as activity for the 30-minute inactivity limit (every signed-in request does,
    /// through `signed_in`): tower-sessions stores a changed session again with a fresh
    /// expiry. At most once a minute, to spare the database.
    async fn touch(session: &Session) -> Result<(), AppError> {
        let last: Option<i64> = session.get("last_active").await.map_err(session_failed)?;
        let now = unix_now();
        if last.is_none_or(|at| now - at >= 60) {
            session
                .insert("last_active", now)
                .await
                .map_err(session_failed)?;
        }
        Ok(())
    }

    /// The role gate every server function for staff starts with: the signed-in account when
    /// its role is one of `roles`, `SignInRequired` (401) without a session, `Forbidden` (403)
    /// for any other role.
    /// The signed-in administrator, or 401/403 (the gate of every administration function).
    pub async fn require_admin(state: &AppState) -> Result<Account, AppError> {
        Ok(require_role(state, &[crate::role::Role::Admin]).await?.0)
    }

    pub async fn require_role(
        state: &AppState,
        roles: &[crate::role::Role],
    ) -> Result<(Account, Session), AppError> {
        let (account, session) = require_account(state).await?;
        if roles.contains(&account.role) {
            Ok((account, session))
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Issues a fresh code for this attempt (replacing any earlier one) and emails it.
    pub async fn send_code(
        state: &AppState,
        account: &Account,
        attempt: &str,
        ip: &str,
    ) -> Result<(), AppError> {
        let now = unix_now();
        let attempt_hash = accounts::sha256_hex(attempt);
        let mut tx = state.db.begin().await?;
        codes::replace_codes(&mut tx, &attempt_hash, now).await?;
        let code = codes::new_code();
        let code_hash = codes::code_hash(state, attempt, &code);
        codes::insert_code(&mut tx, account.id, &attempt_hash, &code_hash, now).await?;
        accounts::Audit::of(Some(account.id), "code_sent", ip)
            .write(&mut tx)
            .await?;
        let email = state
            .outbox
            .write(&mut tx, &Email {
                to: account.email.clone(),
                subject: format!("Your {} sign-in code", crate::site::SERVICE_NAME),
                text: format!(
                    "Your sign-in code is {code}\n\n\
                     Enter it on the sign-in page within 10 minutes. It works once.\n\n\
                     If you did not try to sign in, someone may know your password: sign in and change it, \
                     or call the {} SEN team on {}.\n",
                    state.site.council_name, state.site.sen_team_phone
                ),
            })
            .await?;
        tx.commit().await?;
        email.wake();
        Ok(())
    }
}

#[cfg(feature = "ssr")]
pub use server::{session, signed_in, RequestAccount};

/// Who is signed in, or `None`.
#[server(prefix = "/api", endpoint = "auth/current-user")]
pub async fn current_user() -> Result<Option<SignedInUser>, AppError> {
    crate::error::with_status(
        async move {
            use crate::platform::AppState;
            let state = AppState::current()?;
            let session = server::session().await?;
            Ok(server::signed_in(&state, &session)
                .await?
                .map(|a| SignedInUser {
                    name: a.full_name,
                    email: a.email,
                    role: a.role,
                }))
        }
        .await,
    )
}

/// Step 1: email and password. When right, emails a code and moves to the code page.
#[server(prefix = "/api", endpoint = "auth/sign-in")]
pub async fn sign_in(
    email: String,
    password: String,
    return_to: Option<String>,
) -> Result<(), AppError> {
    crate::error::with_status(async move {
        use crate::{
            auth::{
                return_path::ReturnPath,
                ssr::{accounts, hash_secret_off_thread, verify_secret_off_thread},
            },
            platform::AppState,
        };
        let state = AppState::current()?;
        let ip = server::client_ip().await;
        let email = accounts::normalise_email(&email);
        if email.is_empty() || password.is_empty() {
            return Err(AppError::invalid("Enter your email address and password."));
        }
        let attempt = accounts::begin_attempt(&state, &email, &ip).await?;
        let account = accounts::find_account_by_email(&state, &email).await?;
        let password_ok = match &account {
            Some(account) => verify_secret_off_thread(&state, &password, &account.password_hash).await?,
            None => {
                // Spend the same time as a real check, so timing does not tell who has an account.
                let _ = hash_secret_off_thread(&state, &password).await?;
                false
            }
        };
        let account = match account {
            Some(account) if password_ok && account.active => account,
            other => {
                attempt.failed(&state, accounts::Audit::of(other.map(|a| a.id), "sign_in_failed", &ip)).await?;
                return Err(AppError::invalid("The email address or password is not right. Check them and try again."));
            }
        };
        attempt.withdrawn(&state).await?;
        if !account.email_confirmed {
            return Err(AppError::invalid(
                "Confirm your email address first: open the link in the email we sent when you registered.",
            ));
        }
        let session = server::session().await?;
        if !account.two_step {
            session
                .insert(server::SETTING_UP_KEY, account.id)
                .await
                .map_err(crate::error::internal)?;
            leptos_axum::redirect("/register/two-step");
            return Ok(());
        }
        let attempt = crate::ids::token(16);
        session
            .insert(
                server::PENDING_KEY,
                server::PendingSignIn {
                    user_id: account.id,
                    attempt: attempt.clone(),
                    return_to: return_to
                        .and_then(|p| ReturnPath::parse(&p).ok())
                        .map(ReturnPath::into_string),
                },
            )
            .await
            .map_err(crate::error::internal)?;
        server::send_code(&state, &account, &attempt, &ip).await?;
        leptos_axum::redirect("/sign-in/code");
        Ok(())
    }
    .await)
}

/// What happened to a code: only `Ok(())` signs in.
#[server(prefix = "/api", endpoint = "auth/verify-code")]
pub async fn verify_code(code: String) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                auth::{
                    return_path::ReturnPath,
                    session_store::{session_failed, USER_ID_KEY},
                    ssr::{accounts, codes},
                },
                platform::{db::unix_now, AppState},
            };
            let state = AppState::current()?;
            let ip = server::client_ip().await;
            let session = server::session().await?;
            let (pending, account) = server::pending_sign_in(&state, &session).await?;
            let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
            if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
                return Err(AppError::invalid("Enter the 6-digit code from the email."));
            }
            let attempt = accounts::begin_attempt(&state, &account.email, &ip).await?;
            let attempt_hash = accounts::sha256_hex(&pending.attempt);
            // Each try is claimed before the code is compared, so parallel tries cannot compare
            // more than the allowed number between them.
            let Some(claimed) =
                codes::claim_code_try(state.db.pool(), &attempt_hash, unix_now()).await?
            else {
                attempt.withdrawn(&state).await?;
                return Err(code_not_claimed(&state, &attempt_hash).await?);
            };
            if !codes::same_digest(
                &codes::code_hash(&state, &pending.attempt, &code),
                &claimed.code_hash,
            ) {
                attempt
                    .failed(
                        &state,
                        accounts::Audit::of(Some(account.id), "code_failed", &ip),
                    )
                    .await?;
                let left = codes::CODE_MAX_WRONG_TRIES - claimed.wrong_tries;
                return Err(AppError::invalid(if left > 0 {
                    format!(
                        "The code is not right. Check the email and try again ({left} tries left)."
                    )
                } else {
                    "The code is not right, and it cannot be tried again. Select ‘Send a new code’."
                        .to_owned()
                }));
            }
            let mut tx = state.db.begin().await?;
            if !codes::mark_code_used(&mut tx, claimed.id, unix_now()).await? {
                return Err(AppError::invalid(
                    "This code has already been used. Sign in again.",
                ));
            }
            attempt.succeeded(&mut tx).await?;
            accounts::Audit::of(Some(account.id), "sign_in", &ip)
                .write(&mut tx)
                .await?;
            tx.commit().await?;
            // A new session id at sign-in, so an id planted before cannot ride along.
            session.cycle_id().await.map_err(session_failed)?;
            session
                .remove_value(server::PENDING_KEY)
                .await
                .map_err(session_failed)?;
            session
                .insert(USER_ID_KEY, account.id)
                .await
                .map_err(session_failed)?;
            session
                .insert(server::SIGNED_IN_AT_KEY, unix_now())
                .await
                .map_err(session_failed)?;
            session
                .insert(accounts::SESSION_EPOCH_KEY, account.session_epoch)
                .await
                .map_err(session_failed)?;
            // Checked again here: a session may hold a path stored before the rules tightened.
            let return_to = pending
                .return_to
                .as_deref()
                .and_then(|p| ReturnPath::parse(p).ok());
            leptos_axum::redirect(
                return_to
                    .as_ref()
                    .map_or(account.role.home_path(), ReturnPath::as_str),
            );
            Ok(())
        }
        .await,
    )
}

/// Why the newest code of an attempt could not be tried: used or replaced, expired, or out of
/// tries (a try is only claimed when none of these holds).
#[cfg(feature = "ssr")]
async fn code_not_claimed(
    state: &crate::platform::AppState,
    attempt_hash: &str,
) -> Result<AppError, AppError> {
    use crate::{auth::ssr::codes, platform::db::unix_now};
    let row = codes::find_newest_code(state.db.pool(), attempt_hash).await?;
    Ok(AppError::invalid(match row {
        None => "This code has already been used or replaced. Select ‘Send a new code’.",
        Some(code) if code.wrong_tries >= codes::CODE_MAX_WRONG_TRIES => {
            "This code has been entered wrongly too many times. Select ‘Send a new code’."
        }
        Some(code) if unix_now() > code.expires_at => {
            "This code has expired. Select ‘Send a new code’."
        }
        Some(_) => "This code has already been used or replaced. Select ‘Send a new code’.",
    }))
}

/// "Send a new code": replaces the code of this sign-in attempt, after a short pause.
#[server(prefix = "/api", endpoint = "auth/resend-code")]
pub async fn resend_code() -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                auth::ssr::{accounts, codes},
                platform::{db::unix_now, AppState},
            };
            let state = AppState::current()?;
            let ip = server::client_ip().await;
            let session = server::session().await?;
            let (pending, account) = server::pending_sign_in(&state, &session).await?;
            let last = codes::find_last_sent_at(state.db.pool(), &accounts::sha256_hex(&pending.attempt))
                .await?;
            let wait = last.unwrap_or(0) + codes::RESEND_COOLDOWN_SECS - unix_now();
            if wait > 0 {
                return Err(AppError::invalid(format!(
                    "We have just sent a code. Wait {wait} seconds before asking for another."
                )));
            }
            if !accounts::may_send_email(&state, "code_again", &account.email, &ip).await? {
                return Err(AppError::invalid(
                    "We have sent several codes in the last few minutes. Use the newest one, or wait 15 minutes and ask again.",
                ));
            }
            server::send_code(&state, &account, &pending.attempt, &ip).await
        }
        .await,
    )
}

/// Ends the session on the server and forgets the cookie.
#[server(prefix = "/api", endpoint = "auth/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                auth::{session_store::session_failed, ssr::accounts},
                platform::AppState,
            };
            let state = AppState::current()?;
            let ip = server::client_ip().await;
            let session = server::session().await?;
            if let Some(account) = server::signed_in(&state, &session).await? {
                accounts::audit(
                    &state,
                    accounts::Audit::of(Some(account.id), "sign_out", &ip),
                )
                .await?;
            }
            session.flush().await.map_err(session_failed)?;
            leptos_axum::redirect("/signed-out");
            Ok(())
        }
        .await,
    )
}
