//! The mapping from a Postman collection to workflows: top-level folders become files, a
//! request becomes a step, scripts become extractions and expectations (or comments).

use toml::{Table, Value};

use crate::import::emit::{Step, Workflow};
use crate::import::groups::Group;
use crate::import::js::{Origin, Segment};
use crate::import::json_toml::json_to_toml;
use crate::import::names::{Names, slug};
use crate::import::postman::{self, Collection, Item, script_lines};
use crate::import::request::{self, Auth};
use crate::import::scripts::{self, Check, Kind};

/// What converting one workflow learned besides its steps.
#[derive(Debug, Default)]
pub struct Converted {
    pub workflow: Workflow,
    pub file_stem: String,
    /// Script lines kept as comments.
    pub unconverted: usize,
    /// Variables set by script lines that were not converted.
    pub script_only: Vec<String>,
    /// Variables set by literal `set` calls, to go into `[vars]`.
    pub literals: Table,
    /// Steps whose Postman request checks no status: Postman passes them whatever it is,
    /// steprun expects a 2xx.
    pub unchecked_status: Vec<String>,
}

/// Converts one group of items to a workflow (not yet with `[vars]`/`requires`).
pub fn workflow(collection: &Collection, group: &Group, names: &mut Names) -> Converted {
    let mut out = Converted::default();
    heading(&mut out, collection, &group.folders, names);
    scope_scripts(&mut out, "collection", &collection.event);
    for folder in &group.folders {
        scope_scripts(&mut out, "folder", &folder.event);
    }
    for item in &group.items {
        flatten(
            std::slice::from_ref(*item),
            &Auth::Inherit,
            None,
            names,
            &mut out,
        );
    }
    status_note(&mut out);
    out
}

/// Says in the file's header where steprun checks more than Postman did: a request whose test
/// checks no status passes in Postman whatever the status, and a step without `expect.status`
/// passes in steprun only on a 2xx. Nothing is invented on the steps themselves.
fn status_note(out: &mut Converted) {
    let steps = &out.unchecked_status;
    if steps.is_empty() {
        return;
    }
    let who = if steps.len() == out.workflow.steps.len() {
        "No request here checks its status in Postman".to_owned()
    } else {
        let quoted: Vec<String> = steps.iter().map(|s| format!("`{s}`")).collect();
        format!(
            "These requests check no status in Postman: {}",
            quoted.join(", ")
        )
    };
    out.workflow.comments.push(format!(
        "{who}. There any status passes; here a step without `expect.status` passes only on a \
         2xx (add `status = [...]` to its `expect` to accept others)."
    ));
}

/// Name, description, tags, file name and `[defaults].auth` of a group's workflow: named after
/// its folders (`Collection — Folder / Alternative`), with the auth of the innermost folder
/// that sets one.
fn heading(out: &mut Converted, collection: &Collection, folders: &[&Item], names: &mut Names) {
    let collection_name = non_empty(Some(&collection.info.name), "Postman collection");
    let collection_desc = collection
        .info
        .description
        .as_ref()
        .and_then(postman::Description::text);
    let path: Vec<&str> = folders
        .iter()
        .map(|f| non_empty(f.name.as_deref(), "Folder"))
        .collect();
    let own_auth = folders
        .iter()
        .rev()
        .map(|f| request::auth(f.auth.as_ref(), names))
        .find(|a| !matches!(a, Auth::Inherit))
        .unwrap_or(Auth::Inherit);
    let (name, description) = match folders.last() {
        Some(f) => {
            let desc = f.description.as_ref().and_then(postman::Description::text);
            (
                format!("{collection_name} — {}", path.join(" / ")),
                desc.or(collection_desc),
            )
        }
        None => (collection_name.to_owned(), collection_desc),
    };
    out.file_stem = slug(&if path.is_empty() {
        collection_name.to_owned()
    } else {
        path.join(" ")
    });
    out.workflow.name = name;
    out.workflow.description = description;
    out.workflow.tags = vec![slug(collection_name)];
    let defaults = match own_auth {
        Auth::Inherit => request::auth(collection.auth.as_ref(), names),
        other => other,
    };
    match defaults {
        Auth::Set(v) if v.as_str() != Some("none") => out.workflow.defaults_auth = Some(v),
        Auth::Unsupported(kind) => out.workflow.comments.push(format!(
            "TODO: the collection's `{kind}` auth is not converted; set [defaults].auth by hand"
        )),
        _ => {}
    }
}

/// A name as written (trimmed), or `fallback` when it is missing or blank.
fn non_empty<'a>(name: Option<&'a str>, fallback: &'a str) -> &'a str {
    name.map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(fallback)
}

