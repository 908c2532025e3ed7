//! The explainer's output for single events, replayed from the shared report fixtures.

use super::*;
use crate::event::{SkipReason, WorkflowId};
use crate::report::fixtures;

struct Sink(Arc<std::sync::Mutex<Vec<u8>>>);
impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn explain(events: &[Event]) -> String {
    let buffer = Arc::new(std::sync::Mutex::new(Vec::new()));
    let opts = ExplainOptions {
        paint: Paint::new(false),
        all_headers: false,
        pausing: true,
        keep: false,
        width: 80,
    };
    let mut explainer = Explainer::new(Box::new(Sink(Arc::clone(&buffer))), opts, Arc::default());
    for e in events {
        explainer.event(e).unwrap();
    }
    String::from_utf8(buffer.lock().unwrap().clone()).unwrap()
}

#[test]
fn a_step_shows_response_checks_and_what_was_learned() {
    let id = WorkflowId { run: 0, index: 0 };
    let mut step = fixtures::step(
        &id,
        2,
        "Create an app",
        ("POST", "http://h/v1/apps"),
        (201, r#"{"id":"a1"}"#),
    );
    step.learned = vec![Learned {
        name: "appID".into(),
        value: "a1".into(),
        from: "JSONPath `$.id`".into(),
    }];
    let text = explain(&[
        fixtures::workflow_started(&id, "Simple", None, 5),
        fixtures::finished(step),
    ]);
    assert!(text.contains("Simple\n══════"), "{text}");
    assert!(text.contains("← Response  201 Created"), "{text}");
    assert!(text.contains("\"id\": \"a1\""), "{text}");
    assert!(text.contains("✓ status: 201"), "{text}");
    assert!(text.contains("appID = a1   ← JSONPath `$.id`"), "{text}");
    assert!(text.contains("✓ Passed"), "{text}");
}

#[test]
fn failures_and_skips_are_explained() {
    let id = WorkflowId { run: 0, index: 0 };
    let mut step = fixtures::step(&id, 1, "Get", ("GET", "http://h/x"), (400, "{}"));
    step.outcome = Outcome::Failed;
    step.expectations = vec![fixtures::expectation("status", false, "200", "400")];
    let when = fixtures::skipped(&id, 2, "Only on sandbox", SkipReason::WhenFalse);
    let after = fixtures::skipped(&id, 3, "Later", SkipReason::EarlierStepFailed);
    let text = explain(&[
        fixtures::finished(step),
        fixtures::finished(when),
        fixtures::finished(after),
    ]);
    assert!(text.contains("✗ status: expected 200, got 400"), "{text}");
    assert!(text.contains("✗ Failed: a check did not hold"), "{text}");
    assert!(text.contains("── Step 2 · Only on sandbox"), "{text}");
    assert!(
        text.contains("↷ Skipped: condition `when` is false"),
        "{text}"
    );
    assert!(
        text.contains("↷ Step 3 · Later — skipped: an earlier step failed"),
        "{text}"
    );
}

#[test]
fn gate_skips_and_quits_are_told_by_their_variant() {
    let id = WorkflowId { run: 0, index: 0 };
    let skip = fixtures::skipped(&id, 1, "Create", SkipReason::SkippedAtGate);
    let quit = fixtures::skipped(&id, 2, "Read", SkipReason::QuitAtGate);
    let text = explain(&[fixtures::finished(skip), fixtures::finished(quit)]);
    assert!(
        text.contains("↷ Skipped: nothing was sent. Later steps that need"),
        "{text}"
    );
    assert!(
        text.contains("■ Stopped: you quit; nothing more is sent"),
        "{text}"
    );
    // The reason's own words are not what a person reads here.
    assert!(!text.contains("skipped at the prompt"), "{text}");
}
