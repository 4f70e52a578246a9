//! Advice asked for during an assessment (SEND Regulations 2014, reg. 6-8): of which kind, of
//! which organisation (and which member of it, or anyone in it), asked on and due by, and
//! whether it has arrived. The SEN team asks on the case page (`casework`); what is asked of
//! professionals and what families are told is read from here.

use serde::{Deserialize, Serialize};

use crate::values::Date;

#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

/// Advice-givers have 6 weeks from the request (reg. 8).
pub const DUE_AFTER_DAYS: i64 = 42;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AdviceKind {
    Educational,
    Medical,
    Psychological,
    SocialCare,
    Other,
}

impl AdviceKind {
    pub const ALL: [AdviceKind; 5] = [
        AdviceKind::Educational,
        AdviceKind::Medical,
        AdviceKind::Psychological,
        AdviceKind::SocialCare,
        AdviceKind::Other,
    ];

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AdviceKind::Educational => "educational",
            AdviceKind::Medical => "medical",
            AdviceKind::Psychological => "psychological",
            AdviceKind::SocialCare => "social_care",
            AdviceKind::Other => "other",
        }
    }

    pub fn parse(value: &str) -> Option<AdviceKind> {
        AdviceKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// Words for people: "Educational psychology advice — received" reads from these.
    pub fn label(self) -> &'static str {
        match self {
            AdviceKind::Educational => "Educational advice",
            AdviceKind::Medical => "Health advice",
            AdviceKind::Psychological => "Educational psychology advice",
            AdviceKind::SocialCare => "Social care advice",
            AdviceKind::Other => "Other advice",
        }
    }

    /// Who usually gives it, for the SEN officer choosing.
    pub fn hint(self) -> &'static str {
        match self {
            AdviceKind::Educational => "from the school or early years setting",
            AdviceKind::Medical => "from a health team",
            AdviceKind::Psychological => "from the educational psychology service",
            AdviceKind::SocialCare => "from social care",
            AdviceKind::Other => "from anyone else the SEN team thinks should advise",
        }
    }
}

/// Where a request stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdviceState {
    Waiting { due: Date },
    Overdue { due: Date },
    Received { on: Date },
}

impl AdviceState {
    pub fn of(due: Date, received: Option<Date>, today: Date) -> AdviceState {
        match received {
            Some(on) => AdviceState::Received { on },
            None if due < today => AdviceState::Overdue { due },
            None => AdviceState::Waiting { due },
        }
    }

    pub fn is_overdue(self) -> bool {
        matches!(self, AdviceState::Overdue { .. })
    }
}

/// How far the advice has got, from the professional's side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdviceProgress {
    /// Nobody has picked it up yet.
    NotPickedUp,
    /// Picked up by this person, who is writing it.
    Writing { by: String },
    /// Sent on this day; the SEN team has not yet accepted or returned it.
    Sent { on: Date },
    /// The SEN team sent it back with a reason; this person is changing it.
    Returned { by: String },
    /// The SEN team accepted it: the advice is received.
    Accepted,
}

impl AdviceProgress {
    /// From what is stored: whether it was received, the latest advice sent for it (`sent`
    /// while unreviewed, else the review's outcome), who picked it up, and when it was sent.
    pub fn of(
        received: bool,
        latest: Option<&str>,
        picked_up_by: Option<String>,
        sent_on: Option<Date>,
        asked_on: Date,
    ) -> AdviceProgress {
        match (received, latest, picked_up_by) {
            (true, ..) | (false, Some("accepted"), _) => AdviceProgress::Accepted,
            (false, Some("sent"), _) => AdviceProgress::Sent {
                on: sent_on.unwrap_or(asked_on),
            },
            (false, Some(_), by) => AdviceProgress::Returned {
                by: by.unwrap_or_default(),
            },
            (false, None, Some(by)) => AdviceProgress::Writing { by },
            (false, None, None) => AdviceProgress::NotPickedUp,
        }
    }

    /// Words for the SEN team and the professional.
    pub fn describe(&self) -> String {
        match self {
            AdviceProgress::NotPickedUp => "Not picked up yet".into(),
            AdviceProgress::Writing { by } => format!("Being written by {by}"),
            AdviceProgress::Sent { on } => {
                format!("Sent on {}, waiting for the SEN team", on.long())
            }
            AdviceProgress::Returned { by } => format!("Sent back to {by} to change"),
            AdviceProgress::Accepted => "Accepted".into(),
        }
    }
}

/// The latest version of the advice form for `kind` (`advice_for` in its definition).
#[cfg(feature = "ssr")]
pub fn form_for(
    library: &crate::formdef::library::FormLibrary,
    kind: AdviceKind,
) -> Option<std::sync::Arc<crate::formdef::schema::FormDefinition>> {
    library
        .all_latest()
        .into_iter()
        .find(|f| f.advice_for.iter().any(|k| k == kind.as_str()))
}

