//! The community OpenAPI documents for PingOne, read once per test binary and turned into
//! draft-4 JSON Schema validators for the response bodies the sandbox sends and the request
//! bodies the library sends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::Validator;
use serde_json::{Map, Value};

use super::{discriminators, exceptions};

/// The documents ship with the repository, with their BSD-3 licence (`tests/openapi/LICENSE`).
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/openapi/");
/// Searched in order: a path both files describe (`/environments/{environmentID}`) is
/// answered by the management document, which describes the management resource.
const FILES: [&str; 2] = ["pingone-management.yml", "pingone-mfa.yml"];

/// One OpenAPI document with its path templates split into segments.
pub struct Doc {
    pub name: &'static str,
    root: Value,
    templates: Vec<(String, Vec<String>)>,
}

/// An operation found for a concrete request.
pub struct Operation {
    pub doc: &'static Doc,
    pub template: String,
    node: &'static Value,
}

/// What the document declares for one status code of an operation.
pub enum Declared {
    /// The status is not among the operation's responses.
    Undeclared,
    /// Declared without content (204) or with an empty schema (`application/json: {}`).
    NoSchema { has_content: bool },
    /// Declared with content, but not for the response's media type.
    OtherMediaType(Vec<String>),
    /// A schema to validate the body against.
    Schema(&'static Value),
}

pub fn docs() -> &'static [Doc] {
    static DOCS: OnceLock<Vec<Doc>> = OnceLock::new();
    DOCS.get_or_init(|| {
        let docs: Vec<Doc> = FILES.iter().map(|name| load(name)).collect();
        for schema in exceptions::write_only_schemas() {
            let pointer = format!("/components/schemas/{schema}");
            assert!(
                docs.iter().any(|d| d.root.pointer(&pointer).is_some()),
                "an exception names {schema}, which no document has"
            );
        }
        docs
    })
}

fn load(name: &'static str) -> Doc {
    let path = format!("{DIR}{name}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    // The management document has one literal TAB, inside a plain scalar (a description on
    // line 1704), which strict YAML parsers reject. It is the only tab in either file and
    // means nothing, so a space stands in for it before parsing.
    let text = text.replace('\t', " ");
    let mut root: Value = serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    exceptions::apply_write_only(&mut root);
    translate(&mut root);
    let templates = root["paths"]
        .as_object()
        .map(|paths| {
            paths
                .keys()
                .map(|t| (t.clone(), t.split('/').map(str::to_owned).collect()))
                .collect()
        })
        .unwrap_or_default();
    Doc {
        name,
        root,
        templates,
    }
}

/// Rewrites OpenAPI 3.0's schema dialect into draft-4 JSON Schema, in place.
///
/// - `nullable: true` becomes a `"null"` member of `type` (and of `enum`). Neither file uses
///   it today; the rewrite keeps the test honest if a newer copy does.
/// - `oneOf` becomes `anyOf`. The documents list overlapping branches without a
///   `discriminator` a validator could use: an OIDC `WEB_APP` matches `ApplicationOIDC` and
///   also `ApplicationPingOneAdminConsole` (which constrains nothing), an application's
///   attribute mapping matches `ApplicationAttributeMapping` and `ResourceAttribute`. So
///   "exactly one" fails on valid bodies: an ambiguity of the spec, not a fault of the
///   sandbox. `anyOf` still demands that some branch fits.
/// - Each `oneOf` branch is first tied to the `type`/`protocol` values that select it
///   (`discriminators`), so that a lax branch cannot accept another kind's body.
/// - `discriminator`, `readOnly`, `writeOnly`, `example` and `x-*` are annotations a draft-4
///   validator ignores; no property is `writeOnly`, so `required` needs no rewrite for
///   responses. `format` is checked where draft 4 knows it (`date-time`, `email`, `uri`);
///   OpenAPI's own formats (`int`, `password`, `byte`) are ignored as unknown.
fn translate(value: &mut Value) {
    match value {
        Value::Object(map) => {
            discriminators::tie_branches(map);
            if let Some(one_of) = map.remove("oneOf") {
                map.insert("anyOf".to_owned(), one_of);
            }
            // Only the keyword (a boolean) goes; a property named `nullable` stays.
            if let Some(&Value::Bool(nullable)) = map.get("nullable") {
                map.remove("nullable");
                if nullable {
                    allow_null(map);
                }
            }
            map.values_mut().for_each(translate);
        }
        Value::Array(items) => items.iter_mut().for_each(translate),
        _ => {}
    }
}

fn allow_null(map: &mut Map<String, Value>) {
    match map.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            map.insert("type".to_owned(), Value::from(vec![t, "null".to_owned()]));
        }
        Some(Value::Array(types)) => types.push(Value::from("null")),
        _ => {
            // A `$ref` with `nullable`: draft 4 ignores a `$ref`'s siblings, so wrap it.
            let inner = Value::Object(std::mem::take(map));
            map.insert(
                "anyOf".to_owned(),
                Value::from(vec![inner, serde_json::json!({"type": "null"})]),
            );
            return;
        }
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        values.push(Value::Null);
    }
}

