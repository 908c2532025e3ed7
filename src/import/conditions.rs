//! The conditions of `if` blocks in Postman scripts: which guard a value read from the
//! response (so what is set under them may be missing), and which make a block conditional.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::import::js::{self, Origin};

/// Whether every operand of a condition reads the response body: `jsonData.x`, and compound
/// ones as real collections write them, `d._embedded && d._embedded.users.length > 0`,
/// `d.id !== undefined || d.code`. A value read under such a guard may be missing.
pub fn reads_body(condition: &str, aliases: &HashMap<String, Origin>) -> bool {
    static COMPARED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(.+?)\s*(?:[<>]=?|[!=]==?)\s*(?:-?\d+(?:\.\d+)?|null|undefined|true|false|'[^']*'|\x22[^\x22]*\x22)$")
            .expect("valid regex")
    });
    let operands = split_top_level(condition, &["&&", "||"]);
    !operands.is_empty()
        && operands.iter().all(|operand| {
            let mut operand = operand.trim();
            while let Some(inner) = operand.strip_prefix('(').and_then(|o| o.strip_suffix(')')) {
                operand = inner.trim();
            }
            let operand = operand.strip_prefix('!').unwrap_or(operand).trim();
            let operand = COMPARED
                .captures(operand)
                .and_then(|c| c.get(1))
                .map_or(operand, |m| m.as_str());
            matches!(js::resolve(operand, aliases), Some(Origin::Body(segments)) if !segments.is_empty())
        })
}

/// `if (…)`, `else if (…)` or `else`: what the block sets may not be set.
pub fn is_conditional(statement: &str) -> bool {
    let s = statement.trim_start_matches('}').trim_start();
    let word = |w: &str| {
        s.strip_prefix(w)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '(', '{']))
    };
    word("if") || word("else")
}

/// `text` split at the operators `ops` where they stand outside brackets and strings
/// (`a && (b || c)` at `&&`, `||` is `a`, `(b || c)`).
pub fn split_top_level<'a>(text: &'a str, ops: &[&str]) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, _) if depth == 0 => {
                if let Some(op) = ops.iter().find(|op| text[i..].starts_with(**op)) {
                    parts.push(&text[start..i]);
                    start = i + op.len();
                    for _ in 1..op.len() {
                        chars.next();
                    }
                }
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}
