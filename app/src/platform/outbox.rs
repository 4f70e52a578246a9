//! Every email goes through the `email_outbox` table. A change writes its emails in its own
//! transaction, so they exist if and only if the change committed; after the commit it wakes
//! the sender, which delivers them through the `Mailer`. A failed delivery is tried again with
//! backoff, so an SMTP outage delays mail but loses none and fails no request.
//!
//! Each row is claimed before it is sent, by a conditional UPDATE that only one sender can win
//! (on SQLite and PostgreSQL alike), so with several app servers every email is sent by one of
//! them, once. What a row holds is sealed (XChaCha20-Poly1305, with a key derived from
//! `PORTAL_SECRET_KEY`): emails carry sign-in codes and password links, which a copy of the
//! database alone must not give away. A sent row keeps only its times, and the clean-up removes
//! it a day later.

use std::{sync::Arc, time::Duration};

use chacha20poly1305::{
    aead::{Aead, KeyInit},
    XChaCha20Poly1305, XNonce,
};
use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use tokio::sync::Notify;

use super::{db::unix_now, Db, Email, Mailer};
use crate::error::{internal, AppError};

/// How long one sender may hold a row it is sending before another may try it (longer than
/// lettre's SMTP timeout of a minute).
const CLAIM_SECS: i64 = 2 * 60;
/// The first retry waits this long, each next one twice as long, up to `LONGEST_WAIT_SECS`.
const FIRST_WAIT_SECS: i64 = 10;
const LONGEST_WAIT_SECS: i64 = 5 * 60;
/// An email that could not be delivered for this long is given up (and logged as an error).
pub const GIVE_UP_AFTER_SECS: i64 = 48 * 60 * 60;
/// How often the sender looks for due rows without being woken: retries, and rows written by
/// another app server.
pub const LOOK_EVERY: Duration = Duration::from_secs(5);

/// Writes emails into the outbox and wakes the sender; shared by every request.
#[derive(Clone)]
pub struct Outbox {
    cipher: Arc<XChaCha20Poly1305>,
    wake: Arc<Notify>,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Outbox")
    }
}

/// An email written in a transaction that has not been announced to the sender yet: call
/// `wake` once the transaction has committed (the sender would find it within
/// `LOOK_EVERY` anyway, but a sign-in code should not wait).
#[must_use = "call .wake() once the transaction has committed"]
pub struct Queued(Arc<Notify>);

impl Queued {
    pub fn wake(self) {
        self.0.notify_one();
    }
}

impl Outbox {
    /// The outbox whose rows are sealed with a key derived from `secret_key`.
    pub fn new(secret_key: &SecretString) -> Outbox {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret_key.expose_secret().as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(b"send-portal email outbox v1");
        let key = mac.finalize().into_bytes();
        Outbox {
            cipher: Arc::new(XChaCha20Poly1305::new(&key)),
            wake: Arc::new(Notify::new()),
        }
    }

    /// Writes `email` within the caller's transaction: it is sent only if that commits.
    pub async fn write(
        &self,
        conn: &mut sqlx::AnyConnection,
        email: &Email,
    ) -> Result<Queued, AppError> {
        let now = unix_now();
        sqlx::query(
            "INSERT INTO email_outbox (sealed, created_at, next_attempt_at) VALUES ($1, $2, $2)",
        )
        .bind(self.seal(email)?)
        .bind(now)
        .execute(conn)
        .await?;
        Ok(Queued(self.wake.clone()))
    }

    fn seal(&self, email: &Email) -> Result<String, AppError> {
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let plain = serde_json::to_vec(email).map_err(internal)?;
        let sealed = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), plain.as_slice())
            .map_err(|_| internal("sealing an email"))?;
        Ok(format!("{}{}", hex::encode(nonce), hex::encode(sealed)))
    }

    fn open(&self, sealed: &str) -> Result<Email, String> {
        let bytes = hex::decode(sealed).map_err(|_| "the row is not sealed text".to_owned())?;
        if bytes.len() < 24 {
            return Err("the row is too short".into());
        }
        let (nonce, sealed) = bytes.split_at(24);
        let plain = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), sealed)
            .map_err(|_| "the row cannot be opened (was PORTAL_SECRET_KEY changed?)".to_owned())?;
        serde_json::from_slice(&plain).map_err(|e| format!("the row is not an email: {e}"))
    }
}

/// What one pass of the sender did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub sent: u64,
    /// Failed this time; tried again later.
    pub retrying: u64,
    /// Failed for good (refused by the mail server, or undeliverable for two days).
    pub given_up: u64,
}

/// A row claimed for sending.
#[derive(sqlx::FromRow)]
struct Claimed {
    id: i64,
    sealed: String,
    attempts: i64,
    created_at: i64,
}

