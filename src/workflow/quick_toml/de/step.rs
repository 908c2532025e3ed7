//! A step's `key = value` lines read straight into a [`RawStep`], without serde's layers in
//! between: for a long workflow, matching field names, wrapping spans and visiting values one
//! serde call at a time cost more than reading the text. The keys a step usually has are read
//! here by hand; any other value goes through serde as the derived reader would hand it
//! over, and the `[steps.x]` tables after the lines are read by the derived reader itself.
//! Anything this is not sure of is `None`, and the caller reads the step the serde way, so
//! the two must agree wherever this answers (the tests and the fuzz target check it).

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::map::Entry;
use toml::Spanned;

use super::super::seen::Seen;
use super::nested::Nested;
use super::{Doc, MAX_DEPTH, Table, Value};
use crate::workflow::raw::{Entries, RawExpect, RawStep};
use crate::workflow::toml_json::TomlJson;

/// The key `toml_datetime` reads a datetime from, which only serde's path knows.
const DATETIME: &str = "$__toml_private_datetime";

/// Up to this many `extract` entries are checked for a duplicate one by one; more are left to
/// the serde path, whose check stays linear.
const SHORT: usize = 16;

/// `text` as a [`RawStep`], if it is written in the TOML read here.
pub fn step(text: &str) -> Option<RawStep> {
    let mut r = RawStep::default();
    step_into(text, &mut r).then_some(r)
}

/// Reads `text` into `r`, a default raw step, in place (a raw step is large, and moving it
/// costs as much as reading a key); `false`, with `r` left in any state, where [`step`] is
/// `None`.
pub fn step_into(text: &str, r: &mut RawStep) -> bool {
    read(text, r).is_some()
}

fn read(text: &str, r: &mut RawStep) -> Option<()> {
    let mut doc = Doc::new(text);
    loop {
        let scan = &mut doc.scan;
        scan.blank().ok()?;
        if scan.at_end() {
            return Some(());
        }
        if scan.peek() == Some(b'[') {
            break;
        }
        let key = scan.key_eq().ok()?;
        line(&mut doc, r, &key)?;
        doc.scan.line_end().ok()?;
    }
    // `[x]` tables: the rest of the step, read by the derived reader as the root table reads
    // its tables, then put together with the lines (a key given in both is left to the
    // toml crate, which says it is a duplicate).
    doc.pending = Some(doc.scan.header().ok()?);
    let rest = RawStep::deserialize(Table {
        doc: &mut doc,
        depth: 0,
        lines: false,
        seen: Seen::new(),
        next: super::Next::None,
        span: 0..0,
    })
    .ok()?;
    if !doc.done() {
        return None;
    }
    merge(r, rest)
}

/// One `key = value` line of the step's own table, from its value on.
fn line(doc: &mut Doc<'_>, r: &mut RawStep, key: &str) -> Option<()> {
    match key {
        "name" => set(&mut r.name, spanned(doc, string)?),
        "doc" => set(&mut r.doc, string(doc)?),
        "use" => set(&mut r.use_, spanned(doc, string)?),
        "when" => set(&mut r.when, spanned(doc, string)?),
        "method" => set(&mut r.method, spanned(doc, string)?),
        "url" => set(&mut r.url, spanned(doc, string)?),
        "query" => set(&mut r.query, serde(doc)?),
        "headers" => set(&mut r.headers, serde(doc)?),
        "auth" => set(&mut r.auth, serde(doc)?),
        "json" => set(&mut r.json, spanned(doc, |d| json(d).map(TomlJson))?),
        "form" => set(&mut r.form, serde(doc)?),
        "body" => set(&mut r.body, serde(doc)?),
        "multipart" => set(&mut r.multipart, serde(doc)?),
        "content_type" => set(&mut r.content_type, spanned(doc, string)?),
        "follow_redirects" => set(&mut r.follow_redirects, boolean(doc)?),
        "max_redirects" => set(&mut r.max_redirects, serde(doc)?),
        "timeout" => set(&mut r.timeout, spanned(doc, string)?),
        "delay" => set(&mut r.delay, spanned(doc, string)?),
        "retry" => set(&mut r.retry, serde(doc)?),
        "insecure" => set(&mut r.insecure, boolean(doc)?),
        "expect" => set(&mut r.expect, expect(doc)?),
        "extract" => set(&mut r.extract, spanned(doc, extract)?),
        "prompt" => set(&mut r.prompt, serde(doc)?),
        "cleanup" => set(&mut r.cleanup, serde(doc)?),
        // Unknown: serde refuses it too, and the toml crate says what is wrong.
        _ => None,
    }
}

/// A key's value, unless the key was given already.
fn set<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

/// The step read from its lines and the one read from its tables, as one.
fn merge(r: &mut RawStep, rest: RawStep) -> Option<()> {
    macro_rules! take {
        ($($field:ident),*) => {
            $(
                if let Some(v) = rest.$field {
                    set(&mut r.$field, v)?;
                }
            )*
        };
    }
    take!(
        name,
        doc,
        use_,
        when,
        method,
        url,
        query,
        headers,
        auth,
        json,
        form,
        body,
        multipart,
        content_type,
        follow_redirects,
        max_redirects,
        timeout,
        delay,
        retry,
        insecure,
        expect,
        extract,
        prompt,
        cleanup
    );
    Some(())
}

