//! A template's error: minijinja's turned into ours, which names the undefined variable and
//! points at it, at its place in the template text, so a check can say `file:line:col`.

use minijinja::{Error, ErrorKind};

use super::{OUT_OF_FUEL, Templates};
use crate::vars::VarStore;

/// A template that failed to parse or render.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    pub message: String,
    /// Byte offset of the problem within the template text, when known.
    pub offset: Option<usize>,
    /// The undefined variable, when that is the problem.
    pub undefined: Option<String>,
}

impl Templates {
    /// Turns a minijinja error into ours. `shift` is how many bytes of wrapper precede
    /// `src` in the text minijinja saw.
    pub(super) fn convert(
        &self,
        err: &Error,
        src: &str,
        vars: Option<&VarStore>,
        shift: usize,
    ) -> TemplateError {
        let offset = match err.range() {
            Some(range) => Some(range.start.saturating_sub(shift).min(src.len())),
            None => err.line().map(|line| line_start(src, line)),
        };
        let path = err.detail().and_then(undefined_path).or_else(|| {
            let range = err.range()?;
            let text = src.get(range.start.checked_sub(shift)?..range.end.checked_sub(shift)?)?;
            (err.kind() == ErrorKind::UndefinedError && is_identifier(text)).then_some(text)
        });
        if let Some(path) = path {
            // minijinja points at the enclosing expression; point at the name itself.
            let narrow = |needle: &str| find_name(src, offset.unwrap_or(0), needle).or(offset);
            let root = root_name(path);
            let known = self.is_builtin(root) || vars.is_some_and(|v| v.contains(root));
            if !known && !root.is_empty() {
                return TemplateError {
                    message: format!("undefined variable `{root}`"),
                    offset: narrow(root),
                    undefined: Some(root.to_owned()),
                };
            }
            return TemplateError {
                message: format!("undefined value `{path}`"),
                offset: narrow(path),
                undefined: None,
            };
        }
        let message = match (err.kind(), err.detail()) {
            (ErrorKind::OutOfFuel, _) => OUT_OF_FUEL.to_owned(),
            // Our built-ins and minijinja's operators say enough on their own.
            (ErrorKind::InvalidOperation, Some(detail)) => detail.to_owned(),
            (kind, Some(detail)) => format!("{kind}: {detail}"),
            (kind, None) => kind.to_string(),
        };
        TemplateError {
            message,
            offset,
            undefined: None,
        }
    }
}

/// The `x` or `x.y` in minijinja's "`x.y` is undefined".
fn undefined_path(detail: &str) -> Option<&str> {
    let mut rest = detail;
    while let Some(start) = rest.find('`') {
        let after = &rest[start + 1..];
        let end = after.find('`')?;
        if after[end + 1..].starts_with(" is undefined") {
            return Some(&after[..end]);
        }
        rest = &after[end + 1..];
    }
    None
}

/// `a` for `a.b.c` or `a[0]`.
fn root_name(path: &str) -> &str {
    let end = path
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(path.len());
    &path[..end]
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty() && root_name(text) == text && !text.starts_with(|c: char| c.is_ascii_digit())
}

/// Where `name` occurs in `src` as a whole name (not as an attribute), preferring the
/// first occurrence at or after `from`.
fn find_name(src: &str, from: usize, name: &str) -> Option<usize> {
    let bytes = src.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    src.match_indices(name)
        .map(|(i, _)| i)
        .filter(|&i| {
            let end = i + name.len();
            let clear_before = i == 0 || !(word(bytes[i - 1]) || bytes[i - 1] == b'.');
            clear_before && (end == bytes.len() || !word(bytes[end]))
        })
        .min_by_key(|&i| (i < from, i))
}

/// Byte offset where 1-based `line` starts in `src`.
fn line_start(src: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    src.match_indices('\n')
        .nth(line - 2)
        .map_or(src.len(), |(i, _)| i + 1)
}
