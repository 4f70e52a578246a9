//! Administration: staff accounts (create, deactivate, reactivate), roles, and resetting a
//! person's two-step verification. Every server function here is for the admin role only, and
//! every change is written to the audit log in the same transaction.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{error::AppError, role::Role};

pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

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
    /// The organisations a professional belongs to, by name.
    pub organisations: Vec<String>,
    pub history: Vec<HistoryEntry>,
}

/// The roles an admin can give when creating an account: parents and young people register
/// themselves.
pub const CREATABLE_ROLES: [Role; 3] = [Role::Professional, Role::SenOfficer, Role::Admin];

#[cfg(feature = "ssr")]
mod server {
    use crate::{
        admin::{store::UserRow, AccountRow, AccountStatus},
        auth::ssr::accounts::{self, Account},
        error::AppError,
        platform::AppState,
        role::Role,
    };

    pub fn account_row(row: UserRow) -> Result<AccountRow, AppError> {
        let status = if row.deactivated_at.is_some() {
            AccountStatus::Deactivated
        } else if row.email_confirmed_at.is_none() {
            AccountStatus::Unconfirmed
        } else if row.two_step_method.is_none() {
            AccountStatus::TwoStepNeeded
        } else {
            AccountStatus::Active
        };
        Ok(AccountRow {
            id: row.id,
            name: row.full_name,
            email: row.email,
            role: Role::parse(&row.role)
                .ok_or_else(|| crate::error::internal(format!("unknown role {:?}", row.role)))?,
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
}

/// Accounts whose name or email contains `query`, a page at a time, newest first.
#[server(prefix = "/api", endpoint = "admin/accounts")]
pub async fn list_accounts(query: String, page: i64) -> Result<AccountList, AppError> {
    crate::error::with_status(
        async move {
            use crate::platform::AppState;
            let state = AppState::current()?;
            crate::auth::api::server::require_admin(&state).await?;
            let pattern = store::like_pattern(&query);
            let total = store::count_accounts_matching(state.db.pool(), &pattern).await?;
            let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
            let page = page.clamp(1, pages);
            let rows = store::list_accounts_matching(
                state.db.pool(),
                &pattern,
                PAGE_SIZE,
                (page - 1) * PAGE_SIZE,
            )
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
            let admin = crate::auth::api::server::require_admin(&state).await?;
            let row = store::find_user_detail(state.db.pool(), user_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let history = store::list_account_history(state.db.pool(), user_id).await?;
            let organisations =
                crate::teams::store::organisations_of(state.db.pool(), user_id).await?;
            Ok(AccountRecord {
                account: server::account_row(row.user)?,
                created_at: row.created_at,
                is_self: admin.id == user_id,
                organisations,
                history: history
                    .into_iter()
                    .map(|h| HistoryEntry {
                        at: h.at,
                        what: crate::auth::describe_action(&h.action).to_owned(),
                        by: h.actor_name,
                        ip: h.ip.unwrap_or_default(),
                        detail: h.detail.unwrap_or_default(),
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
            let admin = crate::auth::api::server::require_admin(&state).await?;
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
            let admin = crate::auth::api::server::require_admin(&state).await?;
            let account = server::target(&state, &admin, user_id, false).await?;
            let role =
                Role::parse(&role).ok_or_else(|| AppError::field("role", "Choose a role"))?;
            if role != account.role {
                let detail = format!("{} → {}", account.role.label(), role.label());
                let ip = client_ip().await;
                let mut tx = state.db.begin().await?;
                store::update_role(&mut tx, user_id, role.as_str(), unix_now()).await?;
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
            let admin = crate::auth::api::server::require_admin(&state).await?;
            let account = server::target(&state, &admin, user_id, false).await?;
            let ip = client_ip().await;
            let now = unix_now();
            let mut tx = state.db.begin().await?;
            if active && !account.active {
                store::reactivate_user(&mut tx, user_id, now).await?;
                Audit::of(Some(user_id), "account_reactivated", &ip)
                    .by(admin.id)
                    .write(&mut tx)
                    .await?;
            } else if !active && account.active {
                store::deactivate_user(&mut tx, user_id, now).await?;
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
            let admin = crate::auth::api::server::require_admin(&state).await?;
            let account = server::target(&state, &admin, user_id, false).await?;
            let ip = client_ip().await;
            let mut tx = state.db.begin().await?;
            store::clear_two_step(&mut tx, user_id, unix_now()).await?;
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
