//! Checks a response against a step's expectations (README, Expectations): status, JSONPath, headers, body.

use serde_json::Value;

use crate::event::ExpectationResult;
use crate::workflow::model::Predicate;

/// An expectation whose templates have been rendered.
#[derive(Debug, Clone)]
pub enum Check {
    Equals(Value),
    Predicates(Vec<(Predicate, Value)>),
}

/// What a JSONPath, header or body yielded: nothing, one value, or several.
#[derive(Debug, Clone, PartialEq)]
pub enum Actual {
    None,
    One(Value),
}

impl Actual {
    pub fn from_nodes(nodes: Vec<&Value>) -> Actual {
        match nodes.len() {
            0 => Actual::None,
            1 => Actual::One(nodes[0].clone()),
            _ => Actual::One(Value::Array(nodes.into_iter().cloned().collect())),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Actual::None => "(none)".to_owned(),
            Actual::One(v) => json_text(v),
        }
    }
}

/// Runs a JSONPath over a JSON document; an invalid path is reported as the error text.
pub fn select(doc: &Value, path: &str) -> Result<Actual, crate::engine::read_error::ReadError> {
    // `$.id`, most extractions' path: its one node, with no list made for it.
    if let Some(crate::jsonpath::Member(node)) = crate::jsonpath::member(doc, path) {
        return Ok(node.map_or(Actual::None, |v| Actual::One(v.clone())));
    }
    crate::jsonpath::select(doc, path)
        .map(Actual::from_nodes)
        .map_err(|source| crate::engine::read_error::ReadError::JsonPath {
            path: path.to_owned(),
            source,
        })
}

/// Evaluates one check; `subject` names what was looked at (`$.id`, `header Location`, `body`).
pub fn evaluate(subject: &str, actual: &Actual, check: &Check) -> Vec<ExpectationResult> {
    match check {
        Check::Equals(expected) => vec![result(
            subject.to_owned(),
            matches!(actual, Actual::One(a) if json_eq(a, expected)),
            expected,
            actual,
            true,
        )],
        Check::Predicates(preds) => preds
            .iter()
            .map(|(pred, arg)| {
                result(
                    format!("{subject} {}", pred.name()),
                    holds(*pred, actual, arg),
                    arg,
                    actual,
                    *pred == Predicate::Eq,
                )
            })
            .collect(),
    }
}

/// One result; a failed equality of objects or arrays carries a diff (not yet redacted: the
/// step's report hides secrets in it, as in the values).
fn result(
    subject: String,
    passed: bool,
    expected: &Value,
    actual: &Actual,
    equality: bool,
) -> ExpectationResult {
    let diff = match actual {
        Actual::One(a) if equality && !passed => crate::engine::json_diff::diff(expected, a),
        _ => None,
    };
    ExpectationResult {
        subject: subject.into(),
        passed,
        expected: json_text(expected).into(),
        actual: actual.describe().into(),
        at: None,
        diff,
    }
}

/// Whether `pred` holds for `actual` with argument `arg`.
pub fn holds(pred: Predicate, actual: &Actual, arg: &Value) -> bool {
    let Actual::One(value) = actual else {
        return pred == Predicate::Exists && arg == &Value::Bool(false);
    };
    match pred {
        Predicate::Eq => json_eq(value, arg),
        Predicate::Ne => !json_eq(value, arg),
        Predicate::Exists => arg == &Value::Bool(true),
        Predicate::Contains => contains(value, arg),
        Predicate::Matches => match (value, arg.as_str()) {
            (Value::String(s), Some(re)) => regex::Regex::new(re).is_ok_and(|r| r.is_match(s)),
            (other, Some(re)) if !other.is_string() => {
                regex::Regex::new(re).is_ok_and(|r| r.is_match(&other.to_string()))
            }
            _ => false,
        },
        Predicate::Gt => compare(value, arg).is_some_and(std::cmp::Ordering::is_gt),
        Predicate::Gte => compare(value, arg).is_some_and(std::cmp::Ordering::is_ge),
        Predicate::Lt => compare(value, arg).is_some_and(std::cmp::Ordering::is_lt),
        Predicate::Lte => compare(value, arg).is_some_and(std::cmp::Ordering::is_le),
        Predicate::Len => length(value).is_some_and(|n| Some(n as u64) == arg.as_u64()),
        Predicate::Type => arg.as_str() == Some(type_name(value)),
        Predicate::In => arg
            .as_array()
            .is_some_and(|list| list.iter().any(|item| json_eq(item, value))),
    }
}

