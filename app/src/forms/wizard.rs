//! The step-by-step wizard's page: `/drafts/:draft` (the step the person left off at) and
//! `/drafts/:draft/:step`. The step itself is rendered by the server (`render.rs`), the same
//! form that posts without JavaScript; around it, the `StepEditor` island saves and sends it
//! (`autosave.rs`).

use leptos::prelude::*;

use super::{autosave::Editor, browser::show_status, checks::check_question};

/// `/drafts/:draft` and `/drafts/:draft/:step`; `?check` after "Save and continue" without
/// JavaScript shows the step's problems.
#[cfg(feature = "ssr")]
#[component]
pub fn DraftPage() -> impl IntoView {
    use crate::components::param;
    let (draft, step) = (param("draft"), param("step"));
    let check = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("check")
        .is_some();
    crate::components::server_page(format!("/drafts/{draft}/{step}"), move |state| async move {
        step_page(&state, &draft, step, check).await
    })
}

/// One page of the wizard: `step` (or, when empty, the step the person left off at), with the
/// step's problems when `check` is set, inside the `StepEditor` island.
#[cfg(feature = "ssr")]
async fn step_page(
    state: &crate::platform::AppState,
    draft: &str,
    step: String,
    check: bool,
) -> Result<crate::components::ServerPage, crate::error::AppError> {
    use super::{api::server::own_draft, post, render};
    use crate::{auth::ssr::accounts::Audit, error::AppError};
    let account = crate::people::access::require_form_user(state).await?;
    let (mut found, form) = own_draft(state, &account, draft).await?;
    let session = crate::auth::api::server::session().await?;
    post::apply_unsaved_step(state, &account, &session, &mut found).await?;
    let step = if step.is_empty() {
        found.current_step.clone()
    } else {
        step
    };
    if !render::step_ids(&form).contains(&step.as_str()) {
        return Err(AppError::NotFound);
    }
    crate::auth::ssr::accounts::audit(
        state,
        Audit::of(Some(account.id), "draft_opened", "")
            .child(found.child_id)
            .detail(&found.public_id),
    )
    .await?;
    let mut errors = post::take_problems(&session).await?;
    if check && errors.is_empty() {
        if let Some(s) = form.steps.iter().find(|s| s.id == step) {
            errors = form.check_step(s, &found.answers, super::api::server::today());
        }
    }
    let body = step_view(state, &found, &form, &step, &errors).await?;
    let (version, saved_at) = (found.version, found.updated_at);
    Ok(crate::components::ServerPage {
        title: render::page_title(&form, &step),
        body: view! {
            <StepEditor draft=found.public_id step version saved_at>
                <div class="portal-step">{body}</div>
            </StepEditor>
        }
        .into_any(),
    })
}

/// The page of one step of a draft, below the site header.
#[cfg(feature = "ssr")]
pub async fn step_view(
    state: &crate::platform::AppState,
    draft: &super::store::Draft,
    form: &crate::formdef::schema::FormDefinition,
    step: &str,
    errors: &[crate::error::FieldError],
) -> Result<AnyView, crate::error::AppError> {
    let child = crate::people::store::children_of(state.db.pool(), draft.owner_id)
        .await?
        .into_iter()
        .find(|c| c.id == draft.child_id)
        .ok_or(crate::error::AppError::NotFound)?;
    let files = crate::documents::files::files_of_draft(state.db.pool(), draft.id).await?;
    Ok(super::render::wizard_view(&super::render::WizardView {
        form,
        draft: &draft.public_id,
        child: &child.summary,
        answers: &draft.answers,
        files: &files,
        step,
        version: draft.version,
        today: super::api::server::today(),
        errors: errors.to_vec(),
    }))
}

