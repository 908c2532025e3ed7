//! The one place that hides secrets (README, Secrets): every string bound for output passes here.
//!
//! Each secret value is searched for as is and in the forms it takes on the wire (URL- and
//! form-encoded, JSON-escaped, Base64), and replaced by `«name»`. An index of every needle's
//! first four bytes ([`heads`]) finds where needles may begin, so a response body is scanned
//! once however many secrets there are. The redactor keeps only the first [`HEAD`] bytes of
//! each needle, and a match of those is checked against a keyed 128-bit hash of the whole
//! needle: a token's forms (its Base64 alone is four kilobyte-long texts) would otherwise make
//! each workflow's redactor tens of kilobytes, held by every workflow in flight.

use std::borrow::Cow;
use std::hash::BuildHasher as _;
use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::Value;

use crate::template::percent_encode;
use crate::vars::VarStore;
use heads::Heads;

use crate::secret::forms::{json_escaped, json_escaped_forms, lower_hex, url_forms};

/// Values shorter than this many characters are not redacted: hiding every `1`, `ok` or
/// `abc` would shred the output while protecting nothing an attacker could not guess.
pub const MIN_SECRET_CHARS: usize = 4;

/// Bytes of each needle compared where its first four bytes occur; the rest is checked by its
/// fingerprint where they match. Long enough that text sharing a needle's head without holding
/// it is rare.
const HEAD: usize = 16;

/// A text to hide, without its bytes: its head (compared where its first bytes occur), its length,
/// and its [`fingerprint`], against which a match of the head is checked.
#[derive(Clone, Copy)]
struct Needle {
    head: [u8; HEAD],
    head_len: usize,
    len: usize,
    print: u128,
}

impl Needle {
    fn new(text: &str) -> Needle {
        let bytes = text.as_bytes();
        let head_len = bytes.len().min(HEAD);
        let mut head = [0; HEAD];
        head[..head_len].copy_from_slice(&bytes[..head_len]);
        Needle {
            head,
            head_len,
            len: bytes.len(),
            print: fingerprint(bytes),
        }
    }

    fn head(&self) -> &[u8] {
        &self.head[..self.head_len]
    }

    /// Whether `bytes` begin with this needle.
    fn found_at(&self, bytes: &[u8]) -> bool {
        // A needle no longer than its head is compared whole.
        bytes.starts_with(self.head())
            && (self.len == self.head_len
                || bytes
                    .get(..self.len)
                    .is_some_and(|text| fingerprint(text) == self.print))
    }
}

/// A 128-bit hash of `bytes` (two foldhash hashes, seeded at random for the process): two
/// texts that differ share one by chance about once in 2^128. foldhash rather than the
/// standard library's `SipHash`: a step's request (its `Authorization` header) usually holds a
/// token, so a kilobyte or more is checked this way for every step.
fn fingerprint(bytes: &[u8]) -> u128 {
    type Seeded = foldhash::quality::RandomState;
    static KEYS: OnceLock<(Seeded, Seeded)> = OnceLock::new();
    let (high, low) = KEYS.get_or_init(|| (Seeded::default(), Seeded::default()));
    (u128::from(high.hash_one(bytes)) << 64) | u128::from(low.hash_one(bytes))
}

/// Replaces secret values in text. Cheap to clone (shared state behind an `Arc`).
#[derive(Clone, Default)]
pub struct Redactor {
    inner: Arc<Inner>,
}

#[derive(Clone, Default)]
struct Inner {
    disabled: bool,
    /// Text to find, and the `«name»` shown instead, by pattern id. Each label is shared
    /// with the other forms of its secret.
    needles: Vec<Needle>,
    labels: Vec<Arc<str>>,
    /// Where each needle may begin: an index of their first four bytes.
    heads: Heads,
    /// Bytes of the longest needle.
    longest: usize,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the needles themselves: they are the secrets.
        f.debug_struct("Redactor")
            .field("enabled", &!self.inner.disabled)
            .field("needles", &self.inner.needles.len())
            .finish()
    }
}

impl Redactor {
    /// A redactor that hides nothing (`--show-secrets`); `add` is ignored too.
    pub fn disabled() -> Redactor {
        Redactor {
            inner: Arc::new(Inner {
                disabled: true,
                ..Inner::default()
            }),
        }
    }

