//! Organisations professionals work in — a school or early-years setting, the educational
//! psychology service, a health team, social care — and who belongs to each. Administrators
//! create them and add or remove members; work can then be asked of an organisation as well as
//! of a person, so it does not stall when someone leaves. Every change is written to the audit
//! log in the same transaction.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

/// The longest name an organisation may have, in characters.
pub const NAME_MAX_CHARS: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrganisationKind {
    School,
    EarlyYears,
    EducationalPsychology,
    Health,
    SocialCare,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 5] = [
        OrganisationKind::School,
        OrganisationKind::EarlyYears,
        OrganisationKind::EducationalPsychology,
        OrganisationKind::Health,
        OrganisationKind::SocialCare,
    ];

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::School => "school",
            OrganisationKind::EarlyYears => "early_years",
            OrganisationKind::EducationalPsychology => "educational_psychology",
            OrganisationKind::Health => "health",
            OrganisationKind::SocialCare => "social_care",
        }
    }

    pub fn parse(value: &str) -> Option<OrganisationKind> {
        OrganisationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == value)
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            OrganisationKind::School => "School",
            OrganisationKind::EarlyYears => "Early years setting",
            OrganisationKind::EducationalPsychology => "Educational psychology service",
            OrganisationKind::Health => "Health team",
            OrganisationKind::SocialCare => "Social care team",
        }
    }
}

/// An organisation's name as it is kept: spaces trimmed and runs of them made one.
pub fn tidy_name(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What makes two names the same organisation: case and spacing do not count.
pub fn name_key(name: &str) -> String {
    tidy_name(name).to_lowercase()
}

/// A tidied name, or the message that says what is wrong with it.
pub fn check_name(name: &str) -> Result<String, &'static str> {
    let name = tidy_name(name);
    if name.is_empty() {
        return Err("Enter the organisation’s name");
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err("The name must be 100 characters or fewer");
    }
    Ok(name)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationSummary {
    pub id: i64,
    pub name: String,
    pub kind: OrganisationKind,
    pub members: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    /// Deactivated accounts stay listed (their work is still the organisation's) until removed.
    pub active: bool,
    pub added_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationRecord {
    pub id: i64,
    pub name: String,
    pub kind: OrganisationKind,
    pub created_at: i64,
    pub members: Vec<Member>,
}

#[cfg(feature = "ssr")]
mod server {
    use super::{store, OrganisationKind};
    use crate::{
        auth::ssr::accounts::{Account, Audit},
        error::AppError,
        platform::{db::unix_now, AppState},
    };

    pub fn kind_of(value: &str) -> Result<OrganisationKind, AppError> {
        OrganisationKind::parse(value)
            .ok_or_else(|| crate::error::internal(format!("unknown organisation kind {value:?}")))
    }

    /// Adds or removes `member` (`added` says which), in the audit log of the member's account
    /// with the organisation's name; the audit entry and the change are one transaction.
    pub async fn change_membership(
        state: &AppState,
        admin: &Account,
        organisation_id: i64,
        member: &Account,
        added: bool,
        ip: &str,
    ) -> Result<bool, AppError> {
        let mut tx = state.db.begin().await?;
        let name = store::organisation_name(&mut tx, organisation_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let changed = if added {
            store::add_member(&mut tx, organisation_id, member.id, admin.id, unix_now()).await?
        } else {
            store::remove_member(&mut tx, organisation_id, member.id).await?
        };
        if changed {
            let action = if added {
                "organisation_member_added"
            } else {
                "organisation_member_removed"
            };
            Audit::of(Some(member.id), action, ip)
                .by(admin.id)
                .detail(&name)
                .write(&mut tx)
                .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }
}

/// Every organisation, by name, with how many members each has.
#[server(prefix = "/api", endpoint = "admin/organisations")]
pub async fn list_organisations() -> Result<Vec<OrganisationSummary>, AppError> {
    crate::error::with_status(
        async move {
            use crate::platform::AppState;
            let state = AppState::current()?;
            crate::auth::api::server::require_admin(&state).await?;
            store::list_organisations(state.db.pool())
                .await?
                .into_iter()
                .map(|row| {
                    Ok(OrganisationSummary {
                        id: row.id,
                        kind: server::kind_of(&row.kind)?,
                        name: row.name,
                        members: row.members,
                    })
                })
                .collect()
        }
        .await,
    )
}

/// One organisation and its members, by name.
#[server(prefix = "/api", endpoint = "admin/organisation")]
pub async fn organisation_detail(organisation_id: i64) -> Result<OrganisationRecord, AppError> {
    crate::error::with_status(
        async move {
            use crate::platform::AppState;
            let state = AppState::current()?;
            crate::auth::api::server::require_admin(&state).await?;
            let row = store::find_organisation(state.db.pool(), organisation_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let members = store::list_members(state.db.pool(), organisation_id).await?;
            Ok(OrganisationRecord {
                id: row.id,
                kind: server::kind_of(&row.kind)?,
                name: row.name,
                created_at: row.created_at,
                members: members
                    .into_iter()
                    .map(|m| Member {
                        user_id: m.user_id,
                        name: m.full_name,
                        email: m.email,
                        active: m.deactivated_at.is_none(),
                        added_at: m.added_at,
                    })
                    .collect(),
            })
        }
        .await,
    )
}

/// Creates an organisation. Names are unique whatever their case and spacing, also when two
/// administrators create the same one at once.
#[server(prefix = "/api", endpoint = "admin/create-organisation")]
pub async fn create_organisation(name: String, kind: String) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                auth::{api::server::client_ip, ssr::accounts::Audit},
                platform::{db::unix_now, AppState},
            };
            let state = AppState::current()?;
            let admin = crate::auth::api::server::require_admin(&state).await?;
            let name = check_name(&name).map_err(|m| AppError::field("name", m))?;
            let kind = OrganisationKind::parse(&kind).ok_or_else(|| {
                AppError::field("kind-school", "Choose what kind of organisation it is")
            })?;
            let ip = client_ip().await;
            let mut tx = state.db.begin().await?;
            let id = store::insert_organisation(
                &mut tx,
                &name,
                &name_key(&name),
                kind.as_str(),
                admin.id,
                unix_now(),
            )
            .await?
            .ok_or_else(|| {
                AppError::field(
                    "name",
                    format!("There is already an organisation called {name}"),
                )
            })?;
            Audit::of(Some(admin.id), "organisation_created", &ip)
                .detail(&format!("{name} ({})", kind.label()))
                .write(&mut tx)
                .await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/admin/organisations/{id}?done=created"));
            Ok(())
        }
        .await,
    )
}

/// Adds a professional to an organisation by their account's email address.
#[server(prefix = "/api", endpoint = "admin/add-member")]
pub async fn add_member(organisation_id: i64, email: String) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                auth::{api::server::client_ip, ssr::accounts},
                platform::AppState,
                role::Role,
            };
            let state = AppState::current()?;
            let admin = crate::auth::api::server::require_admin(&state).await?;
            if email.trim().is_empty() {
                return Err(AppError::field(
                    "email",
                    "Enter the professional’s email address",
                ));
            }
            let member = accounts::find_account_by_email(&state, &email)
                .await?
                .ok_or_else(|| {
                    AppError::field(
                        "email",
                        "No account has this email address. Create a staff account for them first.",
                    )
                })?;
            if member.role != Role::Professional {
                return Err(AppError::field(
                    "email",
                    format!(
                        "Only professionals can be members of an organisation: {} is {}.",
                        member.full_name,
                        match member.role {
                            Role::Citizen => "a parent, carer or young person",
                            Role::SenOfficer => "an SEN officer",
                            Role::Admin => "an administrator",
                            Role::Professional => "a professional",
                        }
                    ),
                ));
            }
            let ip = client_ip().await;
            let added =
                server::change_membership(&state, &admin, organisation_id, &member, true, &ip)
                    .await?;
            if !added {
                return Err(AppError::field(
                    "email",
                    format!("{} is already a member", member.full_name),
                ));
            }
            leptos_axum::redirect(&format!(
                "/admin/organisations/{organisation_id}?done=added"
            ));
            Ok(())
        }
        .await,
    )
}

