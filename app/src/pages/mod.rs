//! Pages that belong to no single feature: the start page, the statutory statements and the
//! error pages.

mod errors;
mod home;
mod statements;

pub use errors::{load_failed, ErrorPage, NotFound};
pub use home::HomePage;
pub use statements::{AccessibilityPage, PrivacyPage};