    /// Hides every secret variable of `vars` (strings, and numbers as their text; in arrays
    /// and objects, each such leaf). Booleans and `null` are never hidden: a secret `true`
    /// would blank out every `true` in every JSON body.
    pub fn from_store(vars: &VarStore) -> Redactor {
        let mut inner = Inner::default();
        let mut leaves = Vec::new();
        for (name, secret) in vars.secrets() {
            leaves.clear();
            leaf_texts(secret.expose(), &mut leaves);
            let label = label(name);
            for form in leaves.iter().flat_map(|leaf| forms(leaf)) {
                if let Some(needle) = inner.wanted(&form) {
                    inner.push(&label, needle);
                }
            }
        }
        Redactor {
            inner: Arc::new(inner),
        }
    }

    /// Hides one more secret `value`, with its derived forms, as `«name»`.
    pub fn add(&mut self, name: &str, value: &str) {
        if !self.inner.disabled {
            self.add_needles(name, &forms(value));
        }
    }

    /// Hides a secret JSON value as `«name»`: a string or number as [`add`](Self::add)
    /// does, every such leaf of an array or object, never booleans or `null`.
    pub fn add_value(&mut self, name: &str, value: &Value) {
        if self.inner.disabled {
            return;
        }
        let mut leaves = Vec::new();
        leaf_texts(value, &mut leaves);
        let needles: Vec<String> = leaves.iter().flat_map(|leaf| forms(leaf)).collect();
        self.add_needles(name, &needles);
    }

    /// Hides an exact text computed from a secret (e.g. the Base64 of `user:secret` in a
    /// Basic `Authorization` header) as `«name»`.
    pub fn add_derived(&mut self, name: &str, derived: &str) {
        if !self.inner.disabled {
            self.add_needles(name, &[derived]);
        }
    }

    /// Adds `needles`, unless none is new: a value extracted again, or a request sent again,
    /// leaves the redactor (and its shared copies) as it was.
    fn add_needles<S: AsRef<str>>(&mut self, name: &str, needles: &[S]) {
        let new: Vec<Needle> = needles
            .iter()
            .filter_map(|n| self.inner.wanted(n.as_ref()))
            .collect();
        if new.is_empty() {
            return;
        }
        let inner = Arc::make_mut(&mut self.inner);
        let label = label(name);
        for needle in new {
            inner.push(&label, needle);
        }
    }

    /// Bytes of the longest text this redactor hides (0 when it hides nothing).
    pub fn longest(&self) -> usize {
        self.inner.longest
    }

    /// Whether this redactor hides anything at all (false for `--show-secrets`).
    pub fn is_enabled(&self) -> bool {
        !self.inner.disabled
    }

