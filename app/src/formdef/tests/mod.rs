//! Definitions (good and broken), each field kind's checks, conditions, repeats and step states;
//! posted steps and the shape of stored answers are in `posted`.

use super::{
    answers::{Answer, Answers},
    library::{parse_definition, FormLibrary},
    schema::FormDefinition,
    validate::{check_answer, display_answer, StepState},
};
use crate::values::Date;

mod posted;

const SMALL: &str = r#"
id = "small"
version = 1
title = "A small form"
description = "For tests."
audience = ["citizen"]
next_steps = "We will be in touch."

[declaration]
text = "What you have told us is true."
agreements = ["I agree one", "I agree two"]

[[steps]]
id = "child"
title = "About the child"

[[steps.sections]]
id = "child"

[[steps.sections.fields]]
id = "first_name"
label = "First name"
kind = "text"
max_length = 10

[[steps.sections.fields]]
id = "dob"
label = "Date of birth"
kind = "date"
range = "date_of_birth"

[[steps.sections.fields]]
id = "upn"
label = "UPN"
kind = "text"
format = "upn"
optional = true

[[steps.sections.fields]]
id = "interpreter"
label = "Do you need an interpreter?"
kind = "yes_no"

[[steps.sections.fields]]
id = "language"
label = "Which language?"
kind = "text"
show_if = { field = "interpreter", equals = "yes" }

[[steps]]
id = "parents"
title = "Parents and carers"

[[steps.sections]]
id = "parent"
title = "Parent or carer"
repeat = { min = 1, max = 2, item = "parent or carer" }

[[steps.sections.fields]]
id = "name"
label = "Full name"
kind = "text"

[[steps.sections.fields]]
id = "address"
label = "Address"
kind = "address"

[[steps.sections.fields]]
id = "hours"
label = "Hours of care a week"
kind = "number"
min = 0
max = 168
optional = true

[[steps.sections.fields]]
id = "needs"
label = "Areas of need"
kind = "multi_choice"
optional = true
options = [{ value = "communication", label = "Communication and interaction" }, { value = "learning", label = "Cognition and learning" }]

[[steps.sections.fields]]
id = "files"
label = "Reports"
kind = "attachments"
max_files = 2
optional = true
"#;

fn small() -> FormDefinition {
    parse_definition(SMALL).expect("the small definition is good")
}

fn today() -> Date {
    Date::new(2026, 11, 29).unwrap()
}

fn text(value: &str) -> Answer {
    Answer::Text(value.into())
}

