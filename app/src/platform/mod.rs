//! Server-only plumbing every feature uses: the shared state, the database, mail, jobs and
//! stored files. Constructed by the `server` crate from its configuration.

pub mod assets;
pub mod client;
pub mod db;
pub mod jobs;
pub mod mail;
pub mod outbox;
pub mod state;
pub mod storage;

pub use db::{Db, Dialect};
pub use mail::{Email, Mailer};
pub use outbox::Outbox;
pub use state::{AppState, Environment};
pub use storage::Storage;
