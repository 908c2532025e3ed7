//! One Postman request as a steprun step: method, URL and query, headers, auth and body.

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
    let (url, query) = url(req.url.as_ref());
    step.url = names.template(&url);
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
        step.headers.insert(k, Value::String(names.template(&v)));
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

/// The URL without its query, and the query as pairs (empty when it must stay in the URL:
/// a key without `=` or a repeated key).
fn url(url: Option<&Url>) -> (String, Vec<(String, String)>) {
    let (raw, parts) = match url {
        None => return (String::new(), Vec::new()),
        Some(Url::Text(s)) => (s.clone(), None),
        Some(Url::Parts(p)) => (p.raw.clone().unwrap_or_else(|| rebuild(p)), Some(p)),
    };
    let raw = raw.split('#').next().unwrap_or_default().to_owned();
    let (base, query_text) = match raw.split_once('?') {
        Some((b, q)) => (b.to_owned(), Some(q.to_owned())),
        None => (raw.clone(), None),
    };
    let base = match parts {
        Some(p) => path_variables(&base, &p.variable),
        None => base,
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
        Some(pairs) if !has_duplicates(&pairs) => (base, pairs),
        _ => match query_text {
            Some(q) => (format!("{base}?{q}"), Vec::new()),
            None => (base, Vec::new()),
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

/// Replaces `:name` path segments with the request's path variables.
fn path_variables(base: &str, variables: &[KeyValue]) -> String {
    base.split('/')
        .map(|segment| {
            let value = segment.strip_prefix(':').and_then(|name| {
                variables
                    .iter()
                    .find(|v| v.key.as_deref() == Some(name))
                    .map(KeyValue::text)
                    .filter(|v| !v.is_empty())
            });
            value.unwrap_or_else(|| segment.to_owned())
        })
        .collect::<Vec<_>>()
        .join("/")
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
            (Some(Body::Form(fields(&b.urlencoded, names))), None)
        }
        Some("formdata") if !b.formdata.is_empty() => {
            take_form_type(headers, "multipart/");
            (Some(Body::Multipart(fields(&b.formdata, names))), None)
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

fn fields(entries: &[KeyValue], names: &mut Names) -> Table {
    let mut t = Table::new();
    for e in entries.iter().filter(|e| !e.disabled) {
        let Some(key) = e.key.as_deref() else {
            continue;
        };
        let value = if e.kind.as_deref() == Some("file") {
            let src = match &e.src {
                Some(Json::String(s)) => s.clone(),
                Some(Json::Array(a)) => a.first().and_then(Json::as_str).unwrap_or("").to_owned(),
                _ => String::new(),
            };
            let mut file = Table::new();
            file.insert("file".into(), Value::String(src));
            if let Some(ct) = &e.content_type {
                file.insert("content_type".into(), Value::String(ct.clone()));
            }
            Value::Table(file)
        } else {
            Value::String(names.template(&e.text()))
        };
        t.insert(names.template(key), value);
    }
    t
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
