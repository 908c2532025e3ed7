//! Entry points for the fuzz targets (`tests/fuzz`, and `fuzz/` for cargo-fuzz): each reader
//! of hostile input, taking bytes and giving back `Ok` or the error a person would see. A
//! panic, a hang or an abort here is a bug; an `Err` is the reader doing its job.
//!
//! Not part of the API: hidden from the docs, stable for nothing but the fuzzers.

use std::path::Path;

use crate::template::Templates;
use crate::vars::VarStore;
use crate::workflow::load::{self, Loader};
use crate::workflow::raw::RawStep;

/// The names fuzz inputs appear under in messages.
const WORKFLOW: &str = "fuzz.toml";
const VARS: &str = "fuzz-vars.toml";
const COLLECTION: &str = "fuzz.postman_collection.json";

fn text(bytes: &[u8]) -> Result<String, String> {
    String::from_utf8(bytes.to_vec()).map_err(|e| format!("not UTF-8: {e}"))
}

/// Loads a workflow file (with its `use` steps, read relative to the working directory) and
/// reads every step, deferred ones included.
pub fn load_workflow(bytes: &[u8]) -> Result<usize, String> {
    let path = Path::new(WORKFLOW);
    let text = load::utf8(path, bytes.to_vec()).map_err(|d| d.to_string())?;
    let workflow = Loader::new()
        .load_text(path, text)
        .map_err(|d| d.to_string())?;
    let mut steps = 0;
    for step in load::read_steps(&workflow.steps) {
        step.map_err(|d| d.to_string())?;
        steps += 1;
    }
    Ok(steps)
}

/// Reads a vars file.
pub fn read_vars(bytes: &[u8]) -> Result<usize, String> {
    let path = Path::new(VARS);
    let text = load::utf8(path, bytes.to_vec()).map_err(|d| d.to_string())?;
    let (decls, _tenant) = load::vars_from_text(path, text).map_err(|d| d.to_string())?;
    Ok(decls.len())
}

/// The variables a fuzzed template can read: a string, a number, a list, an object.
fn store() -> VarStore {
    let mut vars = VarStore::new();
    vars.set_with_policy("name", serde_json::json!("Ada <Lovelace>"), None);
    vars.set_with_policy("count", serde_json::json!(3), None);
    vars.set_with_policy("items", serde_json::json!([1, "two", {"three": 3}]), None);
    vars.set_with_policy(
        "user",
        serde_json::json!({"id": "u-1", "tags": ["a", "b"], "n": null}),
        None,
    );
    vars.set_with_policy("client_secret", serde_json::json!("s3cr3t"), Some(true));
    vars
}

/// Renders a template as a step's text, as a typed value, and as a `when` condition, and
/// lists the variables it reads.
pub fn render_template(bytes: &[u8]) -> Result<String, String> {
    let src = text(bytes)?;
    let templates = Templates::new("fuzz-run");
    let vars = store();
    let _ = templates.variables_used(&src);
    let _ = templates.expression_variables(&src);
    let _ = templates.eval_condition(&src, &vars);
    let _ = templates.render_typed(&src, &vars);
    templates
        .render_string(&src, &vars)
        .map_err(|e| e.to_string())
}

/// Applies a JSONPath to a document: the input's first line is the path, the rest the
/// document (a fixed one when the rest is not JSON).
pub fn jsonpath(bytes: &[u8]) -> Result<usize, String> {
    let input = text(bytes)?;
    let (path, doc) = input.split_once('\n').unwrap_or((&input, ""));
    let doc = serde_json::from_str(doc).unwrap_or_else(
        |_| serde_json::json!({"a": [1, 2, {"b": "c"}], "d": {"e": null, "f": [true, 1.5, "x"]}}),
    );
    crate::jsonpath::select(&doc, path)
        .map(|nodes| nodes.len())
        .map_err(|e| e.to_string())
}

/// Converts a Postman collection. Every workflow it writes must be TOML (a file that is not
/// panics: the importer wrote a file nothing can read) and is then loaded; a load error there
/// (a request Postman itself would refuse, kept as written) is a located diagnostic.
pub fn import_postman(bytes: &[u8]) -> Result<usize, String> {
    let input = text(bytes)?;
    let files =
        crate::import::convert_text(Path::new(COLLECTION), &input).map_err(|e| e.to_string())?;
    for (path, text) in &files {
        if let Err(e) = text.parse::<toml::Table>() {
            panic!("the importer wrote a file that is not TOML: {e}\n{text}");
        }
        Loader::new()
            .load_text(path, text.clone())
            .and_then(|w| load::read_steps(&w.steps).try_for_each(|s| s.map(drop)))
            .map_err(|d| d.to_string())?;
    }
    Ok(files.len())
}

/// Reads one step's TOML (as the loader gives it, its `[[steps]]` header blanked) with the
/// quick reader and with the toml crate: where the quick reader answers, its answer must be the
/// toml crate's, spans, key order and values alike (a difference panics: it is a bug).
pub fn read_step(bytes: &[u8]) -> Result<String, String> {
    let src = text(bytes)?;
    let slow = toml::from_str::<RawStep>(&src).map(|s| format!("{s:?}"));
    // The hand-written step reader answers only as the serde path over the quick reader does.
    if let Some(by_hand) = crate::workflow::quick_toml::step(&src) {
        let by_hand = format!("{by_hand:?}");
        let quick =
            crate::workflow::quick_toml::from_str::<RawStep>(&src).map(|s| format!("{s:?}"));
        assert_eq!(
            Some(&by_hand),
            quick.as_ref(),
            "the step reader read {by_hand}\nwhere the serde path read {quick:?}\nfrom {src:?}"
        );
    }
    match crate::workflow::quick_toml::from_str::<RawStep>(&src) {
        Some(quick) => {
            let quick = format!("{quick:?}");
            match slow {
                Ok(slow) if slow == quick => Ok(quick),
                slow => panic!(
                    "the quick TOML reader read {quick}\nwhere the toml crate read {slow:?}\nfrom {src:?}"
                ),
            }
        }
        None => slow.map_err(|e| e.to_string()),
    }
}
