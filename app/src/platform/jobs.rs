//! Scheduled work inside the server: the clean-up of rows that have expired. (The email
//! outbox's sender, which runs beside it, is in `outbox`.) Each run first
//! takes a lease on its row of `job_leases` (a conditional UPDATE, so it works the same on
//! SQLite and PostgreSQL), so with several app servers on one database a run happens once.

use std::time::Duration;

use super::{db::unix_now, Db, Storage};
use crate::error::AppError;

/// How often the clean-up runs unless configured.
pub const CLEAN_UP_EVERY: Duration = Duration::from_secs(10 * 60);
/// How long a lease lasts (longer than any run takes), in milliseconds like the lease times.
const LEASE_MS: i64 = 5 * 60 * 1000;

/// Sign-in records (the audit log's sign-ins, failures and sign-outs) are kept this long, as
/// the privacy notice says; everything else in the audit log is part of the child's record.
pub const SIGN_IN_RECORDS_KEPT_SECS: i64 = 365 * 24 * 60 * 60;
/// The audit actions that are sign-in records.
const SIGN_IN_ACTIONS: &str = "('sign_in', 'sign_in_failed', 'code_sent', 'code_failed', \
     'sign_out', 'password_check_failed', 'reset_refused')";
/// Throttle rows are read only within their window; a day is well past it.
const THROTTLE_ROWS_KEPT_SECS: i64 = 24 * 60 * 60;
/// Used or expired codes and links are kept a day for the audit of what happened, then go.
const SPENT_SECRETS_KEPT_SECS: i64 = 24 * 60 * 60;
/// A stored file with no attachment row, or a row that no draft, submission or shared document
/// holds, is left this long (an upload may be between storing its file and its row) and then
/// removed.
pub const LOOSE_FILES_KEPT_SECS: i64 = 24 * 60 * 60;

/// How many rows one clean-up deleted, per table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CleanUp {
    pub sessions: u64,
    pub codes: u64,
    pub links: u64,
    pub throttle: u64,
    pub sign_in_records: u64,
    /// Stored files that no attachment names, and attachments that nothing holds any more.
    pub files: u64,
    /// Outbox rows of emails sent (or given up) more than a day ago; their text went then.
    pub emails: u64,
}

/// Milliseconds since the Unix epoch: lease times are kept to the millisecond, since in
/// whole seconds two servers' runs a fraction of a second apart fall either side of one.
pub fn unix_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// Takes the lease of job `name` for `holder` if nobody holds it at `now` (milliseconds since
/// the epoch); true when taken.
pub async fn take_lease(db: &Db, name: &str, holder: &str, now: i64) -> Result<bool, AppError> {
    let taken = sqlx::query(
        "UPDATE job_leases SET holder = $1, until = $2 WHERE name = $3 AND until <= $4",
    )
    .bind(holder)
    .bind(now + LEASE_MS)
    .bind(name)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(taken.rows_affected() == 1)
}

