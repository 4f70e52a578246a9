//! Accounts and who may do what. Sign-in, two-step verification and sessions build on this.

use serde::{Deserialize, Serialize};

pub mod account;
pub mod api;
pub mod idle;
pub mod pages;
pub mod recovery;
pub mod register;
pub mod return_path;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod session_store;
#[cfg(feature = "ssr")]
pub mod ssr;

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

/// Words for an audit-log action, for the account page and the admin pages.
pub fn describe_action(action: &str) -> &'static str {
    match action {
        "sign_in" => "Signed in",
        "sign_in_failed" => "Wrong password entered",
        "code_failed" => "Wrong code entered",
        "code_sent" => "Sign-in code emailed",
        "sign_out" => "Signed out",
        "password_changed" => "Password changed",
        "password_reset" => "Password reset by email link",
        "password_check_failed" => "Wrong current password entered",
        "reset_requested" => "Password reset link emailed",
        "reset_refused" => "Password reset refused (wrong answer)",
        "register" => "Registered",
        "register_existing" => "Someone tried to register again with this address",
        "email_confirmed" => "Email address confirmed",
        "two_step_set_up" => "Two-step verification set up",
        "two_step_reset" => "Two-step verification reset",
        "secret_changed" => "Secret question changed",
        "signed_out_others" => "Signed out of other sessions",
        "account_created" => "Account created",
        "role_changed" => "Role changed",
        "account_deactivated" => "Account deactivated",
        "account_reactivated" => "Account reactivated",
        "child_viewed" => "Opened a child's page",
        "status_viewed" => "Looked at a child's assessment status",
        "message_read" => "Read a message about a child",
        "message_sent" => "Sent a portal message",
        "document_viewed" => "Read a shared document",
        "document_shared" => "Shared a document",
        "submission_viewed" => "Looked at a sent form",
        "draft_opened" => "Opened a form being filled in",
        "form_started" => "Started a form",
        "person_added" => "Added a person (Add Person)",
        "file_uploaded" => "Uploaded a file",
        "file_downloaded" => "Downloaded a file",
        "form_submitted" => "Sent a form",
        "case_created" => "Added the case",
        "case_viewed" => "Opened the case",
        "case_assigned" => "Assigned the case",
        "link_added" => "Linked a person to the child",
        "link_confirmed" => "Confirmed a person’s link to the child",
        "link_removed" => "Removed a person’s link to the child",
        "invitation_sent" => "Invited someone to register",
        "invitation_accepted" => "Registered from an invitation and was linked",
        "submission_accepted" => "Accepted a form",
        "submission_rejected" => "Sent a form back to be changed",
        "submission_reviewed" => "Looked at a form to review it",
        "stage_recorded" => "Recorded a stage of the assessment",
        "advice_requested" => "Recorded that advice was requested",
        _ => "Account activity",
    }
}

/// Secret answers are compared ignoring case and spacing: "Oakfield  primary" matches
/// "oakfield primary".
pub fn normalise_secret_answer(answer: &str) -> String {
    answer
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_answers_ignore_case_and_spacing() {
        assert_eq!(
            normalise_secret_answer("  Oakfield   PRIMARY "),
            "oakfield primary"
        );
    }

    #[test]
    fn every_role_round_trips_through_its_stored_value() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
    }
}
