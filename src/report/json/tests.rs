//! The JSON report as a document: its shape, its order with workflows side by side, what it
//! holds in memory, and its summary.

use serde_json::{Value, json};

use super::*;
use crate::report::fixtures;
use crate::report::fixtures::SharedBuf;

fn render(events: &[Event]) -> Value {
    let buf = SharedBuf::default();
    let mut reporter = JsonReporter::new(Box::new(buf.clone()));
    for event in events {
        reporter.event(event).unwrap();
    }
    reporter.finish().unwrap();
    reporter.finish().unwrap();
    let text = buf.text();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not one JSON document ({e}):\n{text}"))
}

#[test]
fn steps_are_written_as_they_end() {
    let buf = SharedBuf::default();
    let mut reporter = JsonReporter::new(Box::new(buf.clone()));
    let login = fixtures::login_workflow();
    for event in &login[..3] {
        reporter.event(event).unwrap();
    }
    // The buffer reaches the file at the latest when the workflow ends.
    reporter.out.flush().unwrap();
    let early = buf.text();
    assert!(early.contains("\"Get a worker token\""), "{early}");
    assert!(!early.contains("\"summary\""), "the summary comes last");
}

#[test]
fn interleaved_workflows_are_written_whole_in_order() {
    let events = fixtures::interleaved();
    let doc = render(&events);
    let workflows = doc["workflows"].as_array().unwrap();
    assert_eq!(workflows.len(), 2);
    assert_eq!(workflows[0]["name"], "Simple login");
    assert_eq!(workflows[1]["name"], "Smoke");
    assert_eq!(workflows[0]["steps"].as_array().unwrap().len(), 4);
    assert_eq!(workflows[1]["steps"][1]["outcome"], "failed");
}

#[test]
fn workflows_that_finish_before_their_turn_wait_and_keep_their_place() {
    let buf = SharedBuf::default();
    let mut reporter = JsonReporter::new(Box::new(buf.clone()));
    let ids: Vec<_> = (0..4).map(|run| fixtures::id(run, 0)).collect();
    let label = |i: usize| format!("t{i}");
    for (i, wf) in ids.iter().enumerate() {
        let event = fixtures::workflow_started(wf, "Smoke", Some(&label(i)), 1);
        reporter.event(&event).unwrap();
    }
    // The first streams; the others end before it, the last first.
    for i in [3, 1, 2, 0] {
        let wf = &ids[i];
        let step = fixtures::step(wf, 1, "Ping", ("GET", "http://h/"), (200, ""));
        reporter.event(&fixtures::finished(step)).unwrap();
        let end = fixtures::workflow_finished(wf, "Smoke", Outcome::Passed, [1, 0, 0]);
        reporter.event(&end).unwrap();
        if i != 0 {
            assert!(reporter.parked.contains_key(&(i, 0)), "{i} waits on disk");
            assert!(!reporter.open.contains_key(&(i, 0)), "{i} is not in memory");
        }
    }
    assert!(
        reporter.parked.is_empty(),
        "all written once the first ended"
    );
    reporter.finish().unwrap();
    let doc: Value = serde_json::from_str(&buf.text()).unwrap();
    let labels: Vec<&Value> = (doc["workflows"].as_array().unwrap().iter())
        .map(|w| &w["label"])
        .collect();
    assert_eq!(
        labels,
        [&json!("t0"), &json!("t1"), &json!("t2"), &json!("t3")]
    );
    assert_eq!(doc["workflows"][3]["steps"][0]["name"], "Ping");
    let tenants = doc["summary"]["tenants"].as_array().unwrap();
    assert_eq!(tenants.len(), 4);
    assert_eq!(
        tenants[2],
        json!({"label": "t2", "workflows": 1, "workflows_failed": 0,
        "steps_passed": 1, "steps_failed": 0, "steps_skipped": 0, "cleanups_failed": 0})
    );
}

#[test]
fn long_sections_held_beside_the_streaming_one_wait_on_disk_and_come_back_whole() {
    let buf = SharedBuf::default();
    let mut reporter = JsonReporter::new(Box::new(buf.clone()));
    let (ids, starts) = fixtures::side_by_side(3, 150);
    for event in &starts {
        reporter.event(event).unwrap();
    }
    // The first streams; the second runs 150 steps and ends, the third runs 100 and goes
    // on; neither holds more than a few kilobytes in memory.
    for n in 1..=150 {
        reporter
            .event(&fixtures::numbered_step(&ids, 1, n))
            .unwrap();
        assert!(reporter.open[&(1, 0)].held.in_memory() <= 4096);
    }
    let end =
        |wf: usize| fixtures::workflow_finished(&ids[wf], "Long", Outcome::Passed, [150, 0, 0]);
    reporter.event(&end(1)).unwrap();
    for n in 1..=100 {
        reporter
            .event(&fixtures::numbered_step(&ids, 2, n))
            .unwrap();
        assert!(reporter.open[&(2, 0)].held.in_memory() <= 4096);
    }
    reporter
        .event(&fixtures::numbered_step(&ids, 0, 1))
        .unwrap();
    reporter.event(&end(0)).unwrap();
    assert_eq!(reporter.streaming, Some((2, 0)), "the third streams next");
    for n in 101..=150 {
        reporter
            .event(&fixtures::numbered_step(&ids, 2, n))
            .unwrap();
    }
    reporter.event(&end(2)).unwrap();
    reporter.finish().unwrap();
    let doc: Value = serde_json::from_str(&buf.text()).unwrap();
    let workflows = doc["workflows"].as_array().unwrap();
    assert_eq!(workflows.len(), 3);
    for (wf, steps) in [(0, 1), (1, 150), (2, 150)] {
        let names: Vec<&str> = (workflows[wf]["steps"].as_array().unwrap().iter())
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        let want: Vec<String> = (1..=steps).map(|n| format!("step {n} of {wf}.")).collect();
        assert_eq!(names, want, "workflow {wf}'s steps, whole and in order");
    }
}

