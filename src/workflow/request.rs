//! Builds a step's `Request` from its raw keys and the file's `[defaults]`.

use std::time::Duration;

use serde_json::Value;
use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::workflow::convert::{Cx, json_type};
use crate::workflow::model::{Auth, Body, Defaults, MultipartPart, Request};
use crate::workflow::raw::{RawDefaults, RequestKeys};

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_MAX_REDIRECTS: u32 = 10;

impl Defaults {
    pub fn from_raw(cx: &Cx, raw: Option<&RawDefaults>) -> Result<Defaults, Diagnostic> {
        let Some(raw) = raw else {
            return Ok(Defaults::default());
        };
        Ok(Defaults {
            headers: match &raw.headers {
                Some(h) => cx.string_entries(h, "header")?,
                None => Vec::new(),
            },
            auth: raw.auth.as_ref().map(|a| auth(cx, a)).transpose()?,
            timeout: raw.timeout.as_ref().map(|t| cx.duration(t)).transpose()?,
            follow_redirects: raw.follow_redirects,
            duration: match raw.expect.as_ref().and_then(|e| e.duration.as_ref()) {
                Some(d) => crate::workflow::assertions::durations(cx, d)?,
                None => Vec::new(),
            },
        })
    }
}

/// `span` locates the step, for "missing `url`".
pub fn request(
    cx: &Cx,
    mut keys: RequestKeys<'_>,
    defaults: &Defaults,
    span: std::ops::Range<usize>,
) -> Result<Request, Diagnostic> {
    let url = keys
        .url
        .take()
        .ok_or_else(|| cx.error("this step has no `url`", span.clone()))?;
    let method = match keys.method.take() {
        Some(m) => {
            check_method(cx, &m)?;
            cx.located_owned(m)
        }
        None => cx.locate("GET".to_owned(), span.clone()),
    };
    let mut headers = defaults.headers.clone();
    if let Some(h) = keys.headers {
        for (name, value) in cx.string_entries(h, "header")? {
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
            headers.push((name, value));
        }
    }
    let auth = match keys.auth {
        Some(a) => auth(cx, a)?,
        None => defaults.auth.clone().unwrap_or_default(),
    };
    Ok(Request {
        method,
        url: cx.located_owned(url),
        query: keys.query.map(|q| cx.entries(q)).unwrap_or_default(),
        headers,
        auth,
        body: body(cx, &mut keys)?,
        content_type: keys.content_type.map(|c| cx.located(c)),
        follow_redirects: keys
            .follow_redirects
            .or(defaults.follow_redirects)
            .unwrap_or(false),
        max_redirects: keys.max_redirects.unwrap_or(DEFAULT_MAX_REDIRECTS),
        timeout: match keys.timeout {
            Some(t) => cx.duration(t)?,
            None => defaults.timeout.unwrap_or(DEFAULT_TIMEOUT),
        },
        insecure: keys.insecure.unwrap_or(false),
    })
}

fn check_method(cx: &Cx, method: &Spanned<String>) -> Result<(), Diagnostic> {
    let m = method.get_ref();
    let is_token = !m.is_empty() && m.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-');
    if is_token || m.contains("<<") {
        Ok(())
    } else {
        Err(cx.error(format!("invalid HTTP method `{m}`"), cx.span(method)))
    }
}

