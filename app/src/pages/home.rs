use leptos::prelude::*;
use leptos_meta::Title;

use crate::{layout::SERVICE_NAME, site::use_site};

#[component]
pub fn HomePage() -> impl IntoView {
    let site = use_site();
    view! {
        <Title text=SERVICE_NAME/>
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
                <h1 class="govuk-heading-xl">"Special educational needs and disabilities (SEND)"</h1>
                <p class="govuk-body-l">
                    {format!(
                        "Use this service to work with the {} SEN team on an Education, Health and Care (EHC) needs assessment.",
                        site.council_name
                    )}
                </p>
                <p class="govuk-body">"You can:"</p>
                <ul class="govuk-list govuk-list--bullet">
                    <li>"ask for an EHC needs assessment for your child, or for yourself if you are aged 16 to 25"</li>
                    <li>"fill in the forms the SEN team asks for, in your own time – your answers are saved as you go"</li>
                    <li>"read letters, reports and EHC plans that the SEN team or professionals share with you"</li>
                    <li>"see where the assessment has got to, and what happens next"</li>
                </ul>
                <p class="govuk-body">
                    "Schools, educational psychologists, health and social care professionals use the same portal to give their advice."
                </p>
                <h2 class="govuk-heading-m">"Before you start"</h2>
                <p class="govuk-body">
                    "You need an email address. Each time you sign in we email you a code, so check your spam or junk folder if it does not arrive."
                </p>
            </div>
        </div>
    }
}
