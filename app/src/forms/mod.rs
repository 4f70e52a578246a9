//! Forms filled in: drafts and their files, the step-by-step wizard that saves itself, and
//! submissions. What a form is (definitions, answers, checks) is in `formdef`.

pub mod api;
pub mod autosave;
pub mod browser;
pub mod checks;
#[cfg(feature = "ssr")]
pub mod consent;
#[cfg(feature = "ssr")]
pub mod fields;
#[cfg(feature = "ssr")]
pub mod files;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod post;
#[cfg(feature = "ssr")]
pub mod render;
#[cfg(feature = "ssr")]
pub mod steps;
#[cfg(feature = "ssr")]
pub mod store;
pub mod wizard;