    /// `text` with every secret replaced; borrowed (no copy) when nothing matches.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.matches(text).next().is_none() {
            return Cow::Borrowed(text);
        }
        Cow::Owned(self.replace(text, text.len()))
    }

    /// [`redact`](Self::redact) of a text already owned: returned as it is when nothing
    /// matches, with no copy made.
    pub fn redact_owned(&self, text: String) -> String {
        if let Cow::Owned(redacted) = self.redact(&text) {
            return redacted;
        }
        text
    }

    /// Whether there is no text to hide (none registered, or `--show-secrets`).
    pub fn hides_nothing(&self) -> bool {
        self.inner.needles.is_empty()
    }

    /// The start of `text`, about `max` bytes of it, with every secret replaced, and whether
    /// anything was left out. The text is cut where it is read, never inside a secret: a
    /// secret that begins before the cut is replaced whole, so no prefix of one is shown
    /// (cutting first and redacting the piece would leave one). Only the first `max` bytes
    /// and the length of the longest secret after them are searched, however long `text` is.
    pub fn redact_cut(&self, text: &str, max: usize) -> (String, bool) {
        let cut = text.floor_char_boundary(max);
        if self.inner.needles.is_empty() {
            return (text[..cut].to_owned(), cut < text.len());
        }
        // A secret starting before `cut` ends within the longest needle after it.
        let window = &text[..text.ceil_char_boundary(cut + self.inner.longest)];
        (self.replace(window, cut), cut < text.len())
    }

    /// Every occurrence of a needle in `text`, overlapping ones included, as (start, end,
    /// needle): each place a needle's first four bytes occur where the whole needle follows.
    fn matches<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (usize, usize, usize)> + 't {
        let bytes = text.as_bytes();
        self.inner
            .heads
            .starts(bytes)
            .filter_map(move |(start, pattern)| {
                let needle = &self.inner.needles[pattern];
                needle
                    .found_at(&bytes[start..])
                    .then(|| (start, start + needle.len, pattern))
            })
    }

    /// `text` up to byte `stop` (a char boundary), with the secrets replaced; a secret that
    /// starts before `stop` is replaced whole even when it reaches past it.
    fn replace(&self, text: &str, stop: usize) -> String {
        // All matches, overlapping ones included, so two secrets that overlap
        // (or a value inside another secret) are hidden entirely instead of leaving a fragment.
        let mut found: Vec<(usize, usize, usize)> = self.matches(text).collect();
        found.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out = String::with_capacity(stop);
        let mut done = 0;
        let mut i = 0;
        while let Some(&(start, mut end, pattern)) = found.get(i) {
            if start >= stop {
                break;
            }
            out.push_str(&text[done..start]);
            out.push_str(&self.inner.labels[pattern]);
            i += 1;
            // Every match starting inside this span joins it; one reaching further adds
            // its own label.
            while let Some(&(next_start, next_end, next)) = found.get(i) {
                if next_start >= end {
                    break;
                }
                if next_end > end {
                    out.push_str(&self.inner.labels[next]);
                    end = next_end;
                }
                i += 1;
            }
            done = end;
        }
        if done < stop {
            out.push_str(&text[done..stop]);
        }
        out
    }

    /// Redacts every string (and object key) of a JSON value; a number that is a secret
    /// becomes its placeholder string.
    pub fn redact_json(&self, value: &Value) -> Value {
        match value {
            Value::String(text) => Value::String(self.redact(text).into_owned()),
            Value::Number(n) => match self.redact(&n.to_string()) {
                Cow::Owned(hidden) => Value::String(hidden),
                Cow::Borrowed(_) => value.clone(),
            },
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.redact_json(v)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (self.redact(k).into_owned(), self.redact_json(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// A secret value and the forms it takes when sent: percent-encoded (RFC 3986,
/// `application/x-www-form-urlencoded`, and as the `url` crate writes it in each part of a
/// URL), JSON-escaped, and Base64 (standard and URL-safe). None for a value too short to hide.
fn forms(value: &str) -> Vec<String> {
    if value.chars().count() < MIN_SECRET_CHARS {
        return Vec::new();
    }
    let form: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    let mut forms = vec![value.to_owned(), percent_encode(value), form];
    forms.extend(url_forms(value));
    let lowered: Vec<String> = forms.iter().filter_map(|f| lower_hex(f)).collect();
    forms.extend(lowered);
    // Any of these inside a JSON string (a URL echoed in a body), and the JSON string
    // itself inside another (a JSON body echoed as text in a JSON response).
    let escaped: Vec<String> = forms.iter().map(|f| json_escaped(f)).collect();
    forms.extend(escaped);
    for form in json_escaped_forms(value) {
        forms.push(json_escaped(&form));
        forms.push(form);
    }
    forms.extend(json_escaped_forms(&json_escaped(value)));
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        forms.push(engine.encode(value));
    }
    forms
}

impl Inner {
    /// `text` as a needle, if it would be added: long enough, and not hidden already.
    fn wanted(&self, text: &str) -> Option<Needle> {
        if text.chars().count() < MIN_SECRET_CHARS {
            return None;
        }
        let needle = Needle::new(text);
        (!self.holds(&needle)).then_some(needle)
    }

    /// Whether a needle of the same text is held already (same length and fingerprint).
    fn holds(&self, needle: &Needle) -> bool {
        heads::key(needle.head()).is_some_and(|key| {
            self.heads.with_key(key).any(|id| {
                let held = &self.needles[id];
                held.len == needle.len && held.print == needle.print
            })
        })
    }

    /// Adds `needle` shown as `label`, unless its text is held already: the first name given
    /// for a text keeps it.
    fn push(&mut self, label: &Arc<str>, needle: Needle) {
        // Every needle has MIN_SECRET_CHARS characters, so at least a key's bytes.
        let Some(key) = heads::key(needle.head()) else {
            return;
        };
        if self.holds(&needle) {
            return;
        }
        let Ok(id) = u32::try_from(self.needles.len()) else {
            return;
        };
        self.longest = self.longest.max(needle.len);
        self.heads.insert(key, id);
        self.needles.push(needle);
        self.labels.push(Arc::clone(label));
    }
}

/// What replaces a secret named `name`.
fn label(name: &str) -> Arc<str> {
    Arc::from(format!("«{name}»"))
}

/// Texts of a secret value worth hiding: strings and numbers, at any depth.
fn leaf_texts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => items.iter().for_each(|v| leaf_texts(v, out)),
        Value::Object(map) => map.values().for_each(|v| leaf_texts(v, out)),
        Value::Bool(_) | Value::Null => {}
    }
}

mod heads;
#[cfg(test)]
mod tests;
