//! Who runs this deployment: the council's name and the SEN team's contact details, shown in
//! every page's header and footer (rendered on the server).

use serde::{Deserialize, Serialize};

/// The service's name, in every page's title and header and in emails.
pub const SERVICE_NAME: &str = "SEND Portal";

/// The name cargo-leptos gives the CSS, JS and wasm files under `/pkg`.
pub const OUTPUT_NAME: &str = "send_portal";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    pub council_name: String,
    pub sen_team_phone: String,
    pub sen_team_email: String,
    /// Whether the development mailbox is on (never in production).
    pub dev_mailbox: bool,
}

impl Default for SiteInfo {
    fn default() -> Self {
        Self {
            council_name: "Example Borough Council".into(),
            sen_team_phone: "01234 567890".into(),
            sen_team_email: "sen.team@example.org".into(),
            dev_mailbox: false,
        }
    }
}

impl SiteInfo {
    /// The phone number as a `tel:` link target (digits and `+` only).
    pub fn phone_href(&self) -> String {
        let digits: String = self
            .sen_team_phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        format!("tel:{digits}")
    }
}

/// The site information of the current render.
pub fn use_site() -> SiteInfo {
    leptos::prelude::use_context::<SiteInfo>().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_href_keeps_only_dialable_characters() {
        let site = SiteInfo {
            sen_team_phone: "01642 527145".into(),
            ..SiteInfo::default()
        };
        assert_eq!(site.phone_href(), "tel:01642527145");
    }
}
