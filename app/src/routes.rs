//! The application's routes, and (on the server) the HTML document around them.

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::{
    account::{
        pages::{CodePage, SignInPage, SignedOutPage},
        recovery::{ForgottenPasswordPage, ResetDonePage, ResetLinkSentPage, ResetPasswordPage},
        register::{CheckEmailPage, ConfirmEmailPage, RegisterPage, TwoStepPage},
        settings::AccountPage,
    },
    admin::pages::{AdminHome, ManageAccountPage, NewStaffPage},
    area::{AddPersonPage, SendAreaPage},
    casework::{CasePage, CaseSubmissionPage, DashboardPage, NewCasePage},
    components::errors::NotFound,
    documents::SharedDocumentPage,
    forms::{
        pages::{ChildFormsPage, SubmissionPage},
        wizard::DraftPage,
    },
    layout::Layout,
    mailbox::MailboxPage,
    messages::{InboxPage, MessagePage, StaffMessagePage, WriteMessagePage},
    pages::{AccessibilityPage, CitizenHome, HomePage, PrivacyPage, ProfessionalHome},
    site::{SiteInfo, SERVICE_NAME},
    status::{SeenPage, StatusPage},
    teams::pages::{NewOrganisationPage, OrganisationPage, OrganisationsPage},
};

#[component]
pub fn App(site: SiteInfo) -> impl IntoView {
    provide_meta_context();
    provide_context(site);
    let shown = ShownTitle(Arc::new(Mutex::new(SERVICE_NAME.to_owned())));
    view! {
        <Title formatter={
            let shown = shown.clone();
            move |page| shown.remember(page_title(page))
        } text=move || shown.get()/>
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
                    <Route path=path!("/home") view=CitizenHome ssr=SsrMode::Async/>
                    <Route path=path!("/professional") view=ProfessionalHome ssr=SsrMode::Async/>
                    <Route path=path!("/professional/request") view=crate::caseload::SettingRequestPage ssr=SsrMode::Async/>
                    <Route path=path!("/consultations/:consultation") view=crate::caseload::ConsultationPage ssr=SsrMode::Async/>
                    <Route path=path!("/staff") view=DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/cases/new") view=NewCasePage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/cases/:child") view=CasePage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/cases/:child/plan") view=crate::casework::CasePlanPage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/cases/:child/submissions/:submission") view=CaseSubmissionPage ssr=SsrMode::Async/>
                    <Route path=path!("/messages") view=InboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/messages/new") view=WriteMessagePage ssr=SsrMode::Async/>
                    <Route path=path!("/messages/:message") view=MessagePage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/messages/:message") view=StaffMessagePage ssr=SsrMode::Async/>
                    <Route path=path!("/send") view=SendAreaPage ssr=SsrMode::Async/>
                    <Route path=path!("/send/add-person") view=AddPersonPage ssr=SsrMode::Async/>
                    <Route path=path!("/children/:child/forms") view=ChildFormsPage ssr=SsrMode::Async/>
                    <Route path=path!("/children/:child/status") view=StatusPage ssr=SsrMode::Async/>
                    <Route path=path!("/children/:child/seen") view=SeenPage ssr=SsrMode::Async/>
                    <Route path=path!("/plans/:plan") view=crate::plans::PlanPage ssr=SsrMode::Async/>
                    <Route path=path!("/shared/:document") view=SharedDocumentPage ssr=SsrMode::Async/>
                    <Route path=path!("/drafts/:draft") view=DraftPage ssr=SsrMode::Async/>
                    <Route path=path!("/drafts/:draft/:step") view=DraftPage ssr=SsrMode::Async/>
                    <Route path=path!("/submissions/:submission") view=SubmissionPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=AdminHome ssr=SsrMode::Async/>
                    <Route path=path!("/admin/accounts/new") view=NewStaffPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/accounts/:id") view=ManageAccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/organisations") view=OrganisationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/organisations/new") view=NewOrganisationPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/organisations/:id") view=OrganisationPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}

