//! The action message's plain-form button.

use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use super::store::find_message_for_user;
use crate::{
    auth::{api::server::signed_in, return_path::sign_in_then},
    error::AppError,
    platform::AppState,
};

/// `POST /messages/{id}/form`: the action message's button. Continues the person's unfinished
/// draft of that form for that child, or starts one, and opens it.
pub async fn open_form(
    State(state): State<AppState>,
    session: Session,
    Path(message_id): Path<String>,
) -> Response {
    match open_form_inner(&state, &session, &message_id).await {
        Ok(draft) => Redirect::to(&format!("/drafts/{draft}")).into_response(),
        Err(AppError::SignInRequired) => {
            Redirect::to(&sign_in_then(&format!("/messages/{message_id}"))).into_response()
        }
        Err(err) => err.into_response(),
    }
}

async fn open_form_inner(
    state: &AppState,
    session: &Session,
    message_id: &str,
) -> Result<String, AppError> {
    let account = signed_in(state, session)
        .await?
        .ok_or(AppError::SignInRequired)?;
    if !crate::people::access::FORM_ROLES.contains(&account.role) {
        return Err(AppError::NotFound);
    }
    let message = find_message_for_user(state.db.pool(), account.id, message_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (Some(action), Some(child_id)) = (message.action, message.child_id) else {
        return Err(AppError::NotFound);
    };
    // Still linked to the child? (A link can be removed after the message was sent.)
    let child = crate::people::store::children_of(state.db.pool(), account.id)
        .await?
        .into_iter()
        .find(|c| c.id == child_id)
        .ok_or(AppError::NotFound)?;
    let draft = crate::forms::store::drafts_for_child(state.db.pool(), child.id, account.id)
        .await?
        .into_iter()
        .find(|d| d.form_id == action.form_id);
    match draft {
        Some(draft) => Ok(draft.public_id),
        None => {
            let form = state
                .forms
                .latest(&action.form_id)
                .filter(|f| f.startable_by(account.role))
                .ok_or(AppError::NotFound)?;
            crate::forms::api::server::start_draft(state, &account, &child, &form).await
        }
    }
}
