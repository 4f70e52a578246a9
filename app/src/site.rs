//! Who runs this deployment: the council's name and the SEN team's contact details, shown in
//! every page's header and footer. Sent once in the page so the browser renders the same words.

use serde::{Deserialize, Serialize};

/// The id of the `<script type="application/json">` element that carries [`SiteInfo`] to the
/// browser, where `hydrate()` reads it before the first render.
pub const SITE_INFO_ELEMENT_ID: &str = "portal-site";

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
    /// JSON safe to place inside a `<script>` element: `<` is escaped so no text can close it.
    pub fn to_script_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|_| "{}".into())
            .replace('<', "\\u003c")
    }

    pub fn from_script_json(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }

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

/// The site information of the current render (server or browser).
pub fn use_site() -> SiteInfo {
    leptos::prelude::use_context::<SiteInfo>().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_its_script_element() {
        let site = SiteInfo {
            council_name: "</script><script>alert(1)</script>".into(),
            ..SiteInfo::default()
        };
        let json = site.to_script_json();
        assert!(!json.contains("</script>"));
        assert_eq!(SiteInfo::from_script_json(&json), Some(site));
    }

    #[test]
    fn phone_href_keeps_only_dialable_characters() {
        let site = SiteInfo {
            sen_team_phone: "01642 527145".into(),
            ..SiteInfo::default()
        };
        assert_eq!(site.phone_href(), "tel:01642527145");
    }
}