/// "Sign in" becomes "Sign in – SEND Portal"; a title that already names the service is kept.
fn page_title(page: String) -> String {
    if page == SERVICE_NAME || page.ends_with(&format!(" – {SERVICE_NAME}")) {
        page
    } else {
        format!("{page} – {SERVICE_NAME}")
    }
}

/// The page's title (the service's name until a page gives one). Held outside the reactive arena: on the server the meta context reads the title after the
/// app's owner may already have been cleaned up (a redirect, say), and a disposed arena value
/// would panic there.
#[derive(Clone)]
struct ShownTitle(Arc<Mutex<String>>);

impl ShownTitle {
    fn remember(&self, title: String) -> String {
        if let Ok(mut shown) = self.0.lock() {
            shown.clone_from(&title);
        }
        title
    }

    fn get(&self) -> String {
        self.0
            .lock()
            .map(|shown| shown.clone())
            .unwrap_or_else(|_| SERVICE_NAME.to_owned())
    }
}

/// The HTML document, rendered on the server only. Sets the page's Content-Security-Policy with
/// the nonce carried by its one inline script, the islands' loader.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos::nonce::use_nonce;
    use leptos_meta::MetaTags;

    let site = use_context::<crate::platform::AppState>()
        .map(|s| s.site)
        .unwrap_or_default();
    let assets = crate::platform::assets::names(&options);
    let nonce = use_nonce();
    if let (Some(response), Some(nonce)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        nonce.as_ref(),
    ) {
        if let Ok(value) = http::HeaderValue::from_str(&page_csp(nonce)) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en-GB" class="govuk-template">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0b0c0c"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href=format!("/{}/{}", options.site_pkg_dir, assets.css)/>
                <IslandScripts options nonce/>
                <MetaTags/>
            </head>
            <body class="govuk-template__body">
                <App site/>
            </body>
        </html>
    }
}

/// Loads the wasm and hydrates the page's islands, only on a page that has any: a page without
/// an island downloads no wasm. `body[data-hydrated]` says when the islands are live (tests and
/// scripts wait for it). Our own few lines instead of Leptos's `HydrationScripts`, which fetches
/// the wasm on every page.
#[cfg(feature = "ssr")]
#[component]
fn IslandScripts(options: LeptosOptions, nonce: Option<leptos::nonce::Nonce>) -> impl IntoView {
    // What `HydrationScripts islands=true` does too: from here on nothing outside an island is
    // hydrated, so no resource outside one is written into the page for the browser.
    // (`SsrSharedContext::new()`, which leptos_axum renders with, starts out hydrating.)
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let pkg = format!("/{}", options.site_pkg_dir);
    let names = crate::platform::assets::names(&options);
    let (js, wasm) = (&names.js, &names.wasm);
    let loader = format!(
        "(async (js, wasm) => {{\
           const islands = [...document.querySelectorAll('leptos-island')]\
             .filter((el) => !el.parentElement.closest('leptos-island'));\
           if (islands.length > 0) {{\
             const mod = await import(js);\
             await mod.default({{ module_or_path: wasm }});\
             mod.hydrate();\
             for (const el of islands) {{\
               const island = mod[el.dataset.component];\
               if (island) await island(el);\
               else console.warn(`No code for the island ${{el.dataset.component}}`);\
             }}\
           }}\
           document.body.dataset.hydrated = 'true';\
         }})({:?}, {:?});",
        format!("{pkg}/{js}"),
        format!("{pkg}/{wasm}"),
    );
    view! { <script type="module" nonce=nonce>{loader}</script> }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_titles_name_the_service_once() {
        assert_eq!(page_title("Sign in".into()), "Sign in – SEND Portal");
        assert_eq!(page_title(SERVICE_NAME.into()), SERVICE_NAME);
        // The title kept from the server while a page hydrates is not named twice.
        assert_eq!(
            page_title("Sign in – SEND Portal".into()),
            "Sign in – SEND Portal"
        );
    }
}
