//! Forms: typed definitions (data files), the answers of a draft, the checks shared by the
//! browser and the server, the step-by-step wizard that saves itself, and submissions.

pub mod answers;
pub mod api;
pub mod autosave;
pub mod example;
#[cfg(feature = "ssr")]
pub mod fields;
#[cfg(feature = "ssr")]
pub mod files;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod post;
#[cfg(feature = "ssr")]
pub mod render;
pub mod rules;
pub mod schema;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
pub mod store;
pub mod validate;
pub mod wizard;

#[cfg(all(test, feature = "ssr"))]
mod tests;
