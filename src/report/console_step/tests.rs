//! Step lines, one step at a time, with colors off and fixed durations.

use std::time::Duration;

use super::*;
use crate::event::SkipReason;
use crate::report::fixtures::{self, expectation};

fn layout(verbosity: u8) -> StepLayout {
    StepLayout {
        paint: Paint::new(false),
        verbosity,
        number_width: 1,
        width: None,
    }
}

fn failed_authorize() -> StepReport {
    let mut report = fixtures::step(
        &fixtures::id(0, 0),
        3,
        "Authorize",
        (
            "GET",
            "https://auth.example.com/env-1/as/authorize?client_id=app-1",
        ),
        (400, &"x".repeat(3000)),
    );
    report.outcome = Outcome::Failed;
    report.expectations = vec![expectation("status", false, "302", "400")];
    report
}

#[test]
fn passed_step_is_one_line() {
    let mut report = fixtures::step(
        &fixtures::id(0, 0),
        2,
        "Create",
        ("POST", "https://h/v1/apps"),
        (201, "{}"),
    );
    report.extracted = vec!["appID".into(), "secret".into()];
    report.attempts = 3;
    let lines = step_lines(&report, &layout(0));
    let expected = format!(
        "  ✓ 2 {:<32}  POST /v1/apps  201  42 ms  (3 attempts)  → appID, secret",
        "Create"
    );
    assert_eq!(lines, [expected]);
}

#[test]
fn long_bodies_are_cut_with_a_count() {
    let lines = step_lines(&failed_authorize(), &layout(0));
    assert_eq!(lines[1], "      status: expected 302 / actual 400");
    assert_eq!(lines[2], format!("      │ {}", "x".repeat(2048)));
    assert_eq!(lines[3], "      │ … (952 more bytes)");
    assert_eq!(lines.len(), 4);
}

#[test]
fn long_values_are_cut() {
    let mut report = failed_authorize();
    report.expectations[0].actual = "y".repeat(500).into();
    let lines = step_lines(&report, &layout(0));
    assert!(lines[1].ends_with(&format!("actual {}…", "y".repeat(VALUE_MAX - 1))));
}

#[test]
fn verbose_shows_doc_and_request_line() {
    let mut report = failed_authorize();
    report.doc = Some(
        "\nStarts the `authorize` flow, which the\nbrowser follows.\n\nA second paragraph that is long enough to be wrapped at eighty columns, never cut."
            .into(),
    );
    let lines = step_lines(&report, &layout(1));
    assert_eq!(
        lines[1],
        "      Starts the authorize flow, which the browser follows."
    );
    assert_eq!(lines[2], "");
    assert_eq!(
        lines[3],
        "      A second paragraph that is long enough to be wrapped at eighty columns,"
    );
    assert_eq!(lines[4], "      never cut.");
    assert_eq!(
        lines[5],
        "      GET https://auth.example.com/env-1/as/authorize?client_id=app-1"
    );
    assert_eq!(lines[6], "      status: expected 302 / actual 400");
}

#[test]
fn very_verbose_shows_headers_and_whole_bodies_once() {
    let mut report = failed_authorize();
    report.request.as_mut().unwrap().body = Some("{\"a\":1}".into());
    report.response.as_mut().unwrap().body = "{\"code\":\"INVALID_DATA\"}".into();
    report.response.as_mut().unwrap().duration = Duration::from_millis(7);
    let lines = step_lines(&report, &layout(2));
    let body: Vec<&str> = lines[1..].iter().map(|l| l.trim_start()).collect();
    assert_eq!(
        body,
        [
            "> GET https://auth.example.com/env-1/as/authorize?client_id=app-1",
            "> authorization: Bearer «accessToken»",
            ">",
            "> {",
            ">   \"a\": 1",
            "> }",
            "< 400  (7 ms)",
            "< content-type: application/json",
            "<",
            "< {",
            "<   \"code\": \"INVALID_DATA\"",
            "< }",
            "status: expected 302 / actual 400",
        ]
    );
}

#[test]
fn skipped_step_shows_its_reason_only() {
    let report = fixtures::skipped(&fixtures::id(0, 0), 4, "Read", SkipReason::WhenFalse);
    let lines = step_lines(&report, &layout(2));
    assert_eq!(
        lines,
        [format!(
            "  - 4 {:<32}  skipped: condition `when` is false",
            "Read"
        )]
    );
}

#[test]
fn colors_mark_outcomes() {
    let colored = StepLayout {
        paint: Paint::new(true),
        ..layout(0)
    };
    let lines = step_lines(&failed_authorize(), &colored);
    assert!(
        lines[0].starts_with("  \x1b[31m✗\x1b[0m 3 "),
        "{:?}",
        lines[0]
    );
    assert!(lines[0].contains("\x1b[31m400\x1b[0m"));
}

#[test]
fn at_80_columns_name_target_and_names_give_way_and_the_duration_stays() {
    let url = "https://h/v1/environments/3f1d2c4e-aaaa-bbbb-cccc-1234567890ab/applications";
    let mut report = fixtures::step(
        &fixtures::id(0, 0),
        2,
        "Create an OpenID Connect application for the tutorial",
        ("POST", url),
        (201, "{}"),
    );
    report.extracted = vec!["appID".into(), "appSecret".into()];
    let narrow = StepLayout {
        width: Some(80),
        ..layout(0)
    };
    let line = step_lines(&report, &narrow).remove(0);
    assert_eq!(
        line,
        "  ✓ 2 Create an OpenID Connect ap…  POST …/applications  201  42 ms  → appID,…"
    );
    // A longer duration takes the room the names had, and nothing else moves.
    report.duration = Duration::from_millis(4200);
    let line = step_lines(&report, &narrow).remove(0);
    assert!(
        line.starts_with("  ✓ 2 Create an OpenID Connect ap…  POST …/applications  201  4200 ms"),
        "{line}"
    );
    assert!(crate::report::width::columns(&line) <= 80, "{line}");
}
