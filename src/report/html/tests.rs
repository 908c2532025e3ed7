//! The HTML page: complete, streamed as the run goes, whole sections for workflows side by
//! side, and unfinished workflows closed.

use super::*;
use crate::report::fixtures::{self, SharedBuf};

fn render(events: &[Event]) -> (String, SharedBuf) {
    let buf = SharedBuf::default();
    let mut reporter = HtmlReporter::new(Box::new(buf.clone()));
    for event in events {
        reporter.event(event).unwrap();
    }
    let before = buf.text();
    reporter.finish().unwrap();
    reporter.finish().unwrap();
    (before, buf)
}

#[test]
fn page_is_complete_with_summary_steps_and_docs() {
    let (_, buf) = render(&fixtures::run());
    let html = buf.text();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.trim_end().ends_with("</html>"));
    assert_eq!(html.matches("<section class=\"workflow\"").count(), 2);
    assert_eq!(
        html.matches("</section>").count(),
        3,
        "two workflows and the summary"
    );
    assert_eq!(
        html.matches("<details").count(),
        html.matches("</details>").count()
    );
    assert!(html.contains("<a href=\"#w1-1\">Simple login</a>"));
    assert!(
        html.contains(
            "<span class=\"badge failed\">failed</span><span class=\"dur\">1.52 s</span>"
        )
    );
    // A doc is Markdown, rendered (an apostrophe needs no escaping in text).
    assert!(html.contains(
        "<div class=\"doc md\"><p>An application is PingOne's record of a client.\nMore text.</p>"
    ));
    assert!(html.contains("<div class=\"description md\"><p>A workflow.</p>"));
    assert!(html.contains("an earlier step failed"));
    assert!(html.contains("connection refused (http://127.0.0.1:9/health)"));
    assert!(
        html.contains("&quot;code&quot;: &quot;INVALID_DATA&quot;"),
        "bodies are kept"
    );
    assert!(
        !html.contains("http-equiv") && !html.contains("src=\"http"),
        "no external resources"
    );
}

#[test]
fn workflows_stream_before_the_run_ends() {
    let events = fixtures::run();
    let (before, _) = render(&events[..events.len() - 1]);
    assert!(
        before.contains("<section class=\"workflow\" id=\"w1-2\""),
        "{before}"
    );
    assert!(
        !before.contains("id=\"summary\""),
        "the summary comes at the end"
    );
}

#[test]
fn interleaved_workflows_get_whole_sections() {
    let events = fixtures::interleaved();
    let (_, buf) = render(&events);
    let html = buf.text();
    let sections: Vec<&str> = html.split("<section class=\"workflow\"").skip(1).collect();
    assert_eq!(sections.len(), 2);
    assert!(sections[0].contains("Get a worker token") && !sections[0].contains("dead host"));
    assert!(sections[1].contains("Call a dead host") && !sections[1].contains("worker token"));
    assert!(html.contains("<span class=\"badge interrupted\">interrupted</span>"));
}

#[test]
fn long_sections_held_beside_the_streaming_one_wait_on_disk_and_come_back_whole() {
    let buf = SharedBuf::default();
    let mut reporter = HtmlReporter::new(Box::new(buf.clone()));
    let (ids, starts) = fixtures::side_by_side(3, 150);
    for event in &starts {
        reporter.event(event).unwrap();
    }
    let end =
        |wf: usize| fixtures::workflow_finished(&ids[wf], "Long", Outcome::Passed, [150, 0, 0]);
    // The first streams; the second runs 150 steps and ends, the third runs 100 and is
    // still running at the end of the run; neither holds more than a few kilobytes.
    for n in 1..=150 {
        reporter
            .event(&fixtures::numbered_step(&ids, 1, n))
            .unwrap();
        assert!(reporter.held[&(1, 0)].in_memory() <= 4096);
    }
    reporter.event(&end(1)).unwrap();
    for n in 1..=100 {
        reporter
            .event(&fixtures::numbered_step(&ids, 2, n))
            .unwrap();
        assert!(reporter.held[&(2, 0)].in_memory() <= 4096);
    }
    reporter
        .event(&fixtures::numbered_step(&ids, 0, 1))
        .unwrap();
    reporter.event(&end(0)).unwrap();
    reporter.finish().unwrap();
    let html = buf.text();
    let sections: Vec<&str> = html.split("<section class=\"workflow\"").skip(1).collect();
    assert_eq!(sections.len(), 3);
    // Sections in the order they finished: the first, the second, the unfinished third.
    for (section, wf, steps) in [(0, 0, 1), (1, 1, 150), (2, 2, 100)] {
        let text = sections[section];
        let mut at = 0;
        for n in 1..=steps {
            let name = format!("step {n} of {wf}.");
            let found = text[at..].find(&name);
            assert!(
                found.is_some(),
                "{name} in section {section}, after step {}",
                n - 1
            );
            at += found.unwrap_or(0) + name.len();
        }
        assert!(!text.contains(&format!("step {} of {wf}.", steps + 1)));
    }
    assert!(sections[2].contains("did not finish"));
}

#[test]
fn unfinished_workflow_is_closed_and_the_run_marked_interrupted() {
    let login = fixtures::login_workflow();
    let (_, buf) = render(&login[..5]);
    let html = buf.text();
    assert!(html.contains("did not finish"));
    assert!(html.contains("<span class=\"badge interrupted\">interrupted</span>"));
    assert!(html.trim_end().ends_with("</html>"));
}
