//! A plain chain of members (`$.id`, `$.a.b`) read straight from a body's bytes: most steps
//! extract one such value, and building the whole document for it (every key and string
//! allocated, every object hashed) costs more than the rest of the extraction. The body is
//! read by `serde_json` as `from_slice::<Value>` reads it (the same syntax, UTF-8, number and
//! nesting checks), only nothing is kept but the value the chain selects.
//!
//! A key `serde_json` gives a meaning of its own (its raw-value token, which makes `Value` read
//! the string that follows as a document) is left to the whole parse.

use serde::Deserialize as _;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// What a plain chain of members selects in a body: its value, or `None` when nothing is
/// there.
#[derive(Debug, PartialEq)]
pub struct Selected(pub Option<Value>);

/// The value `path` selects in the JSON text `body`, as [`super::member`] finds it in the
/// parsed document. `None` when `path` is not a plain chain of members or `body` is not
/// JSON; the caller then parses the body whole, for the same answer and the same error.
pub fn member_in(body: &[u8], path: &str) -> Option<Selected> {
    let names = path.strip_prefix("$.")?;
    if !names.split('.').all(is_member_name) {
        return None;
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let found = Chain(names).deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(Selected(found))
}

/// A member name `$.name` may hold unquoted (see [`super::member`]).
pub(super) fn is_member_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The names still to follow, dot-separated; the value itself once none is left.
struct Chain<'p>(&'p str);

impl<'de> DeserializeSeed<'de> for Chain<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        if self.0.is_empty() {
            return Value::deserialize(d).map(Some);
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Chain<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    // Anything but an object has no members: nothing is selected, as in the document.
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (name, rest) = self.0.split_once('.').unwrap_or((self.0, ""));
        let mut found = None;
        while let Some(is_name) = map.next_key_seed(KeyIs(name))? {
            if is_name {
                // A key given twice: the document keeps the last value, and so does this.
                found = map.next_value_seed(Chain(rest))?;
            } else {
                map.next_value::<Skip>()?;
            }
        }
        Ok(found)
    }
}

/// Whether an object's key is the member's name (keys are compared as decoded, so
/// `"\u0069d"` is `id`, as in the document).
struct KeyIs<'p>(&'p str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        special(key)?;
        Ok(key == self.0)
    }
}

/// A value read through and dropped, with no allocation: unlike `serde::de::IgnoredAny` (which
/// `serde_json` skips without its nesting limit or UTF-8 check), it is read as a `Value`
/// would be, so what one refuses the other refuses.
struct Skip;

impl<'de> de::Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Skip, D::Error> {
        d.deserialize_any(SkipVisitor)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_key::<SkipKey>()?.is_some() {
            map.next_value::<Skip>()?;
        }
        Ok(Skip)
    }
}

/// An object's key, read as a `Value`'s keys are (as a string) and dropped.
struct SkipKey;

impl<'de> de::Deserialize<'de> for SkipKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SkipKey, D::Error> {
        d.deserialize_str(SkipKeyVisitor)
    }
}

struct SkipKeyVisitor;

impl Visitor<'_> for SkipKeyVisitor {
    type Value = SkipKey;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<SkipKey, E> {
        special(key)?;
        Ok(SkipKey)
    }
}

/// `serde_json`'s raw-value token (`serde_json::raw`), as a key: an error here, so the body is
/// parsed whole and read as `Value` reads it.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

fn special<E: de::Error>(key: &str) -> Result<(), E> {
    if key == RAW_VALUE_TOKEN {
        return Err(E::custom("a key serde_json reads in its own way"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