fn parts(pairs: &[(&str, &str)]) -> Answer {
    Answer::Parts(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

fn broken(from: &str, to: &str) -> String {
    assert!(SMALL.contains(from), "test set-up: {from:?} not in SMALL");
    parse_definition(&SMALL.replacen(from, to, 1)).expect_err("should be refused")
}

#[test]
fn broken_definitions_are_refused_naming_the_place() {
    let err = broken("kind = \"yes_no\"", "kind = \"yesno\"");
    assert!(err.contains("yesno"), "{err}");
    let err = broken("label = \"First name\"", "lable = \"First name\"");
    assert!(err.contains("lable"), "{err}");
    let err = broken("equals = \"yes\"", "equals = \"maybe\"");
    assert!(
        err.contains("field `language`") && err.contains("maybe"),
        "{err}"
    );
    let err = broken(
        "show_if = { field = \"interpreter\", equals = \"yes\" }",
        "show_if = { field = \"nothing\", equals = \"yes\" }",
    );
    assert!(err.contains("does not exist"), "{err}");
    let err = broken("id = \"upn\"", "id = \"first_name\"");
    assert!(
        err.contains("step `child`, section `child`, field `first_name`") && err.contains("twice"),
        "{err}"
    );
    let err = broken("max = 2, item", "max = 0, item");
    assert!(err.contains("section `parent`"), "{err}");
    let err = broken("format = \"upn\"", "format = \"upn\"\nmin = 3");
    assert!(err.contains("only number fields"), "{err}");
    let err = broken("id = \"parents\"", "id = \"summary\"");
    assert!(err.contains("summary"), "{err}");
    let err = broken(
        "agreements = [\"I agree one\", \"I agree two\"]",
        "agreements = []",
    );
    assert!(err.contains("declaration"), "{err}");
}

#[test]
fn a_condition_must_look_back() {
    let moved = SMALL.replace(
        "kind = \"text\"\nmax_length = 10",
        "kind = \"text\"\nmax_length = 10\nshow_if = { field = \"interpreter\", equals = \"yes\" }",
    );
    let err = parse_definition(&moved).unwrap_err();
    assert!(err.contains("must come before"), "{err}");
}

#[test]
fn the_shipped_definitions_load_and_the_library_finds_versions() {
    let library = FormLibrary::shipped().expect("shipped forms are good");
    let e2 = library.latest("e2-parental-consent").expect("E2 ships");
    assert_eq!(e2.steps.len(), 6, "E2 has 6 steps before the Summary");
    assert!(e2.sections().any(|s| s
        .repeat
        .as_ref()
        .is_some_and(|r| r.item == "parent or carer")));
    assert_eq!(library.all_latest().len(), 11);
    assert!(library.get("e2-parental-consent", 99).is_none());

    let v2 = SMALL.replace("version = 1", "version = 2");
    let two = FormLibrary::from_files([("a.toml", SMALL), ("b.toml", v2.as_str())]).unwrap();
    assert_eq!(two.latest("small").unwrap().version, 2);
    assert_eq!(two.get("small", 1).unwrap().version, 1);
    let err = FormLibrary::from_files([("a.toml", SMALL), ("c.toml", SMALL)]).unwrap_err();
    assert!(err.to_string().contains("c.toml"), "{err}");
    let err = FormLibrary::from_files([("bad.toml", "id = 3")]).unwrap_err();
    assert!(
        err.to_string().starts_with("form definition bad.toml:"),
        "{err}"
    );
}

#[test]
fn each_field_kind_is_checked() {
    let form = small();
    let field = |section: &str, id: &str| {
        form.section(section)
            .unwrap()
            .fields
            .iter()
            .find(|f| f.id == id)
            .unwrap()
            .clone()
    };
    let first = field("child", "first_name");
    assert!(check_answer(&first, Some(&text("Ada")), today()).is_ok());
    assert_eq!(
        check_answer(&first, None, today()).unwrap_err(),
        "Enter an answer to ‘First name’"
    );
    assert!(check_answer(&first, Some(&text("   ")), today()).is_err());
    assert!(check_answer(&first, Some(&text("Adalbertine")), today())
        .unwrap_err()
        .contains("10 characters or fewer"));

    let dob = field("child", "dob");
    let date = |d, m, y| parts(&[("day", d), ("month", m), ("year", y)]);
    assert!(check_answer(&dob, Some(&date("7", "3", "2019")), today()).is_ok());
    assert!(check_answer(&dob, Some(&date("7", "3", "2099")), today())
        .unwrap_err()
        .contains("past"));
    assert!(check_answer(&dob, Some(&date("7", "3", "1990")), today())
        .unwrap_err()
        .contains("25 or under"));
    assert!(check_answer(&dob, Some(&date("31", "2", "2019")), today()).is_err());

    let upn = field("child", "upn");
    assert!(check_answer(&upn, None, today()).is_ok(), "optional");
    assert!(check_answer(&upn, Some(&text("P801200200001")), today()).is_ok());
    assert!(check_answer(&upn, Some(&text("A801200200001")), today()).is_err());

    let yes_no = field("child", "interpreter");
    assert!(check_answer(&yes_no, Some(&text("yes")), today()).is_ok());
    assert!(check_answer(&yes_no, Some(&text("perhaps")), today()).is_err());
    assert_eq!(
        check_answer(&yes_no, None, today()).unwrap_err(),
        "Select an answer to ‘Do you need an interpreter’"
    );

    let address = field("parent", "address");
    let good = parts(&[
        ("line1", "1 High Street"),
        ("town", "Leeds"),
        ("postcode", "ls1 4ap"),
    ]);
    assert!(check_answer(&address, Some(&good), today()).is_ok());
    assert_eq!(
        display_answer(&address, Some(&good)),
        "1 High Street, Leeds, ls1 4ap"
    );
    let no_town = parts(&[("line1", "1 High Street"), ("postcode", "LS1 4AP")]);
    assert!(check_answer(&address, Some(&no_town), today())
        .unwrap_err()
        .contains("town"));
    let bad_postcode = parts(&[
        ("line1", "1 High St"),
        ("town", "Leeds"),
        ("postcode", "LS"),
    ]);
    assert!(check_answer(&address, Some(&bad_postcode), today()).is_err());

    let hours = field("parent", "hours");
    assert!(check_answer(&hours, Some(&text("40")), today()).is_ok());
    assert!(check_answer(&hours, Some(&text("200")), today())
        .unwrap_err()
        .contains("168 or less"));
    assert!(check_answer(&hours, Some(&text("forty")), today())
        .unwrap_err()
        .contains("whole number"));

    let needs = field("parent", "needs");
    let ticked = Answer::Many(vec!["learning".into()]);
    assert!(check_answer(&needs, Some(&ticked), today()).is_ok());
    assert_eq!(
        display_answer(&needs, Some(&ticked)),
        "Cognition and learning"
    );
    assert!(check_answer(&needs, Some(&Answer::Many(vec!["magic".into()])), today()).is_err());

    let files = field("parent", "files");
    let three = Answer::Many(vec!["a".into(), "b".into(), "c".into()]);
    assert!(check_answer(&files, Some(&three), today())
        .unwrap_err()
        .contains("up to 2 files"));
}

#[test]
fn hidden_questions_are_not_asked() {
    let form = small();
    let step = &form.steps[0];
    let mut answers = Answers::default();
    answers.set("child", 0, "first_name", text("Ada"));
    answers.set(
        "child",
        0,
        "dob",
        parts(&[("day", "1"), ("month", "2"), ("year", "2018")]),
    );
    answers.set("child", 0, "interpreter", text("no"));
    assert!(form.check_step(step, &answers, today()).is_empty());
    answers.set("child", 0, "interpreter", text("yes"));
    let errors = form.check_step(step, &answers, today());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "child-0-language");
    assert_eq!(errors[0].target, "child-0-language");
}

#[test]
fn repeating_sections_need_their_minimum_and_respect_their_maximum() {
    let form = small();
    let step = &form.steps[1];
    let answers = Answers::default();
    // One parent is needed: an empty first item is shown and its questions are required.
    let errors = form.check_step(step, &answers, today());
    assert!(errors.iter().any(|e| e.field == "parent-0-name"));
    assert!(errors.iter().any(|e| e.target == "parent-0-address-line1"));
    assert_eq!(
        form.step_state(step, &answers, today()),
        StepState::NotStarted
    );

    let mut answers = Answers::default();
    for i in 0..3 {
        answers.set("parent", i, "name", text("A Parent"));
        answers.set(
            "parent",
            i,
            "address",
            parts(&[
                ("line1", "1 Road"),
                ("town", "York"),
                ("postcode", "YO1 7HH"),
            ]),
        );
    }
    let errors = form.check_step(step, &answers, today());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].message,
        "There can be at most 2 here: remove a parent or carer"
    );
    answers.remove_item("parent", 2);
    assert!(form.check_step(step, &answers, today()).is_empty());
    assert_eq!(
        form.step_state(step, &answers, today()),
        StepState::Complete
    );
    answers.set("parent", 1, "name", text(""));
    assert_eq!(
        form.step_state(step, &answers, today()),
        StepState::InProgress
    );
    assert_eq!(form.check_all(&answers, today()).len(), 4);
}
