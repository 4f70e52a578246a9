//! The sign-in pages: email and password, then the emailed code; signed out.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    auth::{
        api::{ResendCode, SignIn, SignOut, VerifyCode},
        return_path::{sign_in_then, ReturnPath},
    },
    components::ErrorSummary,
};

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = move || action.value().get().and_then(|r| r.err());
    let return_to = move || {
        leptos_router::hooks::use_query_map()
            .read()
            .get("return")
            .and_then(|p| ReturnPath::parse(&p).ok())
            .map(ReturnPath::into_string)
            .unwrap_or_default()
    };
    view! {
        <Title text="Sign in"/>
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
                {move || error().map(|e| view! { <ErrorSummary error=e field_id="email"/> })}
                <h1 class="govuk-heading-l">"Sign in"</h1>
                <ActionForm action=action>
                    <input type="hidden" name="return_to" value=return_to/>
                    <div class="govuk-form-group">
                        <label class="govuk-label" for="email">"Email address"</label>
                        <input class="govuk-input" id="email" name="email" type="email"
                            autocomplete="username" spellcheck="false" required/>
                    </div>
                    <div class="govuk-form-group">
                        <label class="govuk-label" for="password">"Password"</label>
                        <input class="govuk-input" id="password" name="password" type="password"
                            autocomplete="current-password" required/>
                    </div>
                    <button type="submit" class="govuk-button">"Continue"</button>
                </ActionForm>
                <p class="govuk-body">
                    "After you enter your password, we email you a code to finish signing in."
                </p>
                <p class="govuk-body">
                    <a class="govuk-link" href="/forgotten-password">"Forgotten your password?"</a>
                </p>
                <p class="govuk-body">
                    "New to the portal? " <a class="govuk-link" href="/register">"Create an account"</a>
                </p>
            </div>
        </div>
    }
}

#[component]
pub fn CodePage() -> impl IntoView {
    let verify = ServerAction::<VerifyCode>::new();
    let resend = ServerAction::<ResendCode>::new();
    let error = move || {
        verify
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| resend.value().get().and_then(|r| r.err()))
    };
    let resent = move || matches!(resend.value().get(), Some(Ok(())));
    view! {
        <Title text="Check your email"/>
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
                {move || error().map(|e| view! { <ErrorSummary error=e field_id="code"/> })}
                {move || resent().then(|| view! {
                    <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
                        <div class="govuk-notification-banner__content">
                            <p class="govuk-notification-banner__heading">"We have sent you a new code."</p>
                        </div>
                    </div>
                })}
                <h1 class="govuk-heading-l">"Check your email"</h1>
                <p class="govuk-body">
                    "We have emailed you a 6-digit code. It works for 10 minutes."
                </p>
                <p class="govuk-body">
                    "If you cannot find the email, check your spam or junk folder."
                </p>
                <ActionForm action=verify>
                    <div class="govuk-form-group">
                        <label class="govuk-label govuk-label--s" for="code">"Code"</label>
                        <div class="govuk-hint" id="code-hint">"For example, 123456"</div>
                        <input class="govuk-input govuk-input--width-10" id="code" name="code" type="text"
                            inputmode="numeric" autocomplete="one-time-code" spellcheck="false"
                            aria-describedby="code-hint" required/>
                    </div>
                    <button type="submit" class="govuk-button">"Verify"</button>
                </ActionForm>
                <h2 class="govuk-heading-s">"Not received the email?"</h2>
                <ActionForm action=resend>
                    <button type="submit" class="govuk-button govuk-button--secondary">"Send a new code"</button>
                </ActionForm>
                <p class="govuk-body">
                    <a class="govuk-link" href="/sign-in">"Sign in with a different email address"</a>
                </p>
            </div>
        </div>
    }
}

#[component]
pub fn SignedOutPage() -> impl IntoView {
    let inactive = move || {
        leptos_router::hooks::use_query_map()
            .read()
            .get("reason")
            .as_deref()
            == Some("inactive")
    };
    // After an inactivity sign-out, signing in again returns to the page that was open.
    let sign_in_again = move || {
        leptos_router::hooks::use_query_map()
            .read()
            .get("return")
            .map_or_else(|| "/sign-in".to_owned(), |p| sign_in_then(&p))
    };
    view! {
        <Title text="You have signed out"/>
        <ForgetOfflineCopies/>
        <h1 class="govuk-heading-l">"You have signed out"</h1>
        {move || inactive().then(|| view! {
            <p class="govuk-body">
                "We signed you out because you had not done anything for 30 minutes. Anything you saved is kept."
            </p>
        })}
        <p class="govuk-body"><a class="govuk-link" href=sign_in_again>"Sign in again"</a></p>
    }
}

/// The sign-out button for the header and the inactivity warning: a plain form post, also
/// inside an island (the server's answer is a redirect to the signed-out page).
#[component]
pub fn SignOutButton() -> impl IntoView {
    use leptos::server_fn::ServerFn;
    view! {
        <form method="post" action=SignOut::url() class="portal-header__sign-out">
            <button type="submit" class="portal-header__link">"Sign out"</button>
        </form>
    }
}

/// Forgets the answers this browser kept while offline, once the page is live (nothing to show).
#[island]
fn ForgetOfflineCopies() -> impl IntoView {
    Effect::new(move |_| crate::forms::browser::forget_offline_copies());
}
