//! `json = …`: a request body read from the TOML straight into JSON, with no TOML value built
//! on the way. It reads what `toml::Value` reads (a datetime becomes its RFC 3339 text, a
//! float that JSON cannot hold becomes `null`) and gives what `convert::to_json` gave for it.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Value};
use toml_datetime::de::VisitMap;

#[derive(Debug)]
pub struct TomlJson(pub Value);

impl<'de> Deserialize<'de> for TomlJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor).map(TomlJson)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("any valid TOML value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        i64::try_from(value)
            .map(Value::from)
            .map_err(|_| de::Error::custom("u64 value was too large"))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(TomlJson(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let first = match VisitMap::next_key_seed(&mut map)? {
            Some(VisitMap::Datetime(datetime)) => return Ok(Value::String(datetime.to_string())),
            None => return Ok(Value::Object(Map::new())),
            Some(VisitMap::Key(key)) => key.into_owned(),
        };
        let mut object = Map::new();
        let TomlJson(value) = map.next_value()?;
        object.insert(first, value);
        while let Some(key) = map.next_key::<String>()? {
            // One lookup for the check and the insert.
            match object.entry(key) {
                Entry::Occupied(taken) => {
                    return Err(de::Error::custom(format!(
                        "duplicate key: `{}`",
                        taken.key()
                    )));
                }
                Entry::Vacant(slot) => {
                    let TomlJson(value) = map.next_value()?;
                    slot.insert(value);
                }
            }
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::TomlJson;
    use crate::workflow::convert::to_json;

    #[derive(serde::Deserialize)]
    struct Body {
        json: TomlJson,
    }

    #[test]
    fn reads_every_toml_value_as_to_json_converts_it() {
        for text in [
            "json = { name = \"a\", n = -3, ok = true, list = [1, \"two\", [3.5]], t = {} }",
            "json = 1979-05-27T07:32:00Z",
            "json = { when = 1979-05-27, at = 07:32:00, local = 1979-05-27T00:32:00.999 }",
            "json = [nan, inf, -inf, 1e3, 0.1]",
            "json = \"\"\"\nmulti\nline\"\"\"",
            "[json]\nb = 2\na = 1\n[json.c]\nd = [{ e = 'f' }]\n",
            "[[json.items]]\nz = 1\n[[json.items]]\ny = [1979-05-27, -0.0, 1.7976931348623157e308, -nan]\n",
            "json = { \"$__toml_private_datetime\" = \"1979-05-27T07:32:00-08:00\" }",
            "json = { a = { \"$__toml_private_datetime\" = \"07:32:00\" }, b = 9223372036854775807 }",
        ] {
            let ours = toml::from_str::<Body>(text).expect("parses").json.0;
            let table: toml::Table = toml::from_str(text).expect("parses");
            assert_eq!(ours, to_json(&table["json"]), "{text}");
            assert_eq!(
                serde_json::to_string(&ours).expect("serializes"),
                serde_json::to_string(&to_json(&table["json"])).expect("serializes"),
                "key order too: {text}"
            );
        }
    }

    #[test]
    fn refuses_what_a_toml_value_refuses() {
        for text in [
            "json = 9223372036854775808",
            "json = [-9223372036854775809]",
            "json = { f = 1e400 }",
            "json = { \"$__toml_private_datetime\" = \"x\" }",
        ] {
            assert!(toml::from_str::<Body>(text).is_err(), "{text}");
            assert!(toml::from_str::<toml::Table>(text).is_err(), "{text}");
        }
    }
}
