//! The console report, line by line, with colors off and fixed durations.

use std::time::Duration;

use super::*;
use crate::event::RunSummary;
use crate::report::fixtures::{self, SharedBuf};

fn console(opts: ConsoleOptions) -> (ConsoleReporter, SharedBuf) {
    let buf = SharedBuf::default();
    (ConsoleReporter::new(Box::new(buf.clone()), opts), buf)
}

fn render(events: &[Event]) -> String {
    let (mut reporter, buf) = console(ConsoleOptions::default());
    for event in events {
        reporter.event(event).unwrap();
    }
    reporter.finish().unwrap();
    buf.text()
}

fn step(mark: &str, number: usize, name: &str, rest: &str) -> String {
    format!("  {mark} {number} {name:<32}  {rest}")
}

#[test]
fn run_streams_headers_steps_details_cleanups_and_summary() {
    let text = render(&fixtures::run());
    let expected = [
        "Simple login  workflows/simple-login.toml".to_owned(),
        step("✓", 1, "Get a worker token", "POST /admin/as/token  200  42 ms  → accessToken"),
        step("✓", 2, "Create a web application", "POST /v1/environments/env-1/applications  201  42 ms  → appID"),
        step("✗", 3, "Send an authorization request", "GET /env-1/as/authorize?response_type=code&client_id=app-1  400  42 ms"),
        "      status: expected 302 / actual 400".to_owned(),
        "      header Location contains: expected \"flowId=\" / actual (none)".to_owned(),
        "      │ {".to_owned(),
        "      │   \"code\": \"INVALID_DATA\",".to_owned(),
        "      │   \"message\": \"bad redirect_uri\"".to_owned(),
        "      │ }".to_owned(),
        step("-", 4, "Read the flow", "skipped: an earlier step failed"),
        "  cleanup".to_owned(),
        step("↺", 1, "Create a web application", "DELETE /v1/environments/env-1/applications/app-1  204  42 ms"),
        "✗ Simple login: failed (2 passed, 1 failed, 1 skipped) in 312 ms".to_owned(),
        String::new(),
        "Smoke  workflows/smoke.toml".to_owned(),
        step("✓", 1, "Create a population", "POST /v1/environments/env-1/populations  201  42 ms"),
        step("✗", 2, "Call a dead host", "GET /health  42 ms"),
        "      connection refused (http://127.0.0.1:9/health)".to_owned(),
        "  cleanup".to_owned(),
        step("✗", 1, "Create a population", "DELETE /v1/environments/env-1/populations/pop-1  404  42 ms"),
        "      status: expected 2xx / actual 404".to_owned(),
        "      │ {".to_owned(),
        "      │   \"code\": \"NOT_FOUND\"".to_owned(),
        "      │ }".to_owned(),
        "✗ Smoke: failed (1 passed, 1 failed, 0 skipped; 1 cleanup failed) in 312 ms".to_owned(),
        String::new(),
        "✗ 2 workflows: 0 passed, 2 failed · steps: 3 passed, 2 failed, 1 skipped · 1 cleanup failed · 1.52 s".to_owned(),
    ];
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines, expected, "\n{text}");
    assert!(text.ends_with('\n'));
    assert!(
        !text.contains('\x1b'),
        "no escape codes without color or progress"
    );
}

#[test]
fn lines_are_written_as_steps_finish() {
    let (mut reporter, buf) = console(ConsoleOptions::default());
    let events = fixtures::login_workflow();
    for event in &events[..3] {
        reporter.event(event).unwrap();
    }
    let text = buf.text();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("Get a worker token"));
}

#[test]
fn interleaved_matrix_runs_print_whole_blocks() {
    let (a, b) = (fixtures::id(0, 0), fixtures::id(1, 0));
    let ping = |id: &WorkflowId, n| {
        fixtures::finished(fixtures::step(
            id,
            n,
            &format!("Ping {n}"),
            ("GET", "http://h/p"),
            (200, ""),
        ))
    };
    let (mut reporter, buf) = console(ConsoleOptions::default());
    let events = [
        fixtures::workflow_started(&a, "Smoke", Some("eu"), 2),
        fixtures::workflow_started(&b, "Smoke", Some("us"), 2),
        ping(&b, 1),
        ping(&a, 1),
        ping(&b, 2),
        fixtures::workflow_finished(&b, "Smoke", Outcome::Passed, [2, 0, 0]),
    ];
    for event in &events {
        reporter.event(event).unwrap();
    }
    let text = buf.text();
    assert_eq!(
        text.lines().count(),
        2,
        "only the streaming workflow is printed yet:\n{text}"
    );
    assert!(text.starts_with("Smoke [eu]  workflows/smoke.toml\n"));
    reporter.event(&ping(&a, 2)).unwrap();
    reporter
        .event(&fixtures::workflow_finished(
            &a,
            "Smoke",
            Outcome::Passed,
            [2, 0, 0],
        ))
        .unwrap();
    reporter.finish().unwrap();
    let text = buf.text();
    let titles: Vec<&str> = text.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        titles,
        [
            "Smoke [eu]  workflows/smoke.toml",
            "✓ Smoke [eu]: passed (2 passed, 0 failed, 0 skipped) in 312 ms",
            "",
            "Smoke [us]  workflows/smoke.toml",
            "✓ Smoke [us]: passed (2 passed, 0 failed, 0 skipped) in 312 ms",
            "",
        ],
        "\n{text}"
    );
    let blocks: Vec<&str> = text.split("\n\n").collect();
    assert!(blocks[0].contains("Ping 1") && blocks[0].contains("Ping 2"));
    assert!(blocks[1].contains("Ping 1") && blocks[1].contains("Ping 2"));
}

