//! serde over [`Scan`]: the document's tables, inline tables and arrays handed to the
//! visitor as they are read, with no table built in between. `[a.b]` tables are taken in the
//! order a step writes them (a table, then its own sub-tables); a table opened again, a dotted
//! key, or an array of tables is [`Unsure`].

use std::borrow::Cow;
use std::ops::Range;

use serde::de::value::{BorrowedStrDeserializer, CowStrDeserializer};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde_spanned::de::{SpannedDeserializer, is_spanned};

use super::scan::{Header, Read, Scan, Unsure};
use super::seen::Seen;

mod nested;
mod step;

use nested::{Inline, Nested};
pub use step::{step, step_into};

/// Deeper arrays and inline tables than this are left to the toml crate (which has a limit of
/// its own and says so).
const MAX_DEPTH: usize = 40;

impl std::fmt::Display for Unsure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("left to the toml crate")
    }
}

impl std::error::Error for Unsure {}

impl de::Error for Unsure {
    fn custom<T: std::fmt::Display>(_msg: T) -> Self {
        Unsure
    }
}

pub struct Doc<'a> {
    pub scan: Scan<'a>,
    /// A `[header]` read whose table is not yet open.
    pending: Option<Header<'a>>,
    /// The keys of the innermost open `[header]` table.
    open: Vec<Cow<'a, str>>,
    depth: usize,
}

impl<'a> Doc<'a> {
    pub fn new(text: &'a str) -> Doc<'a> {
        Doc {
            scan: Scan::new(text),
            pending: None,
            open: Vec::new(),
            depth: 0,
        }
    }

    /// Whether everything was read.
    pub fn done(&self) -> bool {
        self.pending.is_none() && self.scan.at_end()
    }
}

/// Forwards the deserialize calls that mean nothing special here to `deserialize_any`.
macro_rules! forward_rest {
    () => {
        serde::forward_to_deserialize_any! {
            <W: Visitor<'a>>
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            unit unit_struct seq tuple tuple_struct map identifier ignored_any
        }

        fn deserialize_newtype_struct<V: Visitor<'a>>(
            self,
            _name: &'static str,
            visitor: V,
        ) -> Read<V::Value> {
            visitor.visit_newtype_struct(self)
        }

        fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Read<V::Value> {
            visitor.visit_some(self)
        }

        fn deserialize_enum<V: Visitor<'a>>(
            self,
            _name: &'static str,
            _variants: &'static [&'static str],
            _visitor: V,
        ) -> Read<V::Value> {
            Err(Unsure)
        }
    };
}

/// A table read line by line: the document's root, a `[header]` table, or a table only named
/// on the way to one (`a` in `[a.b]`).
pub struct Table<'d, 'a> {
    doc: &'d mut Doc<'a>,
    /// Its number of keys from the root.
    depth: usize,
    /// Still reading `key = value` lines (until the first header).
    lines: bool,
    seen: Seen,
    next: Next<'a>,
    span: Range<usize>,
}

enum Next<'a> {
    None,
    Inline,
    /// A sub-table: its key, span, and whether it has lines of its own.
    Table(Cow<'a, str>, Range<usize>, bool),
}

impl<'d, 'a> Table<'d, 'a> {
    pub fn root(doc: &'d mut Doc<'a>) -> Table<'d, 'a> {
        Table::new(doc, 0, true, 0..0)
    }

    fn new(doc: &'d mut Doc<'a>, depth: usize, lines: bool, span: Range<usize>) -> Self {
        Table {
            doc,
            depth,
            lines,
            seen: Seen::new(),
            next: Next::None,
            span,
        }
    }
}

