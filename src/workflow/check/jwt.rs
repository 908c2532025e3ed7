//! What the static check can know of a `jwt_sign(…)` call before anything runs: an algorithm
//! or a `key_file` written as a literal. Keys in variables are only known at run time, where a
//! bad one fails the step with a render error.

use std::sync::{Arc, LazyLock};

use regex::Regex;

use crate::diagnostic::Diagnostic;
use crate::template::jwt::ALGORITHMS;
use crate::workflow::source::{Source, Span};

/// `alg='…'` or `key_file="…"` as a keyword argument with a literal string.
static LITERAL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"\b(alg|key_file)\s*=\s*(?:'([^']*)'|"([^"]*)")"#).ok());

/// Problems with the literal `alg` and `key_file` arguments of `jwt_sign` calls in `text`.
pub(super) fn problems(text: &str, source: &Arc<Source>, span: &Span) -> Vec<Diagnostic> {
    let Some(re) = LITERAL.as_ref() else {
        return Vec::new();
    };
    let Some(call) = text.find("jwt_sign") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for caps in re.captures_iter(&text[call..]) {
        let (Some(key), Some(value)) = (caps.get(1), caps.get(2).or_else(|| caps.get(3))) else {
            continue;
        };
        let value = value.as_str();
        let at = source.narrow_word(span, value);
        match key.as_str() {
            "alg" if !ALGORITHMS.contains(&value) => out.push(
                Diagnostic::at(format!("jwt_sign: unknown algorithm `{value}`"), source, at)
                    .with_help(format!("jwt_sign signs with {}", ALGORITHMS.join(", "))),
            ),
            "key_file" => {
                let full = source.sibling(value);
                if value.trim().is_empty() || !full.is_file() {
                    out.push(Diagnostic::at(
                        format!("jwt_sign: cannot read {}: no such file", full.display()),
                        source,
                        at,
                    ));
                }
            }
            _ => {}
        }
    }
    out
}
