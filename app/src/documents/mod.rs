//! What the SEN team and professionals share on a child's record: letters, reports, the draft
//! and final EHC plan. Listed in the child's History with "View Shared Form", read as a page,
//! with their files to download, by the linked people chosen when it was shared. Every
//! reading is audited.

#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

/// A file attached to an answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentInfo {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub content_type: String,
}

impl AttachmentInfo {
    /// "report.pdf (PDF, 1.2 MB)".
    pub fn describe(&self) -> String {
        let kind = match self.content_type.as_str() {
            "application/pdf" => "PDF",
            "application/msword"
            | "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "Word",
            _ => "image",
        };
        format!("{} ({kind}, {})", self.name, human_size(self.size))
    }
}

/// A size as people read it: "900 KB", "1.2 MB".
pub fn human_size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{} MB", bytes / MB)
    } else if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else {
        format!("{} KB", bytes.div_ceil(1024).max(1))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocumentKind {
    Letter,
    Report,
    DraftPlan,
    FinalPlan,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 4] = [
        DocumentKind::Letter,
        DocumentKind::Report,
        DocumentKind::DraftPlan,
        DocumentKind::FinalPlan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Letter => "letter",
            DocumentKind::Report => "report",
            DocumentKind::DraftPlan => "draft_plan",
            DocumentKind::FinalPlan => "final_plan",
        }
    }

    pub fn parse(text: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Letter => "Letter",
            DocumentKind::Report => "Report",
            DocumentKind::DraftPlan => "Draft EHC plan",
            DocumentKind::FinalPlan => "Final EHC plan",
        }
    }
}

/// A shared document in a child's History.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedListing {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub shared_by: String,
    pub shared_at: i64,
}

/// `/shared/:document`: "View Shared Form", the document as a page, with its files.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn SharedDocumentPage() -> impl leptos::IntoView {
    let id = crate::components::param("document");
    crate::components::server_page(format!("/shared/{id}"), move |state| async move {
        pages::document_page(&state, &id).await
    })
}

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(human_size(1), "1 KB");
        assert_eq!(human_size(900 * 1024), "900 KB");
        assert_eq!(human_size(20 * 1024 * 1024), "20 MB");
        assert_eq!(human_size(1024 * 1024 + 200 * 1024), "1.2 MB");
    }
}
