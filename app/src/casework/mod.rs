//! The SEN team's casework: the dashboard of open cases, and a case's page, where the team
//! links people, asks for forms, reviews what is sent, shares documents and records the
//! statutory clock. Only SEN officers and administrators reach any of it. The pages are
//! rendered on the server and every change is a plain form post (see `post`), so all of it
//! works without JavaScript and adds almost nothing to the WebAssembly.

use serde::{Deserialize, Serialize};

use crate::people::ChildSummary;

#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod post;
#[cfg(feature = "ssr")]
pub mod store;

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
    /// Only cases with advice asked for, not received and past its due date.
    pub advice_overdue: bool,
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
    /// Advice asked for and not yet received, soonest due first.
    pub advice: Vec<AwaitedAdvice>,
}

/// Advice a dashboard row is waiting on: what, from whom, due when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwaitedAdvice {
    pub kind: crate::advice::AdviceKind,
    pub organisation: String,
    pub due_on: crate::values::Date,
}

/// `/staff`: the dashboard.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn DashboardPage() -> impl leptos::IntoView {
    use crate::components::query;
    let due = query("due");
    let filter = CaseFilter {
        stage: query("stage"),
        caseworker: query("caseworker"),
        overdue: due == "overdue",
        awaiting: due == "awaiting",
        advice_overdue: due == "advice",
        q: query("q"),
        page: query("page").parse().unwrap_or(1),
    };
    crate::components::server_page("/staff".into(), move |state| async move {
        pages::dashboard(&state, &filter).await
    })
}

/// `/staff/cases/:child`: a case.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn CasePage() -> impl leptos::IntoView {
    let child = crate::components::param("child");
    crate::components::server_page(format!("/staff/cases/{child}"), move |state| async move {
        pages::case(&state, &child).await
    })
}

/// `/staff/cases/:child/submissions/:submission`: a submission to review.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn CaseSubmissionPage() -> impl leptos::IntoView {
    use crate::components::param;
    let (child, submission) = (param("child"), param("submission"));
    crate::components::server_page(
        format!("/staff/cases/{child}/submissions/{submission}"),
        move |state| async move { pages::submission(&state, &child, &submission).await },
    )
}

/// `/staff/cases/:child/plan`: writing the EHC plan, and answering the family's comments.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn CasePlanPage() -> impl leptos::IntoView {
    let child = crate::components::param("child");
    crate::components::server_page(
        format!("/staff/cases/{child}/plan"),
        move |state| async move { pages::plan_page(&state, &child).await },
    )
}

/// `/staff/cases/new`: adding a case for a child the portal does not know yet.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn NewCasePage() -> impl leptos::IntoView {
    crate::components::server_page("/staff/cases/new".into(), |state| async move {
        pages::new_case(&state).await
    })
}
