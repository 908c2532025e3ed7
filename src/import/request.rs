//! One Postman request as a steprun step: method, URL and query, headers, auth and body.

mod body;
pub(super) mod url;

use serde_json::Value as Json;
use toml::{Table, Value};

use crate::import::emit::Step;
use crate::import::names::Names;
use crate::import::postman::{self, FullRequest, Headers};

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
    let (url, query, unfilled) = url::url(req.url.as_ref());
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
        let (body, content_type) = body::body(b, &mut headers, names, notes);
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
