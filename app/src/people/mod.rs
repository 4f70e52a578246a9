//! Children and young people, and who is linked to them. A person sees a child's record only
//! through a link; every lookup here goes through one, so another child cannot be reached.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod ssr;

/// A child as pages show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildSummary {
    /// The random id in addresses (`/children/…`).
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    /// ISO 8601.
    pub date_of_birth: String,
}

impl ChildSummary {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// How a person is linked to a child.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Relationship {
    ParentCarer,
    /// A young person's own record.
    Myself,
    Professional,
}

impl Relationship {
    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::ParentCarer => "parent_carer",
            Relationship::Myself => "self",
            Relationship::Professional => "professional",
        }
    }
}

/// The children linked to the signed-in person (for the home page until the SEND area).
#[leptos::server(prefix = "/api", endpoint = "people/children")]
pub async fn my_children() -> Result<Vec<ChildSummary>, crate::error::AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                auth::api::server::require_role, forms::api::server::FORM_ROLES, platform::AppState,
            };
            let state = AppState::current()?;
            let (account, _) = require_role(&state, &FORM_ROLES).await?;
            Ok(ssr::children_of(state.db.pool(), account.id)
                .await?
                .into_iter()
                .map(|c| c.summary)
                .collect())
        }
        .await,
    )
}
