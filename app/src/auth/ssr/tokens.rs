//! Single-use links sent by email.

use crate::{
    auth::ssr::accounts::sha256_hex,
    error::AppError,
    ids,
    platform::{db::unix_now, AppState},
};

pub const CONFIRM_EMAIL: &str = "confirm_email";
pub const RESET_PASSWORD: &str = "reset_password";

/// A new 256-bit token for `user_id`; only its hash is stored. `conn` is the transaction
/// of the change the link belongs to.
pub async fn issue(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    purpose: &str,
    lifetime_secs: i64,
) -> Result<String, AppError> {
    let token = ids::token(32);
    let now = unix_now();
    sqlx::query(
        "INSERT INTO email_tokens (user_id, purpose, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(purpose)
    .bind(sha256_hex(&token))
    .bind(now)
    .bind(now + lifetime_secs)
    .execute(conn)
    .await?;
    Ok(token)
}

/// Uses a token: the user it was for, if it is right, unused and in time.
pub async fn consume(
    conn: &mut sqlx::AnyConnection,
    token: &str,
    purpose: &str,
) -> Result<Option<i64>, AppError> {
    let now = unix_now();
    Ok(sqlx::query_scalar(
        "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 \
         AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
    )
    .bind(now)
    .bind(sha256_hex(token.trim()))
    .bind(purpose)
    .fetch_optional(conn)
    .await?)
}

/// Makes every unused token of `user_id` for `purpose` unusable (only the newest link works).
pub async fn revoke(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    purpose: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE email_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL",
    )
    .bind(unix_now())
    .bind(user_id)
    .bind(purpose)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether a token would be accepted, without using it (to show the right page).
pub async fn is_live(state: &AppState, token: &str, purpose: &str) -> Result<bool, AppError> {
    let row: Option<i64> = sqlx::query_scalar(
        "SELECT user_id FROM email_tokens WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(sha256_hex(token.trim()))
    .bind(purpose)
    .bind(unix_now())
    .fetch_optional(state.db.pool())
    .await?;
    Ok(row.is_some())
}
