//! Administration: staff accounts (create, deactivate, reactivate), roles, and resetting a
//! person's two-step verification. Every server function here is for the admin role only, and
//! every change is written to the audit log in the same transaction.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{error::AppError, role::Role};

pub mod pages;

/// Accounts listed per page.
pub const PAGE_SIZE: i64 = 25;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountStatus {
    Active,
    /// Registered, email address not yet confirmed.
    Unconfirmed,
    /// Confirmed, two-step verification not (or no longer) set up.
    TwoStepNeeded,
    Deactivated,
}

impl AccountStatus {
    pub fn label(self) -> &'static str {
        match self {
            AccountStatus::Active => "Active",
            AccountStatus::Unconfirmed => "Email not confirmed",
            AccountStatus::TwoStepNeeded => "Two-step verification not set up",
            AccountStatus::Deactivated => "Deactivated",
        }
    }

    /// The GOV.UK tag colour.
    pub fn tag_class(self) -> &'static str {
        match self {
            AccountStatus::Active => "govuk-tag govuk-tag--green",
            AccountStatus::Unconfirmed | AccountStatus::TwoStepNeeded => {
                "govuk-tag govuk-tag--yellow"
            }
            AccountStatus::Deactivated => "govuk-tag govuk-tag--grey",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub status: AccountStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountList {
    pub rows: Vec<AccountRow>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: i64,
    pub what: String,
    /// Who did it, when not the account's owner.
    pub by: Option<String>,
    pub ip: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRecord {
    pub account: AccountRow,
    pub created_at: i64,
    /// The admin looking at their own account (who may not demote or deactivate it).
    pub is_self: bool,
    pub history: Vec<HistoryEntry>,
}

/// The roles an admin can give when creating an account: parents and young people register
/// themselves.
pub const CREATABLE_ROLES: [Role; 3] = [Role::Professional, Role::SenOfficer, Role::Admin];

#[cfg(feature = "ssr")]
mod server {
    use crate::{
        admin::{AccountRow, AccountStatus},
        auth::{
            api::server::require_role,
            ssr::accounts::{self, Account},
        },
        error::AppError,
        platform::AppState,
        role::Role,
    };

    /// The admin calling, or 401/403.
    pub async fn require_admin(state: &AppState) -> Result<Account, AppError> {
        Ok(require_role(state, &[Role::Admin]).await?.0)
    }

    pub type Row = (
        i64,
        String,
        String,
        String,
        Option<i64>,
        Option<String>,
        Option<i64>,
    );

    pub const ROW_COLUMNS: &str =
        "id, full_name, email, role, email_confirmed_at, two_step_method, deactivated_at";

    pub fn account_row(row: Row) -> Result<AccountRow, AppError> {
        let (id, name, email, role, confirmed, two_step, deactivated) = row;
        let status = if deactivated.is_some() {
            AccountStatus::Deactivated
        } else if confirmed.is_none() {
            AccountStatus::Unconfirmed
        } else if two_step.is_none() {
            AccountStatus::TwoStepNeeded
        } else {
            AccountStatus::Active
        };
        Ok(AccountRow {
            id,
            name,
            email,
            role: Role::parse(&role)
                .ok_or_else(|| crate::error::internal(format!("unknown role {role:?}")))?,
            status,
        })
    }

    /// The account an action is about; the admin's own account only where `allow_self`.
    pub async fn target(
        state: &AppState,
        admin: &Account,
        user_id: i64,
        allow_self: bool,
    ) -> Result<Account, AppError> {
        let account = accounts::find_account(state, user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !allow_self && account.id == admin.id {
            return Err(AppError::invalid(
                "You cannot do this to your own account. Ask another administrator.",
            ));
        }
        Ok(account)
    }

    /// `LIKE` pattern for a search term, with its wildcards taken literally.
    pub fn like_pattern(term: &str) -> String {
        let escaped = term
            .trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn search_terms_match_literally() {
        assert_eq!(super::server::like_pattern(" Ann_50% "), "%ann\\_50\\%%");
    }
}

/// Accounts whose name or email contains `query`, a page at a time, newest first.
#[server(prefix = "/api", endpoint = "admin/accounts")]
pub async fn list_accounts(query: String, page: i64) -> Result<AccountList, AppError> {
    crate::error::with_status(
        async move {
            use crate::platform::AppState;
            let state = AppState::current()?;
            server::require_admin(&state).await?;
            let pattern = server::like_pattern(&query);
            let (total,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM users WHERE lower(email) LIKE $1 ESCAPE '\\' OR lower(full_name) LIKE $1 ESCAPE '\\'",
            )
            .bind(&pattern)
            .fetch_one(state.db.pool())
            .await?;
            let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
            let page = page.clamp(1, pages);
            let rows: Vec<server::Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM users WHERE lower(email) LIKE $1 ESCAPE '\\' OR lower(full_name) LIKE $1 ESCAPE '\\' \
                 ORDER BY id DESC LIMIT $2 OFFSET $3",
                server::ROW_COLUMNS
            )))
            .bind(&pattern)
            .bind(PAGE_SIZE)
            .bind((page - 1) * PAGE_SIZE)
            .fetch_all(state.db.pool())
            .await?;
            Ok(AccountList {
                rows: rows
                    .into_iter()
                    .map(server::account_row)
                    .collect::<Result<_, _>>()?,
                total,
                page,
                pages,
            })
        }
        .await,
    )
}

/// One account, with its recent audit history.
#[server(prefix = "/api", endpoint = "admin/account")]
pub async fn account_detail(user_id: i64) -> Result<AccountRecord, AppError> {
    crate::error::with_status(
        async move {
            use crate::platform::AppState;
            let state = AppState::current()?;
            let admin = server::require_admin(&state).await?;
            type DetailRow = (
                i64,
                String,
                String,
                String,
                Option<i64>,
                Option<String>,
                Option<i64>,
                i64,
            );
            let row: Option<DetailRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {}, created_at FROM users WHERE id = $1",
                server::ROW_COLUMNS
            )))
            .bind(user_id)
            .fetch_optional(state.db.pool())
            .await?;
            let Some((id, name, email, role, confirmed, two_step, deactivated, created_at)) = row
            else {
                return Err(AppError::NotFound);
            };
            let row = (id, name, email, role, confirmed, two_step, deactivated);
            type HistoryRow = (i64, String, Option<String>, Option<String>, Option<String>);
            let history: Vec<HistoryRow> = sqlx::query_as(
                "SELECT a.at, a.action, actor.full_name, a.ip, a.detail FROM audit_log a \
                     LEFT JOIN users actor ON actor.id = a.actor_id \
                     WHERE a.user_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT 20",
            )
            .bind(user_id)
            .fetch_all(state.db.pool())
            .await?;
            Ok(AccountRecord {
                account: server::account_row(row)?,
                created_at,
                is_self: admin.id == user_id,
                history: history
                    .into_iter()
                    .map(|(at, action, by, ip, detail)| HistoryEntry {
                        at,
                        what: crate::auth::describe_action(&action).to_owned(),
                        by,
                        ip: ip.unwrap_or_default(),
                        detail: detail.unwrap_or_default(),
                    })
                    .collect(),
            })
        }
        .await,
    )
}

