//! The one state every handler and server function shares, given to server functions through
//! Leptos context and to plain axum handlers through `State`.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use super::{Db, Mailer, Outbox, Storage};
use crate::{error::AppError, site::SiteInfo};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    /// Delivers email; only the outbox's sender uses it (`platform::outbox`).
    pub mailer: Mailer,
    /// Where every change writes its emails, in its own transaction.
    pub outbox: Outbox,
    pub site: SiteInfo,
    pub runtime: Arc<Runtime>,
    /// Every form definition, checked at start-up.
    pub forms: Arc<crate::formdef::library::FormLibrary>,
    /// Uploaded files.
    pub storage: Storage,
}

/// Settings the features read at run time.
#[derive(Debug)]
pub struct Runtime {
    pub environment: Environment,
    /// The address people use to reach the portal, for links in emails (no trailing slash).
    pub base_url: String,
    /// Keys the hashes of emailed codes, so a copy of the database alone cannot test codes.
    pub secret_key: secrecy::SecretString,
    /// Other council services shown as tiles on the home page (`PORTAL_SERVICE_TILES`).
    pub service_tiles: Vec<ServiceTile>,
    /// Turns at argon2 hashing (see `auth::ssr::hash_secret_off_thread`).
    pub hashing: tokio::sync::Semaphore,
    /// Load balancers and proxies whose `X-Forwarded-For` is believed (`PORTAL_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How often the scheduled clean-up runs (`PORTAL_CLEAN_UP_SECS`; 10 minutes).
    pub clean_up_every: std::time::Duration,
    /// How often the reminders run (`PORTAL_REMINDERS_SECS`; an hour).
    pub reminders_every: std::time::Duration,
}

/// How many argon2 hashes run at once: one core is always left for everything else.
pub fn hashing_turns() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get().saturating_sub(1))
        .unwrap_or(1)
        .max(1)
}

/// A tile on the home page linking to one of the council's other services.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceTile {
    pub title: String,
    pub url: String,
}

impl AppState {
    /// The state of the current request, inside a server function or component on the server.
    pub fn current() -> Result<AppState, AppError> {
        leptos::prelude::use_context::<AppState>()
            .ok_or_else(|| crate::error::internal("AppState missing from the Leptos context"))
    }

    pub fn is_production(&self) -> bool {
        self.runtime.environment == Environment::Production
    }
}
