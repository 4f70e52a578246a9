//! The audit log: one line for each thing done to or with an account or a child's record,
//! written in the transaction of the change it records.

use crate::{
    error::AppError,
    platform::{db::unix_now, AppState},
};

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
