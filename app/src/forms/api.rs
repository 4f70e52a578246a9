//! Server functions for forms: a child's forms and history, starting a draft, loading it,
//! saving it (refusing stale saves), submitting it, and reading a submission.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

use super::{answers::Answers, schema::FormDefinition};
use crate::{error::AppError, people::ChildSummary};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormChoice {
    pub id: String,
    pub title: String,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftListing {
    pub id: String,
    pub title: String,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionListing {
    pub id: String,
    pub title: String,
    pub reference: String,
    pub submitted_at: i64,
    pub submitted_by: String,
}

/// Everything the child's Forms page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildFormsData {
    pub child: ChildSummary,
    pub available: Vec<FormChoice>,
    pub drafts: Vec<DraftListing>,
    pub submitted: Vec<SubmissionListing>,
}

/// A draft as the wizard needs it: the definition it was started on and its answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftView {
    pub id: String,
    pub child: ChildSummary,
    pub form: FormDefinition,
    pub answers: Answers,
    pub version: i64,
    pub current_step: String,
    pub updated_at: i64,
    /// Today on the server (ISO 8601), for date rules.
    pub today: String,
}

/// What a save did. A stale save writes nothing and carries what is stored now, so the person
/// can compare and choose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveOutcome {
    Saved {
        version: i64,
        saved_at: i64,
    },
    Conflict {
        version: i64,
        answers: Answers,
        saved_at: i64,
    },
}

/// A submitted form, read-only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionView {
    pub id: String,
    pub reference: String,
    pub child: ChildSummary,
    pub form: FormDefinition,
    pub answers: Answers,
    pub submitted_at: i64,
    pub submitted_by: String,
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use std::sync::Arc;

    use crate::{
        auth::{api::server::require_role, ssr::accounts::Account, Role},
        error::AppError,
        forms::{schema::FormDefinition, store},
        people::ssr::{find_child_for_user, Child},
        platform::AppState,
    };

    /// Forms are filled in by parents, carers and young people, and by professionals.
    pub const FORM_ROLES: [Role; 2] = [Role::Citizen, Role::Professional];

    pub async fn require_form_user(state: &AppState) -> Result<Account, AppError> {
        Ok(require_role(state, &FORM_ROLES).await?.0)
    }

    /// The same, for a save: typing in a form counts as activity for the inactivity limit.
    pub async fn require_active_form_user(state: &AppState) -> Result<Account, AppError> {
        let (account, session) = require_role(state, &FORM_ROLES).await?;
        crate::auth::api::server::touch(&session).await?;
        Ok(account)
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

    /// The draft, if it is `account`'s; `NotFound` otherwise.
    pub async fn own_draft(
        state: &AppState,
        account: &Account,
        draft: &str,
    ) -> Result<(store::Draft, Arc<FormDefinition>), AppError> {
        let draft = store::find_draft_for_user(state.db.pool(), account.id, draft)
            .await?
            .ok_or(AppError::NotFound)?;
        let form = state
            .forms
            .get(&draft.form_id, draft.form_version)
            .ok_or_else(|| {
                crate::error::internal(format!(
                    "draft {} is on form {} v{}, which is not in the library",
                    draft.public_id, draft.form_id, draft.form_version
                ))
            })?;
        Ok((draft, form))
    }

    /// Today's date in UTC.
    pub fn today() -> crate::forms::rules::Date {
        crate::forms::rules::Date::from_days_since_epoch(
            crate::platform::db::unix_now().div_euclid(86_400),
        )
    }
}

