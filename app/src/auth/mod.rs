//! Who is asking and what they may do: accounts, sessions, sign-in with an emailed code, roles
//! and the audit log. No pages: those are in `account`, which builds on this.

pub mod api;
pub mod return_path;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod session_store;
#[cfg(feature = "ssr")]
pub mod ssr;

/// The window event that says something reached the server on the person's behalf (an
/// autosave, say), so the inactivity clock starts again: islands do not share signals.
pub const ACTIVITY_EVENT: &str = "portal-activity";

/// Tells the inactivity warning that the session was just refreshed.
pub fn report_activity() {
    if let Ok(event) = web_sys::Event::new(ACTIVITY_EVENT) {
        let _ = leptos::prelude::window().dispatch_event(&event);
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
        "advice_asked" => "Asked an organisation for advice",
        "organisation_created" => "Added an organisation",
        "organisation_member_added" => "Added to an organisation",
        "organisation_member_removed" => "Removed from an organisation",
        "submission_accepted" => "Accepted a form",
        "submission_rejected" => "Sent a form back to be changed",
        "submission_reviewed" => "Looked at a form to review it",
        "stage_recorded" => "Recorded a stage of the assessment",
        "advice_requested" => "Recorded that advice was requested",
        "advice_picked_up" => "Picked up a request for advice",
        "school_consulted" => "Consulted a school or setting",
        "consultation_answered" => "Answered a consultation",
        "assessment_requested_by_setting" => "Asked for an assessment (school or setting)",
        "message_replied" => "Replied to a message",
        "message_written" => "Wrote to the SEN team",
        "conversation_read" => "Read a conversation",
        "plan_viewed" => "Read the EHC plan",
        "plan_commented" => "Commented on the draft EHC plan",
        "plan_setting_named" => "Named the school or setting they would like",
        "plan_meeting_asked" => "Asked for a meeting about the draft plan",
        "plan_saved" => "Saved the EHC plan being written",
        "plan_issued" => "Issued the draft EHC plan",
        "plan_comment_answered" => "Answered a comment on the draft plan",
        "final_plan_issued" => "Issued the final EHC plan",
        "copy_downloaded" => "Downloaded a copy (PDF)",
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
}
