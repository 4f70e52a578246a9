//! The family's plain form posts on a draft plan: a comment on a section, the school or setting
//! they would like, and a meeting request. Each goes back to the plan's page; a refusal comes
//! back with what was typed and why.

use axum::{
    extract::{Path, State},
    response::Response,
    Form,
};
use tower_sessions::Session;

use super::pages::{family_plan, refused_scope, STATUS_ID};
use crate::{
    auth::api::server::signed_in, error::AppError, messages::post::answer, platform::AppState,
    status::store::today,
};

fn field(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// `POST /plans/{plan}/{comment|setting|meeting}`.
pub async fn family_action(
    State(state): State<AppState>,
    session: Session,
    Path((plan, action)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let page = format!("/plans/{plan}");
    let result = async {
        let account = signed_in(&state, &session)
            .await?
            .ok_or(AppError::SignInRequired)?;
        let (plan, _) = family_plan(&state, &account, &plan).await?;
        let today = today();
        let to = match action.as_str() {
            "comment" => {
                let letter = field(&fields, "section");
                let text = field(&fields, &format!("comment-{}", letter.to_lowercase()));
                let id =
                    super::store::comment(&state, &account, &plan, &letter, &text, today).await?;
                format!("{page}#comment-{id}")
            }
            "setting" => {
                super::store::name_setting(
                    &state,
                    &account,
                    &plan,
                    &field(&fields, "setting-kind"),
                    &field(&fields, "setting-name"),
                    today,
                )
                .await?;
                format!("{page}#setting")
            }
            "meeting" => {
                super::store::ask_meeting(
                    &state,
                    &account,
                    &plan,
                    &field(&fields, "meeting-note"),
                    today,
                )
                .await?;
                format!("{page}#meeting")
            }
            _ => return Err(AppError::NotFound),
        };
        Ok(to)
    }
    .await
    // A refusal about the whole plan (the 15 days are over) points at the box that says so.
    .map_err(|err| match err {
        AppError::Invalid(message) => AppError::field(STATUS_ID, message),
        other => other,
    });
    answer(&session, result, fields, &refused_scope(&plan), &page).await
}
