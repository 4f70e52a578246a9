//! Account rows and the sign-in rules that act on them.

use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, Rng};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use super::PasswordHashString;
use crate::{
    error::AppError,
    platform::{db::unix_now, AppState},
    role::Role,
};

/// How long an emailed code works, and how many wrong tries it allows.
pub const CODE_LIFETIME_SECS: i64 = 10 * 60;
pub const CODE_MAX_WRONG_TRIES: i64 = 5;
/// The pause before another code may be asked for.
pub const RESEND_COOLDOWN_SECS: i64 = 30;
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

type AccountRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<i64>,
    i64,
);

fn account_from(row: AccountRow) -> Result<Account, AppError> {
    let (id, email, full_name, role, hash, confirmed, two_step, deactivated, session_epoch) = row;
    Ok(Account {
        id,
        email,
        full_name,
        role: Role::parse(&role)
            .ok_or_else(|| crate::error::internal(format!("unknown role {role:?}")))?,
        password_hash: PasswordHashString(hash),
        email_confirmed: confirmed.is_some(),
        two_step: two_step.is_some(),
        active: deactivated.is_none(),
        session_epoch,
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

/// One line of the audit log: what happened, to whose account, by whom, from where.
#[derive(Clone, Copy, Debug)]
pub struct Audit<'a> {
    pub user_id: Option<i64>,
    /// Who did it, when not the account's owner (an admin, say).
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub ip: &'a str,
    pub detail: &'a str,
    /// The child whose record was read or changed.
    pub child_id: Option<i64>,
}

impl<'a> Audit<'a> {
    pub fn of(user_id: Option<i64>, action: &'a str, ip: &'a str) -> Self {
        Audit {
            user_id,
            actor_id: None,
            action,
            ip,
            detail: "",
            child_id: None,
        }
    }

    /// The entry concerns this child's record.
    pub fn child(self, child_id: i64) -> Self {
        Audit {
            child_id: Some(child_id),
            ..self
        }
    }

    pub fn detail(self, detail: &'a str) -> Self {
        Audit { detail, ..self }
    }

    pub fn by(self, actor_id: i64) -> Self {
        Audit {
            actor_id: Some(actor_id),
            ..self
        }
    }

    /// Writes the entry on `conn`: pass the transaction of the change it records, so the
    /// change and its record stand or fall together.
    pub async fn write(self, conn: &mut sqlx::AnyConnection) -> Result<(), AppError> {
        sqlx::query(
            "INSERT INTO audit_log (at, user_id, actor_id, action, ip, detail, child_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(unix_now())
        .bind(self.user_id)
        .bind(self.actor_id)
        .bind(self.action)
        .bind(self.ip)
        .bind(self.detail)
        .bind(self.child_id)
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// Records an event that changes nothing else (a refused attempt, signing out).
pub async fn audit(state: &AppState, entry: Audit<'_>) -> Result<(), AppError> {
    let mut conn = state.db.pool().acquire().await?;
    entry.write(&mut conn).await
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
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO auth_failures (account, ip, at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(account)
    .bind(ip)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let (from_here, oldest_here, everywhere, oldest): (i64, Option<i64>, i64, Option<i64>) =
        sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN ip = $2 THEN 1 ELSE 0 END), 0), \
             MIN(CASE WHEN ip = $2 THEN at END), COUNT(*), MIN(at) \
             FROM auth_failures WHERE account = $1 AND at > $3",
        )
        .bind(account)
        .bind(ip)
        .bind(since)
        .fetch_one(&mut *tx)
        .await?;
    let refused_since = if from_here > MAX_FAILURES {
        Some(oldest_here)
    } else if everywhere > MAX_ACCOUNT_FAILURES {
        Some(oldest)
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
    let (from_address,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM auth_failures WHERE ip = $1 AND at > $2")
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
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO email_throttle (kind, target, ip, at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(kind)
    .bind(target)
    .bind(ip)
    .bind(now)
    .fetch_one(pool)
    .await?;
    let (to_target,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM email_throttle WHERE target = $1 AND at > $2")
            .bind(target)
            .bind(since)
            .fetch_one(pool)
            .await?;
    let (from_address,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM email_throttle WHERE ip = $1 AND at > $2")
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
    let (epoch,): (i64,) = sqlx::query_as(
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

    #[test]
    fn emails_are_compared_lower_case() {
        assert_eq!(
            normalise_email("  Parent@Example.ORG "),
            "parent@example.org"
        );
    }
}
