//! Just enough JavaScript reading for Postman scripts: split a line into statements, read
//! string and regex literals, and resolve the response expressions PingOne's collections use
//! (`jsonData.a.b[0]`, `pm.response.headers.get("Location").split("flowId=")[1]`, …).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::import::names::is_identifier;

/// Where a script expression's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A path into the JSON response body (empty: the whole body).
    Body(Vec<Segment>),
    /// A response header, optionally narrowed to a query parameter of its URL or a regex group.
    Header {
        name: String,
        query: Option<String>,
        regex: Option<String>,
    },
    Cookie(String),
    Status,
    /// A constant; strings keep Postman's `{{name}}` syntax.
    Literal(Value),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    Key(String),
    Index(usize),
    /// `.find(x => x.key === value)`: the array items whose `key` equals `value`.
    Find(String, Value),
    /// JavaScript's `.length` of an array or string: no JSONPath, only a `len` check.
    Length,
}

/// Whether a body path reads a JavaScript `.length` (which has no JSONPath).
pub fn has_length(segments: &[Segment]) -> bool {
    segments.contains(&Segment::Length)
}

/// Whether a body path is a value a JSONPath can select: not the whole body, and no
/// `.length` in it.
pub fn selectable(segments: &[Segment]) -> bool {
    !segments.is_empty() && !has_length(segments)
}

/// The JSONPath of a body path, e.g. `$._embedded.users[0]['x-y']`.
pub fn jsonpath(segments: &[Segment]) -> String {
    let mut path = String::from("$");
    for seg in segments {
        match seg {
            Segment::Key(k) if is_identifier(k) => {
                path.push('.');
                path.push_str(k);
            }
            Segment::Key(k) => {
                let _ = write!(path, "[{}]", quoted(k));
            }
            Segment::Index(i) => {
                let _ = write!(path, "[{i}]");
            }
            Segment::Find(key, value) => {
                let value = match value {
                    Value::String(s) => quoted(s),
                    other => other.to_string(),
                };
                let key = if is_identifier(key) {
                    format!(".{key}")
                } else {
                    format!("[{}]", quoted(key))
                };
                let _ = write!(path, "[?@{key} == {value}]");
            }
            // Callers check `has_length` first; a member named `length` is the closest reading.
            Segment::Length => path.push_str(".length"),
        }
    }
    path
}

/// A JSONPath string literal (single-quoted).
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A script line cut into statements (at `;`, `{`, `}` outside strings and regexes), and
/// whether the line held nothing but a comment.
pub fn statements(line: &str) -> (Vec<String>, bool) {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev: Option<char> = None;
    let mut i = 0;
    let mut comment = false;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if matches!(c, '"' | '\'' | '`') {
            i = copy_delimited(&chars, i, c, &mut cur);
        } else if c == '/' && next == Some('/') {
            comment = true;
            break;
        } else if c == '/' && prev.is_none_or(|p| "(,=:[!&|?{};".contains(p)) {
            i = copy_delimited(&chars, i, '/', &mut cur);
        } else if matches!(c, ';' | '{' | '}') {
            flush(&mut cur, &mut out);
            i += 1;
        } else {
            cur.push(c);
            i += 1;
        }
        if !c.is_whitespace() {
            prev = Some(c);
        }
    }
    flush(&mut cur, &mut out);
    let comment_only = comment && out.is_empty();
    (out, comment_only)
}

fn flush(cur: &mut String, out: &mut Vec<String>) {
    let s = cur.trim();
    if !s.is_empty() {
        out.push(s.to_owned());
    }
    cur.clear();
}

/// Copies a literal delimited by `close` (a string, or a regex with its flags) starting at
/// `start`; returns the index after it.
fn copy_delimited(chars: &[char], start: usize, close: char, cur: &mut String) -> usize {
    cur.push(chars[start]);
    let mut i = start + 1;
    let mut in_class = false;
    while i < chars.len() {
        let c = chars[i];
        cur.push(c);
        i += 1;
        if c == '\\' {
            if let Some(&n) = chars.get(i) {
                cur.push(n);
                i += 1;
            }
        } else if close == '/' && c == '[' {
            in_class = true;
        } else if close == '/' && c == ']' {
            in_class = false;
        } else if c == close && !in_class {
            break;
        }
    }
    if close == '/' {
        while i < chars.len() && chars[i].is_ascii_alphabetic() {
            cur.push(chars[i]);
            i += 1;
        }
    }
    i
}

