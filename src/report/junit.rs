//! The `JUnit` XML report, for CI systems that show test results: one `testsuite` per
//! workflow, one `testcase` per step or cleanup. The document opens with the run's totals, so
//! it is written at the end of the run; until then each finished workflow's suite waits in a
//! temporary file (spooled as XML, not held in memory), and only running workflows' suites
//! are kept.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::event::{Event, Outcome, Reporter, StepKind, StepReport, WorkflowInfo};
use crate::report::excerpt::{BODY_MAX_BYTES, BODY_MAX_LINES, body_excerpt, readable_body};
use crate::report::spool::{Parked, Spool};

/// Collects a run and writes it as `JUnit` XML at [`Reporter::finish`].
pub struct JunitReporter {
    out: Box<dyn Write + Send>,
    /// Suites of running workflows, keyed by (matrix run, position) so the document's order
    /// does not depend on timing.
    suites: BTreeMap<(usize, usize), TestSuite>,
    /// Workflow paths, the test cases' class names (running workflows only).
    paths: BTreeMap<(usize, usize), String>,
    /// Finished suites as XML, in the order they finished.
    spool: Spool,
    /// Where each finished suite is in the spool.
    spooled: Vec<((usize, usize), Parked)>,
    totals: Totals,
    duration: Option<std::time::Duration>,
    written: bool,
}

/// The counts the `testsuites` element carries, added up as suites are spooled.
#[derive(Default)]
struct Totals {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl JunitReporter {
    /// A reporter that writes its XML to `out` when the run finishes.
    pub fn new(out: Box<dyn Write + Send>) -> JunitReporter {
        JunitReporter {
            out,
            suites: BTreeMap::new(),
            paths: BTreeMap::new(),
            spool: Spool::default(),
            spooled: Vec::new(),
            totals: Totals::default(),
            duration: None,
            written: false,
        }
    }

    /// Writes a finished workflow's suite to the spool and forgets it.
    fn spool_suite(&mut self, key: (usize, usize)) -> io::Result<()> {
        self.paths.remove(&key);
        let Some(suite) = self.suites.remove(&key) else {
            return Ok(());
        };
        self.totals.tests += suite.tests;
        self.totals.failures += suite.failures;
        self.totals.errors += suite.errors;
        self.totals.skipped += suite.skipped;
        let parked = self.spool.park(suite_xml(suite)?.as_bytes())?;
        self.spooled.push((key, parked));
        Ok(())
    }

    /// The document: the run's totals, then every suite in the run's order.
    fn write_document(&mut self) -> io::Result<()> {
        let unfinished: Vec<_> = self.suites.keys().copied().collect();
        for key in unfinished {
            self.spool_suite(key)?;
        }
        let mut text = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = write!(
            text,
            "<testsuites name=\"steprun\" tests=\"{}\" skipped=\"{}\" failures=\"{}\" errors=\"{}\"",
            self.totals.tests, self.totals.skipped, self.totals.failures, self.totals.errors
        );
        if let Some(duration) = self.duration {
            let _ = write!(text, " time=\"{:.3}\"", duration.as_secs_f64());
        }
        if self.spooled.is_empty() {
            text.push_str("/>\n");
            return self.out.write_all(text.as_bytes());
        }
        text.push_str(">\n");
        self.out.write_all(text.as_bytes())?;
        self.spooled.sort_by_key(|(key, _)| *key);
        for &(_, parked) in &self.spooled {
            self.spool.copy(parked, &mut self.out)?;
        }
        self.out.write_all(b"</testsuites>\n")
    }

    fn workflow_started(&mut self, info: &WorkflowInfo) {
        let key = (info.id.run, info.id.index);
        let name = match &info.label {
            Some(label) => format!("{} [{label}]", info.name),
            None => info.name.clone(),
        };
        let mut suite = TestSuite::new(name);
        if let Some(label) = &info.label {
            suite.add_property(("matrix", label.as_str()));
        }
        suite.add_property(("path", info.path.as_str()));
        self.suites.insert(key, suite);
        self.paths.insert(key, info.path.clone());
    }

