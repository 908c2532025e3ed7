//! What a step's report shows of its request and response: redacted, bodies cut to the body
//! limit, and the short forms (method, URL, status) for when no report needs the whole exchange.

use crate::engine::shown::shown_body;
use crate::engine::{Engine, WorkflowRun};
use crate::event::{RequestInfo, ResponseInfo};
use crate::http::{Prepared, PreparedBody, Response};

impl Engine {
    pub(super) fn request_info(&self, wf: &WorkflowRun, prepared: &Prepared) -> RequestInfo {
        let r = &wf.redactor;
        if !self.options.full_exchanges {
            return RequestInfo {
                method: method_name(&prepared.method),
                url: r.redact(prepared.url.as_str()).into_owned(),
                headers: Vec::new(),
                body: None,
            };
        }
        let text = |v: &[u8]| r.redact(&String::from_utf8_lossy(v)).into_owned();
        let headers = sent_headers(wf, prepared, &text);
        RequestInfo {
            method: method_name(&prepared.method),
            url: r.redact(prepared.url.as_str()).into_owned(),
            headers,
            body: match &prepared.body {
                PreparedBody::Empty => None,
                PreparedBody::Bytes(b) | PreparedBody::File { bytes: b, .. } => {
                    let ct = prepared.headers.get("content-type");
                    Some(shown_body(r, b, ct, self.options.body_limit).0)
                }
                PreparedBody::Multipart(parts) => Some(multipart_summary(parts, &text)),
            },
        }
    }

    /// A passed step's response when only the console listens, below `-vv`: its status and
    /// timing. The final URL, which that console shows only at `-vv` (where every exchange is
    /// kept whole), is left empty rather than copied and redacted for every step.
    pub(super) fn response_status(response: &Response) -> ResponseInfo {
        ResponseInfo {
            status: response.status.as_u16(),
            headers: Vec::new(),
            body: String::new(),
            body_truncated: false,
            duration: response.duration,
            url: String::new(),
        }
    }

    pub(super) fn response_info(&self, wf: &WorkflowRun, response: &Response) -> ResponseInfo {
        let r = &wf.redactor;
        let ct = response.headers.get("content-type");
        let (body, body_truncated) = shown_body(r, &response.body, ct, self.options.body_limit);
        ResponseInfo {
            status: response.status.as_u16(),
            headers: response
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        r.redact(&crate::http::header_text(v)).into_owned(),
                    )
                })
                .collect(),
            body,
            body_truncated,
            duration: response.duration,
            url: r.redact(response.url.as_str()).into_owned(),
        }
    }
}

/// The request's headers (redacted by `text`) and what the client adds on the wire, so `-vv`
/// shows the request as sent.
fn sent_headers(
    wf: &WorkflowRun,
    prepared: &Prepared,
    text: &impl Fn(&[u8]) -> String,
) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = prepared
        .headers
        .iter()
        .map(|(k, v)| (k.to_string(), text(v.as_bytes())))
        .collect();
    let set = |name: &str| prepared.headers.contains_key(name);
    if !set("cookie")
        && let Some(cookies) = wf.http.cookie_header(&prepared.url)
    {
        headers.push(("cookie".to_owned(), text(cookies.as_bytes())));
    }
    if !set("user-agent") {
        headers.push(("user-agent".to_owned(), crate::http::USER_AGENT.to_owned()));
    }
    match &prepared.body {
        PreparedBody::Bytes(b) | PreparedBody::File { bytes: b, .. } if !set("content-length") => {
            headers.push(("content-length".to_owned(), b.len().to_string()));
        }
        PreparedBody::Multipart(_) if !set("content-type") => {
            // The boundary is chosen when the request is sent.
            headers.push(("content-type".to_owned(), "multipart/form-data".to_owned()));
        }
        _ => {}
    }
    headers
}

/// A request's method as reported: a standard one borrowed, any other copied.
fn method_name(method: &reqwest::Method) -> std::borrow::Cow<'static, str> {
    use reqwest::Method;
    let name = match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => return method.as_str().to_owned().into(),
    };
    name.into()
}

/// A multipart body as `-vv` shows it: one line per part, files by name, size and type.
fn multipart_summary(parts: &[crate::http::Part], text: &dyn Fn(&[u8]) -> String) -> String {
    use crate::http::PartData;
    parts
        .iter()
        .map(|part| match &part.data {
            PartData::Text(value) => format!("{}={}", part.name, text(value.as_bytes())),
            PartData::File {
                file_name,
                bytes,
                content_type,
            } => format!(
                "{}=@{file_name} ({} bytes{})",
                part.name,
                bytes.len(),
                content_type
                    .as_deref()
                    .map(|ct| format!(", {ct}"))
                    .unwrap_or_default()
            ),
        })
        .collect::<Vec<_>>()
        .join("\n")
}
