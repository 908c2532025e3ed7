//! JSON values as TOML for the workflows an import writes, with Postman's `{{name}}` converted:
//! request bodies, variables and checks all go through it.

use serde_json::Value as Json;
use toml::{Table, Value};

use crate::import::names::Names;

/// A JSON value as TOML, with `{{name}}` converted in strings and keys; `None` when it holds
/// a `null`, which TOML cannot write.
pub fn json_to_toml(v: &Json, names: &mut Names) -> Option<Value> {
    Some(match v {
        Json::Null => return None,
        Json::Bool(b) => Value::Boolean(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            // Beyond i64, TOML has no integer: a float would send another number.
            None if n.is_u64() => return None,
            None => Value::Float(n.as_f64()?),
        },
        Json::String(s) => Value::String(names.template(s)),
        Json::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| json_to_toml(i, names))
                .collect::<Option<_>>()?,
        ),
        Json::Object(o) => {
            let mut t = Table::new();
            for (k, v) in o {
                t.insert(names.template(k), json_to_toml(v, names)?);
            }
            Value::Table(t)
        }
    })
}

/// Whether JSON text holds an integer literal (no fraction or exponent) that does not fit in
/// an i64: serde reads it as a float, which would change the number sent.
pub fn has_wide_integer(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                i += 1;
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    i += 1;
                }
                let token = &text[start..i];
                let integer = !token.contains(['.', 'e', 'E']);
                if integer && token.parse::<i64>().is_err() {
                    return true;
                }
            }
            _ => i += 1,
        }
    }
    false
}
