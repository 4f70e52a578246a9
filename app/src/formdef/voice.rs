//! A young person aged 16 to 25 acting for themself reads forms in their own voice: "you", not
//! "your child". Forms are written to a parent or carer; `in_own_voice` rewrites every text a
//! person reads (titles, questions, hints, choices, the declaration, the next steps), leaving
//! ids and answers alone, so one definition serves both.

use super::schema::FormDefinition;

/// The rewrites, longest and most particular first: questions whose verb follows the child
/// ("does your child", "your child finds") change with it.
const REWRITES: [(&str, &str); 45] = [
    ("you or your child", "you"),
    ("you and your child", "you"),
    ("your child or young person", "you"),
    ("Does your child", "Do you"),
    ("does your child", "do you"),
    ("Is your child", "Are you"),
    ("is your child", "are you"),
    ("Has your child", "Have you"),
    ("has your child", "have you"),
    ("How do your child's", "How do your"),
    ("your child is", "you are"),
    ("your child was", "you were"),
    ("your child has", "you have"),
    ("your child does", "you do"),
    ("your child needs", "you need"),
    ("your child finds", "you find"),
    ("your child gets", "you get"),
    ("your child lives", "you live"),
    ("your child goes", "you go"),
    ("your child likes", "you like"),
    ("your child wants", "you want"),
    ("your child enjoys", "you enjoy"),
    ("your child uses", "you use"),
    ("your child attends", "you attend"),
    ("your child receives", "you receive"),
    ("your child's", "your"),
    ("Your child's", "Your"),
    ("your child", "you"),
    ("Your child", "You"),
    ("the child or young person's", "your"),
    ("The child or young person's", "Your"),
    ("About the child or young person", "About you"),
    // What followed "your child" as "they" and "their".
    ("what do they enjoy", "what do you enjoy"),
    ("helps you on their own", "helps you one to one"),
    ("about their feelings", "about your feelings"),
    ("because of their senses", "because of your senses"),
    ("at their school", "at your school"),
    (
        "about their needs and the help they need",
        "about your needs and the help you need",
    ),
    ("because of their needs", "because of your needs"),
    (
        "what they are like, what they find hard",
        "what you are like, what you find hard",
    ),
    ("you live or goes", "you live or go"),
    ("Your hopes for you", "Your hopes"),
    ("about you as you know them", "about yourself"),
    ("Tell us about you in", "Tell us about yourself in"),
    ("Tell us about you.", "Tell us about yourself."),
];

/// The text in a young person's own voice.
pub fn own_voice(text: &str) -> String {
    let mut out = text.to_owned();
    for (from, to) in REWRITES {
        if out.contains(from) {
            out = out.replace(from, to);
        }
    }
    out
}

fn own_voice_opt(text: &mut Option<String>) {
    if let Some(t) = text {
        *t = own_voice(t);
    }
}

impl FormDefinition {
    /// The same form, every text a person reads in a young person's own voice.
    pub fn in_own_voice(&self) -> FormDefinition {
        let mut form = self.clone();
        form.description = own_voice(&form.description);
        form.next_steps = own_voice(&form.next_steps);
        form.declaration.text = own_voice(&form.declaration.text);
        for agreement in &mut form.declaration.agreements {
            *agreement = own_voice(agreement);
        }
        for step in &mut form.steps {
            step.title = own_voice(&step.title);
            own_voice_opt(&mut step.intro);
            for section in &mut step.sections {
                own_voice_opt(&mut section.title);
                own_voice_opt(&mut section.hint);
                for field in &mut section.fields {
                    field.label = own_voice(&field.label);
                    own_voice_opt(&mut field.hint);
                    for option in &mut field.options {
                        option.label = own_voice(&option.label);
                        own_voice_opt(&mut option.hint);
                    }
                }
            }
        }
        form
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formdef::{library::FormLibrary, schema::Audience};

    #[test]
    fn questions_about_the_child_are_asked_of_the_young_person() {
        assert_eq!(
            own_voice("What does your child find difficult about communicating?"),
            "What do you find difficult about communicating?"
        );
        assert_eq!(own_voice("Your child's first name"), "Your first name");
        assert_eq!(
            own_voice("Is your child looked after?"),
            "Are you looked after?"
        );
        assert_eq!(own_voice("What your child is like"), "What you are like");
        assert_eq!(
            own_voice("Support your child gets now"),
            "Support you get now"
        );
        assert_eq!(
            own_voice("Professionals who know your child"),
            "Professionals who know you"
        );
        assert_eq!(
            own_voice("Does your child have an EHC plan? Tell us about you and your child."),
            "Do you have an EHC plan? Tell us about yourself."
        );
    }

    /// Every form a family fills in, read by a young person, says "you" throughout.
    #[test]
    fn no_family_form_says_your_child_to_a_young_person() {
        let library = FormLibrary::shipped().unwrap();
        for form in library.all_latest() {
            if !form.audience.contains(&Audience::Citizen) {
                continue;
            }
            let voiced = serde_json::to_string(&form.in_own_voice()).unwrap();
            for phrase in [
                "your child",
                "Your child",
                "you finds",
                "you needs",
                "you is ",
                "do you get SEN support at their",
                "what do they",
                "you or goes",
            ] {
                assert!(
                    !voiced.contains(phrase),
                    "{} still says {phrase:?} to a young person",
                    form.id
                );
            }
            // Ids and answers' shape are untouched.
            let original = form.as_ref().clone();
            let back = form.in_own_voice();
            assert_eq!(original.steps.len(), back.steps.len());
            for (a, b) in original.steps.iter().zip(&back.steps) {
                assert_eq!(a.id, b.id);
                assert_eq!(
                    a.sections
                        .iter()
                        .flat_map(|s| s.fields.iter().map(|f| &f.id))
                        .collect::<Vec<_>>(),
                    b.sections
                        .iter()
                        .flat_map(|s| s.fields.iter().map(|f| &f.id))
                        .collect::<Vec<_>>()
                );
            }
        }
    }
}
