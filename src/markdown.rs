//! A workflow's `description` and each step's `doc` are Markdown (README, Step keys): one
//! parser (pulldown-cmark) for every place that shows them, so `teach`, `run -v` and the HTML
//! report agree on what a doc says. [`text`] lays it out for a terminal, [`html`] for the report.

mod html;
mod text;

pub use html::to_html;
pub use text::{to_lines, wrap, wrap_indented};

use pulldown_cmark::{Options, Parser};

/// The Markdown a doc may use: `CommonMark` plus tables and strikethrough (GitHub's flavour, as
/// docs are written to read well on GitHub too).
fn parser(text: &str) -> Parser<'_> {
    Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
}

/// The width of text on a terminal, in columns: wide characters count two, ANSI colour codes
/// none.
pub fn display_width(text: &str) -> usize {
    // Printable ASCII (most of what a console line holds) is one column a byte; only other
    // text needs the per-character width tables and the escape-sequence scan.
    if is_printable_ascii(text) {
        return text.len();
    }
    textwrap::core::display_width(text)
}

/// Whether `text` is printable ASCII only (no escape sequence, no control character): text
/// whose width on a terminal is its length.
pub fn is_printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| (b' '..=b'~').contains(&b))
}

#[cfg(test)]
mod tests;
