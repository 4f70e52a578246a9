//! Limits on tries at a secret (a password, a code, a secret answer) and on the emails anonymous
//! forms may send: each counted before the answer is known, so parallel requests cannot slip by.

use super::audit::{audit, Audit};
use crate::{
    error::AppError,
    platform::{db::unix_now, AppState},
};

/// Failed passwords or codes for one account from one address in the window; the next
/// try is refused until the oldest stops counting.
pub const MAX_FAILURES: i64 = 10;
/// Failed tries for one account from every address together: beyond `MAX_FAILURES` each
/// try waits a little longer (the real owner, elsewhere, is slowed, not locked out); past
/// this many (an attack from many addresses) tries are refused.
pub const MAX_ACCOUNT_FAILURES: i64 = 50;
/// Failures of any accounts from one address (a school, an office, a load balancer)
/// before each try from it waits a little; an address alone never locks anyone out.
pub const ADDRESS_SLOW_DOWN_AFTER: i64 = 30;
pub const FAILURE_WINDOW_SECS: i64 = 15 * 60;
/// The longest a try is made to wait.
pub const MAX_SLOW_DOWN: std::time::Duration = std::time::Duration::from_secs(5);

/// The failed tries at one account in the window: from the asking address and from
/// everywhere, with the oldest of each (when the refusal ends).
#[derive(sqlx::FromRow)]
struct FailureCounts {
    from_here: i64,
    oldest_here: Option<i64>,
    everywhere: i64,
    oldest: Option<i64>,
}

/// A try at a password or a code, counted as a failure before the secret is checked, so
/// that tries made in parallel cannot all slip under the limit: whichever is the eleventh
/// to be counted sees ten before it. `succeeded` takes it back.
#[must_use = "say how the try ended: succeeded, failed or withdrawn"]
pub struct Attempt {
    id: i64,
}

/// Counts a try at `account`'s secret from `ip`, or refuses it (saying when to try again)
/// when that account has failed too often from that address, or from everywhere. Where
/// refusing could lock out the real owner, the try is slowed down instead.
pub async fn begin_attempt(state: &AppState, account: &str, ip: &str) -> Result<Attempt, AppError> {
    let now = unix_now();
    let since = now - FAILURE_WINDOW_SECS;
    // One try per account at a time passes this transaction (PostgreSQL: a lock on the
    // account; SQLite: the single writer), so each sees every try stored before it, and a
    // refused try leaves nothing behind.
    let mut tx = state.db.begin().await?;
    if state.db.dialect() == crate::platform::Dialect::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(account)
            .execute(&mut *tx)
            .await?;
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO auth_failures (account, ip, at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(account)
    .bind(ip)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let counts: FailureCounts = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN ip = $2 THEN 1 ELSE 0 END), 0) AS from_here, \
         MIN(CASE WHEN ip = $2 THEN at END) AS oldest_here, COUNT(*) AS everywhere, MIN(at) AS oldest \
         FROM auth_failures WHERE account = $1 AND at > $3",
    )
    .bind(account)
    .bind(ip)
    .bind(since)
    .fetch_one(&mut *tx)
    .await?;
    let everywhere = counts.everywhere;
    let refused_since = if counts.from_here > MAX_FAILURES {
        Some(counts.oldest_here)
    } else if everywhere > MAX_ACCOUNT_FAILURES {
        Some(counts.oldest)
    } else {
        None
    };
    if let Some(oldest) = refused_since {
        // Nothing is checked, so the refused try does not keep the lock going.
        tx.rollback().await?;
        let wait_secs = oldest.unwrap_or(now) + FAILURE_WINDOW_SECS - now;
        let minutes = (wait_secs.max(60) + 59) / 60;
        return Err(AppError::TooManyAttempts(format!(
            "There have been too many failed attempts to sign in. Try again in {minutes} minute{}.",
            if minutes == 1 { "" } else { "s" }
        )));
    }
    tx.commit().await?;
    let attempt = Attempt { id };
    let from_address: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM auth_failures WHERE ip = $1 AND at > $2")
            .bind(ip)
            .bind(since)
            .fetch_one(state.db.pool())
            .await?;
    let pause = slow_down(everywhere - 1, from_address - 1);
    if !pause.is_zero() {
        tokio::time::sleep(pause).await;
    }
    Ok(attempt)
}

