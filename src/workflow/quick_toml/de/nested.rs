//! Arrays and inline tables: their items or entries handed to serde up to the closing
//! bracket.

use serde::de::value::CowStrDeserializer;
use serde::de::{DeserializeSeed, MapAccess, SeqAccess};

use super::super::scan::{Read, Scan, Unsure};
use super::super::seen::Seen;
use super::{Doc, Value};

/// An array's items or an inline table's entries, up to the closing bracket.
pub(super) struct Nested<'d, 'a> {
    pub(super) doc: &'d mut Doc<'a>,
    pub(super) first: bool,
    /// The closing bracket was read.
    pub(super) done: bool,
}

impl Nested<'_, '_> {
    /// Before the next item: `true` if the bracket closed instead. Arrays may break lines and
    /// end with a comma; inline tables may not (TOML 1.0; 1.1's looser form is left to the
    /// toml crate).
    pub(super) fn closes(&mut self, close: u8, lines: bool) -> Read<bool> {
        let scan = &mut self.doc.scan;
        let space = |scan: &mut Scan<'_>| {
            if lines {
                scan.blank()
            } else {
                scan.ws();
                Ok(())
            }
        };
        space(scan)?;
        if !self.first {
            if scan.eat(close) {
                self.done = true;
                return Ok(true);
            }
            scan.expect(b',')?;
            space(scan)?;
        }
        if (self.first || lines) && scan.eat(close) {
            self.done = true;
            return Ok(true);
        }
        self.first = false;
        Ok(false)
    }
}

impl<'a> SeqAccess<'a> for &mut Nested<'_, 'a> {
    type Error = Unsure;

    fn next_element_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Read<Option<T::Value>> {
        if self.closes(b']', true)? {
            return Ok(None);
        }
        seed.deserialize(Value { doc: self.doc }).map(Some)
    }
}

pub(super) struct Inline<'n, 'd, 'a> {
    pub(super) nested: &'n mut Nested<'d, 'a>,
    pub(super) seen: Seen,
}

impl<'a> MapAccess<'a> for Inline<'_, '_, 'a> {
    type Error = Unsure;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Read<Option<K::Value>> {
        if self.nested.closes(b'}', false)? {
            return Ok(None);
        }
        let key = self.nested.doc.scan.key_eq()?;
        self.seen.note(&key)?;
        seed.deserialize(CowStrDeserializer::new(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Read<V::Value> {
        seed.deserialize(Value {
            doc: self.nested.doc,
        })
    }
}