/// One request as the case page and the caseload list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdviceRequest {
    pub id: i64,
    /// Its address for professionals.
    pub public_id: String,
    pub child_id: i64,
    pub kind: AdviceKind,
    pub organisation: String,
    /// The member it was asked of by name, or `None`: anyone in the organisation.
    pub person: Option<String>,
    pub person_id: Option<i64>,
    /// What the SEN officer asked for, in their words.
    pub note: String,
    pub asked_on: Date,
    pub due_on: Date,
    pub state: AdviceState,
    pub progress: AdviceProgress,
    pub picked_up_by: Option<i64>,
    /// The draft being written or changed, if there is one (its owner is `picked_up_by`).
    pub draft: Option<String>,
}

/// A consulted school or setting has 15 days to answer (Children and Families Act 2014, s39).
pub const CONSULTATION_DAYS: i64 = 15;

/// What a consulted school or setting answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsultationAnswer {
    CanMeet,
    CannotMeet,
}

impl ConsultationAnswer {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsultationAnswer::CanMeet => "can_meet",
            ConsultationAnswer::CannotMeet => "cannot_meet",
        }
    }

    pub fn parse(value: &str) -> Option<ConsultationAnswer> {
        [ConsultationAnswer::CanMeet, ConsultationAnswer::CannotMeet]
            .into_iter()
            .find(|a| a.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            ConsultationAnswer::CanMeet => "Can meet the needs",
            ConsultationAnswer::CannotMeet => "Cannot meet the needs",
        }
    }
}

/// A school's or setting's answer: what, why, who and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answered {
    pub answer: ConsultationAnswer,
    pub reasons: String,
    pub by: Option<String>,
    pub on: Date,
}

/// A consultation with a school or setting about a draft plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consultation {
    pub id: i64,
    pub public_id: String,
    pub child_id: i64,
    pub organisation: String,
    /// The draft plan sent: its address and title.
    pub document: String,
    pub document_title: String,
    pub note: String,
    pub asked_on: Date,
    pub due_on: Date,
    pub answered: Option<Answered>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> Date {
        Date::new(2026, 12, d).unwrap()
    }

    #[test]
    fn a_request_is_overdue_only_after_its_due_day_and_never_once_received() {
        assert_eq!(
            AdviceState::of(day(10), None, day(10)),
            AdviceState::Waiting { due: day(10) }
        );
        assert!(AdviceState::of(day(10), None, day(11)).is_overdue());
        assert_eq!(
            AdviceState::of(day(10), Some(day(12)), day(20)),
            AdviceState::Received { on: day(12) }
        );
    }

    #[test]
    fn progress_follows_the_latest_advice_sent() {
        let by = || Some("Dana".to_owned());
        assert_eq!(
            AdviceProgress::of(false, None, None, None, day(1)),
            AdviceProgress::NotPickedUp
        );
        assert_eq!(
            AdviceProgress::of(false, None, by(), None, day(1)),
            AdviceProgress::Writing { by: "Dana".into() }
        );
        assert_eq!(
            AdviceProgress::of(false, Some("sent"), by(), Some(day(9)), day(1)),
            AdviceProgress::Sent { on: day(9) }
        );
        assert_eq!(
            AdviceProgress::of(false, Some("rejected"), by(), Some(day(9)), day(1)),
            AdviceProgress::Returned { by: "Dana".into() }
        );
        assert_eq!(
            AdviceProgress::of(false, Some("accepted"), by(), None, day(1)),
            AdviceProgress::Accepted
        );
        assert_eq!(
            AdviceProgress::of(true, None, None, None, day(1)),
            AdviceProgress::Accepted
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn every_kind_of_advice_has_exactly_one_form_started_only_from_a_request() {
        use crate::role::Role;
        let library = crate::formdef::library::FormLibrary::shipped().expect("shipped forms load");
        for kind in AdviceKind::ALL {
            let forms: Vec<_> = library
                .all_latest()
                .into_iter()
                .filter(|f| f.advice_for.iter().any(|k| k == kind.as_str()))
                .collect();
            assert_eq!(forms.len(), 1, "{kind:?} has {} advice forms", forms.len());
            assert!(!forms[0].startable_by(Role::Professional));
            assert_eq!(
                form_for(&library, kind).map(|f| f.id.clone()),
                Some(forms[0].id.clone())
            );
            // Structured like the plan: the four areas of need, each with outcomes and provision.
            for area in ["communication", "cognition", "semh", "sensory_physical"] {
                let section = forms[0].sections().find(|s| s.id == area).expect("area");
                let fields: Vec<&str> = section.fields.iter().map(|f| f.id.as_str()).collect();
                assert_eq!(fields, ["has_needs", "needs", "outcomes", "provision"]);
            }
        }
        for form in library.all_latest() {
            for k in &form.advice_for {
                assert!(
                    AdviceKind::parse(k).is_some(),
                    "{}: unknown kind {k}",
                    form.id
                );
            }
        }
    }

    #[test]
    fn every_kind_reads_back_from_what_is_stored() {
        for kind in AdviceKind::ALL {
            assert_eq!(AdviceKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(AdviceKind::parse(""), None);
    }
}
