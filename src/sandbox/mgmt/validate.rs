//! Table-driven validation of request bodies: required fields, kinds, enum values and
//! uniqueness, reported together as one 400 `INVALID_DATA` with a detail per problem.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult, Detail};
use super::spec::{Kind, Spec};
use crate::sandbox::store::Store;

/// The value at a dotted path (`population.id`).
pub fn lookup<'a>(doc: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut current = doc.get(parts.next()?)?;
    for part in parts {
        current = current.get(part)?;
    }
    Some(current)
}

fn lookup_mut<'a>(doc: &'a mut Map<String, Value>, path: &str) -> Option<&'a mut Value> {
    let mut parts = path.split('.');
    let mut current = doc.get_mut(parts.next()?)?;
    for part in parts {
        current = current.get_mut(part)?;
    }
    Some(current)
}

/// A string field, if present and a string.
pub fn text<'a>(doc: &'a Map<String, Value>, path: &str) -> Option<&'a str> {
    lookup(doc, path).and_then(Value::as_str)
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// Checks `doc` against the spec's table; `own_id` is the id of the document being
/// replaced (so it does not collide with itself).
pub fn check(
    spec: &Spec,
    store: &Store,
    scope: &str,
    doc: &mut Map<String, Value>,
    own_id: Option<&str>,
) -> ApiResult<()> {
    let mut details = Vec::new();
    for field in spec.required {
        if lookup(doc, field).is_none_or(is_blank) {
            details.push(Detail::new(
                "REQUIRED_VALUE",
                field,
                format!("{field} is required"),
            ));
        }
    }
    for (field, kind) in spec.kinds {
        if let Some(v) = lookup_mut(doc, field)
            && let Some(d) = coerce(field, *kind, v)
        {
            details.push(d);
        }
    }
    for (field, allowed) in spec.enums {
        if let Some(v) = lookup(doc, field) {
            details.extend(check_enum(field, allowed, v));
        }
    }
    for field in spec.unique {
        if let Some(d) = check_unique(store, spec.name, scope, doc, field, own_id) {
            details.push(d);
        }
    }
    if details.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(details))
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Str => "a string",
        Kind::Bool => "a boolean",
        Kind::Int => "an integer",
        Kind::Object => "an object",
        Kind::Array => "an array",
    }
}

/// Checks (and where PingOne is lenient, converts) one field's kind; the problem, if any.
pub fn coerce(field: &str, kind: Kind, v: &mut Value) -> Option<Detail> {
    let coerced = match (kind, &*v) {
        (_, Value::Null)
        | (Kind::Str, Value::String(_))
        | (Kind::Bool, Value::Bool(_))
        | (Kind::Object, Value::Object(_))
        | (Kind::Array, Value::Array(_)) => return None,
        (Kind::Int, Value::Number(n)) if n.is_i64() || n.is_u64() => return None,
        (Kind::Bool, Value::String(s)) if s.eq_ignore_ascii_case("true") => Some(json!(true)),
        (Kind::Bool, Value::String(s)) if s.eq_ignore_ascii_case("false") => Some(json!(false)),
        (Kind::Int, Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
        _ => None,
    };
    match coerced {
        Some(c) => {
            *v = c;
            None
        }
        None => Some(Detail::new(
            "INVALID_VALUE",
            field,
            format!("{field} must be {}", kind_name(kind)),
        )),
    }
}

fn check_enum(field: &str, allowed: &[&str], v: &Value) -> Vec<Detail> {
    let bad = |shown: &str| {
        Detail::new(
            "INVALID_VALUE",
            field,
            format!("'{shown}' is not a valid value for {field}"),
        )
        .with_inner(json!({ "allowedValues": allowed }))
    };
    match v {
        Value::String(s) if allowed.contains(&s.as_str()) => Vec::new(),
        Value::Array(items) => items
            .iter()
            .filter(|i| !i.as_str().is_some_and(|s| allowed.contains(&s)))
            .map(|i| bad(&value_text(i)))
            .collect(),
        Value::Null => Vec::new(),
        other => vec![bad(&value_text(other))],
    }
}

fn value_text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

fn check_unique(
    store: &Store,
    collection: &'static str,
    scope: &str,
    doc: &Map<String, Value>,
    field: &str,
    own_id: Option<&str>,
) -> Option<Detail> {
    let value = text(doc, field)?;
    let existing = store.list(scope, collection).find(|other| {
        other["id"].as_str() != own_id
            && other
                .as_object()
                .and_then(|o| text(o, field))
                .is_some_and(|v| v.eq_ignore_ascii_case(value))
    })?;
    Some(
        Detail::new(
            "UNIQUENESS_VIOLATION",
            field,
            format!("{field} must be unique: '{value}' is already in use"),
        )
        .with_inner(json!({ "existingId": existing["id"] })),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::mgmt::spec::{Ops, Plain, Scope};

    static SPEC: Spec = Spec {
        name: "things",
        path: "/environments/{envID}/things",
        id_param: "thingID",
        scope: Scope::Env,
        required: &["name", "owner.id"],
        enums: &[("type", &["A", "B"]), ("tags", &["X"])],
        kinds: &[("enabled", Kind::Bool), ("size", Kind::Int)],
        unique: &["name"],
        read_only: &[],
        owner: None,
        env_ref: true,
        timestamps: true,
        ops: Ops::ALL,
        hooks: &Plain,
    };

    fn run(store: &Store, body: &Value) -> Result<Map<String, Value>, ApiError> {
        let mut doc = body.as_object().unwrap().clone();
        check(&SPEC, store, "env", &mut doc, None).map(|()| doc)
    }

    #[test]
    fn reports_every_problem_at_once() {
        let store = Store::default();
        let err = run(
            &store,
            &json!({"type": "C", "tags": ["X", "Y"], "enabled": 3}),
        )
        .unwrap_err();
        let targets: Vec<_> = err
            .details
            .iter()
            .map(|d| d.target.clone().unwrap())
            .collect();
        assert_eq!(targets, ["name", "owner.id", "enabled", "type", "tags"]);
        assert_eq!(
            err.details[3].inner.as_ref().unwrap()["allowedValues"][0],
            "A"
        );
    }

    #[test]
    fn coerces_strings_like_pingone() {
        let store = Store::default();
        let doc = run(
            &store,
            &json!({"name": "n", "owner": {"id": "o"}, "enabled": "false", "size": "7"}),
        )
        .unwrap();
        assert_eq!(doc["enabled"], false);
        assert_eq!(doc["size"], 7);
    }

    #[test]
    fn names_are_unique_ignoring_case() {
        let mut store = Store::default();
        store.put("env", "things", json!({"id": "1", "name": "Alpha"}));
        let err = run(&store, &json!({"name": "ALPHA", "owner": {"id": "o"}})).unwrap_err();
        assert_eq!(err.details[0].code, "UNIQUENESS_VIOLATION");
        let mut doc = json!({"name": "alpha", "owner": {"id": "o"}})
            .as_object()
            .unwrap()
            .clone();
        assert!(check(&SPEC, &store, "env", &mut doc, Some("1")).is_ok());
    }
}
