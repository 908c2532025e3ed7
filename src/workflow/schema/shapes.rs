//! Schemas that the derive cannot say: durations, methods, statuses, expectation values
//! with their predicates, and the rules that span keys ("at most one body", "no null").

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::Value;

/// "At most one of `json`, `form`, `body`, `multipart`", as the negation of any two.
pub fn at_most_one_body() -> Value {
    let bodies = ["json", "form", "body", "multipart"];
    let mut pairs = Vec::new();
    for (i, a) in bodies.iter().enumerate() {
        for b in &bodies[i + 1..] {
            pairs.push(serde_json::json!({ "required": [a, b] }));
        }
    }
    serde_json::json!({ "anyOf": pairs })
}

/// TOML has no null: an optional key is one that may be absent, so the `null` that schemars
/// allows for `Option` fields is taken out again.
pub fn without_null(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(types)) = object.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            object.insert("type".to_owned(), only);
        }
    }
    let null = serde_json::json!({ "type": "null" });
    if let Some(Value::Array(any_of)) = object.get_mut("anyOf") {
        any_of.retain(|s| *s != null);
        if let [Value::Object(only)] = any_of.as_slice() {
            let only = only.clone();
            object.remove("anyOf");
            object.extend(only);
        }
    }
}

/// Declares a type whose schema is written out as JSON.
macro_rules! literal_schema {
    ($(#[$doc:meta])* $name:ident => $schema:tt) => {
        $(#[$doc])*
        pub struct $name;
        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

literal_schema!(
    /// A duration: a number and a unit, e.g. "500ms", "30s", "2m", "1h".
    Duration => {
        "type": "string",
        "pattern": r"^\s*([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*(ms|s|m|h)\s*$",
        "description": "A duration: a number and a unit (ms, s, m, h), e.g. \"500ms\", \"30s\", \"2m\"."
    }
);
literal_schema!(Method => {
    "type": "string",
    "pattern": "^([A-Za-z-]+|.*<<.*)$",
    "examples": ["GET", "POST", "PUT", "PATCH", "DELETE"],
});
literal_schema!(True => { "const": true });
literal_schema!(Literal => {
    "type": ["string", "number", "boolean", "array"],
    "description": "A literal value (strings may reference other variables)."
});
literal_schema!(Status => {
    "description": "Expected status: a code, a list of codes, or a template.",
    "anyOf": [
        { "type": "integer", "minimum": 100, "maximum": 599 },
        { "type": "string", "pattern": "<<" },
        { "type": "array", "minItems": 1, "items": { "anyOf": [
            { "type": "integer", "minimum": 100, "maximum": 599 },
            { "type": "string", "pattern": "<<" },
        ] } },
    ]
});

/// An expected value: a plain value means (JSON) equality; a table whose keys are all
/// predicate names is a predicate; any other table is compared for equality.
pub struct Matcher;

impl JsonSchema for Matcher {
    fn schema_name() -> Cow<'static, str> {
        "Matcher".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let predicates = generator.subschema_for::<Predicates>();
        let names: Vec<&str> = PREDICATES.iter().map(|(name, ..)| *name).collect();
        json_schema!({
            "description": "An expected value (equality), or a table of predicates.",
            "anyOf": [
                { "type": ["string", "number", "boolean", "array"] },
                predicates,
                {
                    "type": "object",
                    "description": "A literal table, compared for equality: any table whose keys are not all predicate names (write `{ eq = { … } }` when they are).",
                    "not": { "propertyNames": { "enum": names }, "minProperties": 1 }
                },
            ]
        })
    }
}

/// An expected header or body, which are text: a value, or a table of predicates (a table
/// could never equal a text).
pub struct TextMatcher;

impl JsonSchema for TextMatcher {
    fn schema_name() -> Cow<'static, str> {
        "TextMatcher".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let predicates = generator.subschema_for::<Predicates>();
        json_schema!({
            "description": "An expected text (equality), or a table of predicates.",
            "anyOf": [
                { "type": ["string", "number", "boolean", "array"] },
                predicates,
            ]
        })
    }
}

/// The predicates of the README's Expectations: name, argument schema, meaning.
const PREDICATES: &[(&str, &str, &str)] = &[
    ("eq", "any", "equal to"),
    ("ne", "any", "not equal to"),
    ("exists", "boolean", "whether the path selects anything"),
    (
        "contains",
        "any",
        "a string containing, or an array with, this value",
    ),
    ("matches", "string", "matches this regular expression"),
    ("gt", "number-or-string", "greater than"),
    ("gte", "number-or-string", "greater than or equal to"),
    ("lt", "number-or-string", "less than"),
    ("lte", "number-or-string", "less than or equal to"),
    ("len", "length", "length of a string, array or object"),
    ("type", "type", "JSON type"),
    ("in", "array", "one of these values"),
];

/// A table of predicates, all of which must hold.
struct Predicates;

impl JsonSchema for Predicates {
    fn schema_name() -> Cow<'static, str> {
        "Predicates".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let template = json_schema!({ "type": "string", "pattern": "<<" });
        let properties: serde_json::Map<String, Value> = PREDICATES
            .iter()
            .map(|(name, arg, meaning)| {
                let arg = match *arg {
                    "boolean" => json_schema!({ "anyOf": [{ "type": "boolean" }, template] }),
                    "string" => json_schema!({ "type": "string" }),
                    "number-or-string" => json_schema!({ "type": ["number", "string"] }),
                    "length" => json_schema!({ "anyOf": [{ "type": "integer", "minimum": 0 }, template] }),
                    "type" => json_schema!({ "anyOf": [
                        { "enum": ["string", "number", "bool", "array", "object", "null"] }, template
                    ] }),
                    "array" => json_schema!({ "anyOf": [{ "type": "array" }, template] }),
                    _ => json_schema!({}),
                };
                let mut arg = arg.to_value();
                arg["description"] = Value::from(*meaning);
                ((*name).to_owned(), arg)
            })
            .collect();
        json_schema!({
            "type": "object",
            "minProperties": 1,
            "additionalProperties": false,
            "properties": properties,
        })
    }
}
