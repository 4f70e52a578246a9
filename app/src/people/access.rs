//! Who may open a child's record: a signed-in parent, carer, young person or professional
//! linked to the child. Anyone else is told the child does not exist.

use super::store::{find_child_for_user, Child};
use crate::{
    auth::{api::server::require_role, ssr::accounts::Account},
    error::AppError,
    platform::AppState,
    role::Role,
};

/// Who fills in forms and reads a child's record: parents, carers, young people and
/// professionals linked to the child.
pub const FORM_ROLES: [Role; 2] = [Role::Citizen, Role::Professional];

pub async fn require_form_user(state: &AppState) -> Result<Account, AppError> {
    Ok(require_role(state, &FORM_ROLES).await?.0)
}

/// The child, if linked to `account`; `NotFound` otherwise (the same as no such child).
pub async fn linked_child(
    state: &AppState,
    account: &Account,
    child: &str,
) -> Result<Child, AppError> {
    find_child_for_user(state.db.pool(), account.id, child)
        .await?
        .ok_or(AppError::NotFound)
}

/// A child's record opened by the signed-in parent, carer, young person or professional: the
/// child if linked to them (`NotFound` otherwise, the same as no such child), with the reading
/// written to the audit log as `action`.
pub async fn open_child(
    state: &crate::platform::AppState,
    child: &str,
    action: &str,
) -> Result<(crate::auth::ssr::accounts::Account, Child), AppError> {
    let account = require_form_user(state).await?;
    let child = linked_child(state, &account, child).await?;
    audit_read(state, &account, &child, action).await?;
    Ok((account, child))
}

/// Writes a reading of the child's record to the audit log.
pub async fn audit_read(
    state: &crate::platform::AppState,
    account: &crate::auth::ssr::accounts::Account,
    child: &Child,
    action: &str,
) -> Result<(), AppError> {
    let ip = crate::auth::api::server::client_ip().await;
    crate::auth::ssr::accounts::audit(
        state,
        crate::auth::ssr::accounts::Audit::of(Some(account.id), action, &ip).child(child.id),
    )
    .await
}
