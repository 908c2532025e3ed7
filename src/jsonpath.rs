//! JSONPath (RFC 9535, jsonpath-rust) with compiled queries kept: a run asks the same few
//! paths over and over, and parsing a path costs far more than evaluating it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonpath_rust::parser::errors::JsonPathError;
use jsonpath_rust::parser::model::JpQuery;
use jsonpath_rust::parser::parse_json_path;
use jsonpath_rust::query::js_path_process;
use serde_json::Value;

mod streamed;
pub use streamed::{Selected, member_in};

/// Distinct paths kept at most; past it the cache starts over, so memory stays bounded.
const CAPACITY: usize = 1024;

fn cache() -> &'static Mutex<HashMap<String, Arc<JpQuery>>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<JpQuery>>>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

/// Brackets and parentheses nested deeper than this are refused before parsing: the parser
/// backtracks, and its time grows about threefold with each nested function call (twelve
/// `search(` took a second, a fuzzed path with forty never finished). Real paths nest two or
/// three deep.
pub const MAX_NESTING: usize = 8;

/// Parses `path`, or returns the query parsed earlier.
pub fn compile(path: &str) -> Result<Arc<JpQuery>, JsonPathError> {
    if let Some(q) = cache().lock().ok().and_then(|c| c.get(path).cloned()) {
        return Ok(q);
    }
    if nesting(path) > MAX_NESTING {
        return Err(JsonPathError::MaxNestingDepthExceeded(MAX_NESTING));
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
    if let Some(found) = member_chain(doc, path) {
        return Ok(found);
    }
    evaluate(doc, path)
}

/// `path` by the full evaluator.
fn evaluate<'a>(doc: &'a Value, path: &str) -> Result<Vec<&'a Value>, JsonPathError> {
    let query = compile(path)?;
    Ok(js_path_process(&query, doc)?
        .into_iter()
        .map(jsonpath_rust::query::QueryRef::val)
        .collect())
}

/// `$.a.b.c`, member names of ASCII letters, digits and `_` not starting with a digit: most
/// extractions' path (`$.id`, `$.access_token`), walked directly, as RFC 9535 reads it (a
/// member of an object; nothing of anything else), without the cache's lock and the
/// evaluator's node lists. `None` for any other path.
fn member_chain<'a>(doc: &'a Value, path: &str) -> Option<Vec<&'a Value>> {
    member(doc, path).map(|Member(node)| node.into_iter().collect())
}

/// Whether `path` is a plain chain of members (`$.id`, `$.a.b`), which [`member`] walks
/// without the parser: always a valid query, so checking it needs no parse.
pub fn is_member_chain(path: &str) -> bool {
    path.strip_prefix("$.")
        .is_some_and(|names| names.split('.').all(streamed::is_member_name))
}

/// The node a plain chain of members selects, if any.
pub struct Member<'a>(pub Option<&'a Value>);

/// What [`member_chain`] reads, as the one node found (or none) rather than a list of them:
/// `None` for a path that is not a plain chain of members.
pub fn member<'a>(doc: &'a Value, path: &str) -> Option<Member<'a>> {
    let names = path.strip_prefix("$.")?;
    let mut node = Some(doc);
    for name in names.split('.') {
        if !streamed::is_member_name(name) {
            return None;
        }
        node = node.and_then(Value::as_object).and_then(|o| o.get(name));
    }
    Some(Member(node))
}

/// The deepest nesting of `[` and `(` in `path`, string literals aside.
fn nesting(path: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0);
    let mut quote = None;
    let mut escaped = false;
    for c in path.chars() {
        match (quote, c) {
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, '[' | '(') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (None, ']' | ')') => depth = depth.saturating_sub(1),
            // Inside a string, or a character that does not nest.
            _ => {}
        }
    }
    deepest
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

    /// The check skips the parser for a plain chain of members: the parser must take every
    /// one, the names that are keywords elsewhere in the grammar too.
    #[test]
    fn member_chains_parse() {
        for name in [
            "id", "_", "a1", "true", "false", "null", "length", "count", "match", "search",
            "value", "in", "nin", "size", "empty", "noneOf", "anyOf", "subsetOf", "A_b_9",
        ] {
            for path in [
                format!("$.{name}"),
                format!("$.x.{name}"),
                format!("$.{name}.y"),
            ] {
                assert!(is_member_chain(&path), "{path}");
                assert!(compile(&path).is_ok(), "{path}");
            }
        }
        for path in [
            "$", "$.", "$..a", "$.a.", "$.1a", "$.a-b", "$['a']", "$.a[0]", "@.a",
        ] {
            assert!(!is_member_chain(path), "{path}");
        }
    }

    /// Found by the fuzzer (`tests/fuzz`): a filter with forty nested `search(` calls, which
    /// the parser never finished reading.
    #[test]
    fn deeply_nested_paths_are_refused_at_once() {
        let deep = format!("$.a[?@.b == {}'x'].id", "search(".repeat(40));
        let started = std::time::Instant::now();
        let err = compile(&deep).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(
            err.to_string(),
            "JSONPath nesting depth exceeds the maximum of 8"
        );
        // At the limit, and with brackets inside strings, paths still parse.
        assert!(compile("$.a[?search(@.b, '[[[[[[[[[[')]").is_ok());
        assert!(compile("$.a[0][1][2][3][4][5][6][7]").is_ok());
        assert!(compile("$.a[0][1][2][3][4][5][6][7][8][9]").is_ok());
        let nine = format!("$.a{}.x{}", "[?@".repeat(9), "]".repeat(9));
        assert!(compile(&nine).is_err());
    }

    /// Plain member paths are walked directly: the answer is the evaluator's, for every shape.
    #[test]
    fn member_paths_answer_as_the_evaluator_does() {
        let docs = [
            json!({"id": "x", "a": {"b": {"c": 1}, "list": [1, 2]}, "_k9": null}),
            json!([{"id": "x"}]),
            json!("text"),
            json!({"a": [{"b": 1}], "true": 2, "id": {"id": "inner"}}),
        ];
        let paths = [
            "$.id",
            "$.a.b.c",
            "$.a.b",
            "$.a.list",
            "$.a.list.b",
            "$.a.b.c.d",
            "$._k9",
            "$.missing",
            "$.a.missing.c",
            "$.true",
            "$.id.id",
        ];
        for doc in &docs {
            for path in paths {
                let direct = member_chain(doc, path).expect("a member path");
                assert_eq!(direct, evaluate(doc, path).unwrap(), "{path} in {doc}");
            }
        }
        for other in [
            "$", "$.", "$..id", "$.a[0]", "$.9a", "$.a.", "$.a-b", "$.é", "$ .a", "$.a.*",
        ] {
            assert!(member_chain(&docs[0], other).is_none(), "{other}");
        }
        assert!(select(&docs[0], "$.a.").is_err());
    }

    #[test]
    fn invalid_paths_are_errors_every_time() {
        assert!(compile("$.items[").is_err());
        assert!(compile("$.items[").is_err());
    }
}
