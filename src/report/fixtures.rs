//! A realistic run, as events with fixed durations, that every reporter's tests replay.

use std::time::Duration;

use crate::event::{
    Event, ExpectationResult, Outcome, RequestInfo, ResponseInfo, RunInfo, RunSummary, SkipReason,
    StepFailure, StepKind, StepReport, StepStart, WorkflowId, WorkflowInfo, WorkflowSummary,
};

pub const API: &str = "https://api.example.com/v1/environments/env-1";

pub fn id(run: usize, index: usize) -> WorkflowId {
    WorkflowId { run, index }
}

pub fn workflow_started(id: &WorkflowId, name: &str, label: Option<&str>, steps: usize) -> Event {
    Event::WorkflowStarted(WorkflowInfo {
        id: id.clone(),
        name: name.to_owned(),
        label: label.map(str::to_owned),
        path: format!("workflows/{}.toml", name.to_lowercase().replace(' ', "-")),
        description: Some("A workflow.".to_owned()),
        steps,
    })
}

pub fn step_started(workflow: &WorkflowId, number: usize, name: &str) -> Event {
    Event::StepStarted(StepStart {
        workflow: workflow.clone(),
        number,
        name: name.to_owned(),
        kind: StepKind::Step,
    })
}

/// A step that sent `method url` and got `status` with `body`.
pub fn step(
    workflow: &WorkflowId,
    number: usize,
    name: &str,
    (method, url): (&str, &str),
    (status, body): (u16, &str),
) -> StepReport {
    StepReport {
        request: Some(RequestInfo {
            method: method.to_owned().into(),
            url: url.to_owned(),
            headers: vec![(
                "authorization".to_owned(),
                "Bearer «accessToken»".to_owned(),
            )],
            body: None,
        }),
        response: Some(ResponseInfo {
            status,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: body.to_owned(),
            body_truncated: false,
            duration: Duration::from_millis(40),
            url: url.to_owned(),
        }),
        expectations: vec![expectation("status", true, "201", &status.to_string())],
        attempts: 1,
        duration: Duration::from_millis(42),
        ..StepReport::new(workflow.clone(), number, StepKind::Step, name)
    }
}

pub fn expectation(subject: &str, passed: bool, expected: &str, actual: &str) -> ExpectationResult {
    ExpectationResult {
        subject: subject.to_owned().into(),
        passed,
        expected: expected.to_owned().into(),
        actual: actual.to_owned().into(),
        at: None,
        diff: None,
    }
}

pub fn skipped(workflow: &WorkflowId, number: usize, name: &str, reason: SkipReason) -> StepReport {
    StepReport {
        outcome: Outcome::Skipped,
        reason: Some(reason.into()),
        ..StepReport::new(workflow.clone(), number, StepKind::Step, name)
    }
}

pub fn finished(report: StepReport) -> Event {
    Event::StepFinished(Box::new(report))
}

/// `count` workflows of `steps` steps each, one per matrix entry (labels `t0`, `t1`, ...), and
/// the events that start them side by side.
pub fn side_by_side(count: usize, steps: usize) -> (Vec<WorkflowId>, Vec<Event>) {
    let ids: Vec<_> = (0..count).map(|run| id(run, 0)).collect();
    let starts = (ids.iter().enumerate())
        .map(|(i, wf)| workflow_started(wf, "Long", Some(&format!("t{i}")), steps))
        .collect();
    (ids, starts)
}

/// Step `n` of the `w`th of several workflows, passed and named `step N of W.`, for tests that
/// follow many steps of workflows running side by side.
pub fn numbered_step(workflows: &[WorkflowId], w: usize, n: usize) -> Event {
    let name = format!("step {n} of {w}.");
    finished(step(
        &workflows[w],
        n,
        &name,
        ("GET", "http://h/"),
        (200, ""),
    ))
}

pub fn workflow_finished(
    id: &WorkflowId,
    name: &str,
    outcome: Outcome,
    counts: [usize; 3],
) -> Event {
    Event::WorkflowFinished(WorkflowSummary {
        id: id.clone(),
        name: name.to_owned(),
        outcome,
        passed: counts[0],
        failed: counts[1],
        skipped: counts[2],
        duration: Duration::from_millis(312),
    })
}

