//! Forms as data: the typed definitions the TOML files are read into (`schema`), the answers of
//! a draft (`answers`), the checks shared by the browser and the server (`validate`), and the
//! library of every definition, checked at start-up (`library`). No database, no pages: the
//! wizard and the submissions that use these are in `forms`.

pub mod answers;
pub mod example;
#[cfg(feature = "ssr")]
pub mod library;
pub mod schema;
pub mod validate;
pub mod voice;

#[cfg(all(test, feature = "ssr"))]
mod tests;
