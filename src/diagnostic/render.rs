//! A diagnostic drawn by annotate-snippets (rustc's renderer): the message, `--> file:line:col`,
//! the line with its carets, then help. The line is masked first (`masked.rs`), so the renderer
//! never sees a secret, and the span is moved onto the masked text.

use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::Diagnostic;
use super::masked::shown_line;
use crate::workflow::source::{Source, Span};

/// `diagnostic` as text, with ANSI colours when `color`; no trailing newline.
pub(super) fn render(diagnostic: &Diagnostic, color: bool) -> String {
    let quoted = diagnostic
        .location
        .as_ref()
        .map(|(source, span)| Quoted::new(source, span));
    let title = || Group::with_title(Level::ERROR.primary_title(diagnostic.message.as_str()));
    let mut group = title();
    if let Some(q) = &quoted {
        group = group.element(
            Snippet::source(q.text.as_str())
                .line_start(q.line)
                .path(q.path.as_str())
                .annotation(AnnotationKind::Primary.span(q.span.clone())),
        );
    }
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let text = renderer.render(&[group]);
    match &quoted {
        // The location follows the message, which may itself name a place.
        Some(q) if q.shown_col != q.col => {
            let title = renderer.render(&[title()]).len();
            q.locate(text, title)
        }
        _ => text,
    }
}

/// The line a diagnostic quotes, as shown, and where its span falls in it.
struct Quoted {
    path: String,
    line: usize,
    /// Column of the span's start in the file (1-based, in characters).
    col: usize,
    /// Column of the span's start in `text`, as the renderer counts it.
    shown_col: usize,
    /// The line, its secret literals masked.
    text: String,
    /// The span in `text` (bytes), never past the end of the line it starts on.
    span: Range<usize>,
}

impl Quoted {
    fn new(source: &Source, span: &Span) -> Quoted {
        let (line, col) = source.line_col(span.start);
        let (end_line, end_col) = source.line_col(span.end);
        let chars = source.line_text(line).chars().count();
        // In characters of the file's line: the span's first line only.
        let start = (col - 1).min(chars);
        let end = if end_line == line { end_col - 1 } else { chars };
        let end = end.clamp(start, chars);
        let shown = shown_line(source, line);
        let (from, to) = (shown.column(start), shown.column(end));
        let byte = |c: usize| {
            shown
                .text
                .char_indices()
                .nth(c)
                .map_or(shown.text.len(), |(i, _)| i)
        };
        Quoted {
            path: source.path().display().to_string(),
            line,
            col,
            shown_col: from + 1,
            span: byte(from)..byte(to),
            text: shown.text,
        }
    }

    /// `text` with its `--> file:line:col`, the first after byte `from`, naming the file's
    /// column: the renderer counts it in the masked line, where a `«name»` before the span is
    /// not as long as the value it hides.
    fn locate(&self, text: String, from: usize) -> String {
        let shown = format!("{}:{}:{}", self.path, self.line, self.shown_col);
        let real = format!("{}:{}:{}", self.path, self.line, self.col);
        match text.get(from..).and_then(|rest| rest.find(&shown)) {
            Some(at) => {
                let at = from + at;
                format!("{}{real}{}", &text[..at], &text[at + shown.len()..])
            }
            None => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn at(text: &str, marker: &str, width: usize) -> Diagnostic {
        let src = Arc::new(Source::new("v.toml", text));
        let start = text.find(marker).expect("marker");
        Diagnostic::at("problem", &src, start..start + width)
    }

    /// Found by the fuzzer (`tests/fuzz`, its slowest input): deciding whether the quoted line
    /// is a secret entry read the file from its start once per line above it, so an error on
    /// the last of 3,572 lines took a second, and on the last of 200,000 more than a hundred seconds.
    #[test]
    fn an_error_on_the_last_line_of_a_long_file_is_drawn_at_once() {
        let text = format!(
            "name = \"x\"\n{}token = \"s3cr3t\" [x\n",
            "# a comment\n".repeat(50_000)
        );
        let started = std::time::Instant::now();
        let d = at(&text, "[x", 1);
        let shown = render(&d, false);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert!(shown.contains("v.toml:50002:"), "{shown}");
        // The line is still read as a secret entry, its string masked.
        assert!(shown.contains("token = \"«token»\" [x"), "{shown}");
    }

    /// Found by the fuzzer (`tests/fuzz`, its slowest input): masking a secret entry's line
    /// of many strings was quadratic in the line's length (20 KB took two seconds).
    #[test]
    fn a_long_secret_line_is_masked_at_once() {
        let text = format!("token = {} [x\n", "\"use = ".repeat(20_000));
        let started = std::time::Instant::now();
        let shown = render(&at(&text, "[x", 1), false);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        // The renderer elides the line's start; what it shows is masked.
        assert!(shown.contains("\"«token»\"use = \"«token»\""), "{shown}");
        assert!(!shown.contains("\"use = \"use"), "{shown}");
        let env = at("v = { env = \"HOME\", secret = true } [x\n", "[x", 1);
        assert!(render(&env, false).contains("env = \"HOME\""));
    }

    #[test]
    fn the_frame_is_rustcs() {
        let d = at("name = \"x\"\nurl = \"<<nope>>\"\n", "nope", 4).with_help("did you mean `n`?");
        assert_eq!(
            render(&d, false),
            "error: problem\n --> v.toml:2:10\n  |\n2 | url = \"<<nope>>\"\n  |          ^^^^\n  |\n  = help: did you mean `n`?"
        );
        assert_eq!(render(&Diagnostic::new("bare"), false), "error: bare");
    }

    #[test]
    fn the_location_is_the_files_column_when_a_mask_comes_before_it() {
        let d = at("x = 1\nclientSecret = \"s3cr3t-v@lue\" oops\n", "oops", 4);
        let text = render(&d, false);
        assert!(text.contains(" --> v.toml:2:31\n"), "{text}");
        assert!(
            text.contains("2 | clientSecret = \"«clientSecret»\" oops\n"),
            "{text}"
        );
        assert!(!text.contains("s3cr3t"), "{text}");
        // Not a place the message names.
        let mut named = d.clone();
        named.message = "first at v.toml:2:33".into();
        let text = render(&named, false);
        assert!(text.starts_with("error: first at v.toml:2:33\n"), "{text}");
        assert!(text.contains(" --> v.toml:2:31\n"), "{text}");
        // The same in colour, where the renderer wraps the location in its style.
        let text = render(&d, true);
        assert!(text.contains("v.toml:2:31"), "{text}");
        assert!(text.contains('\u{1b}'), "{text}");
        assert!(!text.contains("s3cr3t"), "{text}");
    }

    #[test]
    fn a_span_stops_at_the_end_of_its_first_line() {
        let d = at("a = \"\"\"one\ntwo\"\"\"\n", "\"\"\"one", 12);
        let text = render(&d, false);
        assert!(
            text.ends_with("1 | a = \"\"\"one\n  |     ^^^^^^"),
            "{text}"
        );
        assert!(!text.contains("two"), "{text}");
    }

    #[test]
    fn an_empty_span_at_the_end_still_gets_a_caret() {
        let d = at("url = \"abc\n", "\n", 0);
        let text = render(&d, false);
        assert!(text.contains(" --> v.toml:1:11\n"), "{text}");
        assert!(text.contains("  |           ^"), "{text}");
    }
}
