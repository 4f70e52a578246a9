//! What the SEN team and professionals share on a child's record: letters, reports, the draft
//! and final EHC plan. Listed in the child's History with "View Shared Form", read as a page,
//! with their files to download, by the linked people chosen when it was shared. Every
//! reading is audited.

#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

use crate::{components::HtmlPage, error::AppError};

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

/// "View Shared Form": the document as a page, with its files.
#[leptos::server(prefix = "/api", endpoint = "documents/view")]
pub async fn shared_page(document: String) -> Result<HtmlPage, AppError> {
    crate::error::with_status(
        ssr::document_page(&crate::platform::AppState::current()?, &document).await,
    )
}

/// `/shared/:document`.
#[leptos::component]
pub fn SharedDocumentPage() -> impl leptos::IntoView {
    use leptos::prelude::*;
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.read().get("document").unwrap_or_default();
    crate::components::server_page(id, shared_page, move || format!("/shared/{}", id()))
}