    fn step_finished(&mut self, report: &StepReport) {
        let key = (report.workflow.run, report.workflow.index);
        let classname = self.paths.get(&key).cloned().unwrap_or_default();
        let suite = self
            .suites
            .entry(key)
            .or_insert_with(|| TestSuite::new(format!("workflow {}", report.workflow.index + 1)));
        suite.add_test_case(test_case(report, &classname));
    }
}

/// One suite as quick-junit writes it inside a document: the lines between the
/// `testsuites` element's opening and closing tags.
fn suite_xml(suite: TestSuite) -> io::Result<String> {
    let mut report = Report::new("steprun");
    report.add_test_suite(suite);
    let mut xml = Vec::new();
    report.serialize(&mut xml).map_err(io::Error::other)?;
    let text = String::from_utf8(xml).map_err(io::Error::other)?;
    let start = text
        .find("<testsuites")
        .and_then(|at| text[at..].find('\n').map(|nl| at + nl + 1));
    let end = text.rfind("</testsuites>");
    match (start, end) {
        (Some(start), Some(end)) if start <= end => Ok(text[start..end].to_owned()),
        _ => Err(io::Error::other("quick-junit wrote an unexpected document")),
    }
}

fn test_case(report: &StepReport, classname: &str) -> TestCase {
    let name = match report.kind {
        StepKind::Step => format!("{:02} {}", report.number, report.name),
        StepKind::Cleanup => format!("cleanup: {}", report.name),
    };
    let mut case = TestCase::new(name, status(report));
    case.set_classname(classname);
    case.set_time(report.duration);
    case.set_assertions(report.expectations.len());
    // A failed step's body says why; it is bounded, and at most a few steps fail per workflow.
    if report.outcome == Outcome::Failed
        && let Some(response) = report.response.as_ref().filter(|r| !r.body.is_empty())
    {
        case.set_system_out(body_text(&response.body, response.body_truncated));
    }
    case
}

fn status(report: &StepReport) -> TestCaseStatus {
    match report.outcome {
        Outcome::Passed => TestCaseStatus::success(),
        Outcome::Skipped => {
            let mut status = TestCaseStatus::skipped();
            if let Some(reason) = &report.reason {
                status.set_message(reason.to_string());
            }
            status
        }
        Outcome::Failed => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let failed: Vec<String> = (report.expectations.iter().filter(|e| !e.passed))
                .map(|e| {
                    let at =
                        e.at.as_ref()
                            .map(|at| format!(" ({at})"))
                            .unwrap_or_default();
                    format!(
                        "{}: expected {} / actual {}{at}",
                        e.subject, e.expected, e.actual
                    )
                })
                .collect();
            // The first failed expectation names the problem best; else the step's message.
            let reason = report.reason.as_ref().map(ToString::to_string);
            let headline = failed.first().or(reason.as_ref());
            status.set_message(headline.map_or("step failed", String::as_str));
            let all: Vec<&str> = (reason.iter().chain(&failed)).map(String::as_str).collect();
            if !all.is_empty() {
                status.set_description(all.join("\n"));
            }
            status
        }
    }
}

/// The failed step's response body, trimmed as on the console.
fn body_text(body: &str, truncated: bool) -> String {
    let excerpt = body_excerpt(&readable_body(body), BODY_MAX_LINES, BODY_MAX_BYTES);
    let mut text = excerpt.lines.join("\n");
    if excerpt.omitted_bytes > 0 {
        let _ = write!(text, "\n… ({} more bytes)", excerpt.omitted_bytes);
    } else if truncated {
        text.push_str("\n… (body truncated)");
    }
    text
}

impl Reporter for JunitReporter {
    fn wants_step_starts(&self) -> bool {
        false
    }

    fn wants_learned(&self) -> bool {
        false
    }

    fn event(&mut self, event: &Event) -> io::Result<()> {
        match event {
            Event::RunStarted(_) | Event::StepStarted(_) => {}
            Event::WorkflowStarted(info) => self.workflow_started(info),
            Event::StepFinished(report) => self.step_finished(report),
            Event::WorkflowFinished(summary) => {
                let key = (summary.id.run, summary.id.index);
                if let Some(suite) = self.suites.get_mut(&key) {
                    suite.set_time(summary.duration);
                }
                return self.spool_suite(key);
            }
            Event::RunFinished(summary) => self.duration = Some(summary.duration),
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.written {
            return Ok(());
        }
        self.written = true;
        self.write_document()?;
        self.spool = Spool::default();
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use quick_junit::{Report, XmlString};

    use super::*;
    use crate::report::fixtures::{self, SharedBuf};

    fn render(events: &[Event]) -> (String, Report) {
        let buf = SharedBuf::default();
        let mut reporter = JunitReporter::new(Box::new(buf.clone()));
        for event in events {
            reporter.event(event).unwrap();
        }
        assert!(buf.text().is_empty(), "nothing is written before finish");
        reporter.finish().unwrap();
        let xml = buf.text();
        let report = Report::deserialize_from_str(&xml).expect("valid JUnit XML");
        (xml, report)
    }

    fn case<'a>(suite: &'a TestSuite, name: &str) -> &'a TestCase {
        let found = suite.test_cases.iter().find(|c| c.name.as_str() == name);
        found.unwrap_or_else(|| panic!("no test case {name}"))
    }

