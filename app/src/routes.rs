//! The application's routes, and (on the server) the HTML document around them.

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    lazy_route, path, Lazy, LazyRoute, SsrMode,
};

use crate::{
    admin::pages::{AdminHome, ManageAccountPage, NewStaffPage},
    auth::{
        account::AccountPage,
        pages::{CitizenHome, CodePage, ProfessionalHome, SignInPage, SignedOutPage},
        recovery::{ForgottenPasswordPage, ResetDonePage, ResetLinkSentPage, ResetPasswordPage},
        register::{CheckEmailPage, ConfirmEmailPage, RegisterPage, TwoStepPage},
    },
    casework::{CasePage, CaseSubmissionPage, DashboardPage, NewCasePage},
    documents::SharedDocumentPage,
    forms::{
        pages::{ChildFormsPage, SubmissionPage},
        wizard::DraftPage,
    },
    layout::{Layout, SERVICE_NAME},
    mailbox::MailboxPage,
    messages::{InboxPage, MessagePage},
    pages::{AccessibilityPage, HomePage, NotFound, PrivacyPage},
    people::{AddPersonPage, SendAreaPage},
    site::SiteInfo,
    status::StatusPage,
};

/// A page whose code is loaded only when it is visited (its own wasm chunk, built with
/// `cargo leptos build --split`), so the wasm every page needs stays small.
macro_rules! lazy_page {
    ($($route:ident => $page:path),* $(,)?) => {$(
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_page! {
    Accessibility => AccessibilityPage,
    Privacy => PrivacyPage,
    Mailbox => MailboxPage,
    Account => AccountPage,
    Register => RegisterPage,
    CheckEmail => CheckEmailPage,
    ConfirmEmail => ConfirmEmailPage,
    TwoStep => TwoStepPage,
    ForgottenPassword => ForgottenPasswordPage,
    ResetLinkSent => ResetLinkSentPage,
    ResetPassword => ResetPasswordPage,
    ResetDone => ResetDonePage,
    Admin => AdminHome,
    NewStaff => NewStaffPage,
    ManageAccount => ManageAccountPage,
    ChildForms => ChildFormsPage,
    Draft => DraftPage,
    Submission => SubmissionPage,
    CitizenLanding => CitizenHome,
    ProfessionalLanding => ProfessionalHome,
    StaffLanding => DashboardPage,
    NewCase => NewCasePage,
    StaffCase => CasePage,
    StaffSubmission => CaseSubmissionPage,
    Inbox => InboxPage,
    Message => MessagePage,
    SendArea => SendAreaPage,
    AddPerson => AddPersonPage,
    Status => StatusPage,
    SharedDocument => SharedDocumentPage,
}

/// The name cargo-leptos gives the CSS, JS and wasm files under `/pkg`.
pub const OUTPUT_NAME: &str = "send_portal";

#[component]
pub fn App(site: SiteInfo) -> impl IntoView {
    provide_meta_context();
    provide_context(site);
    provide_context(crate::auth::idle::Activity(RwSignal::new(0)));
    // Read before anything hydrates: Leptos's title effect empties the title when it first runs.
    let shown = ShownTitle(Arc::new(Mutex::new(title_so_far())));
    view! {
        <Stylesheet id="portal-css" href=format!("/pkg/{OUTPUT_NAME}.css")/>
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
                    <Route path=path!("/accessibility") view={Lazy::<Accessibility>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/privacy") view={Lazy::<Privacy>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dev/mailbox") view={Lazy::<Mailbox>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in/code") view=CodePage ssr=SsrMode::Async/>
                    <Route path=path!("/signed-out") view=SignedOutPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view={Lazy::<Account>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/register") view={Lazy::<Register>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/register/check-email") view={Lazy::<CheckEmail>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/register/confirm") view={Lazy::<ConfirmEmail>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/register/two-step") view={Lazy::<TwoStep>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/forgotten-password") view={Lazy::<ForgottenPassword>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/forgotten-password/sent") view={Lazy::<ResetLinkSent>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/reset-password") view={Lazy::<ResetPassword>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/reset-password/done") view={Lazy::<ResetDone>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/home") view={Lazy::<CitizenLanding>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/professional") view={Lazy::<ProfessionalLanding>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/staff") view={Lazy::<StaffLanding>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/staff/cases/new") view={Lazy::<NewCase>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/staff/cases/:child") view={Lazy::<StaffCase>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/staff/cases/:child/submissions/:submission") view={Lazy::<StaffSubmission>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/messages") view={Lazy::<Inbox>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/messages/:message") view={Lazy::<Message>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/send") view={Lazy::<SendArea>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/send/add-person") view={Lazy::<AddPerson>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/children/:child/forms") view={Lazy::<ChildForms>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/children/:child/status") view={Lazy::<Status>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/shared/:document") view={Lazy::<SharedDocument>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/drafts/:draft") view={Lazy::<Draft>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/drafts/:draft/:step") view={Lazy::<Draft>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/submissions/:submission") view={Lazy::<Submission>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view={Lazy::<Admin>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/accounts/new") view={Lazy::<NewStaff>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/accounts/:id") view={Lazy::<ManageAccount>::new()} ssr=SsrMode::Async/>
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

/// The last title shown, which stays while no page gives one: while a page hydrates or its code
/// loads, the title must not go blank for a screen reader, nor change to something else.
/// Held outside the reactive arena: on the server the meta context reads the title after the
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

/// In the browser, the title the server rendered; on the server, the service's name.
fn title_so_far() -> String {
    let rendered = if cfg!(target_arch = "wasm32") {
        web_sys::window()
            .and_then(|w| w.document())
            .map(|d| d.title())
            .filter(|t| !t.is_empty())
    } else {
        None
    };
    rendered.unwrap_or_else(|| SERVICE_NAME.to_owned())
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
        assert_eq!(title_so_far(), SERVICE_NAME);
    }
}