/// The operation for `method` on a concrete path below `/v1` (no query). Literal segments
/// beat parameters, so `/propagation/revisions/id:latest` wins over `{previousRevisionID}`.
pub fn find(method: &str, path: &str) -> Option<Operation> {
    let segments: Vec<&str> = path.split('/').collect();
    let method = method.to_ascii_lowercase();
    let mut best: Option<(usize, Operation)> = None;
    for doc in docs() {
        for (template, parts) in &doc.templates {
            let Some(literal) = matches(parts, &segments) else {
                continue;
            };
            let Some(operation) = doc.root["paths"][template].get(&method) else {
                continue;
            };
            if best.as_ref().is_none_or(|(score, _)| literal > *score) {
                let template = template.clone();
                best = Some((
                    literal,
                    Operation {
                        doc,
                        template,
                        node: operation,
                    },
                ));
            }
        }
    }
    best.map(|(_, op)| op)
}

/// The number of literal segments when `parts` matches `segments`.
fn matches(parts: &[String], segments: &[&str]) -> Option<usize> {
    if parts.len() != segments.len() {
        return None;
    }
    let mut literal = 0;
    for (part, segment) in parts.iter().zip(segments) {
        if part.starts_with('{') && part.ends_with('}') {
            if segment.is_empty() {
                return None;
            }
        } else if part == segment {
            literal += 1;
        } else {
            return None;
        }
    }
    Some(literal)
}

impl Operation {
    /// The schema the document gives for `status` and `media_type` (`application/json`).
    pub fn declared(&self, status: u16, media_type: &str) -> Declared {
        let Some(mut response) = self.node["responses"].get(status.to_string()) else {
            return Declared::Undeclared;
        };
        if let Some(target) = response.get("$ref").and_then(Value::as_str) {
            match self.doc.resolve(target) {
                Some(found) => response = found,
                None => return Declared::Undeclared,
            }
        }
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return Declared::NoSchema { has_content: false };
        };
        let Some(media) = content.get(media_type) else {
            return Declared::OtherMediaType(content.keys().cloned().collect());
        };
        match media.get("schema") {
            Some(schema) if schema.as_object().is_some_and(|s| !s.is_empty()) => {
                Declared::Schema(schema)
            }
            _ => Declared::NoSchema { has_content: true },
        }
    }
}

impl Operation {
    /// The schema the document gives the request body for `media_type`.
    pub fn request(&self, media_type: &str) -> Declared {
        let Some(mut body) = self.node.get("requestBody") else {
            return Declared::Undeclared;
        };
        if let Some(target) = body.get("$ref").and_then(Value::as_str) {
            match self.doc.resolve(target) {
                Some(found) => body = found,
                None => return Declared::Undeclared,
            }
        }
        let Some(content) = body.get("content").and_then(Value::as_object) else {
            return Declared::NoSchema { has_content: false };
        };
        let Some(media) = content.get(media_type) else {
            return Declared::OtherMediaType(content.keys().cloned().collect());
        };
        match media.get("schema") {
            Some(schema) if schema.as_object().is_some_and(|s| !s.is_empty()) => {
                Declared::Schema(schema)
            }
            _ => Declared::NoSchema { has_content: true },
        }
    }
}