/// Workflow 1: two passes, a failed expectation with an error body, a skipped step and a
/// cleanup. Workflow 2: a pass, a connection error and a failed cleanup.
pub fn run() -> Vec<Event> {
    let mut events = vec![Event::RunStarted(RunInfo {
        workflows: 2,
        runs: 1,
        partition: None,
        partition_units: None,
        partition_digest: None,
    })];
    events.extend(login_workflow());
    events.extend(smoke_workflow());
    events.push(Event::RunFinished(RunSummary {
        counts: crate::event::Counts {
            workflows: 2,
            workflows_failed: 2,
            steps_passed: 3,
            steps_failed: 2,
            steps_skipped: 1,
            cleanups_failed: 1,
        },
        interrupted: false,
        duration: Duration::from_millis(1520),
    }));
    events
}

pub fn login_workflow() -> Vec<Event> {
    let wf = id(0, 0);
    let mut token = step(
        &wf,
        1,
        "Get a worker token",
        ("POST", "https://auth.example.com/admin/as/token"),
        (200, "{}"),
    );
    token.extracted = vec!["accessToken".to_owned()];
    token.expectations[0].expected = "200".into();
    let mut app = step(
        &wf,
        2,
        "Create a web application",
        ("POST", &format!("{API}/applications")),
        (201, "{}"),
    );
    app.extracted = vec!["appID".to_owned()];
    app.doc = Some("An application is PingOne's record of a client.\nMore text.".to_owned());
    let mut authorize = step(
        &wf,
        3,
        "Send an authorization request",
        (
            "GET",
            "https://auth.example.com/env-1/as/authorize?response_type=code&client_id=app-1",
        ),
        (
            400,
            r#"{"code":"INVALID_DATA","message":"bad redirect_uri"}"#,
        ),
    );
    authorize.outcome = Outcome::Failed;
    authorize.expectations = vec![
        expectation("status", false, "302", "400"),
        expectation("header Location contains", false, "\"flowId=\"", "(none)"),
    ];
    let mut cleanup = step(
        &wf,
        1,
        "Create a web application",
        ("DELETE", &format!("{API}/applications/app-1")),
        (204, ""),
    );
    cleanup.kind = StepKind::Cleanup;
    cleanup.expectations[0] = expectation("status", true, "2xx", "204");
    vec![
        workflow_started(&wf, "Simple login", None, 4),
        step_started(&wf, 1, "Get a worker token"),
        finished(token),
        step_started(&wf, 2, "Create a web application"),
        finished(app),
        step_started(&wf, 3, "Send an authorization request"),
        finished(authorize),
        finished(skipped(
            &wf,
            4,
            "Read the flow",
            SkipReason::EarlierStepFailed,
        )),
        finished(cleanup),
        workflow_finished(&wf, "Simple login", Outcome::Failed, [2, 1, 1]),
    ]
}

/// The two workflows run side by side (`--jobs`): smoke starts while login runs, and
/// finishes first. No run end.
pub fn interleaved() -> Vec<Event> {
    let login = login_workflow();
    let smoke = smoke_workflow();
    let mut events = vec![login[0].clone(), smoke[0].clone(), login[1].clone()];
    events.extend(smoke[1..].iter().cloned());
    events.extend(login[2..].iter().cloned());
    events
}

pub fn smoke_workflow() -> Vec<Event> {
    let wf = id(0, 1);
    let population = step(
        &wf,
        1,
        "Create a population",
        ("POST", &format!("{API}/populations")),
        (201, "{}"),
    );
    let mut down = step(
        &wf,
        2,
        "Call a dead host",
        ("GET", "http://127.0.0.1:9/health"),
        (0, ""),
    );
    down.outcome = Outcome::Failed;
    down.response = None;
    down.expectations = Vec::new();
    down.reason =
        Some(StepFailure::Send("connection refused (http://127.0.0.1:9/health)".to_owned()).into());
    let mut cleanup = step(
        &wf,
        1,
        "Create a population",
        ("DELETE", &format!("{API}/populations/pop-1")),
        (404, "{\"code\":\"NOT_FOUND\"}"),
    );
    cleanup.kind = StepKind::Cleanup;
    cleanup.outcome = Outcome::Failed;
    cleanup.expectations = vec![expectation("status", false, "2xx", "404")];
    vec![
        workflow_started(&wf, "Smoke", None, 2),
        finished(population),
        finished(down),
        finished(cleanup),
        workflow_finished(&wf, "Smoke", Outcome::Failed, [1, 1, 0]),
    ]
}

/// A writer whose bytes the test can read after handing a clone to a reporter.
#[derive(Clone, Default)]
pub struct SharedBuf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl SharedBuf {
    pub fn text(&self) -> String {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8(bytes).expect("reports are UTF-8")
    }
}

impl std::io::Write for SharedBuf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let mut bytes = self
            .0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        bytes.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
