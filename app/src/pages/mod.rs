//! Pages that belong to no single feature: the start page, the role homes and the statutory
//! statements.

mod home;
mod statements;

pub use home::{CitizenHome, HomePage, ProfessionalHome};
pub use statements::{AccessibilityPage, PrivacyPage};
