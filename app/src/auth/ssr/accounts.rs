//! Account rows, a new password, and ending an account's sessions. The rules that guard
//! sign-in live beside it (`audit`, `throttle`, `codes`) and are re-exported here.

use sha2::{Digest, Sha256};

use super::PasswordHashString;
pub use super::{
    audit::{audit, Audit},
    codes::{
        code_hash, new_code, same_digest, CODE_LIFETIME_SECS, CODE_MAX_WRONG_TRIES,
        RESEND_COOLDOWN_SECS,
    },
    throttle::{
        begin_attempt, may_send_email, slow_down, Attempt, ADDRESS_SLOW_DOWN_AFTER,
        FAILURE_WINDOW_SECS, MAX_ACCOUNT_FAILURES, MAX_EMAILS_PER_ADDRESS, MAX_EMAILS_PER_TARGET,
        MAX_FAILURES, MAX_SLOW_DOWN,
    },
};
use crate::{
    error::AppError,
    platform::{db::unix_now, AppState},
    role::Role,
};

/// A row of `users`, for the server only (it holds the password hash).
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub password_hash: PasswordHashString,
    pub email_confirmed: bool,
    pub two_step: bool,
    pub active: bool,
    /// Moves on whenever all the account's sessions are ended (see `end_sessions`).
    pub session_epoch: i64,
}

/// A row of `users` as stored; `Account` is what the rest of the server uses. The session
/// store reads it beside the session (see `session_store::ACCOUNT_KEY`).
#[derive(sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub(crate) struct AccountRow {
    pub(crate) id: i64,
    pub(crate) email: String,
    pub(crate) full_name: String,
    pub(crate) role: String,
    pub(crate) password_hash: String,
    pub(crate) email_confirmed_at: Option<i64>,
    pub(crate) two_step_method: Option<String>,
    pub(crate) deactivated_at: Option<i64>,
    pub(crate) session_epoch: i64,
}

pub(crate) fn account_from(row: AccountRow) -> Result<Account, AppError> {
    Ok(Account {
        id: row.id,
        email: row.email,
        full_name: row.full_name,
        role: Role::parse(&row.role)
            .ok_or_else(|| crate::error::internal(format!("unknown role {:?}", row.role)))?,
        password_hash: PasswordHashString(row.password_hash),
        email_confirmed: row.email_confirmed_at.is_some(),
        two_step: row.two_step_method.is_some(),
        active: row.deactivated_at.is_none(),
        session_epoch: row.session_epoch,
    })
}

const ACCOUNT_COLUMNS: &str = "id, email, full_name, role, password_hash, email_confirmed_at, two_step_method, deactivated_at, session_epoch";

pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub async fn find_account_by_email(
    state: &AppState,
    email: &str,
) -> Result<Option<Account>, AppError> {
    let row: Option<AccountRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ACCOUNT_COLUMNS} FROM users WHERE email = $1"
    )))
    .bind(normalise_email(email))
    .fetch_optional(state.db.pool())
    .await?;
    row.map(account_from).transpose()
}

pub async fn find_account(state: &AppState, id: i64) -> Result<Option<Account>, AppError> {
    find_account_in(&mut *state.db.pool().acquire().await?, id).await
}

/// `find_account` on a connection (inside a transaction, say).
pub async fn find_account_in(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<Option<Account>, AppError> {
    let row: Option<AccountRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ACCOUNT_COLUMNS} FROM users WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(account_from).transpose()
}

/// Sets a new password hash and ends every session of the account except `keep_session`
/// (the one making the change, if any), recording `action` in the audit log, all in `tx`
/// (begun by the caller, who may have used a reset link in it), with an email to the owner
/// saying so; then commits.
#[allow(clippy::too_many_arguments)]
pub async fn replace_password(
    state: &AppState,
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    account: &Account,
    hash: &PasswordHashString,
    keep_session: Option<&tower_sessions::Session>,
    action: &str,
    ip: &str,
) -> Result<(), AppError> {
    let now = unix_now();
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(&hash.0)
        .bind(now)
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
    // Whoever knew the old password is signed out.
    end_sessions(&mut tx, account.id, keep_session).await?;
    Audit::of(Some(account.id), action, ip)
        .write(&mut tx)
        .await?;
    let signed_out = if keep_session.is_some() {
        "any other sessions were"
    } else {
        "you were"
    };
    let email = state
        .outbox
        .write(&mut tx, &crate::platform::Email {
            to: account.email.clone(),
            subject: "Your password has been changed".into(),
            text: format!(
                "The password for your SEND Portal account was changed, and {signed_out} signed out.\n\n\
                 If you did not do this, call the {} SEN team on {} straight away.\n",
                state.site.council_name, state.site.sen_team_phone
            ),
        })
        .await?;
    tx.commit().await?;
    email.wake();
    Ok(())
}

/// The session key holding the account's session epoch when the session signed in.
pub const SESSION_EPOCH_KEY: &str = "session_epoch";

/// Ends every session of an account except `keep` (the one making the change, if any).
/// Deleting the rows is not enough on its own: a request already under way when they go
/// would save its session again at its end. So the account's session epoch moves on too,
/// and a session stamped with an older epoch is signed out whenever it is next used.
pub async fn end_sessions(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    keep: Option<&tower_sessions::Session>,
) -> Result<(), AppError> {
    let epoch: i64 = sqlx::query_scalar(
        "UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1 RETURNING session_epoch",
    )
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    let keep_id = keep.and_then(|s| s.id()).map(|id| id.to_string());
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep_id.as_deref().unwrap_or(""))
        .execute(&mut *conn)
        .await?;
    if let Some(session) = keep {
        session
            .insert(SESSION_EPOCH_KEY, epoch)
            .await
            .map_err(crate::error::internal)?;
    }
    Ok(())
}

pub fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_compared_lower_case() {
        assert_eq!(
            normalise_email("  Parent@Example.ORG "),
            "parent@example.org"
        );
    }
}