/// The child's Forms page: forms this person may start, their unfinished drafts, and what has
/// been submitted for the child.
#[server(prefix = "/api", endpoint = "forms/child")]
pub async fn child_forms(child: String) -> Result<ChildFormsData, AppError> {
    crate::error::with_status(
        async move {
            use crate::{forms::store, platform::AppState};
            let state = AppState::current()?;
            let account = server::require_form_user(&state).await?;
            let child = server::linked_child(&state, &account, &child).await?;
            let available = state
                .forms
                .all_latest()
                .into_iter()
                .filter(|f| f.audience.iter().any(|a| a.includes(account.role)))
                .map(|f| FormChoice {
                    id: f.id.clone(),
                    title: f.title.clone(),
                    description: f.description.clone(),
                })
                .collect();
            let drafts = store::drafts_for_child(state.db.pool(), child.id, account.id)
                .await?
                .into_iter()
                .map(|d| DraftListing {
                    title: state
                        .forms
                        .get(&d.form_id, d.form_version)
                        .map(|f| f.title.clone())
                        .unwrap_or_else(|| d.form_id.clone()),
                    id: d.public_id,
                    updated_at: d.updated_at,
                })
                .collect();
            let submitted = store::submissions_for_child(state.db.pool(), child.id)
                .await?
                .into_iter()
                .map(|s| SubmissionListing {
                    id: s.public_id,
                    title: s.title,
                    reference: s.reference,
                    submitted_at: s.submitted_at,
                    submitted_by: s.submitted_by,
                })
                .collect();
            Ok(ChildFormsData {
                child: child.summary,
                available,
                drafts,
                submitted,
            })
        }
        .await,
    )
}

/// Starts a form for a child (the newest version of it) and opens its first step.
#[server(prefix = "/api", endpoint = "forms/start")]
pub async fn start_form(child: String, form: String) -> Result<String, AppError> {
    crate::error::with_status(
        async move {
            use crate::{forms::store, platform::AppState};
            let state = AppState::current()?;
            let account = server::require_form_user(&state).await?;
            let child = server::linked_child(&state, &account, &child).await?;
            let definition = state
                .forms
                .latest(&form)
                .filter(|f| f.audience.iter().any(|a| a.includes(account.role)))
                .ok_or(AppError::NotFound)?;
            let first = &definition.steps[0].id;
            let id = store::insert_draft(
                state.db.pool(),
                child.id,
                account.id,
                &definition.id,
                definition.version,
                first,
                &Answers::default(),
            )
            .await?;
            leptos_axum::redirect(&format!("/drafts/{id}/{first}"));
            Ok(id)
        }
        .await,
    )
}

/// A draft for the wizard.
#[server(prefix = "/api", endpoint = "forms/draft")]
pub async fn load_draft(draft: String) -> Result<DraftView, AppError> {
    crate::error::with_status(
        async move {
            use crate::{people::ssr::children_of, platform::AppState};
            let state = AppState::current()?;
            let account = server::require_form_user(&state).await?;
            let (mut draft, form) = server::own_draft(&state, &account, &draft).await?;
            let session = crate::auth::api::server::session().await?;
            crate::forms::post::apply_unsaved_step(&state, &session, &mut draft, &form).await?;
            let child = children_of(state.db.pool(), account.id)
                .await?
                .into_iter()
                .find(|c| c.id == draft.child_id)
                .ok_or(AppError::NotFound)?;
            Ok(DraftView {
                id: draft.public_id,
                child: child.summary,
                form: (*form).clone(),
                answers: draft.answers,
                version: draft.version,
                current_step: draft.current_step,
                updated_at: draft.updated_at,
                today: server::today().iso(),
            })
        }
        .await,
    )
}