impl Doc {
    fn resolve(&self, reference: &str) -> Option<&Value> {
        self.root.pointer(reference.strip_prefix('#')?)
    }

    /// A validator for `schema`, a node of this document; its `$ref`s resolve against the
    /// document's `components`. Built once per schema and shared across tests.
    pub fn validator(&'static self, schema: &'static Value) -> Arc<Validator> {
        type Cache = Mutex<HashMap<(usize, usize), Arc<Validator>>>;
        static CACHE: OnceLock<Cache> = OnceLock::new();
        let key = (
            std::ptr::from_ref(self) as usize,
            std::ptr::from_ref(schema) as usize,
        );
        let cache = CACHE.get_or_init(Cache::default);
        if let Some(found) = cache.lock().unwrap().get(&key) {
            return Arc::clone(found);
        }
        let root = serde_json::json!({
            "allOf": [schema],
            "components": self.root["components"],
        });
        let built = jsonschema::draft4::options()
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("{}: schema does not compile: {e}", self.name));
        let built = Arc::new(built);
        cache.lock().unwrap().insert(key, Arc::clone(&built));
        built
    }
}

/// Every way `body` breaks `schema`, as `(JSON pointer, message)`. For an `anyOf` that no
/// branch satisfies, the closest branch's own errors say what is wrong.
pub fn violations(
    doc: &'static Doc,
    schema: &'static Value,
    body: &Value,
) -> Vec<(String, String)> {
    let validator = doc.validator(schema);
    let mut out = Vec::new();
    for error in validator.iter_errors(body) {
        explain(&error, &mut out);
    }
    out
}

fn explain(error: &jsonschema::ValidationError<'_>, out: &mut Vec<(String, String)>) {
    if let jsonschema::error::ValidationErrorKind::AnyOf { context } = error.kind()
        && let Some(closest) = context
            .iter()
            .min_by_key(|branch| (selects_another(error, branch), branch.len()))
        && !closest.is_empty()
    {
        for inner in closest {
            explain(inner, out);
        }
        return;
    }
    let message = error.to_string();
    let message: String = message.chars().take(300).collect();
    out.push((error.instance_path().to_string(), message));
}

/// Whether a branch failed on a selecting property (`type`, `protocol`) of the value the
/// `anyOf` was checking, wrong or missing: that branch describes another kind of body.
fn selects_another(
    any_of: &jsonschema::ValidationError<'_>,
    branch: &[jsonschema::ValidationError<'_>],
) -> bool {
    let here = any_of.instance_path().to_string();
    branch.iter().any(|e| {
        let path = e.instance_path().to_string();
        let message = e.to_string();
        discriminators::SELECTORS.iter().any(|p| {
            path == format!("{here}/{p}")
                || (path == here && message == format!("\"{p}\" is a required property"))
        })
    })
}

#[test]
fn nullable_admits_null() {
    let mut schema = serde_json::json!({"properties": {
        "a": {"type": "string", "nullable": true, "enum": ["x"]},
        "b": {"$ref": "#/components/schemas/B", "nullable": true},
        "c": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
    }});
    translate(&mut schema);
    let p = &schema["properties"];
    assert_eq!(p["a"]["type"], serde_json::json!(["string", "null"]));
    assert_eq!(p["a"]["enum"], serde_json::json!(["x", null]));
    assert_eq!(p["b"]["anyOf"][1], serde_json::json!({"type": "null"}));
    assert!(p["c"].get("oneOf").is_none() && p["c"]["anyOf"].is_array());
}