/// JSON equality with numbers compared by value: `1` equals `1.0` (JSON has one number type),
/// while `1` and `"1"` still differ.
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                #[allow(clippy::float_cmp)] // the same number written two ways
                _ => x.as_f64().is_some_and(|x| y.as_f64() == Some(x)),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fn contains(value: &Value, arg: &Value) -> bool {
    match (value, arg) {
        (Value::String(s), Value::String(sub)) => s.contains(sub.as_str()),
        (Value::Array(items), needle) => items.iter().any(|item| json_eq(item, needle)),
        (Value::Object(map), Value::String(key)) => map.contains_key(key),
        _ => false,
    }
}

fn compare(value: &Value, arg: &Value) -> Option<std::cmp::Ordering> {
    match (value, arg) {
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

fn length(value: &Value) -> Option<usize> {
    match value {
        Value::String(s) => Some(s.chars().count()),
        Value::Array(a) => Some(a.len()),
        Value::Object(o) => Some(o.len()),
        _ => None,
    }
}

pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// JSON text of a value, whole: the step's report hides secrets in it and then cuts it
/// (cutting first could leave the start of a secret).
pub fn json_text(value: &Value) -> String {
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(v: Value) -> Actual {
        Actual::One(v)
    }

    #[test]
    fn numbers_are_equal_by_value() {
        let r = evaluate("$.f", &one(json!(1.0)), &Check::Equals(json!(1)));
        assert!(r[0].passed);
        let r = evaluate(
            "$.f",
            &one(json!({"a": [2.50]})),
            &Check::Equals(json!({"a": [2.5]})),
        );
        assert!(r[0].passed);
        assert!(holds(Predicate::In, &one(json!(3.0)), &json!([1, 3])));
        assert!(!holds(Predicate::Eq, &one(json!(1)), &json!(1.5)));
        assert!(!holds(Predicate::Eq, &one(json!(1)), &json!("1")));
    }

    #[test]
    fn equality_is_json_equality() {
        let r = evaluate("$.n", &one(json!(1)), &Check::Equals(json!("1")));
        assert!(!r[0].passed);
        let r = evaluate("$.n", &one(json!(1)), &Check::Equals(json!(1)));
        assert!(r[0].passed);
        let r = evaluate("$.n", &Actual::None, &Check::Equals(json!(1)));
        assert!(!r[0].passed);
        assert_eq!(r[0].actual, "(none)");
    }

    #[test]
    fn predicates() {
        use Predicate as P;
        let s = one(json!("COMPLETED"));
        assert!(holds(P::Contains, &s, &json!("PLETE")));
        assert!(holds(P::Matches, &s, &json!("^COMP")));
        assert!(!holds(P::Matches, &s, &json!("^X")));
        assert!(holds(P::Len, &s, &json!(9)));
        assert!(holds(P::Type, &s, &json!("string")));
        assert!(holds(P::In, &s, &json!(["A", "COMPLETED"])));
        assert!(holds(P::Ne, &s, &json!("FAILED")));
        let n = one(json!(5));
        assert!(holds(P::Gt, &n, &json!(4)));
        assert!(holds(P::Gte, &n, &json!(5)));
        assert!(holds(P::Lt, &n, &json!(5.5)));
        assert!(!holds(P::Lte, &n, &json!(4)));
        assert!(!holds(P::Gt, &n, &json!("4")));
        assert!(holds(P::Contains, &one(json!([1, 2])), &json!(2)));
        assert!(holds(P::Contains, &one(json!({"a": 1})), &json!("a")));
        assert!(holds(P::Len, &one(json!({"a": 1})), &json!(1)));
        assert!(holds(P::Type, &one(json!(null)), &json!("null")));
        assert!(holds(P::Type, &one(json!(true)), &json!("bool")));
    }

    #[test]
    fn exists_on_missing_nodes() {
        assert!(holds(Predicate::Exists, &Actual::None, &json!(false)));
        assert!(!holds(Predicate::Exists, &Actual::None, &json!(true)));
        assert!(holds(Predicate::Exists, &one(json!(0)), &json!(true)));
        assert!(!holds(Predicate::Eq, &Actual::None, &json!(null)));
    }

    #[test]
    fn jsonpath_selects_one_many_or_none() {
        let doc = json!({"_embedded": {"resources": [{"name": "openid", "id": "1"}, {"name": "x", "id": "2"}]}});
        assert_eq!(
            select(&doc, "$._embedded.resources[?@.name == 'openid'].id").unwrap(),
            one(json!("1"))
        );
        assert_eq!(
            select(&doc, "$._embedded.resources[*].id").unwrap(),
            one(json!(["1", "2"]))
        );
        assert_eq!(select(&doc, "$.missing").unwrap(), Actual::None);
        assert!(select(&doc, "$.[").is_err());
    }
}
