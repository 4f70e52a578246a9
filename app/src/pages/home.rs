use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::{
    auth::{
        api::{current_user, SignedInUser},
        return_path::sign_in_then,
    },
    messages::MessagesHome,
    role::Role,
    site::{use_site, SERVICE_NAME},
};

/// `/`: the start page. Offers "Log in" and "Register", as the user guide's first page does;
/// someone already signed in goes straight to their own home.
#[component]
pub fn HomePage() -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) => Either::Left(view! { <Redirect path=user.role.home_path()/> }),
                    _ => Either::Right(view! { <StartPage/> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StartPage() -> impl IntoView {
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
                <div class="govuk-button-group">
                    <a href="/sign-in" class="govuk-button" draggable="false">"Log in"</a>
                    <a href="/register" class="govuk-button govuk-button--secondary" draggable="false">"Register"</a>
                </div>
                <p class="govuk-body">
                    "New to the portal? Register to create your account. We email you a link to finish registering, then you set up two-step verification by email."
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
                    "You need an email address. Each time you log in we email you a code, so check your spam or junk folder if it does not arrive."
                </p>
            </div>
        </div>
    }
}

/// `/home`: parents, carers and young people.
#[component]
pub fn CitizenHome() -> impl IntoView {
    view! { <RoleHome role=Role::Citizen/> }
}

/// `/professional`: schools, educational psychologists, health.
#[component]
pub fn ProfessionalHome() -> impl IntoView {
    view! { <RoleHome role=Role::Professional/> }
}

/// The page a role lands on after signing in. Anyone else is sent to sign in.
#[component]
pub fn RoleHome(role: Role) -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) if user.role == role => Either::Left(view! { <Welcome user/> }),
                    Ok(Some(user)) => Either::Right(view! { <Redirect path=user.role.home_path()/> }),
                    _ => Either::Right(view! { <Redirect path=sign_in_then(role.home_path())/> }),
                }
            })}
        </Suspense>
    }
}

/// Parents, carers and young people get their messages and services, professionals their
/// caseload (rendered on the server); the SEN team's and administrators' homes come with their
/// own pages.
#[component]
fn Welcome(user: SignedInUser) -> impl IntoView {
    if user.role == Role::Citizen {
        return view! { <MessagesHome/> }.into_any();
    }
    if user.role == Role::Professional {
        return view! { <crate::caseload::CaseloadHome/> }.into_any();
    }
    let title = format!("{} home", user.role.label());
    view! {
        <Title text=title/>
        <span class="govuk-caption-l">{user.role.label()}</span>
        <h1 class="govuk-heading-l">{format!("Welcome, {}", user.name)}</h1>
        <p class="govuk-body">{format!("You are signed in as {}.", user.email)}</p>
    }
    .into_any()
}
