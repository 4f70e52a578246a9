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

/// One request as the case page lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdviceRequest {
    pub id: i64,
    pub kind: AdviceKind,
    pub organisation: String,
    /// The member it was asked of by name, or `None`: anyone in the organisation.
    pub person: Option<String>,
    pub asked_on: Date,
    pub due_on: Date,
    pub state: AdviceState,
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
    fn every_kind_reads_back_from_what_is_stored() {
        for kind in AdviceKind::ALL {
            assert_eq!(AdviceKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(AdviceKind::parse(""), None);
    }
}
