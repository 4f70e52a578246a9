//! Posted steps (what they replace, what they keep, what they cost), answers of the wrong
//! shape, and the example answers of every shipped form.

use super::*;

#[test]
fn a_posted_step_replaces_that_step_and_keeps_attached_files() {
    let form = small();
    let step = &form.steps[1];
    let mut answers = Answers::default();
    answers.set("child", 0, "first_name", text("Ada"));
    answers.set("parent", 0, "files", Answer::Many(vec!["file-1".into()]));
    answers.set("parent", 0, "name", text("Old name"));
    let pairs: Vec<(String, String)> = [
        ("parent.0.name", "New name"),
        ("parent.0.address.line1", "1 Road"),
        ("parent.0.address.postcode", "YO1 7HH"),
        ("parent.0.needs", "learning"),
        ("parent.0.needs", "communication"),
        ("parent.1.name", "Second"),
        ("parent.9.name", "Too many"),
        ("child.0.first_name", "Not this step"),
        ("parent.0.unknown", "ignored"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    answers.replace_step(step, &pairs);
    assert_eq!(answers.get("child", 0, "first_name"), Some(&text("Ada")));
    assert_eq!(answers.get("parent", 0, "name"), Some(&text("New name")));
    assert_eq!(answers.items("parent").len(), 2);
    assert_eq!(
        answers.get("parent", 0, "needs"),
        Some(&Answer::Many(vec![
            "learning".into(),
            "communication".into()
        ]))
    );
    assert_eq!(
        answers
            .get("parent", 0, "address")
            .unwrap()
            .part("postcode"),
        "YO1 7HH"
    );
    assert_eq!(
        answers.get("parent", 0, "files"),
        Some(&Answer::Many(vec!["file-1".into()]))
    );
    assert!(answers.get("parent", 0, "unknown").is_none());
    // Stored as plain JSON and read back the same.
    let json = serde_json::to_string(&answers).unwrap();
    assert!(
        json.starts_with("{\"child\":[{\"first_name\":\"Ada\"}]"),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<Answers>(&json).unwrap(), answers);
}

#[test]
fn a_posted_step_takes_time_in_proportion_to_its_values() {
    let form = small();
    let step = &form.steps[1];
    // Far more values than a post may carry (`check_step_size` refuses them first), to show
    // that each value is looked at once: comparing each with those before took minutes.
    let posted: Vec<(String, String)> = (0..100_000)
        .map(|i| ("parent.0.needs".to_owned(), format!("v{}", i % 50_000)))
        .collect();
    let mut answers = Answers::default();
    let started = std::time::Instant::now();
    answers.replace_step(step, &posted);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "took {:?}",
        started.elapsed()
    );
    let values = answers.get("parent", 0, "needs").unwrap().many();
    assert_eq!(values.len(), 50_000, "a value posted twice counts once");
    assert_eq!(values[..2], ["v0".to_owned(), "v1".to_owned()]);
}

#[test]
fn every_shipped_step_fits_the_limits_of_a_posted_step() {
    use crate::formdef::{
        answers::{MAX_STEP_PAIRS, MAX_VALUES_PER_FIELD},
        schema::FieldKind,
    };
    let library = FormLibrary::shipped().expect("shipped forms are good");
    for form in library.all_latest() {
        for step in &form.steps {
            // The buttons' and the page's own fields (`__action`, `__version`) and some room.
            let mut most = 10;
            for section in &step.sections {
                let items = section.repeat.as_ref().map_or(1, |r| r.max as usize + 1);
                let per_item: usize = section
                    .fields
                    .iter()
                    .map(|field| match field.kind {
                        FieldKind::MultiChoice => {
                            assert!(field.options.len() <= MAX_VALUES_PER_FIELD);
                            field.options.len()
                        }
                        FieldKind::Date => 3,
                        FieldKind::Address => 4,
                        _ => 1,
                    })
                    .sum();
                most += items * per_item;
            }
            assert!(
                most * 4 <= MAX_STEP_PAIRS,
                "{} step {} can post {most} pairs: too close to the limit",
                form.id,
                step.id
            );
        }
    }
}

#[test]
fn files_survive_a_post_that_carries_no_text_for_their_section() {
    let form = small();
    let step = &form.steps[1];
    let mut answers = Answers::default();
    answers.set("parent", 0, "files", Answer::Many(vec!["file-1".into()]));
    // A file input posts no text, and nothing else of the section was filled in.
    answers.replace_step(step, &[]);
    assert_eq!(
        answers.get("parent", 0, "files"),
        Some(&Answer::Many(vec!["file-1".into()]))
    );
}

#[test]
fn answers_of_the_wrong_shape_are_refused_and_wrong_answers_are_kept() {
    let form = small();
    let mut answers = Answers::default();
    // Wrong but well-formed: kept.
    answers.set(
        "child",
        0,
        "first_name",
        text("A name far too long for the limit"),
    );
    answers.set("child", 0, "dob", parts(&[("day", "99")]));
    assert_eq!(form.check_shape(&answers), Ok(()));

    let mut unknown = answers.clone();
    unknown.set("child", 0, "password", text("x"));
    assert!(form.check_shape(&unknown).is_err());
    let mut wrong_kind = answers.clone();
    wrong_kind.set("child", 0, "dob", text("7 March 2019"));
    assert!(form.check_shape(&wrong_kind).is_err());
    let mut too_many = answers.clone();
    for i in 0..4 {
        too_many.set("parent", i, "name", text("P"));
    }
    assert!(form.check_shape(&too_many).is_err());
    let mut no_section = answers.clone();
    no_section.set("nowhere", 0, "name", text("P"));
    assert!(form.check_shape(&no_section).is_err());
    let mut huge = answers;
    huge.set("child", 0, "first_name", text(&"x".repeat(5_000)));
    assert!(form.check_shape(&huge).is_err());
}

#[test]
fn example_answers_pass_every_shipped_form() {
    let library = FormLibrary::shipped().unwrap();
    for form in library.all_latest() {
        let answers = form.example_answers();
        assert_eq!(form.check_shape(&answers), Ok(()), "{}", form.id);
        let problems: Vec<_> = form
            .check_all(&answers, today())
            .into_iter()
            .map(|(step, e)| format!("{}: {}", step.id, e.message))
            .collect();
        assert!(problems.is_empty(), "{}: {problems:?}", form.id);
    }
}