/// Takes a member out of an organisation; their account and records stay as they are.
#[server(prefix = "/api", endpoint = "admin/remove-member")]
pub async fn remove_member(organisation_id: i64, user_id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::{
                auth::{api::server::client_ip, ssr::accounts},
                platform::AppState,
            };
            let state = AppState::current()?;
            let admin = crate::auth::api::server::require_admin(&state).await?;
            let member = accounts::find_account(&state, user_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let ip = client_ip().await;
            // Removing someone already gone (a second click, another admin) changes nothing.
            server::change_membership(&state, &admin, organisation_id, &member, false, &ip).await?;
            leptos_axum::redirect(&format!(
                "/admin/organisations/{organisation_id}?done=removed"
            ));
            Ok(())
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_tidied_and_compared_without_case_or_spacing() {
        assert_eq!(tidy_name("  Oakfield   Primary \t"), "Oakfield Primary");
        assert_eq!(name_key("OAKFIELD  primary"), name_key(" Oakfield Primary"));
        assert_ne!(name_key("Oakfield Primary"), name_key("Oakfield Infants"));
    }

    #[test]
    fn a_name_must_be_there_and_not_too_long() {
        assert_eq!(check_name("   "), Err("Enter the organisation’s name"));
        assert!(check_name(&"x".repeat(NAME_MAX_CHARS)).is_ok());
        assert_eq!(
            check_name(&"é".repeat(NAME_MAX_CHARS + 1)),
            Err("The name must be 100 characters or fewer")
        );
    }

    #[test]
    fn every_kind_reads_back_from_what_is_stored() {
        for kind in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(OrganisationKind::parse("police"), None);
    }
}
