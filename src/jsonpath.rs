//! JSONPath (RFC 9535, jsonpath-rust) with compiled queries kept: a run asks the same few
//! paths over and over, and parsing a path costs far more than evaluating it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonpath_rust::parser::errors::JsonPathError;
use jsonpath_rust::parser::model::JpQuery;
use jsonpath_rust::parser::parse_json_path;
use jsonpath_rust::query::js_path_process;
use serde_json::Value;

/// Distinct paths kept at most; past it the cache starts over, so memory stays bounded.
const CAPACITY: usize = 1024;

fn cache() -> &'static Mutex<HashMap<String, Arc<JpQuery>>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<JpQuery>>>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

/// Parses `path`, or returns the query parsed earlier.
pub fn compile(path: &str) -> Result<Arc<JpQuery>, JsonPathError> {
    if let Some(q) = cache().lock().ok().and_then(|c| c.get(path).cloned()) {
        return Ok(q);
    }
    let query = Arc::new(parse_json_path(path)?);
    if let Ok(mut c) = cache().lock() {
        if c.len() >= CAPACITY {
            c.clear();
        }
        c.insert(path.to_owned(), Arc::clone(&query));
    }
    Ok(query)
}

/// The nodes `path` selects in `doc`, in document order.
pub fn select<'a>(doc: &'a Value, path: &str) -> Result<Vec<&'a Value>, JsonPathError> {
    let query = compile(path)?;
    Ok(js_path_process(&query, doc)?
        .into_iter()
        .map(jsonpath_rust::query::QueryRef::val)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selects_and_reuses_compiled_paths() {
        let doc = json!({"items": [{"id": "a", "n": 1}, {"id": "b", "n": 2}]});
        assert_eq!(
            select(&doc, "$.items[*].id").unwrap(),
            [&json!("a"), &json!("b")]
        );
        assert_eq!(
            select(&doc, "$.items[?@.n == 2].id").unwrap(),
            [&json!("b")]
        );
        // The second query of a path comes from the cache and gives the same answer.
        assert_eq!(select(&doc, "$.items[*].id").unwrap().len(), 2);
        assert!(select(&doc, "$.missing").unwrap().is_empty());
    }

    #[test]
    fn invalid_paths_are_errors_every_time() {
        assert!(compile("$.items[").is_err());
        assert!(compile("$.items[").is_err());
    }
}
