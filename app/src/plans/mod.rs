//! The EHC plan written in the portal, in its statutory sections A to K (SEND Code of Practice
//! 9.62). The SEN team writes a draft and issues it (the staff side is in `casework`); the
//! family reads it section by section and, for 15 days, comments on any section, names the
//! school or setting they want (a kind the Children and Families Act 2014 s38 lists) and asks
//! for a meeting. The SEN team answers each comment; issuing the final plan closes the draft,
//! and both stay on the record with the comments.

#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod post;
#[cfg(feature = "ssr")]
pub mod store;

/// The longest comment, meeting note or school name the family may write.
pub const MAX_COMMENT_CHARS: usize = 10_000;
/// The longest text of one section.
pub const MAX_SECTION_CHARS: usize = 50_000;
/// The most comments one plan takes, from everyone together.
pub const MAX_COMMENTS_PER_PLAN: i64 = 500;

/// One statutory section of a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    pub letter: &'static str,
    pub title: &'static str,
    /// What it says, to a parent or carer: `{name}` is the child's first name.
    family: &'static str,
    /// What it says, to a young person acting for themself.
    own: &'static str,
}

/// Sections A to K, in order.
pub const SECTIONS: [Section; 11] = [
    Section {
        letter: "A",
        title: "Views, interests and aspirations",
        family: "What {name} and you think, and what you hope for.",
        own: "What you think, and what you hope for.",
    },
    Section {
        letter: "B",
        title: "Special educational needs",
        family: "What {name} finds difficult and needs help with.",
        own: "What you find difficult and need help with.",
    },
    Section {
        letter: "C",
        title: "Health needs",
        family: "{name}’s health needs that relate to their special educational needs.",
        own: "Your health needs that relate to your special educational needs.",
    },
    Section {
        letter: "D",
        title: "Social care needs",
        family: "{name}’s social care needs that relate to their special educational needs or a disability.",
        own: "Your social care needs that relate to your special educational needs or a disability.",
    },
    Section {
        letter: "E",
        title: "Outcomes",
        family: "What {name} should be able to do, now and in adult life.",
        own: "What you should be able to do, now and in adult life.",
    },
    Section {
        letter: "F",
        title: "Special educational provision",
        family: "The help {name} must get with learning: what, who gives it and how often.",
        own: "The help you must get with learning: what, who gives it and how often.",
    },
    Section {
        letter: "G",
        title: "Health provision",
        family: "The health care {name} needs because of their special educational needs.",
        own: "The health care you need because of your special educational needs.",
    },
    Section {
        letter: "H",
        title: "Social care provision",
        family: "The social care help {name} needs.",
        own: "The social care help you need.",
    },
    Section {
        letter: "I",
        title: "Placement",
        family: "The school or setting {name} will go to. A draft leaves it empty: tell the SEN team which one you would like below.",
        own: "The school, college or setting you will go to. A draft leaves it empty: tell the SEN team which one you would like below.",
    },
    Section {
        letter: "J",
        title: "Personal budget",
        family: "Any personal budget for {name}, and how it is paid.",
        own: "Any personal budget for you, and how it is paid.",
    },
    Section {
        letter: "K",
        title: "Advice and information",
        family: "The advice and information gathered during the assessment.",
        own: "The advice and information gathered during the assessment.",
    },
];

/// The placement: empty in a draft, which never names a school.
pub const PLACEMENT: &str = "I";

impl Section {
    /// "F. Special educational provision".
    pub fn heading(&self) -> String {
        format!("{}. {}", self.letter, self.title)
    }

    /// What the section is about, said to its reader: `None` for the young person acting for
    /// themself ("you"), the child's first name for their family.
    pub fn about(&self, child: Option<&str>) -> String {
        match child {
            None => self.own.to_owned(),
            Some(name) => self.family.replace("{name}", name),
        }
    }

