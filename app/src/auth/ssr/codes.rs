//! Sign-in codes: six digits by email, stored only as an HMAC, one live code per sign-in
//! attempt, each try at it claimed in the database before the code is compared.

use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, Rng};
use secrecy::ExposeSecret;
use sha2::Sha256;

use crate::{error::AppError, platform::AppState};

/// How long an emailed code works, and how many wrong tries it allows.
pub const CODE_LIFETIME_SECS: i64 = 10 * 60;
pub const CODE_MAX_WRONG_TRIES: i64 = 5;
/// The pause before another code may be asked for.
pub const RESEND_COOLDOWN_SECS: i64 = 30;

/// HMAC-SHA-256 of the attempt and the code under the server's secret key.
pub fn code_hash(state: &AppState, attempt: &str, code: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(state.runtime.secret_key.expose_secret().as_bytes())
            .expect("HMAC takes keys of any length");
    mac.update(attempt.as_bytes());
    mac.update(b":");
    mac.update(code.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Six digits from the operating system's CSPRNG.
pub fn new_code() -> String {
    format!("{:06}", OsRng.gen_range(0..1_000_000u32))
}

/// Compares two hex digests in constant time.
pub fn same_digest(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A code whose try has just been counted, to compare with what was typed.
#[derive(sqlx::FromRow)]
pub struct ClaimedCode {
    pub id: i64,
    pub code_hash: String,
    pub expires_at: i64,
    /// Counting this try.
    pub wrong_tries: i64,
}

/// The newest live code of an attempt, to say why it could not be tried.
#[derive(sqlx::FromRow)]
pub struct NewestCode {
    pub expires_at: i64,
    pub wrong_tries: i64,
}

/// Makes the attempt's unused codes unusable: a new one replaces them.
pub async fn replace_codes(
    conn: &mut sqlx::AnyConnection,
    attempt_hash: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE sign_in_codes SET replaced_at = $1 WHERE attempt = $2 AND used_at IS NULL AND replaced_at IS NULL",
    )
    .bind(now)
    .bind(attempt_hash)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn insert_code(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    attempt_hash: &str,
    code_hash: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO sign_in_codes (user_id, attempt, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(attempt_hash)
    .bind(code_hash)
    .bind(now)
    .bind(now + CODE_LIFETIME_SECS)
    .execute(conn)
    .await?;
    Ok(())
}

/// Counts a try at the attempt's newest code, in one statement, so parallel tries cannot
/// compare more than the allowed number between them. `None` when it cannot be tried (used,
/// replaced, expired or out of tries).
pub async fn claim_code_try(
    pool: &sqlx::AnyPool,
    attempt_hash: &str,
    now: i64,
) -> Result<Option<ClaimedCode>, AppError> {
    Ok(sqlx::query_as(
        "UPDATE sign_in_codes SET wrong_tries = wrong_tries + 1 \
         WHERE id = (SELECT id FROM sign_in_codes WHERE attempt = $1 AND replaced_at IS NULL ORDER BY id DESC LIMIT 1) \
         AND used_at IS NULL AND wrong_tries < $2 AND expires_at >= $3 \
         RETURNING id, code_hash, expires_at, wrong_tries",
    )
    .bind(attempt_hash)
    .bind(CODE_MAX_WRONG_TRIES)
    .bind(now)
    .fetch_optional(pool)
    .await?)
}

/// Uses the code; false if another request used it first.
pub async fn mark_code_used(
    conn: &mut sqlx::AnyConnection,
    code_id: i64,
    now: i64,
) -> Result<bool, AppError> {
    let used =
        sqlx::query("UPDATE sign_in_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(code_id)
            .execute(conn)
            .await?;
    Ok(used.rows_affected() == 1)
}

/// The attempt's newest code that is neither used nor replaced.
pub async fn find_newest_code(
    pool: &sqlx::AnyPool,
    attempt_hash: &str,
) -> Result<Option<NewestCode>, AppError> {
    Ok(sqlx::query_as(
        "SELECT expires_at, wrong_tries FROM sign_in_codes \
         WHERE attempt = $1 AND used_at IS NULL AND replaced_at IS NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(attempt_hash)
    .fetch_optional(pool)
    .await?)
}

/// When the attempt's last code was made, if it has one.
pub async fn find_last_sent_at(
    pool: &sqlx::AnyPool,
    attempt_hash: &str,
) -> Result<Option<i64>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT MAX(created_at) FROM sign_in_codes WHERE attempt = $1")
            .bind(attempt_hash)
            .fetch_one(pool)
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..200 {
            let code = new_code();
            assert_eq!(code.len(), 6);
            assert!(code.chars().all(|c| c.is_ascii_digit()));
        }
    }

    #[test]
    fn digests_compare_by_content() {
        assert!(same_digest("abcd", "abcd"));
        assert!(!same_digest("abcd", "abce"));
        assert!(!same_digest("abcd", "abc"));
    }
}
