//! A converted workflow's variables: which collection variables become `[vars]`, and which
//! names it `requires` (used before anything in the file defines them).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;
use toml::{Table, Value};

use crate::import::convert::Converted;
use crate::import::emit::{Body, Step};

static REFERENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<<\s*([A-Za-z_][A-Za-z0-9_]*)\s*>>").expect("valid regex"));

/// Names referenced as `<<name>>` anywhere in a value (keys included).
fn collect(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => text(s, out),
        Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
        Value::Table(t) => table(t, out),
        _ => {}
    }
}

fn text(s: &str, out: &mut BTreeSet<String>) {
    out.extend(REFERENCE.captures_iter(s).map(|c| c[1].to_owned()));
}

fn table(t: &Table, out: &mut BTreeSet<String>) {
    for (k, v) in t {
        text(k, out);
        collect(v, out);
    }
}

/// The names a step's request and expectations use (`defaults` is `[defaults].auth`).
fn step_uses(step: &Step, defaults: Option<&Value>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    text(&step.url, &mut out);
    table(&step.query, &mut out);
    table(&step.headers, &mut out);
    if let Some(auth) = step.auth.as_ref().or(defaults) {
        collect(auth, &mut out);
    }
    match &step.body {
        Some(Body::Json(v)) => collect(v, &mut out),
        Some(Body::Form(t) | Body::Multipart(t)) => table(t, &mut out),
        Some(Body::Raw(s)) => text(s, &mut out),
        None => {}
    }
    table(&step.expect_json, &mut out);
    table(&step.extract, &mut out);
    out
}

/// Fills in `[vars]` and `requires`. `collection_vars` are the collection's variables that
/// may be written (renamed, templated; secrets and empty values left out).
/// `earlier` maps the names that files imported before this one extract to those files.
pub fn finish(
    converted: &mut Converted,
    collection_vars: &Table,
    earlier: &BTreeMap<String, String>,
    secrets: &BTreeSet<String>,
) {
    let defaults = converted.workflow.defaults_auth.clone();
    let mut used = BTreeSet::new();
    for step in &converted.workflow.steps {
        used.extend(step_uses(step, defaults.as_ref()));
    }
    table(&converted.literals, &mut used);
    let vars = file_vars(collection_vars, &converted.literals, &mut used);
    let mut defined: BTreeSet<String> = vars.keys().cloned().collect();
    let mut requires = Vec::new();
    for step in &converted.workflow.steps {
        for name in step_uses(step, defaults.as_ref()) {
            if defined.insert(name.clone()) {
                requires.push(name);
            }
        }
        defined.extend(step.extract.keys().cloned());
    }
    // Names only the values of `[vars]` use must be defined before the run, too.
    for name in used {
        if defined.insert(name.clone()) {
            requires.push(name);
        }
    }
    let comments = requires
        .iter()
        .filter_map(|name| requires_comment(name, converted, earlier, secrets))
        .collect();
    converted.workflow.requires_comments = comments;
    converted.workflow.vars = vars;
    converted.workflow.requires = requires;
}

/// The collection variables a file uses (and those their values use in turn), then the
/// literals its scripts set. `used` grows with the names those values use.
fn file_vars(collection_vars: &Table, literals: &Table, used: &mut BTreeSet<String>) -> Table {
    let mut vars = Table::new();
    loop {
        let before = vars.len();
        for (name, value) in collection_vars {
            if used.contains(name) && !vars.contains_key(name) {
                collect(value, used);
                vars.insert(name.clone(), value.clone());
            }
        }
        if vars.len() == before {
            break;
        }
    }
    for (name, value) in literals {
        vars.insert(name.clone(), value.clone());
    }
    vars
}

/// Why a required name is required, when the reader needs to know.
fn requires_comment(
    name: &str,
    converted: &Converted,
    earlier: &BTreeMap<String, String>,
    secrets: &BTreeSet<String>,
) -> Option<String> {
    if let Some(file) = earlier.get(name) {
        Some(format!(
            "{name} is extracted by {file}, which runs first in `steprun run` of this directory"
        ))
    } else if converted.script_only.iter().any(|n| n == name) {
        Some(format!(
            "{name} is set by a Postman script line that was not converted: set it with --var {name}=… or extract it by hand"
        ))
    } else if crate::secret::named_or_typed(name, secrets) {
        Some(format!(
            "{name} is a secret: set it in a vars file (--vars), e.g. {name} = {{ env = \"…\", secret = true }}"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requires_lists_names_used_before_they_are_defined() {
        let mut c = Converted::default();
        let mut first = Step {
            url: "<<authPath>>/<<adminEnvID>>/as/token".into(),
            ..Step::default()
        };
        first
            .extract
            .insert("accessToken".into(), Value::String("$.access_token".into()));
        let second = Step {
            url: "<<apiPath>>/x/<<popID>>".into(),
            auth: None,
            ..Step::default()
        };
        let mut bearer = Table::new();
        bearer.insert("bearer".into(), Value::String("<<accessToken>>".into()));
        c.workflow.defaults_auth = Some(Value::Table(bearer));
        first.auth = Some(Value::String("none".into()));
        c.workflow.steps = vec![first, second];
        let mut collection = Table::new();
        collection.insert(
            "apiPath".into(),
            Value::String("https://api.<<tld>>/v1".into()),
        );
        collection.insert("unused".into(), Value::String("x".into()));
        finish(&mut c, &collection, &BTreeMap::new(), &BTreeSet::new());
        assert_eq!(
            c.workflow.requires,
            ["adminEnvID", "authPath", "popID", "tld"]
        );
        assert_eq!(c.workflow.vars.keys().collect::<Vec<_>>(), ["apiPath"]);
    }
}
