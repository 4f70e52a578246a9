//! The step-by-step wizard's page: `/drafts/:draft` (the step the person left off at) and
//! `/drafts/:draft/:step`. The step itself is HTML rendered by the server (`render.rs`), the
//! same form that posts without JavaScript; around it, the `StepEditor` island saves and
//! sends it (`autosave.rs`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    api::{load_step, StepPage},
    autosave::{check_question, show_status, Editor},
};
use crate::pages::load_failed;

#[component]
pub fn DraftPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        (
            params.read().get("draft").unwrap_or_default(),
            params.read().get("step").unwrap_or_default(),
            query.read().get("check").is_some(),
        )
    };
    let data = Resource::new(key, |(draft, step, check)| load_step(draft, step, check));
    view! {
        <Suspense fallback=|| view! { <p class="govuk-body">"Loading your form…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(err) => {
                        let (draft, step, _) = key();
                        load_failed(err, format!("/drafts/{draft}/{step}"))
                    }
                    Ok(page) => view! { <Wizard page/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Wizard(page: StepPage) -> impl IntoView {
    let StepPage {
        draft,
        step,
        title,
        html,
        version,
        saved_at,
    } = page;
    view! {
        <Title text=title/>
        <StepEditor draft step version saved_at>
            <div class="portal-step" inner_html=html></div>
        </StepEditor>
    }
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
