//! Small pieces of GOV.UK-style markup that many pages use.

use leptos::prelude::*;

use crate::error::AppError;

/// The error summary at the top of a form: says what is wrong and links to the field.
#[component]
pub fn ErrorSummary(error: AppError, field_id: &'static str) -> impl IntoView {
    let target = match &error {
        AppError::Field { field, .. } => field.clone(),
        _ => field_id.to_owned(),
    };
    view! {
        <div class="govuk-error-summary" tabindex="-1">
            <div role="alert">
                <h2 class="govuk-error-summary__title">"There is a problem"</h2>
                <div class="govuk-error-summary__body">
                    <ul class="govuk-list govuk-error-summary__list">
                        <li><a href=format!("#{target}")>{error.to_string()}</a></li>
                    </ul>
                </div>
            </div>
        </div>
    }
}

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
