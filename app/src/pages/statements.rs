//! The accessibility statement and privacy notice every public-sector service must publish.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::site::{use_site, SERVICE_NAME};

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let site = use_site();
    let council = site.council_name.clone();
    view! {
        <Title text="Accessibility statement"/>
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
                <h1 class="govuk-heading-l">{format!("Accessibility statement for {SERVICE_NAME}")}</h1>
                <p class="govuk-body">
                    {format!("{council} wants as many people as possible to be able to use this service. You should be able to:")}
                </p>
                <ul class="govuk-list govuk-list--bullet">
                    <li>"change colours, contrast levels and fonts using your browser or device settings"</li>
                    <li>"zoom in up to 400% without the text spilling off the screen"</li>
                    <li>"use the whole service with a keyboard, with speech recognition software, or with a screen reader"</li>
                    <li>"use it on a phone as narrow as 320 pixels"</li>
                    <li>"fill in forms in several sittings: your answers are saved as you go"</li>
                </ul>
                <h2 class="govuk-heading-m">"How accessible this service is"</h2>
                <p class="govuk-body">
                    "We design and test this service to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA. "
                    "Every page is checked automatically for accessibility problems each time the service changes, "
                    "with scripts turned on and with them turned off."
                </p>
                <h2 class="govuk-heading-m">"Feedback and contact information"</h2>
                <p class="govuk-body">
                    "If you need information from this service in a different format, such as large print, easy read, audio or Braille, "
                    "or you find a problem not listed on this page, contact the SEN team:"
                </p>
                <ul class="govuk-list govuk-list--bullet">
                    <li>"phone: " {site.sen_team_phone.clone()}</li>
                    <li>"email: " {site.sen_team_email.clone()}</li>
                </ul>
                <p class="govuk-body">"We will consider your request and get back to you within 5 working days."</p>
                <h2 class="govuk-heading-m">"Enforcement procedure"</h2>
                <p class="govuk-body">
                    "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies "
                    "(Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not happy with how "
                    "we respond to your complaint, contact the Equality Advisory and Support Service (EASS)."
                </p>
                <h2 class="govuk-heading-m">"Technical information about this service's accessibility"</h2>
                <p class="govuk-body">
                    {format!("{council} is committed to making this service accessible, in accordance with the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018.")}
                </p>
                <p class="govuk-body">
                    "This service is fully compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, as far as our testing has found."
                </p>
                <h2 class="govuk-heading-m">"How we tested this service"</h2>
                <p class="govuk-body">
                    "Each page is tested with the axe accessibility engine in a real browser, at desktop and phone widths. "
                    "This statement was prepared on 29 November 2026 and is reviewed whenever the service changes significantly."
                </p>
            </div>
        </div>
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let site = use_site();
    let council = site.council_name.clone();
    view! {
        <Title text="Privacy notice"/>
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
                <h1 class="govuk-heading-l">{format!("Privacy notice for {SERVICE_NAME}")}</h1>
                <h2 class="govuk-heading-m">"Who we are"</h2>
                <p class="govuk-body">
                    {format!("{council} is the data controller for the personal information you give us through this service.")}
                </p>
                <h2 class="govuk-heading-m">"What we collect"</h2>
                <ul class="govuk-list govuk-list--bullet">
                    <li>"your name, email address and the answers you give to set up your account"</li>
                    <li>"information about your child or yourself that you give in forms, including health and education information"</li>
                    <li>"reports, letters and plans that you, professionals or the SEN team add"</li>
                    <li>"when you sign in, and from which internet address, to keep your account secure"</li>
                </ul>
                <h2 class="govuk-heading-m">"Why we need it"</h2>
                <p class="govuk-body">
                    "We use this information to carry out Education, Health and Care needs assessments and to write, issue and review "
                    "EHC plans. We do this because the law requires it of us (the Children and Families Act 2014 and the Special "
                    "Educational Needs and Disability Regulations 2014), as a task carried out in the public interest. Health "
                    "information is processed because it is needed to provide education, health and social care."
                </p>
                <h2 class="govuk-heading-m">"Who we share it with"</h2>
                <p class="govuk-body">
                    "We share information only with the people who need it for the assessment: for example your child's school or "
                    "setting, educational psychologists, health and social care professionals. You will be told in the consent "
                    "form who we ask for advice, and you can tell us anyone we should not share with."
                </p>
                <h2 class="govuk-heading-m">"How long we keep it"</h2>
                <p class="govuk-body">
                    "We keep records of an EHC needs assessment and plan until the young person is 31 years old, as the council's "
                    "records retention schedule requires. Account sign-in records are kept for 12 months. Sign-in codes, emailed links "
                    "and the count of failed sign-ins are deleted a day after they stop working, and a signed-out visit's saved answers "
                    "when its session ends. The text of an email we send you is kept, encrypted, only until it is sent."
                </p>
                <h2 class="govuk-heading-m">"Your rights"</h2>
                <p class="govuk-body">
                    "You can ask to see the information we hold about you, ask us to correct it, or object to how we use it. "
                    "Contact the SEN team to make a request:"
                </p>
                <ul class="govuk-list govuk-list--bullet">
                    <li>"phone: " {site.sen_team_phone.clone()}</li>
                    <li>"email: " {site.sen_team_email.clone()}</li>
                </ul>
                <p class="govuk-body">
                    "If you are unhappy with how we have used your information, you can complain to the Information Commissioner's Office (ICO)."
                </p>
                <h2 class="govuk-heading-m">"Cookies"</h2>
                <p class="govuk-body">
                    "This service uses one cookie, which keeps you signed in. It is essential for the service to work and is deleted "
                    "when you sign out or after a period without activity. We do not use analytics or advertising cookies."
                </p>
            </div>
        </div>
    }
}
