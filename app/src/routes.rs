//! The application's routes, and (on the server) the HTML document around them.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::{
    admin::pages::{AdminHome, ManageAccountPage, NewStaffPage},
    auth::{
        account::AccountPage,
        pages::{CodePage, RoleHome, SignInPage, SignedOutPage},
        recovery::{ForgottenPasswordPage, ResetDonePage, ResetLinkSentPage, ResetPasswordPage},
        register::{CheckEmailPage, ConfirmEmailPage, RegisterPage, TwoStepPage},
        Role,
    },
    forms::{
        pages::{ChildFormsPage, SubmissionPage},
        wizard::DraftPage,
    },
    layout::{Layout, SERVICE_NAME},
    mailbox::MailboxPage,
    pages::{AccessibilityPage, HomePage, NotFound, PrivacyPage},
    site::SiteInfo,
};

/// The name cargo-leptos gives the CSS, JS and wasm files under `/pkg`.
pub const OUTPUT_NAME: &str = "send_portal";

#[component]
pub fn App(site: SiteInfo) -> impl IntoView {
    provide_meta_context();
    provide_context(site);
    view! {
        <Stylesheet id="portal-css" href=format!("/pkg/{OUTPUT_NAME}.css")/>
        <Title formatter=|page: String| {
            if page == SERVICE_NAME { page } else { format!("{page} – {SERVICE_NAME}") }
        }/>
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFound/> }>
                    // Async: the whole page, data included, is rendered before any of it is
                    // sent, so it is complete with JavaScript off and its <title> is right.
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/accessibility") view=AccessibilityPage ssr=SsrMode::Async/>
                    <Route path=path!("/privacy") view=PrivacyPage ssr=SsrMode::Async/>
                    <Route path=path!("/dev/mailbox") view=MailboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in/code") view=CodePage ssr=SsrMode::Async/>
                    <Route path=path!("/signed-out") view=SignedOutPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/register/check-email") view=CheckEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/register/confirm") view=ConfirmEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/register/two-step") view=TwoStepPage ssr=SsrMode::Async/>
                    <Route path=path!("/forgotten-password") view=ForgottenPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/forgotten-password/sent") view=ResetLinkSentPage ssr=SsrMode::Async/>
                    <Route path=path!("/reset-password") view=ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/reset-password/done") view=ResetDonePage ssr=SsrMode::Async/>
                    <Route path=path!("/home") view=|| view! { <RoleHome role=Role::Citizen/> } ssr=SsrMode::Async/>
                    <Route path=path!("/professional") view=|| view! { <RoleHome role=Role::Professional/> } ssr=SsrMode::Async/>
                    <Route path=path!("/staff") view=|| view! { <RoleHome role=Role::SenOfficer/> } ssr=SsrMode::Async/>
                    <Route path=path!("/children/:child/forms") view=ChildFormsPage ssr=SsrMode::Async/>
                    <Route path=path!("/drafts/:draft") view=DraftPage ssr=SsrMode::Async/>
                    <Route path=path!("/drafts/:draft/:step") view=DraftPage ssr=SsrMode::Async/>
                    <Route path=path!("/submissions/:submission") view=SubmissionPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=AdminHome ssr=SsrMode::Async/>
                    <Route path=path!("/admin/accounts/new") view=NewStaffPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/accounts/:id") view=ManageAccountPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}

/// The HTML document, rendered on the server only. Sets the page's Content-Security-Policy with
/// the nonce Leptos puts on its inline hydration scripts, and hands the site information to
/// the browser in a JSON element that `hydrate()` reads.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos::nonce::use_nonce;
    use leptos_meta::MetaTags;

    let site = use_context::<crate::platform::AppState>()
        .map(|s| s.site)
        .unwrap_or_default();
    let nonce = use_nonce();
    if let (Some(response), Some(nonce)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        nonce.as_ref(),
    ) {
        if let Ok(value) = http::HeaderValue::from_str(&page_csp(nonce)) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    let site_json = site.to_script_json();
    view! {
        <!DOCTYPE html>
        <html lang="en-GB" class="govuk-template">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0b0c0c"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <script type="application/json" id=crate::site::SITE_INFO_ELEMENT_ID nonce=nonce.clone() inner_html=site_json></script>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="govuk-template__body">
                <App site/>
            </body>
        </html>
    }
}

/// The policy for HTML pages: scripts only from us or carrying this response's nonce, wasm
/// compilation allowed ('wasm-unsafe-eval', never 'unsafe-eval'), no framing.
#[cfg(feature = "ssr")]
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )
}