#[test]
fn a_held_workflow_streams_once_the_first_one_ends() {
    let (a, b) = (fixtures::id(0, 0), fixtures::id(1, 0));
    let (mut reporter, buf) = console(ConsoleOptions::default());
    reporter
        .event(&fixtures::workflow_started(&a, "A", None, 1))
        .unwrap();
    reporter
        .event(&fixtures::workflow_started(&b, "B", None, 1))
        .unwrap();
    reporter
        .event(&fixtures::workflow_finished(
            &a,
            "A",
            Outcome::Passed,
            [0, 0, 0],
        ))
        .unwrap();
    assert!(
        buf.text().contains("B  workflows/b.toml"),
        "B's held header is released"
    );
    let ping = fixtures::step(&b, 1, "Ping", ("GET", "http://h/"), (200, ""));
    reporter.event(&fixtures::finished(ping)).unwrap();
    assert!(buf.text().contains("Ping"), "B now streams");
}

#[test]
fn interrupted_run_releases_unfinished_workflows_and_says_so() {
    let events = fixtures::login_workflow();
    let mut events = events[..5].to_vec();
    events.push(Event::RunFinished(RunSummary {
        counts: crate::event::Counts {
            workflows: 1,
            workflows_failed: 0,
            steps_passed: 2,
            steps_failed: 0,
            steps_skipped: 0,
            cleanups_failed: 0,
        },
        interrupted: true,
        duration: Duration::from_millis(80),
    }));
    let text = render(&events);
    let last = text.lines().last().unwrap();
    assert_eq!(
        last,
        "- interrupted · 1 workflow: 1 passed, 0 failed · steps: 2 passed, 0 failed, 0 skipped · 80 ms"
    );
}

#[test]
fn every_line_fits_the_width() {
    let opts = ConsoleOptions {
        width: Some(60),
        color: true,
        ..ConsoleOptions::default()
    };
    let (mut reporter, buf) = console(opts);
    for event in fixtures::run() {
        reporter.event(&event).unwrap();
    }
    reporter.finish().unwrap();
    let text = buf.text();
    for line in text.lines() {
        assert!(
            crate::report::width::columns(line) <= 60,
            "{} columns: {line:?}",
            crate::report::width::columns(line)
        );
    }
    // Status and duration are kept; the name column and the target give way.
    assert!(
        text.contains("  \x1b[31m✗\x1b[0m 3 Send an authori…  GET …/as/authorize?…  \x1b[31m400\x1b[0m  \x1b[2m42 ms\x1b[0m\n"),
        "{text}"
    );
    // The summary keeps its duration: the step counts go to a line of their own.
    let last: Vec<&str> = text.lines().rev().take(2).collect();
    assert_eq!(
        last,
        [
            "  steps: 3 passed, 2 failed, 1 skipped · \x1b[31m1 cleanup failed\x1b[0m",
            "\x1b[31m✗\x1b[0m 2 workflows: 0 passed, 2 failed · 1.52 s",
        ]
    );
    let (mut reporter, buf) = console(ConsoleOptions::default());
    for event in fixtures::run() {
        reporter.event(&event).unwrap();
    }
    assert!(
        buf.text().lines().any(|l| l.chars().count() > 60),
        "no width: nothing is cut"
    );
}

#[test]
fn colors_paint_marks_and_summary() {
    let opts = ConsoleOptions {
        color: true,
        ..ConsoleOptions::default()
    };
    let (mut reporter, buf) = console(opts);
    for event in fixtures::run() {
        reporter.event(&event).unwrap();
    }
    let text = buf.text();
    assert!(text.contains("  \x1b[32m✓\x1b[0m 1 Get a worker token"));
    assert!(text.contains("\x1b[1mSimple login\x1b[0m  \x1b[2mworkflows/simple-login.toml\x1b[0m"));
    assert!(
        text.lines()
            .last()
            .unwrap()
            .starts_with("\x1b[31m✗\x1b[0m 2 workflows")
    );
}

#[test]
fn without_a_terminal_output_is_flushed_per_workflow_or_interval() {
    let opts = ConsoleOptions {
        flush_every: Duration::from_hours(1),
        ..ConsoleOptions::default()
    };
    let (mut reporter, buf) = console(opts);
    let events = fixtures::login_workflow();
    let end = events
        .iter()
        .position(|e| matches!(e, Event::WorkflowFinished(_)))
        .unwrap();
    for event in &events[..end] {
        reporter.event(event).unwrap();
    }
    assert_eq!(
        buf.text(),
        "",
        "steps wait for the interval or the workflow's end"
    );
    reporter.event(&events[end]).unwrap();
    assert!(buf.text().contains("Get a worker token"), "{}", buf.text());
    assert!(buf.text().contains("Simple login"));
}
