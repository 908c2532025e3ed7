//! `pm.expect(subject).to.<chain>` lines of a Postman test script as steprun expectations:
//! a status, or a check of a value of the JSON body.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::{Action, Check};
use crate::import::js::{self, Origin};

static EQUALS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:eql|equal|equals|eq|be\.equal|deep\.equal|be\.eql)\((.+)\)$")
        .expect("valid regex")
});

/// `pm.expect(subject).to.<chain>` as a status or JSON expectation.
pub(super) fn assertion(subject: Origin, chain: &str) -> Option<Action> {
    if subject == Origin::Status {
        return status_assertion(chain);
    }
    let Origin::Body(segments) = subject else {
        return None;
    };
    if js::has_length(&segments) {
        return length_assertion(segments, chain);
    }
    body_assertion(segments, chain)
}

/// `pm.expect(pm.response.code).to.<chain>`: one status, or one of a list.
fn status_assertion(chain: &str) -> Option<Action> {
    static ONE_OF: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^be\.oneOf\(\[([\d,\s]+)\]\)$").expect("valid regex"));
    if let Some(c) = ONE_OF.captures(chain) {
        let codes: Option<Vec<u16>> = c[1].split(',').map(|s| s.trim().parse().ok()).collect();
        return Some(Action::Status(codes?));
    }
    let equals = EQUALS.captures(chain)?;
    let (value, rest) = js::literal(&equals[1])?;
    let code = u16::try_from(value.as_u64()?).ok()?;
    rest.trim().is_empty().then(|| Action::Status(vec![code]))
}

/// `pm.expect(a.b.length).to.eql(2)`: a `len` check of `a.b`, nothing else.
fn length_assertion(mut segments: Vec<js::Segment>, chain: &str) -> Option<Action> {
    if segments.pop() != Some(js::Segment::Length) || js::has_length(&segments) {
        return None;
    }
    let c = EQUALS.captures(chain)?;
    let (value, rest) = js::literal(&c[1])?;
    (rest.trim().is_empty() && value.is_u64() && !segments.is_empty())
        .then(|| Action::Json(js::jsonpath(&segments), Check::Predicate("len", value)))
}

/// `pm.expect(<a value of the body>).to.<chain>`: it exists, is true or false, equals a value,
/// or a call (`have.property`, `include`, `be.a`, `have.lengthOf`) says what it is.
fn body_assertion(segments: Vec<js::Segment>, chain: &str) -> Option<Action> {
    static CALL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(have\.property|include|contain|have\.string|be\.an?|have\.lengthOf|have\.length)\((.+)\)$")
            .expect("valid regex")
    });
    let path = js::jsonpath(&segments);
    match chain {
        "exist" | "not.be.undefined" | "be.not.undefined" | "not.be.empty" => {
            return (!segments.is_empty())
                .then(|| Action::Json(path, Check::Predicate("exists", Value::Bool(true))));
        }
        "be.true" => return Some(Action::Json(path, Check::Eq(Value::Bool(true)))),
        "be.false" => return Some(Action::Json(path, Check::Eq(Value::Bool(false)))),
        _ => {}
    }
    if let Some(c) = EQUALS.captures(chain) {
        // A literal, or a variable read (`pm.environment.get("popID")`) as `{{popID}}`.
        let value = match js::literal(&c[1]) {
            Some((value, rest)) if rest.trim().is_empty() => value,
            _ => match js::resolve(&c[1], &HashMap::new())? {
                Origin::Literal(value) => value,
                _ => return None,
            },
        };
        return (!segments.is_empty()).then(|| Action::Json(path, Check::Eq(value)));
    }
    let c = CALL.captures(chain)?;
    let (arg, rest) = js::literal(&c[2])?;
    if !rest.trim().is_empty() {
        return None;
    }
    call_assertion(segments, &c[1], arg)
}

fn call_assertion(mut segments: Vec<js::Segment>, call: &str, arg: Value) -> Option<Action> {
    let check = match (call, arg) {
        ("have.property", Value::String(key)) => {
            segments.push(js::Segment::Key(key));
            Check::Predicate("exists", Value::Bool(true))
        }
        ("include" | "contain" | "have.string", v @ Value::String(_)) => {
            Check::Predicate("contains", v)
        }
        ("be.a" | "be.an", Value::String(t)) => {
            let t = match t.as_str() {
                "boolean" => "bool".to_owned(),
                "string" | "number" | "array" | "object" | "null" => t,
                _ => return None,
            };
            Check::Predicate("type", Value::String(t))
        }
        ("have.lengthOf" | "have.length", v @ Value::Number(_)) => Check::Predicate("len", v),
        _ => return None,
    };
    if segments.is_empty() {
        return None;
    }
    Some(Action::Json(js::jsonpath(&segments), check))
}
