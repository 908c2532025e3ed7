//! Reads `expect` and `extract` tables into the model (README, Expectations and Extraction).

use std::time::Duration;

use serde_json::Value;
use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::workflow::convert::{Cx, is_identifier, json_type, to_json};
use crate::workflow::model::{Expect, ExtractSource, Extraction, Located, Matcher, Predicate};
use crate::workflow::raw::{Entries, RawExpect, Table};

pub fn expect(cx: &Cx, raw: Option<&RawExpect>) -> Result<Expect, Diagnostic> {
    let Some(raw) = raw else {
        return Ok(Expect::default());
    };
    let mut out = Expect::default();
    if let Some(status) = &raw.status {
        out.status = statuses(cx, status)?;
    }
    if let Some(json) = &raw.json {
        out.json = keyed(cx, json)?;
    }
    if let Some(headers) = &raw.headers {
        for (name, value) in cx.entries(headers) {
            let span = value.span.clone();
            out.headers
                .push((name, text_matcher(cx, value.value, span)?));
        }
    }
    if let Some(body) = &raw.body {
        out.body = Some(text_matcher(cx, to_json(body.get_ref()), cx.span(body))?);
    }
    if let Some(saml) = &raw.saml {
        out.saml = keyed(cx, saml)?;
    }
    if let Some(duration) = &raw.duration {
        out.duration = durations(cx, duration)?;
    }
    if let Some(vars) = &raw.vars {
        for (name, matcher) in keyed(cx, vars)? {
            if !is_identifier(&name.value) {
                return Err(cx.error(
                    format!(
                        "`expect.vars` names a variable; `{}` is not a variable name",
                        name.value
                    ),
                    name.span,
                ));
            }
            out.vars.push((name, matcher));
        }
    }
    Ok(out)
}

/// A table of key → expected value (`expect.json`, `expect.saml`, `expect.vars`), each key
/// located where it is written.
fn keyed(cx: &Cx, table: &Spanned<Table>) -> Result<Vec<(Located<String>, Matcher)>, Diagnostic> {
    let mut out = Vec::new();
    for (key, value) in cx.entries(table) {
        let span = value.span.clone();
        out.push((
            cx.locate(key, span.clone()),
            matcher(cx, value.value, span)?,
        ));
    }
    Ok(out)
}

const DURATION_PREDICATES: [&str; 4] = ["lt", "lte", "gt", "gte"];

/// `expect.duration` (or `[defaults.expect] duration`): a table of `lt`, `lte`, `gt`, `gte`,
/// each a duration written out (`"800ms"`). Not a template: a limit is known when the file is
/// written, and a typo in it is found before anything is sent.
pub fn durations(
    cx: &Cx,
    value: &Spanned<toml::Value>,
) -> Result<Vec<(Predicate, Located<Duration>)>, Diagnostic> {
    let span = cx.span(value);
    let shape = || {
        cx.error(
            "`duration` takes predicates on the response time, e.g. `{ lt = \"800ms\" }`",
            span.clone(),
        )
        .with_help("predicates: lt, lte, gt, gte, each a duration such as \"500ms\" or \"2s\"")
    };
    let toml::Value::Table(table) = value.get_ref() else {
        return Err(shape());
    };
    if table.is_empty() {
        return Err(shape());
    }
    let mut out = Vec::with_capacity(table.len());
    for (key, arg) in table {
        let at = cx.key_span(span.clone(), key);
        let pred = match Predicate::from_name(key) {
            Some(p) if DURATION_PREDICATES.contains(&key.as_str()) => p,
            _ => {
                let help = crate::diagnostic::suggest::did_you_mean(key, DURATION_PREDICATES)
                    .unwrap_or_else(|| "a response time takes lt, lte, gt and gte".to_owned());
                return Err(cx
                    .error(format!("unknown duration predicate `{key}`"), at)
                    .with_help(help));
            }
        };
        let parsed = arg
            .as_str()
            .and_then(crate::workflow::convert::parse_duration);
        let Some(limit) = parsed else {
            return Err(cx
                .error(
                    format!(
                        "invalid duration {arg} for `{key}`: expected a number with a unit, like \"500ms\", \"2s\""
                    ),
                    at,
                )
                .with_help("units: ms, s, m, h"));
        };
        out.push((pred, cx.locate(limit, at)));
    }
    let limits: Vec<_> = out.iter().map(|(p, l)| (*p, l.value)).collect();
    if let Some(why) = crate::workflow::duration_limits::contradiction(&limits) {
        return Err(cx
            .error(format!("response-time limits: {why}"), span)
            .with_help("a step checked against limits no answer can meet would fail whatever the server did"));
    }
    Ok(out)
}