/// Sends every email due at `now`, one claimed row at a time, and returns what happened.
pub async fn deliver_due(
    db: &Db,
    outbox: &Outbox,
    mailer: &Mailer,
    holder: &str,
    now: i64,
) -> Result<Delivery, AppError> {
    let mut done = Delivery::default();
    while let Some(Claimed {
        id,
        sealed,
        attempts,
        created_at,
    }) = claim_next(db, holder, now).await?
    {
        let result = match outbox.open(&sealed) {
            Ok(email) => mailer.send(email).await.map_err(|e| {
                let permanent = e
                    .chain()
                    .filter_map(|c| c.downcast_ref::<lettre::transport::smtp::Error>())
                    .any(|smtp| smtp.is_permanent());
                (format!("{e:#}"), permanent)
            }),
            Err(why) => Err((why, true)),
        };
        match result {
            Ok(()) => {
                sqlx::query(
                    "UPDATE email_outbox SET sent_at = $1, sealed = '', last_error = NULL WHERE id = $2",
                )
                .bind(unix_now().max(now))
                .bind(id)
                .execute(db.pool())
                .await?;
                done.sent += 1;
            }
            Err((error, permanent)) if permanent || now - created_at >= GIVE_UP_AFTER_SECS => {
                tracing::error!(email = id, attempts, %error, "email given up");
                sqlx::query(
                    "UPDATE email_outbox SET given_up_at = $1, sealed = '', last_error = $2, claimed_until = 0 WHERE id = $3",
                )
                .bind(now)
                .bind(&error)
                .bind(id)
                .execute(db.pool())
                .await?;
                done.given_up += 1;
            }
            Err((error, _)) => {
                let wait = retry_wait(attempts);
                tracing::warn!(email = id, attempts, wait, %error, "email not sent: will try again");
                sqlx::query(
                    "UPDATE email_outbox SET next_attempt_at = $1, last_error = $2, claimed_until = 0 WHERE id = $3",
                )
                .bind(now + wait)
                .bind(&error)
                .bind(id)
                .execute(db.pool())
                .await?;
                done.retrying += 1;
            }
        }
    }
    Ok(done)
}

/// Takes the next due row for `holder`, if any. The UPDATE's own condition decides: of two
/// senders that picked the same row, one changes it and the other changes nothing.
async fn claim_next(db: &Db, holder: &str, now: i64) -> Result<Option<Claimed>, AppError> {
    let claimed: Option<Claimed> = sqlx::query_as(
        "UPDATE email_outbox SET claimed_by = $1, claimed_until = $2, attempts = attempts + 1 \
         WHERE id = (SELECT id FROM email_outbox WHERE sent_at IS NULL AND given_up_at IS NULL \
                     AND next_attempt_at <= $3 AND claimed_until <= $3 ORDER BY next_attempt_at, id LIMIT 1) \
         AND sent_at IS NULL AND given_up_at IS NULL AND claimed_until <= $3 \
         RETURNING id, sealed, attempts, created_at",
    )
    .bind(holder)
    .bind(now + CLAIM_SECS)
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    Ok(claimed)
}

/// Seconds to wait after the `attempts`-th failure: 10, 20, 40… up to five minutes.
pub fn retry_wait(attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    FIRST_WAIT_SECS
        .saturating_mul(1 << doublings)
        .min(LONGEST_WAIT_SECS)
}

/// Emails not yet sent and not given up, due now or waiting for a retry.
pub async fn unsent(db: &Db) -> Result<i64, AppError> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM email_outbox WHERE sent_at IS NULL AND given_up_at IS NULL",
    )
    .fetch_one(db.pool())
    .await?;
    Ok(count)
}

/// Waits until no email is due and unsent (none written but not yet delivered, apart from
/// those waiting to be tried again), for at most `within`; true if it got there. For the
/// development mailbox and the tests, which read what was delivered.
pub async fn settled(db: &Db, within: Duration) -> Result<bool, AppError> {
    let until = tokio::time::Instant::now() + within;
    loop {
        let due: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM email_outbox WHERE sent_at IS NULL AND given_up_at IS NULL \
             AND next_attempt_at <= $1",
        )
        .bind(unix_now())
        .fetch_one(db.pool())
        .await?;
        if due == 0 {
            return Ok(true);
        }
        if tokio::time::Instant::now() >= until {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Delivers whenever woken after a commit, and every `LOOK_EVERY` besides, for as long as the
/// server runs (spawned at start-up).
pub async fn run_sender(db: Db, outbox: Outbox, mailer: Mailer, holder: String) {
    loop {
        match deliver_due(&db, &outbox, &mailer, &holder, unix_now()).await {
            Ok(done) if done != Delivery::default() => tracing::info!(?done, "email outbox"),
            Ok(_) => {}
            Err(err) => tracing::error!(error = ?err, "email outbox: cannot read the database"),
        }
        tokio::select! {
            _ = outbox.wake.notified() => {}
            _ = tokio::time::sleep(LOOK_EVERY) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outbox(key: &str) -> Outbox {
        Outbox::new(&SecretString::from(key.to_owned()))
    }

    fn email() -> Email {
        Email {
            to: "parent@example.org".into(),
            subject: "Your SEND Portal sign-in code".into(),
            text: "Your sign-in code is 123456".into(),
        }
    }

    #[test]
    fn a_sealed_row_opens_with_the_same_key_and_shows_nothing_in_the_clear() {
        let sealed = outbox("key one").seal(&email()).unwrap();
        assert!(!sealed.contains("123456"));
        assert!(!sealed.contains("parent"));
        assert_eq!(outbox("key one").open(&sealed).unwrap(), email());
        // A fresh nonce each time: the same email never seals to the same text.
        assert_ne!(sealed, outbox("key one").seal(&email()).unwrap());
    }

    #[test]
    fn another_key_or_a_changed_row_does_not_open() {
        let sealed = outbox("key one").seal(&email()).unwrap();
        assert!(outbox("key two").open(&sealed).is_err());
        let mut changed = sealed.clone().into_bytes();
        let last = changed.len() - 1;
        changed[last] = if changed[last] == b'0' { b'1' } else { b'0' };
        assert!(outbox("key one")
            .open(&String::from_utf8(changed).unwrap())
            .is_err());
        assert!(outbox("key one").open("").is_err());
        assert!(outbox("key one").open("not hex").is_err());
    }

    #[test]
    fn retries_wait_longer_each_time_up_to_five_minutes() {
        let waits: Vec<i64> = (1..=8).map(retry_wait).collect();
        assert_eq!(waits, vec![10, 20, 40, 80, 160, 300, 300, 300]);
        assert_eq!(retry_wait(0), 10);
        assert_eq!(retry_wait(i64::MAX), 300);
    }
}
