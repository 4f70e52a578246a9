//! The SEN team's casework: the dashboard of open cases, and a case's page, where the team
//! links people, asks for forms, reviews what is sent, shares documents and records the
//! statutory clock. Only SEN officers and administrators reach any of it. The pages are
//! rendered on the server and every change is a plain form post (see `post`), so all of it
//! works without JavaScript and adds almost nothing to the WebAssembly.

use serde::{Deserialize, Serialize};

use crate::{components::HtmlPage, error::AppError, people::ChildSummary};

#[cfg(feature = "ssr")]
pub mod html;
#[cfg(feature = "ssr")]
pub mod post;
#[cfg(feature = "ssr")]
pub mod ssr;

/// Cases listed per dashboard page.
pub const PAGE_SIZE: i64 = 25;

/// The dashboard's filters and search, as its address carries them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFilter {
    /// A stage's name, "not_started", or empty for every stage.
    pub stage: String,
    /// A caseworker's id, "none" for unassigned, or empty for anyone.
    pub caseworker: String,
    pub overdue: bool,
    pub awaiting: bool,
    /// A name, a date of birth or a reference.
    pub q: String,
    pub page: i64,
}

/// A row of the dashboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DashboardRow {
    pub child: ChildSummary,
    pub reference: String,
    pub stage: String,
    pub requested_on: Option<String>,
    pub next_deadline: Option<String>,
    pub caseworker: Option<String>,
    pub outstanding: i64,
    pub awaiting: i64,
}

/// `/staff`: the dashboard.
#[leptos::server(prefix = "/api", endpoint = "staff/dashboard")]
pub async fn dashboard_page(
    stage: String,
    caseworker: String,
    due: String,
    q: String,
    page: String,
) -> Result<HtmlPage, AppError> {
    let filter = CaseFilter {
        stage,
        caseworker,
        overdue: due == "overdue",
        awaiting: due == "awaiting",
        q,
        page: page.parse().unwrap_or(1),
    };
    crate::error::with_status(
        html::dashboard(&crate::platform::AppState::current()?, &filter).await,
    )
}

/// `/staff/cases/:child`: a case.
#[leptos::server(prefix = "/api", endpoint = "staff/case")]
pub async fn case_page(child: String) -> Result<HtmlPage, AppError> {
    crate::error::with_status(html::case(&crate::platform::AppState::current()?, &child).await)
}

/// `/staff/cases/:child/submissions/:submission`: a submission to review.
#[leptos::server(prefix = "/api", endpoint = "staff/submission")]
pub async fn submission_page(child: String, submission: String) -> Result<HtmlPage, AppError> {
    crate::error::with_status(
        html::submission(&crate::platform::AppState::current()?, &child, &submission).await,
    )
}

/// `/staff/cases/new`: adding a case for a child the portal does not know yet.
#[leptos::server(prefix = "/api", endpoint = "staff/new-case")]
pub async fn new_case_page() -> Result<HtmlPage, AppError> {
    crate::error::with_status(html::new_case(&crate::platform::AppState::current()?).await)
}

#[leptos::component]
pub fn DashboardPage() -> impl leptos::IntoView {
    use leptos::prelude::*;
    let query = leptos_router::hooks::use_query_map();
    let key = move || {
        let q = query.read();
        let get = |name: &str| q.get(name).unwrap_or_default();
        (
            get("stage"),
            get("caseworker"),
            get("due"),
            get("q"),
            get("page"),
        )
    };
    crate::components::server_page(
        key,
        |(stage, caseworker, due, q, page)| dashboard_page(stage, caseworker, due, q, page),
        || "/staff".to_owned(),
    )
}

#[leptos::component]
pub fn CasePage() -> impl leptos::IntoView {
    use leptos::prelude::*;
    let params = leptos_router::hooks::use_params_map();
    let child = move || params.read().get("child").unwrap_or_default();
    crate::components::server_page(child, case_page, move || {
        format!("/staff/cases/{}", child())
    })
}

#[leptos::component]
pub fn CaseSubmissionPage() -> impl leptos::IntoView {
    use leptos::prelude::*;
    let params = leptos_router::hooks::use_params_map();
    let key = move || {
        let p = params.read();
        (
            p.get("child").unwrap_or_default(),
            p.get("submission").unwrap_or_default(),
        )
    };
    crate::components::server_page(
        key,
        |(child, submission)| submission_page(child, submission),
        move || {
            let (child, submission) = key();
            format!("/staff/cases/{child}/submissions/{submission}")
        },
    )
}

#[leptos::component]
pub fn NewCasePage() -> impl leptos::IntoView {
    crate::components::server_page(|| (), |_| new_case_page(), || "/staff/cases/new".to_owned())
}
