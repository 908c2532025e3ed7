//! A client for the sandbox's management API that checks every response it receives against
//! the OpenAPI documents and keeps every violation, so one failing test lists them all.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::Mutex;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use steprun::sandbox::IssuedToken;
use steprun::sandbox::Sandbox;

use super::exceptions;
use super::openapi::{self, Declared};
use crate::sandbox_mgmt::start_with_admin_token;

/// The sandbox under test and what the checks found so far.
pub struct Conformance {
    http: reqwest::Client,
    pub sandbox: Sandbox,
    token: String,
    found: Mutex<Found>,
}

#[derive(Default)]
struct Found {
    violations: Vec<String>,
    /// `(METHOD template, status)` whose body was validated against a schema.
    validated: BTreeSet<(String, u16)>,
    /// `(METHOD template, status)` the spec declares without a schema.
    unschematized: BTreeSet<(String, u16)>,
    /// Allowed differences that applied, with their reasons.
    excepted: BTreeSet<String>,
}

/// A response as received.
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Conformance {
    pub async fn start() -> Conformance {
        let token = "conformance-admin-token".to_owned();
        let sandbox = start_with_admin_token(&token).await;
        Conformance {
            // A redirect is an answer to check (the integration asset's 307), not to follow.
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            sandbox,
            token,
            found: Mutex::default(),
        }
    }

    /// A token issued to `user` in the tutorial environment, allowed to read only that
    /// user (what a sign-on gives a browser app).
    pub fn user_token(&self, user: &str) -> String {
        let token = format!("user-token-{user}");
        let state = self.sandbox.state();
        state.insert_token(
            &token,
            IssuedToken {
                env_id: self.env(),
                client_id: "some-app".into(),
                subject: Some(user.to_owned()),
                scopes: vec!["p1:read:user".into()],
                expires_at: state.auth.clock.now_secs() + 60,
                revoked: false,
            },
        );
        token
    }

    pub fn env(&self) -> String {
        self.sandbox.vars().env_id.clone()
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.sandbox.vars().api_path)
        }
    }

    /// Sends a request (with the admin token unless `token` says otherwise) and checks the
    /// response against the spec.
    pub async fn send_as(
        &self,
        token: Option<&str>,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let url = self.url(path);
        let mut req = self.http.request(method.clone(), &url);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        if let Some(b) = body {
            req = req.body(b.to_string());
        }
        self.exchange(method, &url, req).await
    }

    /// `GET` with an `Accept` header (key exports); checks the response, asserts 200 and
    /// returns the body as text.
    pub async fn export(&self, path: &str, accept: &str) -> String {
        let url = self.url(path);
        let req = self
            .http
            .get(&url)
            .bearer_auth(&self.token)
            .header("accept", accept);
        let reply = self.exchange(Method::GET, &url, req).await;
        assert_eq!(reply.status.as_u16(), 200, "GET {path}: {}", reply.body);
        reply.body.as_str().unwrap_or_default().to_owned()
    }

    /// Sends a multipart upload (certificates, images) with the admin token, checks the
    /// response and asserts its status.
    pub async fn upload(&self, status: u16, path: &str, form: reqwest::multipart::Form) -> Value {
        let url = self.url(path);
        let req = self
            .http
            .post(&url)
            .bearer_auth(&self.token)
            .multipart(form);
        let reply = self.exchange(Method::POST, &url, req).await;
        assert_eq!(reply.status.as_u16(), status, "POST {path}: {}", reply.body);
        reply.body
    }

    /// Sends a file as the raw request body (images) with its media type and
    /// `Content-Disposition`, checks the response and asserts its status.
    pub async fn upload_file(
        &self,
        status: u16,
        path: &str,
        content_type: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Value {
        let url = self.url(path);
        let req = self
            .http
            .post(&url)
            .bearer_auth(&self.token)
            .header("content-type", content_type)
            .header(
                "content-disposition",
                format!("attachment; filename={file_name}"),
            )
            .body(bytes);
        let reply = self.exchange(Method::POST, &url, req).await;
        assert_eq!(reply.status.as_u16(), status, "POST {path}: {}", reply.body);
        reply.body
    }

    async fn exchange(&self, method: Method, url: &str, req: reqwest::RequestBuilder) -> Reply {
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let media_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").trim().to_owned());
        let text = resp.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        let below_v1 = url
            .strip_prefix(&self.sandbox.vars().api_path)
            .unwrap_or(url);
        let below_v1 = below_v1.split('?').next().unwrap_or_default();
        self.check(
            &method,
            below_v1,
            status.as_u16(),
            media_type.as_deref(),
            &body,
        );
        Reply { status, body }
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let token = self.token.clone();
        self.send_as(Some(&token), method, path, content_type, body)
            .await
    }

    /// Sends and asserts the status; returns the body.
    pub async fn expect(
        &self,
        status: u16,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Option<&Value>,
    ) -> Value {
        let reply = self.send(method.clone(), path, content_type, body).await;
        assert_eq!(
            reply.status.as_u16(),
            status,
            "{method} {path}: {}",
            reply.body
        );
        reply.body
    }

    pub async fn get(&self, path: &str) -> Value {
        self.expect(200, Method::GET, path, None, None).await
    }
    pub async fn create(&self, path: &str, body: &Value) -> Value {
        self.create_as(path, "application/json", body).await
    }
    pub async fn create_as(&self, path: &str, content_type: &str, body: &Value) -> Value {
        self.expect(201, Method::POST, path, Some(content_type), Some(body))
            .await
    }
    pub async fn put(&self, path: &str, body: &Value) -> Value {
        self.put_as(path, "application/json", body).await
    }
    pub async fn put_as(&self, path: &str, content_type: &str, body: &Value) -> Value {
        self.expect(200, Method::PUT, path, Some(content_type), Some(body))
            .await
    }
    pub async fn post_as(&self, path: &str, content_type: &str, body: &Value) -> Value {
        self.expect(200, Method::POST, path, Some(content_type), Some(body))
            .await
    }
    pub async fn delete(&self, path: &str) {
        self.expect(204, Method::DELETE, path, None, None).await;
    }

    fn check(&self, method: &Method, path: &str, status: u16, media: Option<&str>, body: &Value) {
        let mut found = self.found.lock().unwrap();
        let Some(op) = openapi::find(method.as_str(), path) else {
            found
                .violations
                .push(format!("{method} {path}: no operation in the spec"));
            return;
        };
        let label = match media {
            Some(m) if m != "application/json" => format!("{method} {} [{m}]", op.template),
            _ => format!("{method} {}", op.template),
        };
        if body.is_null()
            && let Some(why) = exceptions::redirect(method.as_str(), &op.template, status)
        {
            found
                .excepted
                .insert(format!("{label} -> {status}: {}", why.reason));
            return;
        }
        let at = format!("{label} -> {status} ({})", op.doc.name);
        let mut declared = op.declared(status, media.unwrap_or("application/json"));
        if matches!(declared, Declared::Undeclared)
            && let Some((spec, why)) = exceptions::status(method.as_str(), &op.template, status)
        {
            declared = op.declared(spec, media.unwrap_or("application/json"));
            found
                .excepted
                .insert(format!("{label} -> {status} as {spec}: {}", why.reason));
        }
        match declared {
            Declared::Undeclared => found
                .violations
                .push(format!("{at}: status not declared by the spec")),
            Declared::OtherMediaType(types) => found.violations.push(format!(
                "{at}: media type {media:?} not declared (spec has {types:?})"
            )),
            Declared::NoSchema { has_content } => {
                if !has_content && !body.is_null() {
                    found
                        .violations
                        .push(format!("{at}: a body where the spec declares none"));
                }
                found.unschematized.insert((label, status));
            }
            Declared::Schema(schema) => {
                if body.is_null() {
                    found
                        .violations
                        .push(format!("{at}: no body where the spec declares one"));
                }
                for (pointer, message) in openapi::violations(op.doc, schema, body) {
                    found
                        .violations
                        .push(format!("{at}: at '{pointer}': {message}"));
                }
                if status >= 400 {
                    for missing in error_fields_missing(body) {
                        found
                            .violations
                            .push(format!("{at}: error body lacks {missing}"));
                    }
                }
                found.validated.insert((label, status));
            }
        }
    }

    /// Asserts that nothing broke the spec and that at least `min_validated` distinct
    /// operation responses were validated against a schema, then stops the sandbox.
    pub async fn finish(self, min_validated: usize) {
        let found = self.found.into_inner().unwrap();
        let mut summary = String::new();
        for (op, status) in &found.validated {
            let _ = writeln!(summary, "  validated {op} -> {status}");
        }
        for (op, status) in &found.unschematized {
            let _ = writeln!(summary, "  no schema {op} -> {status}");
        }
        for exception in &found.excepted {
            let _ = writeln!(summary, "  exception {exception}");
        }
        eprintln!(
            "conformance: {} responses validated, {} without a schema in the spec\n{summary}",
            found.validated.len(),
            found.unschematized.len()
        );
        self.sandbox.shutdown().await;
        assert!(
            found.violations.is_empty(),
            "{} violation(s) of the OpenAPI spec:\n{}",
            found.violations.len(),
            found.violations.join("\n")
        );
        assert!(
            found.validated.len() >= min_validated,
            "only {} responses validated (expected at least {min_validated})",
            found.validated.len()
        );
    }
}

/// `P1Error` requires nothing, but PingOne's reference (§1.5) says every error carries `id`,
/// `code` and `message`, and every detail a `code` and a `message`.
fn error_fields_missing(body: &Value) -> Vec<String> {
    let mut missing: Vec<String> = ["id", "code", "message"]
        .iter()
        .filter(|f| !body[**f].is_string())
        .map(|f| format!("'{f}'"))
        .collect();
    if let Some(details) = body["details"].as_array() {
        for (i, detail) in details.iter().enumerate() {
            for f in ["code", "message"] {
                if !detail[f].is_string() {
                    missing.push(format!("'details/{i}/{f}'"));
                }
            }
        }
    }
    missing
}