/// `{ bearer = "…" }`, `{ basic = { username, password } }` or `"none"`.
pub fn auth(cx: &Cx, value: &Spanned<toml::Value>) -> Result<Auth, Diagnostic> {
    let span = cx.span(value);
    let bad = || {
        cx.error(
            "invalid `auth`: expected `{ bearer = \"…\" }`, `{ basic = { username = \"…\", password = \"…\" } }` or \"none\"",
            span.clone(),
        )
    };
    match value.get_ref() {
        toml::Value::String(s) if s == "none" => Ok(Auth::None),
        toml::Value::Table(t) if t.len() == 1 => match t.iter().next() {
            Some((k, toml::Value::String(token))) if k == "bearer" => {
                Ok(Auth::Bearer(cx.locate(token.clone(), span.clone())))
            }
            Some((k, toml::Value::Table(b))) if k == "basic" => {
                let field = |name: &str| match b.get(name) {
                    Some(toml::Value::String(s)) => Ok(cx.locate(s.clone(), span.clone())),
                    _ => Err(bad()),
                };
                if b.keys().any(|k| k != "username" && k != "password") {
                    return Err(bad());
                }
                Ok(Auth::Basic {
                    username: field("username")?,
                    password: field("password")?,
                })
            }
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

fn body(cx: &Cx, keys: &mut RequestKeys<'_>) -> Result<Body, Diagnostic> {
    // Each body is read (and its errors found) in this order; the second one found is the
    // error. No list is made: a step has one body or none.
    let mut found = Body::Empty;
    let mut second: Option<std::ops::Range<usize>> = None;
    let mut add = |span: std::ops::Range<usize>, body: Body| {
        if matches!(found, Body::Empty) {
            found = body;
        } else {
            second.get_or_insert(span);
        }
    };
    if let Some(j) = keys.json.take() {
        let span = cx.span(&j);
        add(span.clone(), Body::Json(cx.locate(j.into_inner().0, span)));
    }
    if let Some(f) = keys.form {
        add(cx.span(f), Body::Form(cx.entries(f)));
    }
    if let Some(b) = keys.body {
        add(cx.span(b), raw_body(cx, b)?);
    }
    if let Some(m) = keys.multipart {
        add(cx.span(m), Body::Multipart(multipart(cx, m)?));
    }
    match second {
        None => Ok(found),
        Some(span) => Err(cx.error(
            "a step has at most one body: `json`, `form`, `body` or `multipart`",
            span,
        )),
    }
}

/// `body = "text"` or `body = { file = "path" }`.
fn raw_body(cx: &Cx, value: &Spanned<toml::Value>) -> Result<Body, Diagnostic> {
    let span = cx.span(value);
    let bad = |what: String| {
        cx.error(what, span.clone()).with_help(
            "`body` is a string, or `{ file = \"path\" }` to send a file's bytes as they are",
        )
    };
    match value.get_ref() {
        toml::Value::String(text) => Ok(Body::Raw(cx.locate(text.clone(), span.clone()))),
        toml::Value::Table(table) => {
            if let Some(key) = table.keys().find(|k| *k != "file") {
                return Err(bad(format!("unknown key `{key}` in `body`")));
            }
            match table.get("file") {
                Some(toml::Value::String(path)) => {
                    let at = cx
                        .source
                        .find_after(span.start, path)
                        .unwrap_or_else(|| span.clone());
                    Ok(Body::File(cx.locate(path.clone(), at)))
                }
                Some(other) => Err(bad(format!(
                    "`body.file` must be a string, found {}",
                    json_type(&crate::workflow::convert::to_json(other))
                ))),
                None => Err(bad("`body` as a table needs `file = \"path\"`".to_owned())),
            }
        }
        other => Err(bad(format!(
            "`body` must be a string or `{{ file = \"…\" }}`, found {}",
            json_type(&crate::workflow::convert::to_json(other))
        ))),
    }
}

fn multipart(
    cx: &Cx,
    table: &Spanned<crate::workflow::raw::Table>,
) -> Result<Vec<(String, MultipartPart)>, Diagnostic> {
    cx.entries(table)
        .into_iter()
        .map(|(name, value)| {
            let span = value.span.clone();
            let part = match value.value {
                Value::String(s) => MultipartPart::Field(cx.locate(s, span)),
                Value::Object(map) => multipart_file(cx, &name, &map, span)?,
                other => {
                    return Err(cx.error(
                        format!(
                            "multipart part `{name}` must be a string or `{{ file = \"…\" }}`, found {}",
                            json_type(&other)
                        ),
                        span,
                    ));
                }
            };
            Ok((name, part))
        })
        .collect()
}

fn multipart_file(
    cx: &Cx,
    name: &str,
    map: &serde_json::Map<String, Value>,
    span: std::ops::Range<usize>,
) -> Result<MultipartPart, Diagnostic> {
    if map.keys().any(|k| k != "file" && k != "content_type") {
        return Err(cx
            .error(format!("unknown key in multipart part `{name}`"), span)
            .with_help("a file part takes `file` and `content_type`"));
    }
    let text = |k: &str| match map.get(k) {
        Some(Value::String(s)) => Some(cx.locate(s.clone(), span.clone())),
        _ => None,
    };
    let path = text("file").ok_or_else(|| {
        cx.error(
            format!("multipart part `{name}` needs `file = \"path\"`"),
            span.clone(),
        )
    })?;
    Ok(MultipartPart::File {
        path,
        content_type: text("content_type"),
    })
}