fn statuses(cx: &Cx, status: &Spanned<toml::Value>) -> Result<Vec<Located<Value>>, Diagnostic> {
    let span = cx.span(status);
    let one = |v: &toml::Value| match v {
        toml::Value::Integer(i) if (100..=599).contains(i) => {
            Ok(cx.locate(Value::from(*i), span.clone()))
        }
        toml::Value::String(s) if s.contains("<<") => {
            Ok(cx.locate(Value::String(s.clone()), span.clone()))
        }
        _ => Err(cx.error(
            "`status` must be an HTTP status code (100–599) or a list of them",
            span.clone(),
        )),
    };
    match status.get_ref() {
        toml::Value::Array(items) if !items.is_empty() => items.iter().map(one).collect(),
        other => Ok(vec![one(other)?]),
    }
}

/// A matcher for a header or the body, which are text: a table there can only be predicates
/// (it could never equal the text), so any other key in it is an error.
fn text_matcher(
    cx: &Cx,
    value: Value,
    span: std::ops::Range<usize>,
) -> Result<Matcher, Diagnostic> {
    if let Value::Object(map) = &value
        && let Some(unknown) = map.keys().find(|k| Predicate::from_name(k).is_none())
    {
        let names = Predicate::ALL.iter().map(|(n, _)| *n);
        let help = crate::diagnostic::suggest::did_you_mean(unknown, names).unwrap_or_else(|| {
            "a header or body is text: a table here holds predicates (eq, ne, exists, contains, matches, gt, gte, lt, lte, len, type, in)".to_owned()
        });
        return Err(cx
            .error(format!("unknown predicate `{unknown}`"), span)
            .with_help(help));
    }
    if matches!(&value, Value::Object(map) if map.is_empty()) {
        return Err(cx
            .error("an empty table can never match a header or body", span)
            .with_help(
                "write a text to compare with, or predicates such as `{ contains = \"…\" }`",
            ));
    }
    matcher(cx, value, span)
}

/// A plain value means equality; a table whose keys are all predicate names is a predicate
/// (README, Expectations). Any other table, one that mixes predicate names with other keys included
/// (`{ id = "u1", type = "USER" }`), is a literal compared for equality.
pub fn matcher(cx: &Cx, value: Value, span: std::ops::Range<usize>) -> Result<Matcher, Diagnostic> {
    let Value::Object(map) = &value else {
        return Ok(Matcher::Equals(cx.locate(value, span)));
    };
    if map.is_empty() || !map.keys().all(|k| Predicate::from_name(k).is_some()) {
        return Ok(Matcher::Equals(cx.locate(value, span)));
    }
    let mut preds = Vec::new();
    for (name, arg) in map {
        let pred = Predicate::from_name(name).unwrap_or(Predicate::Eq);
        check_predicate_arg(cx, pred, arg, &span)?;
        preds.push((pred, cx.locate(arg.clone(), span.clone())));
    }
    Ok(Matcher::Predicates(preds))
}

fn check_predicate_arg(
    cx: &Cx,
    pred: Predicate,
    arg: &Value,
    span: &std::ops::Range<usize>,
) -> Result<(), Diagnostic> {
    let templated = matches!(arg, Value::String(s) if s.contains("<<"));
    let ok = templated
        || match pred {
            Predicate::Exists => arg.is_boolean(),
            Predicate::Matches => arg.is_string(),
            Predicate::Len => arg.is_u64(),
            Predicate::Type => matches!(
                arg.as_str(),
                Some("string" | "number" | "bool" | "array" | "object" | "null")
            ),
            Predicate::In => arg.is_array(),
            Predicate::Gt | Predicate::Gte | Predicate::Lt | Predicate::Lte => {
                arg.is_number() || arg.is_string()
            }
            Predicate::Eq | Predicate::Ne | Predicate::Contains => true,
        };
    if ok {
        Ok(())
    } else {
        let mut shown = arg.to_string();
        if shown.chars().count() > 40 {
            shown = format!("{}…", shown.chars().take(39).collect::<String>());
        }
        Err(cx.error(
            format!(
                "predicate `{}` does not take the {} {shown}: {}",
                pred.name(),
                json_type(arg),
                predicate_help(pred)
            ),
            span.clone(),
        ))
    }
}

fn predicate_help(pred: Predicate) -> &'static str {
    match pred {
        Predicate::Exists => "it takes true or false",
        Predicate::Matches => "it takes a regular expression",
        Predicate::Len => "it takes a non-negative integer",
        Predicate::Type => {
            "it takes \"string\", \"number\", \"bool\", \"array\", \"object\" or \"null\""
        }
        Predicate::In => "it takes a list",
        _ => "it takes a number or a string",
    }
}

/// Takes the table: its names and `JSONPath`s move into the extractions.
pub fn extractions(cx: &Cx, table: Spanned<Entries>) -> Result<Vec<Extraction>, Diagnostic> {
    let table_span = cx.span(&table);
    let table = table.into_inner().0;
    let mut out = Vec::with_capacity(table.len());
    for (name, value) in table {
        let span = cx.key_span(table_span.clone(), &name);
        if !is_identifier(&name) {
            return Err(cx.error(format!("invalid variable name `{name}`"), span));
        }
        out.push(extraction(cx, name, value, span)?);
    }
    Ok(out)
}

