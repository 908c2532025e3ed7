//! A Postman request's body in steprun's terms: raw text (JSON as a TOML table when it converts
//! without loss), a form, multipart fields with their files, or a GraphQL query.

use serde_json::Value as Json;
use toml::{Table, Value};

use crate::import::emit::Body;
use crate::import::json_toml::{has_wide_integer, json_to_toml};
use crate::import::names::Names;
use crate::import::postman::{self, KeyValue};

/// Removes the Content-Type header and returns its value.
fn take_content_type(headers: &mut Vec<(String, String)>) -> Option<String> {
    let i = headers
        .iter()
        .position(|(k, _)| k.eq_ignore_ascii_case("content-type"))?;
    Some(headers.remove(i).1)
}

pub(super) fn body(
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
