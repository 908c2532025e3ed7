//! One Postman request as a steprun step: method, URL and query, headers, auth and body.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value as Json;
use toml::{Table, Value};

use crate::import::emit::{Body, Step};
use crate::import::names::Names;
use crate::import::postman::{self, FullRequest, Headers, KeyValue, Url};

/// A Postman `auth` block in steprun's terms.
#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    /// No auth of its own: the folder's or collection's applies.
    Inherit,
    Set(Value),
    /// A type steprun does not map (oauth2, apikey, digest, …).
    Unsupported(String),
}

/// The value of parameter `name` of a Postman auth block (a list of `{key, value}` in v2.1,
/// an object in v2.0).
fn auth_param(params: Option<&Json>, name: &str) -> String {
    let found = match params {
        Some(Json::Array(items)) => items
            .iter()
            .find(|i| i.get("key").and_then(Json::as_str) == Some(name))
            .and_then(|i| i.get("value")),
        Some(Json::Object(o)) => o.get(name),
        _ => None,
    };
    match found {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

pub fn auth(block: Option<&Json>, names: &mut Names) -> Auth {
    let Some(block) = block.filter(|b| !b.is_null()) else {
        return Auth::Inherit;
    };
    let kind = block
        .get("type")
        .and_then(Json::as_str)
        .unwrap_or("inherit");
    let params = block.get(kind);
    match kind {
        "inherit" => Auth::Inherit,
        "noauth" => Auth::Set(Value::String("none".into())),
        "bearer" => {
            let token = names.template(&auth_param(params, "token"));
            let mut t = Table::new();
            t.insert("bearer".into(), Value::String(token));
            Auth::Set(Value::Table(t))
        }
        "basic" => {
            let mut inner = Table::new();
            for field in ["username", "password"] {
                let v = names.template(&auth_param(params, field));
                inner.insert(field.into(), Value::String(v));
            }
            let mut t = Table::new();
            t.insert("basic".into(), Value::Table(inner));
            Auth::Set(Value::Table(t))
        }
        other => Auth::Unsupported(other.to_owned()),
    }
}

/// The step for a request, without what its scripts add. `notes` collects TODO comments.
pub fn step(name: &str, req: &FullRequest, names: &mut Names, notes: &mut Vec<String>) -> Step {
    let mut step = Step {
        name: name.to_owned(),
        doc: req
            .description
            .as_ref()
            .and_then(postman::Description::text),
        ..Step::default()
    };
    let method = req.method.as_deref().unwrap_or("GET").to_ascii_uppercase();
    if method != "GET" {
        step.method = Some(method);
    }
    let (url, query, unfilled) = url(req.url.as_ref());
    step.url = names.template(&url);
    for name in unfilled {
        notes.push(format!(
            "TODO: the path variable `:{name}` has no value in the collection; replace it in `url`"
        ));
    }
    for (k, v) in query {
        step.query
            .insert(names.template(&k), Value::String(names.template(&v)));
    }
    let mut headers = headers(req.header.as_ref());
    if let Some(b) = &req.body {
        let (body, content_type) = body(b, &mut headers, names, notes);
        step.body = body;
        step.content_type = content_type;
    }
    for (k, v) in headers {
        let (name, value) = (names.template(&k), names.template(&v));
        match header_problem(&name, &value) {
            None => {
                step.headers.insert(name, Value::String(value));
            }
            Some(problem) => notes.push(format!(
                "TODO: header left out ({problem}), as written in Postman: {k:?}: {v:?}"
            )),
        }
    }
    match auth(req.auth.as_ref(), names) {
        Auth::Inherit => {}
        Auth::Set(v) => step.auth = Some(v),
        Auth::Unsupported(kind) => notes.push(format!(
            "TODO: Postman auth type `{kind}` is not converted; set `auth` or headers by hand"
        )),
    }
    step
}

/// Why a header (name and value as templates) cannot be sent, if it cannot: a name that is
/// neither a template nor an HTTP token, or a value with a line break or control character.
fn header_problem(name: &str, value: &str) -> Option<String> {
    if !name.contains("<<") && crate::http::header_name(name).is_err() {
        return Some("not a valid HTTP header name".into());
    }
    if crate::http::header_value(name, value).is_err() {
        return Some("its value is not valid in HTTP".into());
    }
    None
}

/// `http://` before a URL that starts with a literal host and no scheme, as Postman sends it.
/// A URL that starts with a variable (`{{baseUrl}}/x`) or a `/` is left as it is.
pub fn with_scheme(url: String) -> String {
    static SCHEME: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[A-Za-z][A-Za-z0-9+.-]*://").expect("valid regex"));
    let starts_with_host = url.chars().next().is_some_and(char::is_alphanumeric);
    if starts_with_host && !SCHEME.is_match(&url) {
        format!("http://{url}")
    } else {
        url
    }
}

/// The URL without its query, the query as pairs (empty when it must stay in the URL: a key
/// without `=` or a repeated key), and the `:name` path variables left without a value.
fn url(url: Option<&Url>) -> (String, Vec<(String, String)>, Vec<String>) {
    let (url, query, unfilled) = url_parts(url);
    let url = if url.trim().is_empty() {
        url
    } else {
        with_scheme(url)
    };
    (url, query, unfilled)
}

fn url_parts(url: Option<&Url>) -> (String, Vec<(String, String)>, Vec<String>) {
    let (raw, parts) = match url {
        None => return (String::new(), Vec::new(), Vec::new()),
        Some(Url::Text(s)) => (s.clone(), None),
        Some(Url::Parts(p)) => (p.raw.clone().unwrap_or_else(|| rebuild(p)), Some(p)),
    };
    let raw = raw.split('#').next().unwrap_or_default().to_owned();
    let (base, query_text) = match raw.split_once('?') {
        Some((b, q)) => (b.to_owned(), Some(q.to_owned())),
        None => (raw.clone(), None),
    };
    let (base, unfilled) = match parts {
        Some(p) => path_variables(&base, &p.variable),
        None => (base, Vec::new()),
    };
    let pairs: Option<Vec<(String, String)>> = match parts {
        Some(p) if !p.query.is_empty() => p
            .query
            .iter()
            .filter(|q| !q.disabled)
            .map(|q| Some((q.key.clone()?, decode(q.value.as_ref()?.as_str()?))))
            .collect(),
        _ => query_text.as_deref().map_or(Some(Vec::new()), |q| {
            q.split('&')
                .filter(|s| !s.is_empty())
                .map(|s| s.split_once('=').map(|(k, v)| (decode(k), decode(v))))
                .collect()
        }),
    };
    match pairs {
        Some(pairs) if !has_duplicates(&pairs) => (base, pairs, unfilled),
        _ => match query_text {
            Some(q) => (format!("{base}?{q}"), Vec::new(), unfilled),
            None => (base, Vec::new(), unfilled),
        },
    }
}

fn has_duplicates(pairs: &[(String, String)]) -> bool {
    pairs
        .iter()
        .enumerate()
        .any(|(i, (k, _))| pairs[..i].iter().any(|(other, _)| other == k))
}

/// A query component as text: `+` is a space and `%XX` escapes are decoded, as a server reads
/// them (steprun encodes query values again when it sends them).
fn decode(s: &str) -> String {
    let spaced = s.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map_or(spaced.clone(), std::borrow::Cow::into_owned)
}

/// A URL from its parts, when an export has no `raw`.
fn rebuild(p: &postman::UrlParts) -> String {
    let mut url = String::new();
    if let Some(proto) = &p.protocol {
        url.push_str(proto);
        url.push_str("://");
    }
    url.push_str(
        &p.host
            .as_ref()
            .map(|h| h.parts().join("."))
            .unwrap_or_default(),
    );
    if let Some(port) = &p.port {
        url.push(':');
        url.push_str(port);
    }
    for segment in p
        .path
        .as_ref()
        .map(postman::StringOrList::parts)
        .unwrap_or_default()
    {
        url.push('/');
        url.push_str(&segment);
    }
    url
}

/// Replaces `:name` path segments with the request's path variables (named by `key`, or by
/// `id` in v2.0), and lists the names left without a value.
fn path_variables(base: &str, variables: &[KeyValue]) -> (String, Vec<String>) {
    let mut unfilled = Vec::new();
    let url = base
        .split('/')
        .map(|segment| {
            let Some(name) = segment.strip_prefix(':').filter(|n| !n.is_empty()) else {
                return segment.to_owned();
            };
            let value = variables
                .iter()
                .find(|v| v.key.as_deref().or(v.id.as_deref()) == Some(name))
                .map(KeyValue::text)
                .filter(|v| !v.is_empty());
            value.unwrap_or_else(|| {
                unfilled.push(name.to_owned());
                segment.to_owned()
            })
        })
        .collect::<Vec<_>>()
        .join("/");
    (url, unfilled)
}

fn headers(headers: Option<&Headers>) -> Vec<(String, String)> {
    match headers {
        None => Vec::new(),
        Some(Headers::List(list)) => list
            .iter()
            .filter(|h| !h.disabled)
            .filter_map(|h| Some((h.key.clone().filter(|k| !k.is_empty())?, h.text())))
            .collect(),
        Some(Headers::Text(text)) => text
            .lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .filter(|(k, _)| !k.is_empty())
            .collect(),
    }
}

/// Removes the Content-Type header and returns its value.
fn take_content_type(headers: &mut Vec<(String, String)>) -> Option<String> {
    let i = headers
        .iter()
        .position(|(k, _)| k.eq_ignore_ascii_case("content-type"))?;
    Some(headers.remove(i).1)
}

fn body(
    b: &postman::Body,
    headers: &mut Vec<(String, String)>,
    names: &mut Names,
    notes: &mut Vec<String>,
) -> (Option<Body>, Option<String>) {
    if b.disabled {
        return (None, None);
    }
    match b.mode.as_deref() {
        Some("raw") => raw_body(b, headers, names),
        Some("urlencoded") if !b.urlencoded.is_empty() => {
            take_form_type(headers, "application/x-www-form-urlencoded");
            (Some(Body::Form(fields(&b.urlencoded, names, notes))), None)
        }
        Some("formdata") if !b.formdata.is_empty() => {
            take_form_type(headers, "multipart/");
            (
                Some(Body::Multipart(fields(&b.formdata, names, notes))),
                None,
            )
        }
        Some("graphql") => match b.graphql.as_ref().and_then(|g| graphql(g, names)) {
            Some(v) => (Some(Body::Json(v)), None),
            None => (None, None),
        },
        Some("urlencoded" | "formdata") | None => (None, None),
        Some(other) => {
            notes.push(format!("TODO: Postman `{other}` body is not converted"));
            (None, None)
        }
    }
}

/// Drops a Content-Type header that steprun sets itself for this body.
fn take_form_type(headers: &mut Vec<(String, String)>, prefix: &str) {
    if let Some(i) = headers.iter().position(|(k, v)| {
        k.eq_ignore_ascii_case("content-type") && v.to_ascii_lowercase().starts_with(prefix)
    }) {
        headers.remove(i);
    }
}

fn fields(entries: &[KeyValue], names: &mut Names, notes: &mut Vec<String>) -> Table {
    let mut t = Table::new();
    for e in entries.iter().filter(|e| !e.disabled) {
        let Some(key) = e.key.as_deref() else {
            continue;
        };
        let value = if e.kind.as_deref() == Some("file") {
            let Some(file) = file_field(key, e, notes) else {
                continue;
            };
            file
        } else {
            if let Some(ct) = e.content_type.as_deref().filter(|c| !c.trim().is_empty()) {
                notes.push(format!(
                    "TODO: Postman sends the field `{key}` with Content-Type `{ct}`, which is not converted"
                ));
            }
            Value::String(names.template(&e.text()))
        };
        t.insert(names.template(key), value);
    }
    t
}

/// A form-data file field as `{ file = "…" }`, or `None` (and a TODO) when no file is chosen.
fn file_field(key: &str, e: &KeyValue, notes: &mut Vec<String>) -> Option<Value> {
    let sources: Vec<&str> = match &e.src {
        Some(Json::String(s)) => vec![s.as_str()],
        Some(Json::Array(a)) => a.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    };
    let sources: Vec<&str> = sources
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect();
    let Some(first) = sources.first() else {
        notes.push(format!(
            "TODO: the form-data file field `{key}` has no file chosen in Postman; add `{key} = {{ file = \"…\" }}` to [steps.multipart]"
        ));
        return None;
    };
    if sources.len() > 1 {
        notes.push(format!(
            "TODO: Postman sends {} files in the field `{key}`; only the first is converted, the others were: {}",
            sources.len(),
            sources[1..].join(", ")
        ));
    }
    if std::path::Path::new(first).is_absolute() || first.starts_with('~') {
        notes.push(format!(
            "TODO: the file of `{key}` is a path on the collection author's machine: copy the file next to the workflow or change the path"
        ));
    }
    let mut file = Table::new();
    file.insert("file".into(), Value::String((*first).to_owned()));
    if let Some(ct) = &e.content_type {
        file.insert("content_type".into(), Value::String(ct.clone()));
    }
    Some(Value::Table(file))
}

fn raw_body(
    b: &postman::Body,
    headers: &mut Vec<(String, String)>,
    names: &mut Names,
) -> (Option<Body>, Option<String>) {
    let text = b.raw.clone().unwrap_or_default();
    if text.trim().is_empty() {
        return (None, None);
    }
    let content_type = take_content_type(headers);
    let essence = content_type.as_deref().map(|ct| {
        ct.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    let looks_json = b.language() == Some("json")
        || essence.as_deref().is_some_and(|e| e.contains("json"))
        || (essence.is_none() && text.trim_start().starts_with(['{', '[']));
    if looks_json {
        let parsed = serde_json::from_str::<Json>(&text)
            .ok()
            .filter(|_| !has_wide_integer(&text))
            .and_then(|j| json_to_toml(&j, names));
        let plain = essence.as_deref().is_none_or(|e| e == "application/json");
        if let Some(v) = parsed {
            return (Some(Body::Json(v)), content_type.filter(|_| !plain));
        }
        let ct = content_type.or_else(|| Some("application/json".into()));
        return (Some(Body::Raw(names.template(&text))), ct);
    }
    (Some(Body::Raw(names.template(&text))), content_type)
}

fn graphql(g: &Json, names: &mut Names) -> Option<Value> {
    let mut t = Table::new();
    let query = g.get("query")?.as_str()?;
    t.insert("query".into(), Value::String(names.template(query)));
    if let Some(vars) = g.get("variables").and_then(Json::as_str)
        && !vars.trim().is_empty()
    {
        let parsed: Json = serde_json::from_str(vars).ok()?;
        t.insert("variables".into(), json_to_toml(&parsed, names)?);
    }
    Some(Value::Table(t))
}

/// A JSON value as TOML, with `{{name}}` converted in strings and keys; `None` when it holds
/// a `null`, which TOML cannot write.
pub fn json_to_toml(v: &Json, names: &mut Names) -> Option<Value> {
    Some(match v {
        Json::Null => return None,
        Json::Bool(b) => Value::Boolean(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            // Beyond i64, TOML has no integer: a float would send another number.
            None if n.is_u64() => return None,
            None => Value::Float(n.as_f64()?),
        },
        Json::String(s) => Value::String(names.template(s)),
        Json::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| json_to_toml(i, names))
                .collect::<Option<_>>()?,
        ),
        Json::Object(o) => {
            let mut t = Table::new();
            for (k, v) in o {
                t.insert(names.template(k), json_to_toml(v, names)?);
            }
            Value::Table(t)
        }
    })
}

/// Whether JSON text holds an integer literal (no fraction or exponent) that does not fit in
/// an i64: serde reads it as a float, which would change the number sent.
fn has_wide_integer(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                i += 1;
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    i += 1;
                }
                let token = &text[start..i];
                let integer = !token.contains(['.', 'e', 'E']);
                if integer && token.parse::<i64>().is_err() {
                    return true;
                }
            }
            _ => i += 1,
        }
    }
    false
}
