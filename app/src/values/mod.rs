//! Domain values with rules, parsed rather than checked (dates, email addresses, UPNs, NHS
//! numbers, postcodes, phone numbers): the same code runs in the browser for instant feedback
//! and on the server, which is the only check trusted.

mod contact;
mod date;
mod identifiers;

pub use contact::{EmailAddress, Postcode, UkPhone};
pub use date::{Date, DateError};
pub use identifiers::{NhsNumber, Upn};