/// Collection- or folder-level scripts run around every request: kept as comments.
fn scope_scripts(out: &mut Converted, scope: &str, events: &[postman::Event]) {
    for listen in ["prerequest", "test"] {
        let lines = script_lines(events, listen);
        let code: Vec<&String> = lines.iter().filter(|l| !l.trim().is_empty()).collect();
        if code.is_empty() {
            continue;
        }
        out.unconverted += code.len();
        out.workflow.comments.push(format!(
            "postman {scope} {listen} script (runs around every request; not converted):"
        ));
        out.workflow
            .comments
            .extend(code.iter().map(|l| format!("  {}", l.trim_end())));
    }
}

/// Adds the requests of `items` (and of nested folders, in order) as steps. `auth` is what
/// an enclosing nested folder sets, which steps that inherit must carry themselves.
fn flatten(
    items: &[Item],
    auth: &Auth,
    folder: Option<&str>,
    names: &mut Names,
    out: &mut Converted,
) {
    let mut first = true;
    for item in items {
        let label = if item.children.is_some() {
            non_empty(item.name.as_deref(), "Folder").to_owned()
        } else {
            let number = out.workflow.steps.len() + 1;
            non_empty(item.name.as_deref(), &format!("Request {number}")).to_owned()
        };
        let label = label.as_str();
        if let Some(children) = &item.children {
            let nested = match request::auth(item.auth.as_ref(), names) {
                Auth::Inherit => auth.clone(),
                other => other,
            };
            let path = folder.map_or_else(|| label.to_owned(), |f| format!("{f} / {label}"));
            flatten(children, &nested, Some(&path), names, out);
            continue;
        }
        let mut step = request_step(item, label, names, out);
        if step.auth.is_none()
            && let Auth::Set(v) = auth
        {
            step.auth = Some(v.clone());
        }
        // The same auth as `[defaults]` says nothing more.
        if step.auth.is_some() && step.auth == out.workflow.defaults_auth {
            step.auth = None;
        }
        if first && let Some(f) = folder {
            step.comments.insert(0, format!("postman folder: {f}"));
        }
        first = false;
        out.workflow.steps.push(step);
    }
}

fn request_step(item: &Item, label: &str, names: &mut Names, out: &mut Converted) -> Step {
    let mut notes = Vec::new();
    let mut step = match &item.request {
        Some(postman::Request::Full(req)) => request::step(label, req, names, &mut notes),
        Some(postman::Request::Url(url)) => Step {
            name: label.to_owned(),
            url: names.template(&request::url::with_scheme(url.clone())),
            ..Step::default()
        },
        None => Step {
            name: label.to_owned(),
            ..Step::default()
        },
    };
    if step.url.is_empty() {
        notes.push("TODO: the Postman request has no URL".to_owned());
    }
    if step.doc.is_none() {
        step.doc = item
            .description
            .as_ref()
            .and_then(postman::Description::text);
    }
    let follow = item
        .protocol_profile_behavior
        .as_ref()
        .and_then(|p| p.get("followRedirects"))
        .and_then(serde_json::Value::as_bool);
    if follow == Some(true) {
        step.follow_redirects = Some(true);
    }
    apply_script(
        &mut step,
        &script_lines(&item.event, "prerequest"),
        Kind::PreRequest,
        names,
        out,
    );
    apply_script(
        &mut step,
        &script_lines(&item.event, "test"),
        Kind::Test,
        names,
        out,
    );
    step.comments.extend(notes);
    if step.expect_status.is_none() {
        out.unchecked_status.push(step.name.clone());
    }
    step
}

fn apply_script(
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
    for (name, value) in outcome.literals {
        let steprun_name = names.name(&name);
        // A secret's value is never written (a copy of another variable is no value).
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
    for (name, origin) in outcome.extract {
        if let Some(key) = find_on_non_unique_key(&origin) {
            step.comments.push(format!(
                "TODO: `{name}` reads `.find(x => x.{key} === …)`, which in Postman takes the first match; \
                 the JSONPath gives a list when several elements match: make the filter select one"
            ));
        }
        if let Some(mut spec) = extraction(&origin, names) {
            let steprun_name = names.name(&name);
            if outcome.optional.contains(&name) {
                spec = flagged(spec, "optional");
            }
            // Secret by Postman's type, not by its name: steprun would not know otherwise.
            if names.secrets().contains(&steprun_name) {
                spec = flagged(spec, "secret");
            }
            step.extract.insert(steprun_name, spec);
        }
    }
    let reads_location = step.extract.values().any(|v| {
        v.get("header")
            .and_then(Value::as_str)
            .is_some_and(|h| h.eq_ignore_ascii_case("location"))
    });
    if let Some(codes) = outcome.status {
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
        // The step reads a redirect, which is not a 2xx: say which status is expected.
        step.expect_status = Some(Value::Integer(302));
    }
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
