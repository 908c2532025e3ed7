//! The JSON report: one document describing the whole run, for machines (CI dashboards,
//! scripts). It keeps only what the document needs — never response bodies — and writes once.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::event::{
    Event, ExpectationResult, Outcome, Reporter, RunSummary, StepKind, StepReport, WorkflowInfo,
    WorkflowSummary,
};
use crate::report::excerpt::millis;

/// Collects a run and writes it as one JSON document at [`Reporter::finish`].
pub struct JsonReporter {
    out: Box<dyn Write + Send>,
    /// Keyed by (matrix run, position) so the document's order does not depend on timing.
    workflows: BTreeMap<(usize, usize), JsonWorkflow>,
    summary: Option<JsonSummary>,
    written: bool,
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    tool: &'static str,
    version: &'static str,
    summary: JsonSummary,
    workflows: Vec<&'a JsonWorkflow>,
}

#[derive(Serialize, Clone, Copy, Default)]
struct JsonSummary {
    workflows: usize,
    workflows_passed: usize,
    workflows_failed: usize,
    steps_passed: usize,
    steps_failed: usize,
    steps_skipped: usize,
    cleanups_failed: usize,
    interrupted: bool,
    duration_ms: f64,
}

#[derive(Serialize)]
struct JsonWorkflow {
    name: String,
    path: String,
    label: Option<String>,
    /// `null` when the run ended before this workflow did.
    outcome: Option<Outcome>,
    duration_ms: Option<f64>,
    steps: Vec<JsonStep>,
    cleanups: Vec<JsonStep>,
}

#[derive(Serialize)]
struct JsonStep {
    number: usize,
    kind: StepKind,
    name: String,
    outcome: Outcome,
    message: Option<String>,
    request: Option<JsonRequest>,
    response: Option<JsonResponse>,
    expectations: Vec<ExpectationResult>,
    extracted: Vec<String>,
    attempts: u32,
    duration_ms: f64,
}

#[derive(Serialize)]
struct JsonRequest {
    method: String,
    url: String,
    headers: Vec<JsonHeader>,
}

#[derive(Serialize)]
struct JsonResponse {
    status: u16,
    duration_ms: f64,
    headers: Vec<JsonHeader>,
}

/// A header as `{ "name", "value" }`: a list keeps repeated headers such as `Set-Cookie`.
#[derive(Serialize)]
struct JsonHeader {
    name: String,
    value: String,
}

impl JsonReporter {
    /// A reporter that writes its document to `out` when the run finishes.
    pub fn new(out: Box<dyn Write + Send>) -> JsonReporter {
        JsonReporter {
            out,
            workflows: BTreeMap::new(),
            summary: None,
            written: false,
        }
    }

    fn workflow_started(&mut self, info: &WorkflowInfo) {
        self.workflows.insert(
            (info.id.run, info.id.index),
            JsonWorkflow {
                name: info.name.clone(),
                path: info.path.clone(),
                label: info.label.clone(),
                outcome: None,
                duration_ms: None,
                steps: Vec::new(),
                cleanups: Vec::new(),
            },
        );
    }

    fn step_finished(&mut self, report: &StepReport) {
        let key = (report.workflow.run, report.workflow.index);
        // A step of a workflow that was never announced is still recorded, under no name.
        let workflow = self.workflows.entry(key).or_insert_with(|| JsonWorkflow {
            name: String::new(),
            path: String::new(),
            label: None,
            outcome: None,
            duration_ms: None,
            steps: Vec::new(),
            cleanups: Vec::new(),
        });
        let step = json_step(report);
        match report.kind {
            StepKind::Step => workflow.steps.push(step),
            StepKind::Cleanup => workflow.cleanups.push(step),
        }
    }

    fn workflow_finished(&mut self, summary: &WorkflowSummary) {
        if let Some(workflow) = self.workflows.get_mut(&(summary.id.run, summary.id.index)) {
            workflow.outcome = Some(summary.outcome);
            workflow.duration_ms = Some(millis(summary.duration));
        }
    }

    fn run_finished(&mut self, summary: &RunSummary) {
        self.summary = Some(JsonSummary {
            workflows: summary.workflows,
            workflows_passed: summary.workflows - summary.workflows_failed,
            workflows_failed: summary.workflows_failed,
            steps_passed: summary.steps_passed,
            steps_failed: summary.steps_failed,
            steps_skipped: summary.steps_skipped,
            cleanups_failed: summary.cleanups_failed,
            interrupted: summary.interrupted,
            duration_ms: millis(summary.duration),
        });
    }

    /// The summary of a run that never reported its end, counted from what was seen; such a
    /// run was cut short, so it is marked interrupted.
    fn derived_summary(&self) -> JsonSummary {
        let mut summary = JsonSummary {
            workflows: self.workflows.len(),
            interrupted: true,
            ..JsonSummary::default()
        };
        for workflow in self.workflows.values() {
            match workflow.outcome {
                Some(Outcome::Failed) => summary.workflows_failed += 1,
                Some(_) => summary.workflows_passed += 1,
                None => {}
            }
            for step in &workflow.steps {
                match step.outcome {
                    Outcome::Passed => summary.steps_passed += 1,
                    Outcome::Failed => summary.steps_failed += 1,
                    Outcome::Skipped => summary.steps_skipped += 1,
                }
            }
            let failed = workflow.cleanups.iter();
            summary.cleanups_failed += failed.filter(|c| c.outcome == Outcome::Failed).count();
        }
        summary
    }
}

fn json_step(report: &StepReport) -> JsonStep {
    JsonStep {
        number: report.number,
        kind: report.kind,
        name: report.name.clone(),
        outcome: report.outcome,
        message: report.message.clone(),
        request: report.request.as_ref().map(|request| JsonRequest {
            method: request.method.clone(),
            url: request.url.clone(),
            headers: json_headers(&request.headers),
        }),
        response: report.response.as_ref().map(|response| JsonResponse {
            status: response.status,
            duration_ms: millis(response.duration),
            headers: json_headers(&response.headers),
        }),
        expectations: report.expectations.clone(),
        extracted: report.extracted.clone(),
        attempts: report.attempts,
        duration_ms: millis(report.duration),
    }
}

fn json_headers(headers: &[(String, String)]) -> Vec<JsonHeader> {
    headers
        .iter()
        .map(|(name, value)| JsonHeader {
            name: name.clone(),
            value: value.clone(),
        })
        .collect()
}

impl Reporter for JsonReporter {
    fn event(&mut self, event: &Event) -> io::Result<()> {
        match event {
            Event::RunStarted(_) | Event::StepStarted(_) => {}
            Event::WorkflowStarted(info) => self.workflow_started(info),
            Event::StepFinished(report) => self.step_finished(report),
            Event::WorkflowFinished(summary) => self.workflow_finished(summary),
            Event::RunFinished(summary) => self.run_finished(summary),
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.written {
            return Ok(());
        }
        let document = JsonDocument {
            tool: "steprun",
            version: env!("CARGO_PKG_VERSION"),
            summary: self.summary.unwrap_or_else(|| self.derived_summary()),
            workflows: self.workflows.values().collect(),
        };
        let mut text = serde_json::to_vec_pretty(&document).map_err(io::Error::other)?;
        text.push(b'\n');
        self.written = true;
        self.out.write_all(&text)?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
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
        assert!(buf.text().is_empty(), "nothing is written before finish");
        reporter.finish().unwrap();
        reporter.finish().unwrap();
        serde_json::from_str(&buf.text()).expect("the report is one JSON document")
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
}
