//! A Postman script applied to its step: the variables it sets to a constant become the
//! file's variables, those it sets from the response extractions, its checks expectations,
//! and every line not converted a comment.

use toml::{Table, Value};

use super::Converted;
use crate::import::emit::Step;
use crate::import::js::{Origin, Segment};
use crate::import::json_toml::json_to_toml;
use crate::import::names::Names;
use crate::import::scripts::{self, Check, Kind};

/// Applies the script `lines` (of `kind`) to `step`; what the collection's files share goes
/// into `out`.
pub(super) fn apply_script(
    step: &mut Step,
    lines: &[String],
    kind: Kind,
    names: &mut Names,
    out: &mut Converted,
) {
    if lines.is_empty() {
        return;
    }
    let outcome = scripts::read(lines, kind);
    apply_literals(step, outcome.literals, names, out);
    apply_extractions(step, outcome.extract, &outcome.optional, names);
    apply_status(step, outcome.status);
    for (path, check) in outcome.expect_json {
        if let Some(v) = check_value(check, names) {
            step.expect_json.insert(path, v);
        }
    }
    out.script_only
        .extend(outcome.unresolved_sets.iter().map(|n| names.name(n)));
    if !outcome.unconverted.is_empty() {
        out.unconverted += outcome.unconverted.len();
        let which = match kind {
            Kind::Test => "test",
            Kind::PreRequest => "pre-request",
        };
        step.comments
            .push(format!("postman {which} script (not converted):"));
        step.comments
            .extend(outcome.unconverted.iter().map(|l| format!("  {l}")));
    }
}

/// Variables a script sets to a constant, as the file's variables; a secret one is not
/// written (a copy of another variable is no value), the step says to set it in a vars file.
fn apply_literals(
    step: &mut Step,
    literals: Vec<(String, serde_json::Value)>,
    names: &mut Names,
    out: &mut Converted,
) {
    for (name, value) in literals {
        let steprun_name = names.name(&name);
        let copy = value.as_str().is_some_and(|s| {
            s.starts_with("{{") && s.ends_with("}}") && s.matches("{{").count() == 1
        });
        if names.is_secret(&steprun_name) && !copy {
            step.comments.push(format!(
                "a Postman script sets the secret `{steprun_name}` to a value that is not copied here: set it in a vars file"
            ));
            continue;
        }
        if let Some(v) = json_to_toml(&value, names) {
            out.literals.insert(steprun_name, v);
        }
    }
}

/// Variables a script sets from the response, as the step's extractions (`optional` ones
/// read under a guard).
fn apply_extractions(
    step: &mut Step,
    extract: Vec<(String, Origin)>,
    optional: &[String],
    names: &mut Names,
) {
    for (name, origin) in extract {
        if let Some(key) = find_on_non_unique_key(&origin) {
            step.comments.push(format!(
                "TODO: `{name}` reads `.find(x => x.{key} === …)`, which in Postman takes the first match; \
                 the JSONPath gives a list when several elements match: make the filter select one"
            ));
        }
        if let Some(mut spec) = extraction(&origin, names) {
            let steprun_name = names.name(&name);
            if optional.contains(&name) {
                spec = flagged(spec, "optional");
            }
            // Secret by Postman's type, not by its name: steprun would not know otherwise.
            if names.secrets().contains(&steprun_name) {
                spec = flagged(spec, "secret");
            }
            step.extract.insert(steprun_name, spec);
        }
    }
}

/// The status a script checks as the step's `expect.status`; without one, a step that reads
/// a redirect (its `Location`, not a 2xx) expects 302.
fn apply_status(step: &mut Step, status: Option<Vec<u16>>) {
    let reads_location = step.extract.values().any(|v| {
        v.get("header")
            .and_then(Value::as_str)
            .is_some_and(|h| h.eq_ignore_ascii_case("location"))
    });
    if let Some(codes) = status {
        let mut codes: Vec<Value> = codes
            .into_iter()
            .map(|c| Value::Integer(c.into()))
            .collect();
        step.expect_status = Some(if codes.len() == 1 {
            codes.remove(0)
        } else {
            Value::Array(codes)
        });
    } else if reads_location && step.expect_status.is_none() {
        step.expect_status = Some(Value::Integer(302));
    }
}

/// The key of a `.find(x => x.key === …)` in a body path, unless the key names one element
/// (`id`, `name`, …), where JS's first match and JSONPath's every match are the same.
fn find_on_non_unique_key(origin: &Origin) -> Option<&str> {
    const UNIQUE: &[&str] = &["id", "name", "key", "uuid", "slug", "username", "email"];
    let Origin::Body(segments) = origin else {
        return None;
    };
    segments.iter().find_map(|s| match s {
        Segment::Find(key, _) if !UNIQUE.contains(&key.as_str()) => Some(key.as_str()),
        _ => None,
    })
}

/// An extraction with `flag = true`: `optional` (it was read under an `if` in Postman) or
/// `secret` (a variable Postman types as secret).
fn flagged(spec: Value, flag: &str) -> Value {
    let mut t = match spec {
        Value::String(path) => {
            let mut t = Table::new();
            t.insert("jsonpath".into(), Value::String(path));
            t
        }
        Value::Table(t) => t,
        other => return other,
    };
    t.insert(flag.into(), Value::Boolean(true));
    Value::Table(t)
}

fn extraction(origin: &Origin, names: &mut Names) -> Option<Value> {
    let mut t = Table::new();
    match origin {
        Origin::Body(segments) if crate::import::js::selectable(segments) => {
            return Some(Value::String(crate::import::js::jsonpath(segments)));
        }
        Origin::Header { name, query, regex } => {
            t.insert("header".into(), Value::String(name.clone()));
            if let Some(q) = query {
                t.insert("query".into(), Value::String(q.clone()));
            }
            if let Some(r) = regex {
                t.insert("regex".into(), Value::String(r.clone()));
            }
        }
        Origin::Cookie(name) => {
            t.insert("cookie".into(), Value::String(names.template(name)));
        }
        Origin::Status => {
            t.insert("status".into(), Value::Boolean(true));
        }
        Origin::Body(_) | Origin::Literal(_) => return None,
    }
    Some(Value::Table(t))
}

fn check_value(check: Check, names: &mut Names) -> Option<Value> {
    match check {
        Check::Eq(serde_json::Value::Null) => {
            let mut t = Table::new();
            t.insert("type".into(), Value::String("null".into()));
            Some(Value::Table(t))
        }
        Check::Eq(v @ serde_json::Value::Object(_)) => {
            let mut t = Table::new();
            t.insert("eq".into(), json_to_toml(&v, names)?);
            Some(Value::Table(t))
        }
        Check::Eq(v) => json_to_toml(&v, names),
        Check::Predicate(name, v) => {
            let mut t = Table::new();
            t.insert(name.into(), json_to_toml(&v, names)?);
            Some(Value::Table(t))
        }
    }
}