/// Autosave: writes the answers if nobody saved since `base_version`; otherwise writes nothing
/// and answers with what is stored now.
#[server(prefix = "/api", endpoint = "forms/save", input = Json)]
pub async fn save_draft(
    draft: String,
    base_version: i64,
    answers: Answers,
    step: String,
) -> Result<SaveOutcome, AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                forms::{store, validate::MAX_ANSWERS_BYTES},
                platform::AppState,
            };
            let state = AppState::current()?;
            let account = server::require_active_form_user(&state).await?;
            let (draft, form) = server::own_draft(&state, &account, &draft).await?;
            form.check_shape(&answers).map_err(AppError::Invalid)?;
            let size = serde_json::to_vec(&answers)
                .map(|v| v.len())
                .unwrap_or(usize::MAX);
            if size > MAX_ANSWERS_BYTES {
                return Err(AppError::invalid(
                    "These answers are too long to save. Shorten the longest answers.",
                ));
            }
            let step = if form.steps.iter().any(|s| s.id == step)
                || step == "summary"
                || step == "declaration"
            {
                step
            } else {
                draft.current_step.clone()
            };
            Ok(
                match store::save_answers(state.db.pool(), &draft, base_version, &answers, &step)
                    .await?
                {
                    store::Saved::Saved { version, at } => SaveOutcome::Saved {
                        version,
                        saved_at: at,
                    },
                    store::Saved::Stale(latest) => SaveOutcome::Conflict {
                        version: latest.version,
                        answers: latest.answers,
                        saved_at: latest.updated_at,
                    },
                },
            )
        }
        .await,
    )
}

/// Accept: every required answer must be there and right, and every statement agreed to.
/// The draft becomes an immutable submission with a reference, and a receipt is emailed.
#[server(prefix = "/api", endpoint = "forms/submit")]
pub async fn submit_form(draft: String, agreed: Option<Vec<String>>) -> Result<String, AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                forms::store,
                platform::{AppState, Email},
            };
            let state = AppState::current()?;
            let account = server::require_form_user(&state).await?;
            let (draft, form) = server::own_draft(&state, &account, &draft).await?;
            let problems = form.check_all(&draft.answers, server::today());
            if let Some((step, first)) = problems.first() {
                return Err(AppError::invalid(format!(
                    "Some answers are missing or need correcting ({} in all). The first is in ‘{}’: {}",
                    problems.len(),
                    step.title,
                    first.message
                )));
            }
            let agreed = agreed.unwrap_or_default();
            if let Some(missing) = (0..form.declaration.agreements.len()).find(|i| !agreed.contains(&i.to_string())) {
                return Err(AppError::field(
                    &format!("agreed-{missing}"),
                    "Tick each ‘I agree’ box to accept the declaration",
                ));
            }
            let (id, reference) = store::submit_draft(state.db.pool(), &draft, &form.title).await?;
            state
                .mailer
                .send(Email {
                    to: account.email.clone(),
                    subject: format!("We have received your form: {reference}"),
                    text: format!(
                        "Thank you. We have received your {} (reference {reference}).\n\n{}\n\n\
                         You can see what you sent at any time: sign in at {}/sign-in and open the child's forms.\n",
                        form.title,
                        form.next_steps.trim(),
                        state.runtime.base_url
                    ),
                })
                .await?;
            leptos_axum::redirect(&format!("/submissions/{id}?submitted=1"));
            Ok(id)
        }
        .await,
    )
}

/// A submitted form, for anyone linked to the child.
#[server(prefix = "/api", endpoint = "forms/submission")]
pub async fn view_submission(submission: String) -> Result<SubmissionView, AppError> {
    crate::error::with_status(
        async move {
            use crate::{forms::store, people::ssr::children_of, platform::AppState};
            let state = AppState::current()?;
            let account = server::require_form_user(&state).await?;
            let found = store::find_submission_for_user(state.db.pool(), account.id, &submission)
                .await?
                .ok_or(AppError::NotFound)?;
            let form = state
                .forms
                .get(&found.form_id, found.form_version)
                .ok_or_else(|| crate::error::internal("submission on a form not in the library"))?;
            let child = children_of(state.db.pool(), account.id)
                .await?
                .into_iter()
                .find(|c| c.id == found.child_id)
                .ok_or(AppError::NotFound)?;
            Ok(SubmissionView {
                id: found.public_id,
                reference: found.reference,
                child: child.summary,
                form: (*form).clone(),
                answers: found.answers,
                submitted_at: found.submitted_at,
                submitted_by: found.submitted_by,
            })
        }
        .await,
    )
}
