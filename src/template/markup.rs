//! Whether text holds template markup at all, asked of every string of every step so plain
//! text is used as it is, and the one `<< expr >>` whose value keeps its JSON type.

use serde_json::Value;

/// Whether `text` holds template markup at all; text without it is used as is.
pub fn has_markup(text: &str) -> bool {
    opens_with(text, b"<%#")
}

/// Whether `text` holds an expression (`<<`) or a statement (`<%`), the markup that can use a
/// variable (a comment, `<#`, cannot).
pub fn has_code(text: &str) -> bool {
    opens_with(text, b"<%")
}

/// Whether a `<` in `text` is followed by one of `next`. Every step's strings are asked, most
/// of them short and without a `<`: one plain scan for it (the standard library's, with no
/// set-up, which `memchr`'s vector search costs more than it saves on a short string), where
/// substring searches (each setting up its own searcher) cost more than the rest of a plain
/// string's render.
fn opens_with(text: &str, next: &[u8]) -> bool {
    let bytes = text.as_bytes();
    bytes.contains(&b'<')
        && bytes
            .windows(2)
            .any(|w| w[0] == b'<' && next.contains(&w[1]))
}

/// Whether any string or key in `value` holds template markup.
pub fn value_has_markup(value: &Value) -> bool {
    match value {
        Value::String(s) => has_markup(s),
        Value::Array(items) => items.iter().any(value_has_markup),
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| has_markup(k) || value_has_markup(v)),
        _ => false,
    }
}

/// The expression of a template that is exactly one `<< expr >>`, whitespace control
/// (`<<-`, `->>`) removed; `None` for anything else.
pub(super) fn single_expression(src: &str) -> Option<&str> {
    let inner = src.strip_prefix("<<")?.strip_suffix(">>")?;
    let delimiters = ["<<", ">>", "<%", "%>", "<#", "#>"];
    if delimiters.iter().any(|d| inner.contains(d)) {
        return None;
    }
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    Some(inner.strip_suffix('-').unwrap_or(inner))
}