/// A string literal at the start of `s` (`"…"`, `'…'`, or a backtick string without `${`).
pub fn string_literal(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start();
    let quote = s.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let mut value = String::new();
    let mut chars = s[1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                let (_, n) = chars.next()?;
                value.push(match n {
                    'n' => '\n',
                    't' => '\t',
                    other => other,
                });
            }
            c if c == quote => return Some((value, &s[1 + i + 1..])),
            '$' if quote == '`' && s[1 + i..].starts_with("${") => return None,
            c => value.push(c),
        }
    }
    None
}

/// A literal at the start of `s`: string, number, `true`, `false` or `null`.
pub fn literal(s: &str) -> Option<(Value, &str)> {
    static NUMBER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^-?\d+(\.\d+)?").expect("valid regex"));
    let s = s.trim_start();
    if let Some((text, rest)) = string_literal(s) {
        return Some((Value::String(text), rest));
    }
    for (word, value) in [
        ("true", Value::Bool(true)),
        ("false", Value::Bool(false)),
        ("null", Value::Null),
    ] {
        if let Some(rest) = s.strip_prefix(word)
            && !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_')
        {
            return Some((value, rest));
        }
    }
    let m = NUMBER.find(s)?;
    let value: Value = serde_json::from_str(m.as_str()).ok()?;
    Some((value, &s[m.end()..]))
}

/// `("arg")` at the start of `s`: the string argument of a one-argument call.
pub fn string_call(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start().strip_prefix('(')?;
    let (arg, rest) = string_literal(s)?;
    let rest = rest.trim_start().strip_prefix(')')?;
    Some((arg, rest))
}

/// Resolves a whole expression, given the aliases declared earlier in the script.
pub fn resolve(expr: &str, aliases: &HashMap<String, Origin>) -> Option<Origin> {
    let (mut origin, mut rest) = root(expr.trim(), aliases)?;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Some(origin);
        }
        (origin, rest) = access(origin, rest)?;
    }
}

const BODY_ROOTS: &[&str] = &[
    "pm.response.json()",
    "JSON.parse(responseBody)",
    "JSON.parse(pm.response.text())",
];
const HEADER_CALLS: &[&str] = &["pm.response.headers.get", "postman.getResponseHeader"];
const VAR_GETS: &[&str] = &[
    "pm.environment.get",
    "pm.collectionVariables.get",
    "pm.globals.get",
    "pm.variables.get",
    "postman.getEnvironmentVariable",
    "postman.getGlobalVariable",
];

fn root<'a>(expr: &'a str, aliases: &HashMap<String, Origin>) -> Option<(Origin, &'a str)> {
    for prefix in BODY_ROOTS {
        if let Some(rest) = expr.strip_prefix(prefix) {
            return Some((Origin::Body(Vec::new()), rest));
        }
    }
    for prefix in HEADER_CALLS {
        if let Some((name, rest)) = expr.strip_prefix(prefix).and_then(string_call) {
            let origin = Origin::Header {
                name,
                query: None,
                regex: None,
            };
            return Some((origin, rest));
        }
    }
    if let Some((name, rest)) = expr.strip_prefix("pm.cookies.get").and_then(string_call) {
        return Some((Origin::Cookie(name), rest));
    }
    for prefix in ["pm.response.code", "responseCode.code"] {
        if let Some(rest) = expr.strip_prefix(prefix) {
            return Some((Origin::Status, rest));
        }
    }
    for prefix in VAR_GETS {
        if let Some((name, rest)) = expr.strip_prefix(prefix).and_then(string_call) {
            return Some((
                Origin::Literal(Value::String(format!("{{{{{name}}}}}"))),
                rest,
            ));
        }
    }
    if let Some((value, rest)) = literal(expr) {
        return Some((Origin::Literal(value), rest));
    }
    let end = expr
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .unwrap_or(expr.len());
    let origin = aliases.get(&expr[..end])?.clone();
    Some((origin, &expr[end..]))
}

