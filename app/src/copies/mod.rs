//! Copies to keep: a submitted form, a shared document and an EHC plan as a PDF made on the
//! server, with real (selectable) text and the reference and date on every page. Each is for
//! whoever may read the page it copies, and each download is audited as a reading.

pub mod pdf;

use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use crate::{
    auth::{
        api::server::signed_in,
        return_path::sign_in_then,
        ssr::accounts::{Account, Audit},
    },
    clock,
    error::AppError,
    platform::AppState,
    role::Role,
};
use pdf::{Block, Copy};

/// The PDF as a download, or sign-in first, or the error.
fn respond(result: Result<(String, Vec<u8>), AppError>, path: &str) -> Response {
    match result {
        Ok((name, bytes)) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    crate::documents::files::content_disposition(
                        &crate::documents::files::clean_name(&format!("{name}.pdf")),
                    ),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Err(AppError::SignInRequired) => Redirect::to(&sign_in_then(path)).into_response(),
        Err(err) => err.into_response(),
    }
}

/// Lays out and writes the PDF on the blocking threads: a long plan takes milliseconds of CPU,
/// which would otherwise hold up every other request on this worker.
async fn render(copy: Copy) -> Result<Vec<u8>, AppError> {
    tokio::task::spawn_blocking(move || pdf::render(&copy))
        .await
        .map_err(crate::error::internal)?
        .map_err(crate::error::internal)
}

async fn account(state: &AppState, session: &Session) -> Result<Account, AppError> {
    signed_in(state, session)
        .await?
        .ok_or(AppError::SignInRequired)
}

async fn audit(
    state: &AppState,
    account: &Account,
    child_id: i64,
    what: &str,
) -> Result<(), AppError> {
    let ip = crate::auth::api::server::client_ip().await;
    crate::auth::ssr::accounts::audit(
        state,
        Audit::of(Some(account.id), "copy_downloaded", &ip)
            .child(child_id)
            .detail(what),
    )
    .await
}

/// The case's reference ("SEN-…"), if the child has a case.
async fn case_reference(state: &AppState, child_id: i64) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT reference FROM cases WHERE child_id = $1")
            .bind(child_id)
            .fetch_optional(state.db.pool())
            .await?,
    )
}

async fn child_name(state: &AppState, child_id: i64) -> Result<String, AppError> {
    Ok(crate::people::store::child_by_id(state.db.pool(), child_id)
        .await?
        .summary
        .full_name())
}

/// `GET /submissions/{id}/copy.pdf`: a sent form with every answer.
pub async fn submission_copy(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let path = format!("/submissions/{id}/copy.pdf");
    let result = async {
        let account = account(&state, &session).await?;
        let pool = state.db.pool();
        let staff = Role::STAFF.contains(&account.role);
        let found = if staff {
            crate::forms::store::find_submission(pool, &id).await?
        } else {
            crate::forms::store::find_submission_for_user(pool, account.id, &id).await?
        }
        .ok_or(AppError::NotFound)?;
        let own_voice =
            !staff && crate::people::store::acts_for_self(pool, found.child_id, account.id).await?;
        let form = state
            .forms
            .get_voiced(&found.form_id, found.form_version, own_voice)
            .ok_or_else(|| crate::error::internal("submission on a form not in the library"))?;
        let files = crate::documents::files::files_of_submission(pool, &id).await?;
        let mut blocks = vec![Block::Text(format!(
            "About {}. Sent by {} at {}.",
            child_name(&state, found.child_id).await?,
            found.submitted_by,
            clock::date_time(found.submitted_at)
        ))];
        for (step, groups) in crate::forms::render::answers_text(&form, &found.answers, &files) {
            blocks.push(Block::Heading(step));
            for (heading, rows) in groups {
                if let Some(heading) = heading {
                    blocks.push(Block::Text(heading));
                }
                blocks.extend(
                    rows.into_iter()
                        .map(|(label, value)| Block::Field { label, value }),
                );
            }
        }
        let copy = Copy {
            title: form.title.clone(),
            reference: format!("Reference {}", found.reference),
            dated: format!("Sent {}", clock::date_time(found.submitted_at)),
            blocks,
        };
        audit(&state, &account, found.child_id, &found.reference).await?;
        let bytes = render(copy).await?;
        Ok((format!("{} {}", form.title, found.reference), bytes))
    }
    .await;
    respond(result, &path)
}

