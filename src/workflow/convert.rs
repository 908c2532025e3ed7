//! Turns raw TOML pieces into model values, with a diagnostic at the offending span when a
//! value has the wrong shape.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::vars::Var;
use crate::vars::decl::VarDecl;
use crate::workflow::model::Located;
use crate::workflow::raw::Table;
use crate::workflow::source::{Source, Span, bare_key_byte, match_starts};

/// Conversion context: the file being converted, and where in it the parsed text starts
/// (a step parsed on its own has spans relative to its first byte).
#[derive(Clone)]
pub struct Cx {
    pub source: Arc<Source>,
    pub base: usize,
}

impl Cx {
    pub fn new(source: Arc<Source>) -> Cx {
        Cx { source, base: 0 }
    }

    /// The span of a parsed value in the file.
    pub fn span<T>(&self, spanned: &Spanned<T>) -> Span {
        let s = spanned.span();
        s.start + self.base..s.end + self.base
    }

    pub fn located<T: Clone>(&self, spanned: &Spanned<T>) -> Located<T> {
        Located {
            value: spanned.get_ref().clone(),
            source: Arc::clone(&self.source),
            span: self.span(spanned),
        }
    }

    /// Like [`Cx::located`], taking the value rather than copying it.
    pub fn located_owned<T>(&self, spanned: Spanned<T>) -> Located<T> {
        let span = self.span(&spanned);
        self.locate(spanned.into_inner(), span)
    }

    pub fn locate<T>(&self, value: T, span: Span) -> Located<T> {
        Located {
            value,
            source: Arc::clone(&self.source),
            span,
        }
    }

    pub fn error(&self, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::at(message, &self.source, span)
    }

    /// The entries of a table, each located at its key inside the table's span (TOML values
    /// inside a table carry no span of their own).
    pub fn entries(&self, table: &Spanned<Table>) -> Vec<(String, Located<Value>)> {
        table
            .get_ref()
            .iter()
            .map(|(key, value)| {
                let span = self.key_span(self.span(table), key);
                (key.clone(), self.locate(to_json(value), span))
            })
            .collect()
    }

    /// The span of `key` as written inside `span`, or `span` when it cannot be found.
    /// A `[section]` table's span covers only its header, so the search runs on from there.
    /// Only a whole key counts (`a` is not found inside `[vars]`), one followed by `=` or `.`
    /// first; quotes around the match are taken into the span.
    pub fn key_span(&self, span: Span, key: &str) -> Span {
        const WINDOW: usize = 8 * 1024;
        let text = &self.source.text;
        let end = (span.start + WINDOW).min(text.len());
        let Some(window) = text.get(span.start..end) else {
            return span;
        };
        let bytes = text.as_bytes();
        let mut whole = None;
        // An empty key (`"" = 1`) is found where the standard library finds the empty string.
        let empty = key
            .is_empty()
            .then(|| window.match_indices("").map(|(i, _)| i));
        for i in match_starts(window, key).chain(empty.into_iter().flatten()) {
            let (start, stop) = (span.start + i, span.start + i + key.len());
            let before = start.checked_sub(1).map(|j| bytes[j]);
            let after = bytes.get(stop).copied();
            if before.is_some_and(bare_key_byte) || after.is_some_and(bare_key_byte) {
                continue;
            }
            let quoted = matches!((before, after), (Some(o @ (b'"' | b'\'')), Some(c)) if o == c);
            let found = if quoted {
                start - 1..stop + 1
            } else {
                start..stop
            };
            let rest = text[found.end..].trim_start_matches([' ', '\t']);
            if rest.starts_with('=') || rest.starts_with('.') {
                return found;
            }
            whole.get_or_insert(found);
        }
        whole.unwrap_or(span)
    }

    /// Table entries whose values must be strings (headers).
    pub fn string_entries(
        &self,
        table: &Spanned<Table>,
        what: &str,
    ) -> Result<Vec<(String, Located<String>)>, Diagnostic> {
        self.entries(table)
            .into_iter()
            .map(|(key, value)| match value.value {
                Value::String(s) => Ok((key, self.locate(s, value.span))),
                other => Err(self.error(
                    format!(
                        "{what} `{key}` must be a string, found {}",
                        json_type(&other)
                    ),
                    value.span,
                )),
            })
            .collect()
    }

    pub fn duration(&self, text: &Spanned<String>) -> Result<Duration, Diagnostic> {
        parse_duration(text.get_ref()).ok_or_else(|| {
            self.error(
                format!(
                    "invalid duration `{}`: expected a number with a unit, like \"500ms\", \"30s\", \"2m\"",
                    text.get_ref()
                ),
                self.span(text),
            )
        })
    }

    /// A `[vars]` table or a vars file's entries.
    pub fn var_decls(&self, table: &Spanned<Table>) -> Result<Vec<VarDecl>, Diagnostic> {
        let mut out = Vec::new();
        for (name, value) in table.get_ref() {
            let span = self.key_span(self.span(table), name);
            if !is_identifier(name) {
                return Err(self
                    .error(format!("invalid variable name `{name}`"), span)
                    .with_help("variable names are identifiers: letters, digits and `_`, not starting with a digit"));
            }
            out.push(self.var_decl(name, value, span)?);
        }
        Ok(out)
    }

    fn var_decl(&self, name: &str, value: &toml::Value, span: Span) -> Result<VarDecl, Diagnostic> {
        let mut decl = VarDecl {
            name: name.to_owned(),
            value: None,
            env: None,
            secret: None,
            source: Arc::clone(&self.source),
            span: span.clone(),
        };
        let toml::Value::Table(table) = value else {
            decl.value = Some(Var::declared(name, to_json(value), None));
            return Ok(decl);
        };
        let mut literal = None;
        for (key, v) in table {
            match (key.as_str(), v) {
                ("value", v) => literal = Some(to_json(v)),
                ("env", toml::Value::String(s)) => decl.env = Some(s.clone()),
                ("secret", toml::Value::Boolean(b)) => decl.secret = Some(*b),
                ("env" | "secret", _) => {
                    return Err(self.error(
                        format!(
                            "`{name}.{key}` has the wrong type: `env` is a string, `secret` a bool"
                        ),
                        span,
                    ));
                }
                _ => {
                    return Err(self
                        .error(format!("unknown key `{key}` in variable `{name}`"), span)
                        .with_help("a variable table takes `value`, `env` and `secret`"));
                }
            }
        }
        // Held as a secret from here on when `secret` (whichever key came first) or the name
        // says so.
        decl.value = literal.map(|v| Var::declared(name, v, decl.secret));
        if decl.value.is_none() && decl.env.is_none() {
            return Err(self.error(
                format!("variable `{name}` needs a `value` or an `env`"),
                span,
            ));
        }
        Ok(decl)
    }
}

/// TOML → JSON: datetimes become their RFC 3339 text.
pub fn to_json(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => {
            serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
        }
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `"500ms"`, `"30s"`, `"2m"`, `"1h"`, `"1.5s"`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "ms" => number / 1000.0,
        "s" => number,
        "m" => number * 60.0,
        "h" => number * 3600.0,
        _ => return None,
    };
    Duration::try_from_secs_f64(seconds).ok()
}

pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_mins(2)));
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("30"), None);
        assert_eq!(parse_duration("s"), None);
        assert_eq!(parse_duration("3 days"), None);
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("appID"));
        assert!(is_identifier("_x1"));
        assert!(!is_identifier("1x"));
        assert!(!is_identifier("set-cookieID"));
        assert!(!is_identifier(""));
    }
}