impl<'a> MapAccess<'a> for Table<'_, 'a> {
    type Error = Unsure;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Read<Option<K::Value>> {
        if self.lines {
            let scan = &mut self.doc.scan;
            scan.blank()?;
            if scan.at_end() {
                return Ok(None);
            }
            if scan.peek() == Some(b'[') {
                self.doc.pending = Some(scan.header()?);
                self.lines = false;
            } else {
                let key = scan.key_eq()?;
                self.seen.note(&key)?;
                self.next = Next::Inline;
                return seed.deserialize(CowStrDeserializer::new(key)).map(Some);
            }
        }
        let Some(header) = &self.doc.pending else {
            return Ok(None);
        };
        let d = self.depth;
        if header.keys.len() <= d
            || header.keys[..d]
                .iter()
                .zip(&self.doc.open)
                .any(|((k, _), open)| k != open)
        {
            return Ok(None);
        }
        let (key, key_span) = header.keys[d].clone();
        let own = header.keys.len() == d + 1;
        let span = if own { header.span.clone() } else { key_span };
        self.seen.note(&key)?;
        self.next = Next::Table(key.clone(), span, own);
        seed.deserialize(CowStrDeserializer::new(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Read<V::Value> {
        match std::mem::replace(&mut self.next, Next::None) {
            Next::None => Err(Unsure),
            Next::Inline => {
                let value = seed.deserialize(Value { doc: self.doc })?;
                self.doc.scan.line_end()?;
                Ok(value)
            }
            Next::Table(key, span, own) => {
                if own {
                    self.doc.pending = None;
                }
                self.doc.open.truncate(self.depth);
                self.doc.open.push(key);
                seed.deserialize(Table::new(self.doc, self.depth + 1, own, span))
            }
        }
    }
}

impl<'a> IntoDeserializer<'a, Unsure> for Table<'_, 'a> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'a> de::Deserializer<'a> for Table<'_, 'a> {
    type Error = Unsure;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Read<V::Value> {
        visitor.visit_map(self)
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Read<V::Value> {
        if is_spanned(name) {
            let span = self.span.clone();
            visitor.visit_map(SpannedDeserializer::new(self, span))
        } else {
            visitor.visit_map(self)
        }
    }

    forward_rest!();
}

/// The value after a `key =`, in an array, or in an inline table.
struct Value<'d, 'a> {
    doc: &'d mut Doc<'a>,
}

impl<'a> de::Deserializer<'a> for Value<'_, 'a> {
    type Error = Unsure;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Read<V::Value> {
        let scan = &mut self.doc.scan;
        match scan.peek().ok_or(Unsure)? {
            b'"' | b'\'' => match scan.string()? {
                Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
                Cow::Owned(s) => visitor.visit_string(s),
            },
            b't' | b'f' => visitor.visit_bool(scan.boolean()?),
            b'0'..=b'9' | b'+' | b'-' => visitor.visit_i64(scan.integer()?),
            open @ (b'[' | b'{') => {
                scan.expect(open)?;
                if self.doc.depth >= MAX_DEPTH {
                    return Err(Unsure);
                }
                self.doc.depth += 1;
                let mut nested = Nested {
                    doc: &mut *self.doc,
                    first: true,
                    done: false,
                };
                let value = if open == b'[' {
                    visitor.visit_seq(&mut nested)?
                } else {
                    visitor.visit_map(Inline {
                        nested: &mut nested,
                        seen: Seen::new(),
                    })?
                };
                if !nested.done {
                    return Err(Unsure);
                }
                self.doc.depth -= 1;
                Ok(value)
            }
            _ => Err(Unsure),
        }
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Read<V::Value> {
        match fields {
            // serde_spanned asks for the start, the end and the value, and takes them in any
            // order: the value first, so its end is where reading it stopped.
            [start, end, value] if is_spanned(name) => visitor.visit_map(ValueFirst {
                doc: self.doc,
                names: [value, start, end],
                next: 0,
                span: 0..0,
            }),
            _ => self.deserialize_any(visitor),
        }
    }

    forward_rest!();
}

/// A spanned value as `serde_spanned`'s `Spanned` takes it: the value, then its start and end.
struct ValueFirst<'d, 'a> {
    doc: &'d mut Doc<'a>,
    names: [&'static str; 3],
    next: usize,
    span: Range<usize>,
}

impl<'a> MapAccess<'a> for ValueFirst<'_, 'a> {
    type Error = Unsure;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Read<Option<K::Value>> {
        let Some(name) = self.names.get(self.next) else {
            return Ok(None);
        };
        seed.deserialize(BorrowedStrDeserializer::new(name))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Read<V::Value> {
        self.next += 1;
        match self.next {
            1 => {
                let start = self.doc.scan.pos();
                let value = seed.deserialize(Value {
                    doc: &mut *self.doc,
                })?;
                self.span = start..self.doc.scan.pos();
                Ok(value)
            }
            2 => seed.deserialize(self.span.start.into_deserializer()),
            3 => seed.deserialize(self.span.end.into_deserializer()),
            _ => Err(Unsure),
        }
    }
}

/// `T` from `text` if it is written in the TOML this reader knows, else `None`.
pub fn from_str<'a, T: de::Deserialize<'a>>(text: &'a str) -> Option<T> {
    let mut doc = Doc::new(text);
    let value = T::deserialize(Table::root(&mut doc)).ok()?;
    doc.done().then_some(value)
}