/// Creates a professional, SEN officer or admin account; the person gets an email with a link
/// to choose a password, and signs in with the emailed code like everyone else.
#[server(prefix = "/api", endpoint = "admin/create-staff")]
pub async fn create_staff(full_name: String, email: String, role: String) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                auth::{api::server::client_ip, ssr::staff},
                platform::AppState,
            };
            let state = AppState::current()?;
            let admin = server::require_admin(&state).await?;
            let role = Role::parse(&role)
                .filter(|r| CREATABLE_ROLES.contains(r))
                .ok_or_else(|| {
                    AppError::field("role-professional", "Choose the kind of account")
                })?;
            let id = staff::create_staff_account(
                &state,
                &email,
                &full_name,
                role,
                Some(admin.id),
                &client_ip().await,
            )
            .await?;
            leptos_axum::redirect(&format!("/admin/accounts/{id}?done=created"));
            Ok(())
        }
        .await,
    )
}

/// Gives an account another role. An admin cannot change their own (so there is always one).
#[server(prefix = "/api", endpoint = "admin/change-role")]
pub async fn change_role(user_id: i64, role: String) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                auth::{api::server::client_ip, ssr::accounts::Audit},
                platform::{db::unix_now, AppState},
            };
            let state = AppState::current()?;
            let admin = server::require_admin(&state).await?;
            let account = server::target(&state, &admin, user_id, false).await?;
            let role =
                Role::parse(&role).ok_or_else(|| AppError::field("role", "Choose a role"))?;
            if role != account.role {
                let detail = format!("{} → {}", account.role.label(), role.label());
                let ip = client_ip().await;
                let mut tx = state.db.begin().await?;
                sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
                    .bind(role.as_str())
                    .bind(unix_now())
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                Audit::of(Some(user_id), "role_changed", &ip)
                    .by(admin.id)
                    .detail(&detail)
                    .write(&mut tx)
                    .await?;
                tx.commit().await?;
            }
            leptos_axum::redirect(&format!("/admin/accounts/{user_id}?done=role"));
            Ok(())
        }
        .await,
    )
}

