//! The page shell every page sits in: skip link, header with the council's name, main content
//! and a footer with the SEN team's contact details and the statutory pages.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::{
    account::{idle::IdleWarning, pages::SignOutButton},
    auth::api::current_user,
    site::{use_site, SERVICE_NAME},
};

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        // rel="external" keeps the router out of it: the browser's own jump moves keyboard focus.
        <a href="#main-content" class="govuk-skip-link" rel="external">"Skip to main content"</a>
        <Header/>
        <div class="govuk-width-container">
            <main class="govuk-main-wrapper" id="main-content" tabindex="-1">
                {children()}
            </main>
        </div>
        <Footer/>
    }
}

#[component]
fn Header() -> impl IntoView {
    let site = use_site();
    // Asked again on every navigation, so signing in or out shows at once.
    let pathname = use_location().pathname;
    let user = Resource::new(move || pathname.get(), |_| current_user());
    view! {
        <header class="portal-header">
            <div class="govuk-width-container portal-header__container">
                <a href="/" class="portal-header__home">
                    <span class="portal-header__council">{site.council_name}</span>
                    <span class="portal-header__service">{SERVICE_NAME}</span>
                </a>
                <nav class="portal-header__account" aria-label="Account">
                    <Suspense>
                        {move || Suspend::new(async move {
                            match user.await {
                                Ok(Some(user)) => view! {
                                    <a class="portal-header__link" href=user.role.home_path()>{user.name}</a>
                                    <a class="portal-header__link" href="/account">"Your account"</a>
                                    <SignOutButton/>
                                    <IdleWarning/>
                                }.into_any(),
                                _ => view! {
                                    <a class="portal-header__link" href="/sign-in">"Sign in"</a>
                                }.into_any(),
                            }
                        })}
                    </Suspense>
                </nav>
            </div>
        </header>
    }
}

#[component]
fn Footer() -> impl IntoView {
    let site = use_site();
    let phone_href = site.phone_href();
    let mail_href = format!("mailto:{}", site.sen_team_email);
    view! {
        <footer class="govuk-footer portal-footer">
            <div class="govuk-width-container">
                <div class="govuk-footer__meta">
                    <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
                        <h2 class="govuk-heading-s">"Help with this service"</h2>
                        <p class="govuk-body-s">
                            "Contact the SEN team by phone on "
                            <a class="govuk-footer__link" href=phone_href>{site.sen_team_phone}</a>
                            " or by email at "
                            <a class="govuk-footer__link" href=mail_href>{site.sen_team_email.clone()}</a>
                            "."
                        </p>
                        <h2 class="govuk-visually-hidden">"Support links"</h2>
                        <ul class="govuk-footer__inline-list">
                            <li class="govuk-footer__inline-list-item">
                                <a class="govuk-footer__link" href="/accessibility">"Accessibility statement"</a>
                            </li>
                            <li class="govuk-footer__inline-list-item">
                                <a class="govuk-footer__link" href="/privacy">"Privacy notice"</a>
                            </li>
                            {site.dev_mailbox.then(|| view! {
                                <li class="govuk-footer__inline-list-item">
                                    <a class="govuk-footer__link" href="/dev/mailbox">"Development mailbox"</a>
                                </li>
                            })}
                        </ul>
                        <p class="govuk-body-s portal-footer__owner">
                            {format!("{SERVICE_NAME} is run by {}.", site.council_name)}
                        </p>
                    </div>
                </div>
            </div>
        </footer>
    }
}
