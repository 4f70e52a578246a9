//! Small pieces of GOV.UK-style markup that many pages use.

use leptos::prelude::*;

use crate::error::AppError;

/// The error summary at the top of a form: says what is wrong and links to the field.
#[component]
pub fn ErrorSummary(error: AppError, field_id: &'static str) -> impl IntoView {
    view! {
        <div class="govuk-error-summary" tabindex="-1">
            <div role="alert">
                <h2 class="govuk-error-summary__title">"There is a problem"</h2>
                <div class="govuk-error-summary__body">
                    <ul class="govuk-list govuk-error-summary__list">
                        <li><a href=format!("#{field_id}")>{error.to_string()}</a></li>
                    </ul>
                </div>
            </div>
        </div>
    }
}