const EXTRACT_KEYS: &str = "jsonpath, header, cookie, status, body, url, query, fragment, regex, saml, jwt, secret, optional";

fn extraction(
    cx: &Cx,
    name: String,
    value: toml::Value,
    span: std::ops::Range<usize>,
) -> Result<Extraction, Diagnostic> {
    // The name moves in when the extraction is made; the errors before name it.
    let mut ex = Extraction {
        name: String::new(),
        source: ExtractSource::Status,
        query: None,
        fragment: None,
        regex: None,
        saml: None,
        jwt: None,
        secret: None,
        optional: false,
    };
    let table = match value {
        toml::Value::String(path) => {
            let at = written_at(cx, &span, &path);
            ex.source = ExtractSource::JsonPath(cx.locate(path, at));
            ex.name = name;
            return Ok(ex);
        }
        toml::Value::Table(t) => t,
        _ => {
            return Err(cx.error(
                format!("extraction `{name}` must be a JSONPath string or a table"),
                span,
            ));
        }
    };
    let mut sources = Vec::new();
    for entry in &table {
        extraction_key(cx, (&name, &span), entry, &mut ex, &mut sources)?;
    }
    ex.source = only_source(cx, (&name, span), &ex, sources)?;
    ex.name = name;
    Ok(ex)
}

/// The one source of the extraction `name` read from its table into `ex` and `sources`; an
/// error when there is not exactly one, or when it takes both `query` and `fragment`.
fn only_source(
    cx: &Cx,
    (name, span): (&str, std::ops::Range<usize>),
    ex: &Extraction,
    mut sources: Vec<ExtractSource>,
) -> Result<ExtractSource, Diagnostic> {
    if sources.len() != 1 {
        return Err(cx
            .error(
                format!("extraction `{name}` needs exactly one source"),
                span,
            )
            .with_help("sources: jsonpath, header, cookie, status, body, url"));
    }
    if ex.query.is_some() && ex.fragment.is_some() {
        return Err(cx.error(
            format!("extraction `{name}` takes `query` or `fragment`, not both"),
            span,
        ));
    }
    Ok(sources.remove(0))
}

/// Where `text` is written in the extraction at `span` (the extraction itself when not found).
fn written_at(cx: &Cx, span: &std::ops::Range<usize>, text: &str) -> std::ops::Range<usize> {
    cx.source
        .find_after(span.start, text)
        .unwrap_or_else(|| span.clone())
}

/// One key of the extraction `name` (written at `span`) into `ex`, or into `sources` for a
/// key that names where the value comes from.
fn extraction_key(
    cx: &Cx,
    (name, span): (&str, &std::ops::Range<usize>),
    (key, v): (&String, &toml::Value),
    ex: &mut Extraction,
    sources: &mut Vec<ExtractSource>,
) -> Result<(), Diagnostic> {
    let loc = |s: &str| cx.locate(s.to_owned(), written_at(cx, span, s));
    let text = v.as_str();
    let flag = v.as_bool();
    let bad = || cx.error(format!("`{name}.{key}` has the wrong type"), span.clone());
    match key.as_str() {
        "jsonpath" => sources.push(ExtractSource::JsonPath(loc(text.ok_or_else(bad)?))),
        "header" => sources.push(ExtractSource::Header(loc(text.ok_or_else(bad)?))),
        "cookie" => sources.push(ExtractSource::Cookie(loc(text.ok_or_else(bad)?))),
        "status" | "body" | "url" => {
            if flag != Some(true) {
                return Err(cx.error(format!("`{name}.{key}` takes `true`"), span.clone()));
            }
            sources.push(match key.as_str() {
                "status" => ExtractSource::Status,
                "body" => ExtractSource::Body,
                _ => ExtractSource::Url,
            });
        }
        "query" => ex.query = Some(loc(text.ok_or_else(bad)?)),
        "fragment" => ex.fragment = Some(loc(text.ok_or_else(bad)?)),
        "regex" => ex.regex = Some(loc(text.ok_or_else(bad)?)),
        "saml" => ex.saml = Some(loc(text.ok_or_else(bad)?)),
        "jwt" => ex.jwt = Some(loc(text.ok_or_else(bad)?)),
        "secret" => ex.secret = Some(flag.ok_or_else(bad)?),
        "optional" => ex.optional = flag.ok_or_else(bad)?,
        _ => {
            return Err(cx
                .error(
                    format!("unknown key `{key}` in extraction `{name}`"),
                    span.clone(),
                )
                .with_help(
                    crate::diagnostic::suggest::did_you_mean(
                        key,
                        EXTRACT_KEYS.split(", ").map(|k| k.trim_matches('`')),
                    )
                    .unwrap_or_else(|| format!("an extraction takes: {EXTRACT_KEYS}")),
                ));
        }
    }
    Ok(())
}