    /// What the section is about in a plan of `kind`: a final plan's placement has nothing left
    /// for the family to tell.
    pub fn about_in(&self, kind: PlanKind, child: Option<&str>) -> String {
        let about = self.about(child);
        match (kind, about.find(". ")) {
            (PlanKind::Final, Some(end)) => about[..=end].to_owned(),
            _ => about,
        }
    }

    /// The id of the section on a page, and of its text box: "section-f".
    pub fn anchor(&self) -> String {
        format!("section-{}", self.letter.to_lowercase())
    }
}

/// The section with this letter.
pub fn section(letter: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.letter == letter)
}

/// A draft, or the final plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanKind {
    Draft,
    Final,
}

impl PlanKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanKind::Draft => "draft",
            PlanKind::Final => "final",
        }
    }

    pub fn parse(text: &str) -> Option<PlanKind> {
        match text {
            "draft" => Some(PlanKind::Draft),
            "final" => Some(PlanKind::Final),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PlanKind::Draft => "Draft EHC plan",
            PlanKind::Final => "Final EHC plan",
        }
    }
}

/// The kinds of school or setting a family may ask to be named (Children and Families Act 2014,
/// s38(3)): value and label.
pub const SETTING_KINDS: [(&str, &str); 6] = [
    (
        "maintained_school",
        "A maintained school (a community, foundation or voluntary school, or a community or foundation special school)",
    ),
    ("maintained_nursery", "A maintained nursery school"),
    ("academy", "An academy, including a free school"),
    (
        "further_education",
        "A further education or sixth form college",
    ),
    ("non_maintained_special", "A non-maintained special school"),
    (
        "section_41",
        "An independent special school or special post-16 institution approved under section 41",
    ),
];

/// The label of a kind of school or setting.
pub fn setting_kind_label(value: &str) -> Option<&'static str> {
    SETTING_KINDS
        .iter()
        .find(|(v, _)| *v == value)
        .map(|(_, label)| *label)
}

/// `/plans/:plan`: a draft or final plan, for the family of the child it is about.
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn PlanPage() -> impl leptos::IntoView {
    let plan = crate::components::param("plan");
    crate::components::server_page(format!("/plans/{plan}"), move |state| async move {
        pages::plan_page(&state, &plan).await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleven_sections_a_to_k_in_order() {
        let letters: String = SECTIONS.iter().map(|s| s.letter).collect();
        assert_eq!(letters, "ABCDEFGHIJK");
        assert_eq!(
            section("F").map(|s| s.title),
            Some("Special educational provision")
        );
        assert_eq!(section("Z"), None);
        assert_eq!(section(PLACEMENT).map(|s| s.title), Some("Placement"));
    }

    #[test]
    fn a_young_person_is_told_about_themself() {
        for s in SECTIONS {
            let own = s.about(None);
            assert!(
                !own.contains("{name}") && !own.contains("your child"),
                "{own}"
            );
            let family = s.about(Some("Max"));
            assert!(!family.contains("{name}"), "{family}");
        }
        assert_eq!(
            section("B").map(|s| s.about(None)),
            Some("What you find difficult and need help with.".to_owned())
        );
        assert_eq!(
            section("B").map(|s| s.about(Some("Max"))),
            Some("What Max finds difficult and needs help with.".to_owned())
        );
    }

    #[test]
    fn a_final_plans_placement_asks_nothing_of_the_family() {
        let placement = section(PLACEMENT).unwrap();
        assert!(placement
            .about_in(PlanKind::Draft, Some("Max"))
            .contains("tell the SEN team"));
        assert_eq!(
            placement.about_in(PlanKind::Final, Some("Max")),
            "The school or setting Max will go to."
        );
        assert_eq!(
            section("B").unwrap().about_in(PlanKind::Final, None),
            "What you find difficult and need help with."
        );
    }

    #[test]
    fn setting_kinds_are_those_section_38_lists() {
        assert_eq!(SETTING_KINDS.len(), 6);
        assert_eq!(
            setting_kind_label("academy"),
            Some("An academy, including a free school")
        );
        assert_eq!(setting_kind_label("private_tutor"), None);
    }
}