/// The same as HTML, for the island's `StepReply::Show`.
#[cfg(feature = "ssr")]
pub async fn step_html(
    state: &crate::platform::AppState,
    draft: &super::store::Draft,
    form: &crate::formdef::schema::FormDefinition,
    step: &str,
    errors: &[crate::error::FieldError],
) -> Result<String, crate::error::AppError> {
    let view = step_view(state, draft, form, step, errors).await?;
    Ok(crate::components::to_html(|| view))
}

/// The step's form (the children, rendered by the server) with its scripts: autosave, the
/// buttons, uploads with progress, instant checks and the conflict choice.
#[island]
fn StepEditor(
    draft: String,
    step: String,
    version: i64,
    saved_at: i64,
    children: Children,
) -> impl IntoView {
    let wizard = NodeRef::<leptos::html::Div>::new();
    let editor = Editor::new(draft, step, version, saved_at, wizard);
    show_status(editor);
    view! {
        <div class="portal-conflict-slot" inner_html=move || editor.conflict.get().unwrap_or_default()
            on:click=move |ev| editor.chose(&ev)></div>
        <div id="wizard" node_ref=wizard
            on:input=move |ev| editor.typed(&ev)
            on:change=move |ev| editor.changed(&ev)
            on:focusout=move |ev| check_question(&ev)
            on:submit=move |ev| editor.submitted(&ev)>{children()}</div>
    }
}

/// What a button in a step asks for (the `__action` of the post).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepAction {
    Continue,
    Previous,
    Exit,
    Add(String),
    Remove(String, usize),
    /// Store the chosen files of the attachments field `section.index.field`, and come back to
    /// the same step.
    Upload(String),
    /// Take a file off its answer.
    RemoveFile(String),
    /// The declaration's Accept.
    Accept,
    /// The page's scripts saving as the person types.
    Autosave,
}

impl StepAction {
    pub fn parse(value: &str) -> Option<StepAction> {
        match value {
            "continue" => Some(StepAction::Continue),
            "previous" => Some(StepAction::Previous),
            "exit" => Some(StepAction::Exit),
            "accept" => Some(StepAction::Accept),
            "autosave" => Some(StepAction::Autosave),
            other => {
                if let Some(path) = other.strip_prefix("upload:") {
                    return Some(StepAction::Upload(path.to_owned()));
                }
                if let Some(file) = other.strip_prefix("remove-file:") {
                    return Some(StepAction::RemoveFile(file.to_owned()));
                }
                if let Some(section) = other.strip_prefix("add:") {
                    return Some(StepAction::Add(section.to_owned()));
                }
                let rest = other.strip_prefix("remove:")?;
                let (section, index) = rest.rsplit_once(':')?;
                Some(StepAction::Remove(section.to_owned(), index.parse().ok()?))
            }
        }
    }

    pub fn value(&self) -> String {
        match self {
            StepAction::Continue => "continue".into(),
            StepAction::Previous => "previous".into(),
            StepAction::Exit => "exit".into(),
            StepAction::Accept => "accept".into(),
            StepAction::Autosave => "autosave".into(),
            StepAction::Add(section) => format!("add:{section}"),
            StepAction::Remove(section, index) => format!("remove:{section}:{index}"),
            StepAction::Upload(path) => format!("upload:{path}"),
            StepAction::RemoveFile(file) => format!("remove-file:{file}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StepAction;

    #[test]
    fn every_action_reads_back_from_its_value() {
        for action in [
            StepAction::Continue,
            StepAction::Previous,
            StepAction::Exit,
            StepAction::Accept,
            StepAction::Autosave,
            StepAction::Add("parents_carers".into()),
            StepAction::Remove("parents_carers".into(), 1),
            StepAction::Upload("supporting_documents.0.documents".into()),
            StepAction::RemoveFile("ab12".into()),
        ] {
            assert_eq!(StepAction::parse(&action.value()), Some(action));
        }
        assert_eq!(StepAction::parse("remove:x:y"), None);
        assert_eq!(StepAction::parse("delete everything"), None);
    }
}
