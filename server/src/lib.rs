//! SEND Portal's server: configuration, start-up and the HTTP middleware around the Leptos app.
//! `main.rs` is a thin wrapper, so tests start the very same router on a free port.

pub mod config;
pub mod middleware;
pub mod startup;

pub use config::Settings;
pub use startup::{build_state, router, serve, shutdown_signal, start_sender, Background};