/// Deactivates an account (it can no longer sign in, and its sessions end at once) or
/// reactivates it.
#[server(prefix = "/api", endpoint = "admin/set-active")]
pub async fn set_account_active(user_id: i64, active: bool) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                auth::{
                    api::server::client_ip,
                    ssr::accounts::{end_sessions, Audit},
                },
                platform::{db::unix_now, AppState},
            };
            let state = AppState::current()?;
            let admin = server::require_admin(&state).await?;
            let account = server::target(&state, &admin, user_id, false).await?;
            let ip = client_ip().await;
            let now = unix_now();
            let mut tx = state.db.begin().await?;
            if active && !account.active {
                sqlx::query(
                    "UPDATE users SET deactivated_at = NULL, updated_at = $1 WHERE id = $2",
                )
                .bind(now)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                Audit::of(Some(user_id), "account_reactivated", &ip)
                    .by(admin.id)
                    .write(&mut tx)
                    .await?;
            } else if !active && account.active {
                sqlx::query("UPDATE users SET deactivated_at = $1, updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                end_sessions(&mut tx, user_id, None).await?;
                Audit::of(Some(user_id), "account_deactivated", &ip)
                    .by(admin.id)
                    .write(&mut tx)
                    .await?;
            }
            tx.commit().await?;
            let done = if active { "reactivated" } else { "deactivated" };
            leptos_axum::redirect(&format!("/admin/accounts/{user_id}?done={done}"));
            Ok(())
        }
        .await,
    )
}

/// Resets a person's two-step verification (for example when they can no longer get codes):
/// their sessions end, and at their next sign-in they set it up again before anything else.
#[server(prefix = "/api", endpoint = "admin/reset-two-step")]
pub async fn reset_two_step(user_id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                auth::{
                    api::server::client_ip,
                    ssr::accounts::{end_sessions, Audit},
                },
                platform::{db::unix_now, AppState, Email},
            };
            let state = AppState::current()?;
            let admin = server::require_admin(&state).await?;
            let account = server::target(&state, &admin, user_id, false).await?;
            let ip = client_ip().await;
            let mut tx = state.db.begin().await?;
            sqlx::query("UPDATE users SET two_step_method = NULL, updated_at = $1 WHERE id = $2")
                .bind(unix_now())
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            end_sessions(&mut tx, user_id, None).await?;
            Audit::of(Some(user_id), "two_step_reset", &ip)
                .by(admin.id)
                .write(&mut tx)
                .await?;
            let email = state
                .outbox
                .write(&mut tx, &Email {
                    to: account.email.clone(),
                    subject: "Your two-step verification has been reset".into(),
                    text: format!(
                        "An administrator of the {} SEND Portal has reset the two-step verification on your account, \
                         and you have been signed out.\n\nThe next time you sign in, you will be asked to set it up again.\n\n\
                         If you did not ask for this, call the SEN team on {}.\n",
                        state.site.council_name, state.site.sen_team_phone
                    ),
                })
                .await?;
            tx.commit().await?;
            email.wake();
            leptos_axum::redirect(&format!("/admin/accounts/{user_id}?done=two_step"));
            Ok(())
        }
        .await,
    )
}
