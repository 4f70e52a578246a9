//! The pages people use to sign in, register, get back into their account, stay signed in and
//! look after their account. What they stand on (sessions, codes, roles, the audit log) is in
//! `auth`.

use leptos::prelude::*;

pub mod idle;
pub mod pages;
pub mod recovery;
pub mod register;
pub mod settings;
#[cfg(feature = "ssr")]
pub mod store;

/// A select of the secret questions, for registering and for the forgotten-password page.
#[component]
pub fn SecretQuestionSelect() -> impl IntoView {
    view! {
        <div class="govuk-form-group">
            <label class="govuk-label" for="secret_question">"Secret question"</label>
            <select class="govuk-select" id="secret_question" name="secret_question">
                {crate::auth::rules::SECRET_QUESTIONS
                    .iter()
                    .map(|q| view! { <option value=*q>{*q}</option> })
                    .collect_view()}
            </select>
        </div>
    }
}
