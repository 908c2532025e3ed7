//! What the library sends: every workflow in `workflows/` runs against a sandbox whose
//! management API (`/v1`) records each request, and every JSON body a tutorial sends is
//! checked against the request schema the OpenAPI documents give its operation and media
//! type. The responses are the other tests' business; this one holds the requests to the
//! same documents, so a tutorial cannot send a body PingOne's API does not describe. A body
//! the sandbox refused is a tutorial's check that PingOne refuses it, and is left out; where
//! the documents lack an operation or misdescribe a body, `exceptions` says so with PingOne's
//! reason.

use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use serde_json::Value;

use super::{exceptions, openapi};
use crate::harness::Case;

/// One management request as the sandbox received it.
struct Sent {
    method: String,
    path: String,
    media: Option<String>,
    body: Bytes,
    /// The sandbox's answer: a body it refused (a tutorial's check that PingOne refuses it)
    /// is meant to break the rules.
    status: u16,
}

type Log = Arc<Mutex<Vec<Sent>>>;

async fn record(State(log): State<Log>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let path = parts.uri.path().strip_prefix("/v1").map(str::to_owned);
    let method = parts.method.to_string();
    let media = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or(v).trim().to_ascii_lowercase());
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes.clone())))
        .await;
    if let Some(path) = path {
        log.lock().unwrap().push(Sent {
            method,
            path,
            media,
            body: bytes,
            status: response.status().as_u16(),
        });
    }
    response
}

/// A sandbox that records its management requests, and its variables as a vars file.
async fn recording_sandbox(log: Log) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let state = Arc::new(steprun::sandbox::seed(base));
    let vars = steprun::sandbox::SandboxVars::of(&state);
    let router = steprun::sandbox::app(state).layer(from_fn_with_state(log, record));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (vars.to_toml(), task)
}

fn is_json(media: &str) -> bool {
    media == "application/json"
        || (media.starts_with("application/vnd.") && media.ends_with("+json"))
}

/// Violations of the spec's request schema by one sent body; empty when it fits.
fn check(sent: &Sent) -> Vec<String> {
    let at = format!("{} {}", sent.method, sent.path);
    let Some(op) = openapi::find(&sent.method, &sent.path) else {
        if exceptions::undescribed(&sent.method, &sent.path).is_some() {
            return Vec::new();
        }
        return vec![format!("{at}: no operation in the spec")];
    };
    let Some(media) = sent.media.as_deref().filter(|m| is_json(m)) else {
        return Vec::new();
    };
    if sent.status >= 400 || exceptions::request_body(&sent.method, &op.template, media).is_some() {
        return Vec::new();
    }
    let label = format!("{} {} [{media}]", sent.method, op.template);
    let body: Value = match serde_json::from_slice(&sent.body) {
        Ok(v) => v,
        Err(e) => return vec![format!("{label}: the body is not JSON: {e}")],
    };
    let schema = match op.request(media) {
        openapi::Declared::Schema(schema) => schema,
        openapi::Declared::NoSchema { .. } => return Vec::new(),
        openapi::Declared::OtherMediaType(types) => {
            return vec![format!(
                "{label}: media type not declared (spec has {types:?})"
            )];
        }
        openapi::Declared::Undeclared => {
            return vec![format!("{label}: the spec declares no request body")];
        }
    };
    openapi::violations(op.doc, schema, &body)
        .into_iter()
        // A write-only secret (`exceptions::Kind::WriteOnly`) is refused in responses only.
        .filter(|(pointer, _)| !exceptions::is_write_only(pointer))
        .map(|(pointer, message)| format!("{label}: at '{pointer}': {message}"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_body_the_library_sends_fits_the_spec() {
    let log: Log = Arc::default();
    let (vars, server) = recording_sandbox(Arc::clone(&log)).await;
    let workflows = concat!(env!("CARGO_MANIFEST_DIR"), "/workflows");
    let run = tokio::task::spawn_blocking(move || {
        Case::new()
            .file("sandbox.toml", &vars)
            .args(["run", workflows, "--vars", "sandbox.toml"])
            .run()
    })
    .await
    .expect("run the library");
    server.abort();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let sent = std::mem::take(&mut *log.lock().unwrap());
    let json_bodies = sent
        .iter()
        .filter(|s| s.media.as_deref().is_some_and(is_json))
        .count();
    let mut violations: Vec<String> = sent.iter().flat_map(check).collect();
    violations.sort();
    violations.dedup();
    assert!(
        violations.is_empty(),
        "{} request(s) break the spec:\n{}",
        violations.len(),
        violations.join("\n")
    );
    assert!(
        json_bodies > 100,
        "only {json_bodies} JSON bodies were sent"
    );
}
