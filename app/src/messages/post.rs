//! The action message's plain-form button, and the conversation's plain multipart forms: a
//! reply, and a new message to the SEN team. A refusal goes back to the page with what was
//! typed (files must be chosen again: browsers cannot be given them back).

use axum::{
    extract::{Multipart, Path, State},
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use super::{
    pages::{refused_key, Refused},
    store::find_message_for_user,
    thread::{self, Opening},
};
use crate::{
    auth::{api::server::signed_in, return_path::sign_in_then, ssr::accounts::Account},
    error::AppError,
    forms::files::read_form_with_files,
    platform::AppState,
    role::Role,
};

fn field(kept: &[(String, String)], name: &str) -> String {
    kept.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Where the answer goes: `done` on success; back to `page` with the refusal kept in the
/// session under `scope` when refused; sign-in or the error page otherwise.
pub async fn answer(
    session: &Session,
    result: Result<String, AppError>,
    kept: Vec<(String, String)>,
    scope: &str,
    page: &str,
) -> Response {
    let (field, message) = match result {
        Ok(done) => return Redirect::to(&done).into_response(),
        Err(AppError::SignInRequired) => return Redirect::to(&sign_in_then(page)).into_response(),
        Err(AppError::Field { field, message }) => (field, message),
        Err(AppError::Invalid(message)) => (String::new(), message),
        Err(err) => return err.into_response(),
    };
    let refused = Refused {
        fields: kept,
        field,
        message,
    };
    match session.insert(&refused_key(scope), refused).await {
        Ok(()) => Redirect::to(page).into_response(),
        Err(err) => crate::error::internal(err).into_response(),
    }
}

async fn signed_in_account(state: &AppState, session: &Session) -> Result<Account, AppError> {
    signed_in(state, session)
        .await?
        .ok_or(AppError::SignInRequired)
}

/// `POST /messages/{id}/replies`: a reply from the message's recipient or from the SEN team.
/// Anyone else gets "not found", as for no such message.
pub async fn reply(
    State(state): State<AppState>,
    session: Session,
    Path(message_id): Path<String>,
    body: Multipart,
) -> Response {
    let mut kept = Vec::new();
    let mut page = format!("/messages/{message_id}");
    let result = async {
        let account = signed_in_account(&state, &session).await?;
        let staff = Role::STAFF.contains(&account.role);
        if staff {
            page = format!("/staff/messages/{message_id}");
        }
        let message = if staff {
            thread::find_message(state.db.pool(), &message_id).await?
        } else {
            find_message_for_user(state.db.pool(), account.id, &message_id).await?
        }
        .ok_or(AppError::NotFound)?;
        let files =
            read_form_with_files(body, state.storage.max_upload_bytes, "file", &mut kept).await?;
        let reply = thread::reply(&state, &account, &message, &field(&kept, "body"), files).await?;
        Ok(format!("{page}#reply-{reply}"))
    }
    .await;
    let page = page.clone();
    answer(&session, result, kept, &message_id, &page).await
}

/// `POST /messages`: a parent, carer, young person or professional writes to the SEN team about
/// a child linked to them.
pub async fn write(State(state): State<AppState>, session: Session, body: Multipart) -> Response {
    let mut kept = Vec::new();
    let result = async {
        let account = signed_in_account(&state, &session).await?;
        if !crate::people::access::FORM_ROLES.contains(&account.role) {
            return Err(AppError::NotFound);
        }
        let files =
            read_form_with_files(body, state.storage.max_upload_bytes, "file", &mut kept).await?;
        let chosen = field(&kept, "child");
        let child = crate::people::store::children_of(state.db.pool(), account.id)
            .await?
            .into_iter()
            .find(|c| c.summary.id == chosen)
            .ok_or_else(|| AppError::field("child", "Choose who the message is about"))?;
        let id = thread::open_conversation(
            &state,
            Opening {
                recipient_id: account.id,
                author: account.id,
                child_id: child.id,
                subject: field(&kept, "subject"),
                body: field(&kept, "body"),
                files,
            },
        )
        .await?;
        Ok(format!("/messages/{id}"))
    }
    .await;
    answer(&session, result, kept, "new", "/messages/new").await
}

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
