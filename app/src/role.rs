//! What an account is for: the one type every layer names when it decides who may do what.

use serde::{Deserialize, Serialize};

/// What an account is for; each role lands on its own home page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// A parent or carer, or a young person aged 16 to 25 acting for themselves.
    Citizen,
    /// A school SENCo, educational psychologist, health or social care professional.
    Professional,
    /// A caseworker in the council's SEN team.
    SenOfficer,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Citizen,
        Role::Professional,
        Role::SenOfficer,
        Role::Admin,
    ];

    /// The council's staff: the only roles that reach casework.
    pub const STAFF: [Role; 2] = [Role::SenOfficer, Role::Admin];

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Professional => "professional",
            Role::SenOfficer => "sen_officer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// Where this role lands after signing in.
    pub fn home_path(self) -> &'static str {
        match self {
            Role::Citizen => "/home",
            Role::Professional => "/professional",
            Role::SenOfficer => "/staff",
            Role::Admin => "/admin",
        }
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Citizen => "Parent, carer or young person",
            Role::Professional => "Professional",
            Role::SenOfficer => "SEN officer",
            Role::Admin => "Administrator",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_stored_value() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
    }
}
