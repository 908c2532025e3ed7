//! The mapping from a Postman collection to workflows: top-level folders become files, a
//! request becomes a step, scripts become extractions and expectations (or comments).

use toml::Table;

use crate::import::emit::{Step, Workflow};
use crate::import::groups::Group;
use crate::import::names::{Names, slug};
use crate::import::postman::{self, Collection, Item, script_lines};
use crate::import::request::{self, Auth};
use crate::import::scripts::Kind;

mod script;

use script::apply_script;

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
