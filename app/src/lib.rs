//! SEND Portal's application: pages, server functions and the domain types that the server and
//! the browser share. Server-only code (stores, pages, plumbing) is behind the `ssr` feature;
//! the browser's wasm holds the islands. `app/LAYERS` lists the modules from the ground up.
// Leptos views are deeply nested types; the default limit is too low for whole pages.
#![recursion_limit = "256"]

pub mod account;
pub mod admin;
pub mod advice;
pub mod area;
pub mod auth;
#[cfg(feature = "ssr")]
pub mod caseload;
pub mod casework;
pub mod clock;
pub mod components;
#[cfg(feature = "ssr")]
pub mod copies;
pub mod documents;
pub mod error;
pub mod formdef;
pub mod forms;
#[cfg(feature = "ssr")]
pub mod layout;
pub mod mailbox;
pub mod messages;
#[cfg(feature = "ssr")]
pub mod pages;
pub mod people;
pub mod plans;
#[cfg(feature = "ssr")]
pub mod reminders;
pub mod role;
#[cfg(feature = "ssr")]
pub mod routes;
pub mod site;
pub mod status;
pub mod teams;
pub mod values;

#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod ids;
#[cfg(feature = "ssr")]
pub mod platform;

#[cfg(feature = "ssr")]
pub use routes::{shell, App};

/// Sets up the reactive system in the browser for the page's islands, which the page's loader
/// then hydrates. Called by `frontend`; living here, it links this crate's islands into the wasm.
#[cfg(feature = "hydrate")]
pub fn hydrate_islands() {
    leptos::mount::hydrate_islands();
}