/// One accessor after a resolved value: `.key`, `[0]`, `["key"]`, or a `split`/`match` of a
/// header's URL.
fn access(origin: Origin, rest: &str) -> Option<(Origin, &str)> {
    match origin {
        Origin::Body(mut segments) => {
            let (segment, rest) = body_accessor(rest)?;
            segments.push(segment);
            Some((Origin::Body(segments), rest))
        }
        Origin::Header {
            name,
            query: None,
            regex: None,
        } => header_accessor(name, rest),
        Origin::Header {
            name,
            query: Some(q),
            regex: None,
        } => {
            // `.split("&")[0]` after `.split("flowId=")[1]` keeps the same parameter.
            let rest = rest.strip_prefix(".split")?;
            let (sep, rest) = string_call(rest)?;
            let rest = rest.trim_start().strip_prefix("[0]")?;
            (sep == "&").then_some((
                Origin::Header {
                    name,
                    query: Some(q),
                    regex: None,
                },
                rest,
            ))
        }
        _ => None,
    }
}

fn body_accessor(rest: &str) -> Option<(Segment, &str)> {
    static FIND: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\.find\(\s*\(?\s*([A-Za-z_$][\w$]*)\s*\)?\s*=>\s*([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)\s*===?")
            .expect("valid regex")
    });
    if let Some(c) = FIND.captures(rest)
        && c[1] == c[2]
    {
        let (value, tail) = literal(&rest[c.get(0)?.end()..])?;
        let tail = tail.trim_start().strip_prefix(')')?;
        return Some((Segment::Find(c[3].to_owned(), value), tail));
    }
    // Optional chaining (`a?.b`, `a?.[0]`) reads the same path.
    let rest = rest.strip_prefix("?.[").map_or(rest, |_| &rest[2..]);
    if let Some(after) = rest.strip_prefix("?.").or_else(|| rest.strip_prefix('.')) {
        let end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .unwrap_or(after.len());
        let (key, tail) = after.split_at(end);
        if key.is_empty() || tail.trim_start().starts_with('(') {
            return None;
        }
        if key == "length" {
            return Some((Segment::Length, tail));
        }
        return Some((Segment::Key(key.to_owned()), tail));
    }
    let inner = rest.strip_prefix('[')?.trim_start();
    if let Some((key, tail)) = string_literal(inner) {
        return Some((Segment::Key(key), tail.trim_start().strip_prefix(']')?));
    }
    let end = inner.find(']')?;
    let index = inner[..end].trim().parse().ok()?;
    Some((Segment::Index(index), &inner[end + 1..]))
}

fn header_accessor(name: String, rest: &str) -> Option<(Origin, &str)> {
    static QUERY_GROUP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[?&]?([A-Za-z_][A-Za-z0-9_]*)=\([^()]*\)$").expect("valid regex")
    });
    if let Some(after) = rest.strip_prefix(".split") {
        let (sep, tail) = string_call(after)?;
        let tail = tail.trim_start().strip_prefix("[1]")?;
        let param = sep.strip_suffix('=')?.trim_start_matches(['?', '&']);
        if !is_identifier(param) {
            return None;
        }
        let origin = Origin::Header {
            name,
            query: Some(param.to_owned()),
            regex: None,
        };
        return Some((origin, tail));
    }
    let after = rest.strip_prefix(".match(")?.trim_start();
    let after = after.strip_prefix('/')?;
    let close = regex_end(after)?;
    let pattern = &after[..close];
    let tail = after[close + 1..].trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let tail = tail.trim_start().strip_prefix(')')?;
    let tail = tail.trim_start().strip_prefix("[1]")?;
    let (query, regex) = match QUERY_GROUP.captures(pattern) {
        Some(c) => (Some(c[1].to_owned()), None),
        None => (None, Some(pattern.replace("\\/", "/"))),
    };
    Some((Origin::Header { name, query, regex }, tail))
}

/// The index of the `/` that closes a regex literal's pattern.
fn regex_end(s: &str) -> Option<usize> {
    let mut escaped = false;
    let mut in_class = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => in_class = true,
            ']' => in_class = false,
            '/' if !in_class => return Some(i),
            _ => {}
        }
    }
    None
}
