//! Parses TOML into a raw shape, an error said at its place in the file and in the reader's
//! words: the toml crate's message, lowercased, with a suggestion for a misspelt key and the
//! nesting limit said with its number.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::workflow::source::{Source, Span};

/// Parses TOML into `T`, turning a parse or shape error into a located diagnostic.
pub fn parse_toml<T: serde::de::DeserializeOwned>(source: &Arc<Source>) -> Result<T, Diagnostic> {
    parse_text(source, &source.text, 0)
}

/// Parses `text`, which stands for `source` from byte `base` on (same offsets, some parts blanked).
pub(super) fn parse_text<T: serde::de::DeserializeOwned>(
    source: &Arc<Source>,
    text: &str,
    base: usize,
) -> Result<T, Diagnostic> {
    toml::from_str(text).map_err(|e| {
        let message = e.message().trim().trim_end_matches('.').to_owned();
        let nesting = nesting_message(&message);
        let too_deep = nesting.is_some();
        let message = nesting.unwrap_or_else(|| lowercase_first(&message));
        let help = unknown_key_suggestion(&message);
        // The toml crate gives no place for a key of too many parts (`a.b.…` or a header):
        // the line with the most dots is it.
        let place = e
            .span()
            .or_else(|| too_deep.then(|| deepest_line(text)).flatten());
        let d = match place {
            Some(span) => Diagnostic::at(message, source, span.start + base..span.end + base),
            None => Diagnostic::new(format!("{}: {message}", source.path().display())),
        };
        match help {
            Some(help) => d.with_help(help),
            None => d,
        }
    })
}

/// The line of `text` with the most dots, if any has one.
fn deepest_line(text: &str) -> Option<Span> {
    let mut best: Option<(usize, Span)> = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let dots = bytecount::count(line.as_bytes(), b'.');
        if dots > 0 && best.as_ref().is_none_or(|(most, _)| dots > *most) {
            best = Some((dots, start..start + line.trim_end().len()));
        }
        start += line.len();
    }
    best.map(|(_, line)| line)
}

/// How deep the TOML reader nests arrays, inline tables and dotted keys (the toml crate's
/// limit, which keeps a hostile file from exhausting the stack).
pub const MAX_TOML_NESTING: u32 = 80;

/// The toml crate's words for its nesting limit, said with the limit.
fn nesting_message(message: &str) -> Option<String> {
    (message.starts_with("cannot recurse further") || message == "recursion limit").then(|| {
        format!(
            "nested too deep: arrays, inline tables and dotted keys may nest at most {MAX_TOML_NESTING} levels"
        )
    })
}

/// `did you mean `expect`?` for serde's "unknown field `expext`, expected one of `name`, …".
fn unknown_key_suggestion(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, expected) = rest.split_once('`')?;
    let known = expected.split('`').skip(1).step_by(2);
    crate::diagnostic::suggest::did_you_mean(key, known)
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
