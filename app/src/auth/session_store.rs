//! Sessions live in the database, so any app server can answer any request. tower-sessions
//! handles the cookie, ids and expiry; this is only its storage. A session is read together
//! with its user's account row (one query for both, for every signed-in request), which rides
//! in the loaded session under `ACCOUNT_KEY` and is never stored.

use async_trait::async_trait;
use tower_sessions::{
    session::{Id, Record},
    session_store::{self, SessionStore},
};

use crate::{auth::ssr::accounts::AccountRow, error::AppError, platform::Db};

/// The session key holding the signed-in user's id; also copied into its own column so that
/// "sign out everywhere else" can find a user's sessions.
pub const USER_ID_KEY: &str = "user_id";

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

/// Where a loaded session carries its user's account row, as read with it: for this request
/// only (`save` leaves it out), and used only when its id is the session's user's.
pub const ACCOUNT_KEY: &str = "__account";

/// A stored session: its data as JSON, when it ends, and its user's account row (every
/// column `None` when the session has no user, or the user is gone).
#[derive(sqlx::FromRow)]
struct SessionRow {
    data: String,
    expires_at: i64,
    account_id: Option<i64>,
    email: Option<String>,
    full_name: Option<String>,
    role: Option<String>,
    password_hash: Option<String>,
    email_confirmed_at: Option<i64>,
    two_step_method: Option<String>,
    deactivated_at: Option<i64>,
    session_epoch: Option<i64>,
}

impl SessionRow {
    fn account(&mut self) -> Option<AccountRow> {
        Some(AccountRow {
            id: self.account_id?,
            email: self.email.take()?,
            full_name: self.full_name.take()?,
            role: self.role.take()?,
            password_hash: self.password_hash.take()?,
            email_confirmed_at: self.email_confirmed_at,
            two_step_method: self.two_step_method.take(),
            deactivated_at: self.deactivated_at,
            session_epoch: self.session_epoch?,
        })
    }
}

/// How a store error says the database is out of service (see `session_failed`).
const OUT_OF_SERVICE: &str = "out of service: ";

fn backend(err: sqlx::Error) -> session_store::Error {
    match crate::error::out_of_service(&err) {
        Some(why) => session_store::Error::Backend(format!("{OUT_OF_SERVICE}{why}: {err}")),
        None => session_store::Error::Backend(err.to_string()),
    }
}

/// What a person is told when their session could not be read or stored: "not working just
/// now" when the database is out of service (tower-sessions keeps only the store's message),
/// otherwise an internal error with its reference.
pub fn session_failed(err: tower_sessions::session::Error) -> AppError {
    if let tower_sessions::session::Error::Store(session_store::Error::Backend(message)) = &err {
        if let Some(why) = message.strip_prefix(OUT_OF_SERVICE) {
            return crate::error::unavailable(why, "reading or storing a session");
        }
    }
    crate::error::internal(err)
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // Ids are 128-bit random; on the vanishing chance of a clash, draw again.
        loop {
            let taken: Option<String> = sqlx::query_scalar("SELECT id FROM sessions WHERE id = $1")
                .bind(record.id.to_string())
                .fetch_optional(self.db.pool())
                .await
                .map_err(backend)?;
            if taken.is_none() {
                break;
            }
            record.id = Id::default();
        }
        self.save(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let stored: std::collections::HashMap<&String, &serde_json::Value> = record
            .data
            .iter()
            .filter(|(key, _)| key.as_str() != ACCOUNT_KEY)
            .collect();
        let data = serde_json::to_string(&stored)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let user_id = record.data.get(USER_ID_KEY).and_then(|v| v.as_i64());
        sqlx::query(
            "INSERT INTO sessions (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, \
             expires_at = excluded.expires_at",
        )
        .bind(record.id.to_string())
        .bind(user_id)
        .bind(data)
        .bind(record.expiry_date.unix_timestamp())
        .execute(self.db.pool())
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT s.data, s.expires_at, u.id AS account_id, u.email, u.full_name, u.role, \
             u.password_hash, u.email_confirmed_at, u.two_step_method, u.deactivated_at, \
             u.session_epoch \
             FROM sessions s LEFT JOIN users u ON u.id = s.user_id \
             WHERE s.id = $1 AND s.expires_at > $2",
        )
        .bind(id.to_string())
        .bind(crate::platform::db::unix_now())
        .fetch_optional(self.db.pool())
        .await
        .map_err(backend)?;
        let Some(mut row) = row else {
            return Ok(None);
        };
        let mut data: std::collections::HashMap<String, serde_json::Value> =
            serde_json::from_str(&row.data)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        if let Some(account) = row.account() {
            let account = serde_json::to_value(account)
                .map_err(|e| session_store::Error::Encode(e.to_string()))?;
            data.insert(ACCOUNT_KEY.to_owned(), account);
        }
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expires_at)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(())
    }
}
