use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    error::{set_response_status, AppError},
    site::use_site,
};

/// Answered for an address that does not exist, and for a record that is not the caller's.
#[component]
pub fn NotFound() -> impl IntoView {
    set_response_status(404);
    let site = use_site();
    view! {
        <Title text="Page not found"/>
        <h1 class="govuk-heading-l">"Page not found"</h1>
        <p class="govuk-body">"If you typed the web address, check it is correct."</p>
        <p class="govuk-body">"If you pasted the web address, check you copied the entire address."</p>
        <p class="govuk-body">
            "If the web address is correct or you selected a link or button, contact the SEN team on "
            {site.sen_team_phone} "."
        </p>
        <p class="govuk-body"><a class="govuk-link" href="/">"Go to the start page"</a></p>
    }
}

/// What a person sees when something failed: a plain message and, for our failures, the
/// reference to quote. Never the cause.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    set_response_status(error.status());
    let site = use_site();
    let heading = match &error {
        AppError::Forbidden => "You do not have access to this page",
        AppError::Unavailable => "The portal is not working just now",
        _ => "Sorry, there is a problem with the service",
    };
    let reference = match &error {
        AppError::Internal { reference } => Some(reference.clone()),
        _ => None,
    };
    view! {
        <Title text=heading/>
        <h1 class="govuk-heading-l">{heading}</h1>
        <p class="govuk-body">{error.to_string()}</p>
        {reference.map(|r| view! {
            <p class="govuk-body">"Reference: " <strong class="portal-reference">{r}</strong></p>
        })}
        <p class="govuk-body">"Anything you saved before this happened has been kept. Try again later."</p>
        <p class="govuk-body">
            "If you need help now, contact the SEN team on " {site.sen_team_phone} "."
        </p>
    }
}

/// What a page shows when its data could not be loaded: the sign-in page (coming back to
/// `here` afterwards), the not-found page, or the error page.
pub fn load_failed(error: AppError, here: String) -> AnyView {
    match error {
        AppError::SignInRequired => view! {
            <leptos_router::components::Redirect path=crate::auth::return_path::sign_in_then(&here)/>
        }
        .into_any(),
        AppError::NotFound => view! { <NotFound/> }.into_any(),
        error => view! { <ErrorPage error/> }.into_any(),
    }
}