/// A value as serde reads it from the quick reader (what the derived reader does with it).
fn serde<'a, T: Deserialize<'a>>(doc: &mut Doc<'a>) -> Option<T> {
    T::deserialize(Value { doc }).ok()
}

/// A value with its span, from its first byte to where reading it stopped (as
/// `de::ValueFirst` spans it).
fn spanned<'a, T>(
    doc: &mut Doc<'a>,
    read: impl FnOnce(&mut Doc<'a>) -> Option<T>,
) -> Option<Spanned<T>> {
    let start = doc.scan.pos();
    let value = read(doc)?;
    Some(Spanned::new(start..doc.scan.pos(), value))
}

fn string(doc: &mut Doc<'_>) -> Option<String> {
    match doc.scan.peek()? {
        b'"' | b'\'' => doc.scan.string().ok().map(Cow::into_owned),
        _ => None,
    }
}

fn boolean(doc: &mut Doc<'_>) -> Option<bool> {
    match doc.scan.peek()? {
        b't' | b'f' => doc.scan.boolean().ok(),
        _ => None,
    }
}

/// A TOML value as `toml::Value` reads it; strings without serde.
fn toml_value(doc: &mut Doc<'_>) -> Option<toml::Value> {
    match doc.scan.peek()? {
        b'"' | b'\'' => string(doc).map(toml::Value::String),
        _ => serde(doc),
    }
}

/// An inline table's entries, each handed to `entry` with its key and the text at its value,
/// as `de::Value` reads an inline table (`{` not yet read).
fn inline<'a>(
    doc: &mut Doc<'a>,
    mut entry: impl FnMut(&mut Doc<'a>, Cow<'a, str>) -> Option<()>,
) -> Option<()> {
    doc.scan.expect(b'{').ok()?;
    nested(doc, |nested| {
        while !nested.closes(b'}', false).ok()? {
            let key = nested.doc.scan.key_eq().ok()?;
            entry(nested.doc, key)?;
        }
        Some(())
    })
}

/// An array's items, as `de::Value` reads an array (`[` not yet read).
fn array<'a>(doc: &mut Doc<'a>, mut item: impl FnMut(&mut Doc<'a>) -> Option<()>) -> Option<()> {
    doc.scan.expect(b'[').ok()?;
    nested(doc, |nested| {
        while !nested.closes(b']', true).ok()? {
            item(nested.doc)?;
        }
        Some(())
    })
}

/// Inside brackets one level deeper, as deep as `de::Value` goes.
fn nested<'a>(
    doc: &mut Doc<'a>,
    read: impl FnOnce(&mut Nested<'_, 'a>) -> Option<()>,
) -> Option<()> {
    if doc.depth >= MAX_DEPTH {
        return None;
    }
    doc.depth += 1;
    let mut nested = Nested {
        doc: &mut *doc,
        first: true,
        done: false,
    };
    read(&mut nested)?;
    doc.depth -= 1;
    Some(())
}

/// `json = …` as [`TomlJson`] reads it.
fn json(doc: &mut Doc<'_>) -> Option<serde_json::Value> {
    use serde_json::Value as Json;
    let scan = &mut doc.scan;
    Some(match scan.peek()? {
        b'"' | b'\'' => Json::String(scan.string().ok()?.into_owned()),
        b't' | b'f' => Json::Bool(scan.boolean().ok()?),
        b'0'..=b'9' | b'+' | b'-' => Json::from(scan.integer().ok()?),
        b'{' => {
            let mut object = serde_json::Map::new();
            inline(doc, |doc, key| {
                if key == DATETIME {
                    return None;
                }
                match object.entry(key.into_owned()) {
                    Entry::Occupied(_) => None,
                    Entry::Vacant(slot) => {
                        slot.insert(json(doc)?);
                        Some(())
                    }
                }
            })?;
            Json::Object(object)
        }
        b'[' => {
            let mut items = Vec::new();
            array(doc, |doc| {
                items.push(json(doc)?);
                Some(())
            })?;
            Json::Array(items)
        }
        _ => return None,
    })
}

/// `expect = { … }`, as the derived reader reads [`RawExpect`].
fn expect(doc: &mut Doc<'_>) -> Option<RawExpect> {
    let mut e = RawExpect::default();
    inline(doc, |doc, key| match &*key {
        "status" => set(&mut e.status, spanned(doc, toml_value)?),
        "json" => set(&mut e.json, serde(doc)?),
        "headers" => set(&mut e.headers, serde(doc)?),
        "body" => set(&mut e.body, serde(doc)?),
        "saml" => set(&mut e.saml, serde(doc)?),
        "vars" => set(&mut e.vars, serde(doc)?),
        "duration" => set(&mut e.duration, serde(doc)?),
        _ => None,
    })?;
    Some(e)
}

/// `extract = { … }`, as [`Entries`] reads it.
fn extract(doc: &mut Doc<'_>) -> Option<Entries> {
    let mut entries: Vec<(String, toml::Value)> = Vec::with_capacity(1);
    inline(doc, |doc, key| {
        if entries.len() >= SHORT || entries.iter().any(|(k, _)| *k == key) {
            return None;
        }
        let value = toml_value(doc)?;
        entries.push((key.into_owned(), value));
        Some(())
    })?;
    Some(Entries(entries))
}