    #[test]
    fn one_suite_per_workflow_one_case_per_step() {
        let (_, report) = render(&fixtures::run());
        assert_eq!(report.name.as_ref().map(XmlString::as_str), Some("steprun"));
        assert_eq!(report.test_suites.len(), 2);
        let login = &report.test_suites[0];
        assert_eq!(login.name.as_str(), "Simple login");
        assert_eq!(login.tests, 5);
        assert_eq!(login.failures, 1);
        assert_eq!(login.skipped, 1);
        let names: Vec<&str> = login.test_cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "01 Get a worker token",
                "02 Create a web application",
                "03 Send an authorization request",
                "04 Read the flow",
                "cleanup: Create a web application",
            ]
        );
        let first = &login.test_cases[0];
        assert_eq!(
            first.classname.as_ref().unwrap().as_str(),
            "workflows/simple-login.toml"
        );
        assert_eq!(first.time, Some(std::time::Duration::from_millis(42)));
        assert_eq!(first.status, TestCaseStatus::success());
    }

    #[test]
    fn failures_list_every_failed_expectation_and_keep_the_body() {
        let (xml, report) = render(&fixtures::run());
        let failed = case(&report.test_suites[0], "03 Send an authorization request");
        let TestCaseStatus::NonSuccess {
            kind,
            message,
            description,
            ..
        } = &failed.status
        else {
            panic!("not a failure: {:?}", failed.status);
        };
        assert_eq!(*kind, NonSuccessKind::Failure);
        assert_eq!(
            message.as_ref().unwrap().as_str(),
            "status: expected 302 / actual 400"
        );
        let description = description.as_ref().unwrap().as_str();
        assert!(
            description.contains("status: expected 302 / actual 400"),
            "{description}"
        );
        assert!(
            description.contains("header Location contains: expected \"flowId=\" / actual (none)")
        );
        let body = failed.system_out.as_ref().unwrap().as_str();
        assert!(body.contains("\"code\": \"INVALID_DATA\""), "{body}");
        assert!(
            !xml.contains("<system-out>{}</system-out>"),
            "passed steps keep no body"
        );
    }

    #[test]
    fn connection_errors_skips_and_cleanups() {
        let (_, report) = render(&fixtures::run());
        let smoke = &report.test_suites[1];
        let refused = case(smoke, "02 Call a dead host");
        let TestCaseStatus::NonSuccess { message, .. } = &refused.status else {
            panic!("not a failure");
        };
        assert!(
            message
                .as_ref()
                .unwrap()
                .as_str()
                .starts_with("connection refused")
        );
        let cleanup = case(smoke, "cleanup: Create a population");
        assert!(matches!(cleanup.status, TestCaseStatus::NonSuccess { .. }));
        let skipped = case(&report.test_suites[0], "04 Read the flow");
        let TestCaseStatus::Skipped { message, .. } = &skipped.status else {
            panic!("not skipped");
        };
        assert_eq!(message.as_ref().unwrap().as_str(), "an earlier step failed");
    }

    #[test]
    fn a_quit_at_the_gate_is_a_skip_with_its_words() {
        let wf = fixtures::id(0, 0);
        let quit = fixtures::skipped(&wf, 1, "Create", crate::event::SkipReason::QuitAtGate);
        let events = [
            fixtures::workflow_started(&wf, "Smoke", None, 1),
            fixtures::finished(quit),
        ];
        let (_, report) = render(&events);
        let TestCaseStatus::Skipped { message, .. } = &report.test_suites[0].test_cases[0].status
        else {
            panic!("not skipped");
        };
        assert_eq!(
            message.as_ref().unwrap().as_str(),
            "stopped here at the prompt (quit)"
        );
    }

    #[test]
    fn matrix_label_is_part_of_the_suite_name() {
        let wf = fixtures::id(1, 0);
        let events = [
            fixtures::workflow_started(&wf, "Smoke", Some("eu-tenant"), 1),
            fixtures::finished(fixtures::step(
                &wf,
                1,
                "Ping",
                ("GET", "http://h/"),
                (200, ""),
            )),
        ];
        let (_, report) = render(&events);
        assert_eq!(report.test_suites[0].name.as_str(), "Smoke [eu-tenant]");
    }
}