#[test]
fn an_empty_run_is_still_a_document() {
    let doc = render(&[]);
    assert_eq!(doc["workflows"], json!([]));
    assert_eq!(doc["summary"]["interrupted"], true);
}

#[test]
fn document_has_summary_and_workflows() {
    let doc = render(&fixtures::run());
    assert_eq!(doc["tool"], "steprun");
    assert_eq!(doc["version"], env!("CARGO_PKG_VERSION"));
    let summary = &doc["summary"];
    assert_eq!(summary["workflows"], 2);
    assert_eq!(summary["workflows_failed"], 2);
    assert_eq!(summary["steps_passed"], 3);
    assert_eq!(summary["cleanups_failed"], 1);
    assert_eq!(summary["interrupted"], false);
    assert_eq!(summary["duration_ms"], 1520.0);
    let names: Vec<&Value> = doc["workflows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| &w["name"])
        .collect();
    assert_eq!(names, [&json!("Simple login"), &json!("Smoke")]);
    let login = &doc["workflows"][0];
    assert_eq!(login["path"], "workflows/simple-login.toml");
    assert_eq!(login["label"], Value::Null);
    assert_eq!(login["outcome"], "failed");
    assert_eq!(login["duration_ms"], 312.0);
    assert_eq!(login["steps"].as_array().unwrap().len(), 4);
    assert_eq!(login["cleanups"].as_array().unwrap().len(), 1);
}

#[test]
fn steps_carry_request_response_expectations_and_no_body() {
    let doc = render(&fixtures::run());
    let step = &doc["workflows"][0]["steps"][2];
    assert_eq!(step["number"], 3);
    assert_eq!(step["kind"], "step");
    assert_eq!(step["outcome"], "failed");
    assert_eq!(step["request"]["method"], "GET");
    assert!(
        step["request"]["url"]
            .as_str()
            .unwrap()
            .ends_with("client_id=app-1")
    );
    assert_eq!(
        step["request"]["headers"][0],
        json!({"name": "authorization", "value": "Bearer «accessToken»"})
    );
    assert_eq!(step["response"]["status"], 400);
    assert_eq!(step["response"]["duration_ms"], 40.0);
    assert!(step["response"].get("body").is_none());
    assert_eq!(
        step["expectations"][0],
        json!({"subject": "status", "passed": false, "expected": "302", "actual": "400"})
    );
    assert_eq!(step["attempts"], 1);
    assert_eq!(step["duration_ms"], 42.0);
    assert!(
        !doc.to_string().contains("INVALID_DATA"),
        "bodies are not kept"
    );
    let token = &doc["workflows"][0]["steps"][0];
    assert_eq!(token["extracted"], json!(["accessToken"]));
}

#[test]
fn a_gate_skip_is_written_in_its_words() {
    let wf = fixtures::id(0, 0);
    let skip = fixtures::skipped(&wf, 1, "Create", crate::event::SkipReason::SkippedAtGate);
    let events = [
        fixtures::workflow_started(&wf, "Smoke", None, 1),
        fixtures::finished(skip),
    ];
    let doc = render(&events);
    let step = &doc["workflows"][0]["steps"][0];
    assert_eq!(step["outcome"], "skipped");
    assert_eq!(step["message"], "skipped at the prompt");
}

#[test]
fn skips_errors_and_cleanups_are_recorded() {
    let doc = render(&fixtures::run());
    let skipped = &doc["workflows"][0]["steps"][3];
    assert_eq!(skipped["outcome"], "skipped");
    assert_eq!(skipped["message"], "an earlier step failed");
    assert_eq!(skipped["request"], Value::Null);
    let refused = &doc["workflows"][1]["steps"][1];
    assert_eq!(refused["response"], Value::Null);
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("connection refused")
    );
    let cleanup = &doc["workflows"][1]["cleanups"][0];
    assert_eq!(cleanup["kind"], "cleanup");
    assert_eq!(cleanup["outcome"], "failed");
    assert_eq!(cleanup["request"]["method"], "DELETE");
}

#[test]
fn run_without_its_end_is_counted_and_marked_interrupted() {
    let events = fixtures::run();
    let doc = render(&events[..events.len() - 3]);
    let summary = &doc["summary"];
    assert_eq!(summary["interrupted"], true);
    assert_eq!(summary["workflows"], 2);
    assert_eq!(summary["workflows_failed"], 1);
    assert_eq!(summary["steps_passed"], 2 + 1);
    assert_eq!(summary["steps_failed"], 1 + 1);
    assert_eq!(doc["workflows"][1]["outcome"], Value::Null);
}

#[test]
fn write_failure_is_an_io_error() {
    struct Broken;
    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut reporter = JsonReporter::new(Box::new(Broken));
    assert!(reporter.finish().is_err());
}
