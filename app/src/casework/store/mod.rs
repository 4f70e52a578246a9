//! Cases in the database: the dashboard's query, a case as its page shows it, and every change
//! the SEN team makes to one. Each change is checked against the case's version (another
//! caseworker may have changed it since the page was loaded) and written to the audit log.

mod advice;
mod case;
mod dashboard;
mod links;
mod plan;
mod requests;
mod review;
mod sharing;
mod stages;

pub use advice::*;
pub use case::*;
pub use dashboard::*;
pub use links::*;
pub use plan::*;
pub use requests::*;
pub use review::*;
pub use sharing::*;
pub use stages::*;