/// `GET /shared/{id}/copy.pdf`: a shared letter, report or plan, with its files named.
pub async fn document_copy(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let path = format!("/shared/{id}/copy.pdf");
    let result = async {
        let account = account(&state, &session).await?;
        let pool = state.db.pool();
        let document = crate::documents::store::find_document_for_user(pool, account.id, &id)
            .await?
            .ok_or(AppError::NotFound)?;
        let files = crate::documents::files::files_of_shared_document(pool, document.id).await?;
        let kind = document
            .kind
            .map_or("Document", crate::documents::DocumentKind::label);
        let mut blocks = vec![Block::Text(format!(
            "{kind} for {}, shared by {} on {}.",
            child_name(&state, document.child_id).await?,
            document.shared_by,
            clock::date(document.shared_at)
        ))];
        blocks.extend(
            crate::components::paragraphs(&document.body)
                .into_iter()
                .map(Block::Text),
        );
        if !files.is_empty() {
            blocks.push(Block::Heading("Files shared with it".to_owned()));
            blocks.extend(files.iter().map(|f| Block::Text(f.describe())));
        }
        let reference = case_reference(&state, document.child_id)
            .await?
            .map_or_else(|| format!("Document {id}"), |r| format!("Case {r}"));
        let copy = Copy {
            title: document.title.clone(),
            reference,
            dated: format!("Shared on {}", clock::date(document.shared_at)),
            blocks,
        };
        audit(&state, &account, document.child_id, &document.title).await?;
        let bytes = render(copy).await?;
        Ok((document.title.clone(), bytes))
    }
    .await;
    respond(result, &path)
}

/// `GET /plans/{id}/copy.pdf`: a draft or final EHC plan, section by section, for the family
/// (and the SEN team).
pub async fn plan_copy(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let path = format!("/plans/{id}/copy.pdf");
    let result = async {
        let account = account(&state, &session).await?;
        let plan = if Role::STAFF.contains(&account.role) {
            crate::plans::store::find_plan(state.db.pool(), &id)
                .await?
                .filter(|p| p.issued_on.is_some())
                .ok_or(AppError::NotFound)?
        } else {
            crate::plans::pages::family_plan(&state, &account, &id)
                .await?
                .0
        };
        let name = child_name(&state, plan.child_id).await?;
        let issued = plan
            .issued_on
            .map(crate::values::Date::long)
            .unwrap_or_default();
        let mut blocks = vec![Block::Text(format!(
            "{} for {name}, issued on {issued}.",
            plan.kind.label()
        ))];
        if let Some(due) = plan
            .comments_due
            .filter(|_| plan.kind == crate::plans::PlanKind::Draft)
        {
            blocks.push(Block::Text(format!(
                "The family may comment on this draft until {}.",
                due.long()
            )));
        }
        for section in crate::plans::SECTIONS {
            blocks.push(Block::Heading(section.heading()));
            blocks.extend(
                crate::plans::pages::section_text(&plan, section.letter)
                    .into_iter()
                    .map(Block::Text),
            );
        }
        let reference = case_reference(&state, plan.child_id)
            .await?
            .map_or_else(|| format!("Plan {id}"), |r| format!("Case {r}"));
        let copy = Copy {
            title: format!("{} for {name}", plan.kind.label()),
            reference,
            dated: format!("Issued on {issued}"),
            blocks,
        };
        audit(&state, &account, plan.child_id, plan.kind.label()).await?;
        let bytes = render(copy).await?;
        Ok((format!("{} for {name}", plan.kind.label()), bytes))
    }
    .await;
    respond(result, &path)
}
