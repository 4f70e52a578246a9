//! Server functions for forms: a child's forms and history, starting a draft, and saving a
//! step (`save_step`, which the wizard's island calls; Accept on the declaration submits).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

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
    /// What the SEN team or professionals shared on the child's record.
    pub shared: Vec<crate::documents::SharedListing>,
    /// Whether the SEN team has started an assessment (so the status diagram can be shown).
    pub assessment_started: bool,
    /// Whether the reader is the child's family (a parent, carer or the young person), who may
    /// see who else has opened the record.
    pub family: bool,
    /// The EHC plans issued for the child, newest first (for the family only).
    pub plans: Vec<PlanLink>,
}

/// An issued EHC plan on the child's page: where to read it, and what it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLink {
    pub href: String,
    /// "Draft EHC plan, issued 4 December 2026".
    pub text: String,
    /// "You can comment until 19 December 2026", while a draft is open.
    pub note: Option<String>,
}

/// What a posted step came to, for the page's scripts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepReply {
    /// Saved (autosave); nothing else changes on the page.
    Saved { version: i64, saved_at: i64 },
    /// Open this address next.
    Go { to: String, version: i64 },
    /// Show this page instead (the same step after Add More, Remove, a file, or problems),
    /// moving the focus to `focus`.
    Show {
        html: String,
        focus: Option<String>,
        version: i64,
        saved_at: i64,
    },
    /// Another window or device saved first: nothing was written. `html` shows both versions
    /// and the choice; `version` is what is stored now.
    Conflict {
        html: String,
        version: i64,
        saved_at: i64,
    },
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use std::sync::Arc;

    use crate::{
        auth::ssr::accounts::{Account, Audit},
        error::AppError,
        formdef::{answers::Answers, schema::FormDefinition},
        forms::store,
        people::store::Child,
        platform::AppState,
    };

    /// The draft, if it is `account`'s; `NotFound` otherwise.
    pub async fn own_draft(
        state: &AppState,
        account: &Account,
        draft: &str,
    ) -> Result<(store::Draft, Arc<FormDefinition>), AppError> {
        let draft = store::find_draft_for_user(state.db.pool(), account.id, draft)
            .await?
            .ok_or(AppError::NotFound)?;
        // A young person filling in a form for themself reads it in their own voice.
        let own_voice =
            crate::people::store::acts_for_self(state.db.pool(), draft.child_id, account.id)
                .await?;
        let form = state
            .forms
            .get_voiced(&draft.form_id, draft.form_version, own_voice)
            .ok_or_else(|| {
                crate::error::internal(format!(
                    "draft {} is on form {} v{}, which is not in the library",
                    draft.public_id, draft.form_id, draft.form_version
                ))
            })?;
        Ok((draft, form))
    }

    /// Accept: every required answer must be there and right, and every statement agreed to
    /// (`agreed` holds the numbers of the boxes ticked). The draft becomes an immutable
    /// submission with a reference, and a receipt is emailed. Returns (id, reference).
    pub async fn submit(
        state: &AppState,
        account: &Account,
        draft: &store::Draft,
        form: &FormDefinition,
        agreed: &[String],
    ) -> Result<(String, String), AppError> {
        let problems = form.check_all(&draft.answers, today());
        if let Some((step, first)) = problems.first() {
            return Err(AppError::field(
                "agreed-0",
                format!(
                    "Some answers are missing or need correcting ({} in all). The first is in ‘{}’: {}",
                    problems.len(),
                    step.title,
                    first.message
                ),
            ));
        }
        let agreed: std::collections::HashSet<&str> = agreed.iter().map(String::as_str).collect();
        if let Some(missing) = (0..form.declaration.agreements.len())
            .find(|i| !agreed.contains(i.to_string().as_str()))
        {
            return Err(AppError::field(
                &format!("agreed-{missing}"),
                "Tick each ‘I agree’ box to accept the declaration",
            ));
        }
        let mut tx = state.db.begin().await?;
        let unused =
            crate::forms::files::forget_unused(&mut tx, draft.id, form, &draft.answers).await?;
        let (id, reference) = store::submit_draft(&mut tx, draft, &form.title).await?;
        let receipt = state
            .outbox
            .write(&mut tx, &crate::platform::Email {
                to: account.email.clone(),
                subject: format!("We have received your form: {reference}"),
                text: format!(
                    "Thank you. We have received your {} (reference {reference}).\n\n{}\n\n\
                     Download a copy to keep (PDF, after signing in): {}{}\n\n\
                     You can see what you sent at any time: sign in at {}/sign-in and open the child's forms.\n",
                    form.title,
                    form.next_steps.trim(),
                    state.runtime.base_url,
                    crate::auth::return_path::sign_in_then(&format!("/submissions/{id}/copy.pdf")),
                    state.runtime.base_url
                ),
            })
            .await?;
        tx.commit().await?;
        receipt.wake();
        crate::forms::files::delete_stored(state, &unused).await;
        Ok((id, reference))
    }

    /// Starts a draft of `form` for the child, its child questions already answered from the
    /// child's record (the names and date of birth Add Person or the SEN team recorded).
    pub async fn start_draft(
        state: &AppState,
        account: &Account,
        child: &Child,
        form: &FormDefinition,
    ) -> Result<String, AppError> {
        let mut tx = state.db.begin().await?;
        let id = crate::forms::store::insert_draft(
            &mut *tx,
            child.id,
            account.id,
            &form.id,
            form.version,
            &form.steps[0].id,
            &prefilled(form, &child.summary),
        )
        .await?;
        Audit::of(Some(account.id), "form_started", "")
            .child(child.id)
            .detail(&id)
            .write(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Answers a new draft starts with: the form's "child" section (when it is not repeated)
    /// gets the child's first name, last name and date of birth.
    pub fn prefilled(form: &FormDefinition, child: &crate::people::ChildSummary) -> Answers {
        use crate::{
            formdef::{answers::Answer, schema::FieldKind},
            values::Date,
        };
        let mut answers = Answers::default();
        let Some(section) = form
            .sections()
            .find(|s| s.id == "child" && s.repeat.is_none())
        else {
            return answers;
        };
        for field in &section.fields {
            let answer = match (field.id.as_str(), field.kind) {
                ("first_name", FieldKind::Text) => Answer::Text(child.first_name.clone()),
                ("last_name", FieldKind::Text) => Answer::Text(child.last_name.clone()),
                ("date_of_birth", FieldKind::Date) => match Date::from_iso(&child.date_of_birth) {
                    Some(d) => Answer::Parts(
                        [
                            ("day".to_owned(), d.day.to_string()),
                            ("month".to_owned(), d.month.to_string()),
                            ("year".to_owned(), d.year.to_string()),
                        ]
                        .into(),
                    ),
                    None => continue,
                },
                _ => continue,
            };
            answers.set(&section.id, 0, &field.id, answer);
        }
        answers
    }

    /// Today's date in UTC.
    pub fn today() -> crate::values::Date {
        crate::values::Date::from_days_since_epoch(
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
            let (account, child) =
                crate::people::access::open_child(&state, &child, "child_viewed").await?;
            let available = state
                .forms
                .all_latest()
                .into_iter()
                .filter(|f| f.startable_by(account.role))
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
            let submitted =
                store::submissions_for_child_readable_by(state.db.pool(), child.id, account.id)
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
            let shared =
                crate::documents::store::shared_for_child(state.db.pool(), child.id, account.id)
                    .await?;
            let assessment_started = crate::status::store::progress_of(state.db.pool(), child.id)
                .await?
                .has_started();
            let family = account.role == crate::role::Role::Citizen;
            let today = crate::status::store::today();
            let plans = if family {
                crate::status::store::issued_plans(state.db.pool(), child.id)
                    .await?
                    .into_iter()
                    .map(|p| PlanLink {
                        href: format!("/plans/{}", p.public_id),
                        text: format!("{}, issued {}", p.label(), p.issued_on.long()),
                        note: p
                            .comments_due
                            .filter(|due| !p.closed && today <= *due)
                            .map(|due| format!("You can comment until {}", due.long())),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Ok(ChildFormsData {
                plans,
                child: child.summary,
                available,
                drafts,
                submitted,
                shared,
                assessment_started,
                family,
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
            use crate::platform::AppState;
            let state = AppState::current()?;
            let account = crate::people::access::require_form_user(&state).await?;
            let child = crate::people::access::linked_child(&state, &account, &child).await?;
            let definition = state
                .forms
                .latest(&form)
                .filter(|f| f.startable_by(account.role))
                .ok_or(AppError::NotFound)?;
            let id = server::start_draft(&state, &account, &child, &definition).await?;
            leptos_axum::redirect(&format!("/drafts/{id}/{}", definition.steps[0].id));
            Ok(id)
        }
        .await,
    )
}

/// The page's scripts post a step here: autosave (`__action=autosave`) and every button.
/// `fields` are the form's fields as posted, `__version` (the version the page is based on)
/// and `__action` among them. A page based on an older version is told, and nothing is
/// written.
#[server(prefix = "/api", endpoint = "forms/step/save", input = Json)]
pub async fn save_step(
    draft: String,
    step: String,
    fields: Vec<(String, String)>,
) -> Result<StepReply, AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                forms::{post, steps},
                platform::AppState,
            };
            let state = AppState::current()?;
            let account = crate::people::access::require_form_user(&state).await?;
            let applied = steps::apply(
                &state,
                &account,
                &draft,
                &step,
                fields,
                Vec::new(),
                steps::Versioning::Strict,
            )
            .await?;
            Ok(post::reply(applied))
        }
        .await,
    )
}
