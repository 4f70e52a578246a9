//! A professional's caseload, their home page: the children they are involved with (linked to,
//! or asked for advice about through one of their organisations), each with its stage and what
//! is asked of them, due and overdue first; and picking a request up, which starts the advice
//! form for its kind.

#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod post;
#[cfg(feature = "ssr")]
pub mod store;

/// Children whose case closed within this many days are listed as finished; older ones drop off.
pub const FINISHED_SHOWN_DAYS: i64 = 548;

/// `/professional`: the caseload.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn CaseloadHome() -> impl leptos::IntoView {
    crate::components::server_page("/professional".into(), |state| async move {
        pages::caseload(&state).await
    })
}

/// `/consultations/:consultation`: a school's or setting's consultation, and its answer.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn ConsultationPage() -> impl leptos::IntoView {
    let id = crate::components::param("consultation");
    crate::components::server_page(format!("/consultations/{id}"), move |state| async move {
        pages::consultation_page(&state, &id).await
    })
}

/// `/professional/request`: a school or setting asks for an assessment.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn SettingRequestPage() -> impl leptos::IntoView {
    crate::components::server_page("/professional/request".into(), |state| async move {
        pages::request_page(&state).await
    })
}
