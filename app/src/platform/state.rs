//! The one state every handler and server function shares, given to server functions through
//! Leptos context and to plain axum handlers through `State`.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use super::{Db, Mailer, Storage};
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
    pub mailer: Mailer,
    pub site: SiteInfo,
    pub runtime: Arc<Runtime>,
    /// Every form definition, checked at start-up.
    pub forms: Arc<crate::forms::ssr::FormLibrary>,
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