/// Ends a lease early and records when the job last ran (`started`, in milliseconds); the next
/// run is due an interval later, whichever server takes it. The interval is shortened by a
/// tenth (a second at most) so that the same server's next tick, woken a little early or late,
/// still finds it due.
pub async fn finish_lease(
    db: &Db,
    name: &str,
    holder: &str,
    started: i64,
    every: Duration,
) -> Result<(), AppError> {
    let every = i64::try_from(every.as_millis()).unwrap_or(LEASE_MS);
    let next = started + every - (every / 10).min(1000);
    sqlx::query(
        "UPDATE job_leases SET until = $1, last_run_at = $2 WHERE name = $3 AND holder = $4",
    )
    .bind(next)
    .bind(started)
    .bind(name)
    .bind(holder)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Runs the clean-up if this server gets the lease; `None` when another has it or ran it
/// less than an interval ago.
pub async fn clean_up_once(
    db: &Db,
    storage: &Storage,
    holder: &str,
    every: Duration,
) -> Result<Option<CleanUp>, AppError> {
    let started = unix_millis();
    if !take_lease(db, "clean_up", holder, started).await? {
        return Ok(None);
    }
    let done = clean_up(db, storage, unix_now()).await?;
    finish_lease(db, "clean_up", holder, started, every).await?;
    Ok(Some(done))
}

/// Deletes what has expired as of `now`.
pub async fn clean_up(db: &Db, storage: &Storage, now: i64) -> Result<CleanUp, AppError> {
    let pool = db.pool();
    let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected();
    let codes = sqlx::query("DELETE FROM sign_in_codes WHERE expires_at < $1")
        .bind(now - SPENT_SECRETS_KEPT_SECS)
        .execute(pool)
        .await?
        .rows_affected();
    let links = sqlx::query(
        "DELETE FROM email_tokens WHERE expires_at < $1 OR (used_at IS NOT NULL AND used_at < $1)",
    )
    .bind(now - SPENT_SECRETS_KEPT_SECS)
    .execute(pool)
    .await?
    .rows_affected();
    let mut throttle = 0;
    for table in ["auth_failures", "email_throttle"] {
        throttle += sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE at < $1"
        )))
        .bind(now - THROTTLE_ROWS_KEPT_SECS)
        .execute(pool)
        .await?
        .rows_affected();
    }
    let sign_in_records = sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM audit_log WHERE action IN {SIGN_IN_ACTIONS} AND at < $1"
    )))
    .bind(now - SIGN_IN_RECORDS_KEPT_SECS)
    .execute(pool)
    .await?
    .rows_affected();
    let files = remove_loose_files(db, storage, now - LOOSE_FILES_KEPT_SECS).await?;
    let emails = sqlx::query("DELETE FROM email_outbox WHERE sent_at < $1 OR given_up_at < $1")
        .bind(now - SPENT_SECRETS_KEPT_SECS)
        .execute(pool)
        .await?
        .rows_affected();
    Ok(CleanUp {
        sessions,
        codes,
        links,
        throttle,
        sign_in_records,
        files,
        emails,
    })
}

/// An attachment that nothing holds, and where its content is stored.
#[derive(sqlx::FromRow)]
struct LooseFile {
    id: i64,
    storage_key: String,
}

/// Removes attachments that nothing holds (their draft was deleted) and stored files that no
/// attachment names (the row was never written, or was deleted but the file stayed), when
/// older than `before`.
async fn remove_loose_files(db: &Db, storage: &Storage, before: i64) -> Result<u64, AppError> {
    let pool = db.pool();
    let loose: Vec<LooseFile> = sqlx::query_as(
        "SELECT id, storage_key FROM attachments WHERE draft_id IS NULL AND submission_id IS NULL \
         AND shared_document_id IS NULL AND message_id IS NULL AND created_at < $1",
    )
    .bind(before)
    .fetch_all(pool)
    .await?;
    let mut removed = 0;
    for file in loose {
        sqlx::query("DELETE FROM attachments WHERE id = $1")
            .bind(file.id)
            .execute(pool)
            .await?;
        storage.delete(&file.storage_key).await?;
        removed += 1;
    }
    for key in storage.keys_older_than(before).await? {
        let named: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM attachments WHERE storage_key = $1")
                .bind(&key)
                .fetch_one(pool)
                .await?;
        if named == 0 {
            storage.delete(&key).await?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Runs the clean-up `every` so often (`CLEAN_UP_EVERY` unless configured) for as long as the
/// server runs (spawned at start-up); a failed run is logged and tried again next time.
pub async fn run_scheduled(db: Db, storage: Storage, holder: String, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match clean_up_once(&db, &storage, &holder, every).await {
            Ok(Some(done)) => tracing::info!(%holder, ?done, "clean-up ran"),
            Ok(None) => tracing::debug!("clean-up: another server has it"),
            Err(err) => tracing::error!(error = ?err, "clean-up failed"),
        }
    }
}