/// Emails an anonymous form may send to one address in the window, of every kind together
/// (registering, the confirmation link again, a forgotten password, a new code).
pub const MAX_EMAILS_PER_TARGET: i64 = 5;
/// Emails anonymous forms may send from one client address in the window (a whole school
/// registering in one session stays well under it).
pub const MAX_EMAILS_PER_ADDRESS: i64 = 60;

/// Whether an email of `kind` to `target` may go out for a request from `ip`, counting it
/// if so. Counted before the answer is known, like `begin_attempt`, so parallel requests
/// cannot pass together. The caller gives the same reply either way and sends nothing when
/// refused: a person cannot be flooded with email, nor anyone learn who has an account.
pub async fn may_send_email(
    state: &AppState,
    kind: &str,
    target: &str,
    ip: &str,
) -> Result<bool, AppError> {
    let now = unix_now();
    let since = now - FAILURE_WINDOW_SECS;
    let pool = state.db.pool();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO email_throttle (kind, target, ip, at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(kind)
    .bind(target)
    .bind(ip)
    .bind(now)
    .fetch_one(pool)
    .await?;
    let to_target: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM email_throttle WHERE target = $1 AND at > $2")
            .bind(target)
            .bind(since)
            .fetch_one(pool)
            .await?;
    let from_address: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM email_throttle WHERE ip = $1 AND at > $2")
            .bind(ip)
            .bind(since)
            .fetch_one(pool)
            .await?;
    if to_target > MAX_EMAILS_PER_TARGET || from_address > MAX_EMAILS_PER_ADDRESS {
        sqlx::query("DELETE FROM email_throttle WHERE id = $1")
            .bind(id)
            .execute(pool)
            .await?;
        tracing::warn!(
            kind,
            ip,
            "email not sent: too many for this address or client"
        );
        return Ok(false);
    }
    Ok(true)
}

/// How long a try waits, given the failures before it for its account (from anywhere) and
/// from its address (for any account): half a second for each account failure past
/// `MAX_FAILURES`, a tenth for each address failure past `ADDRESS_SLOW_DOWN_AFTER`, at most
/// `MAX_SLOW_DOWN`.
pub fn slow_down(account_failures: i64, address_failures: i64) -> std::time::Duration {
    let account_ms = (account_failures - MAX_FAILURES).max(0).saturating_mul(500);
    let address_ms = (address_failures - ADDRESS_SLOW_DOWN_AFTER)
        .max(0)
        .saturating_mul(100);
    let ms = u64::try_from(account_ms.max(address_ms)).unwrap_or(u64::MAX);
    std::time::Duration::from_millis(ms).min(MAX_SLOW_DOWN)
}

impl Attempt {
    /// The secret was right: the try is not a failure. Pass the transaction of the change
    /// it leads to (signing in, a new password).
    pub async fn succeeded(self, conn: &mut sqlx::AnyConnection) -> Result<(), AppError> {
        sqlx::query("DELETE FROM auth_failures WHERE id = $1")
            .bind(self.id)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// The secret was wrong: the try stays counted, and the audit log records it.
    pub async fn failed(self, state: &AppState, entry: Audit<'_>) -> Result<(), AppError> {
        audit(state, entry).await
    }

    /// Nothing was checked after all (the request was refused for another reason).
    pub async fn withdrawn(self, state: &AppState) -> Result<(), AppError> {
        let mut conn = state.db.pool().acquire().await?;
        self.succeeded(&mut conn).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tries_slow_down_past_the_limits_and_no_more_than_the_cap() {
        use std::time::Duration;
        assert_eq!(slow_down(0, 0), Duration::ZERO);
        assert_eq!(
            slow_down(MAX_FAILURES, ADDRESS_SLOW_DOWN_AFTER),
            Duration::ZERO
        );
        assert_eq!(slow_down(MAX_FAILURES + 1, 0), Duration::from_millis(500));
        assert_eq!(
            slow_down(0, ADDRESS_SLOW_DOWN_AFTER + 3),
            Duration::from_millis(300)
        );
        assert_eq!(slow_down(MAX_ACCOUNT_FAILURES, 10_000), MAX_SLOW_DOWN);
        assert_eq!(slow_down(i64::MAX, i64::MAX), MAX_SLOW_DOWN);
    }
}
