//! Errors in the user's input, rendered the way rustc does: message, `file:line:col`, the line, a caret.
//! The line of a secret entry is shown with its string literals masked (README, Secrets).

use std::fmt;
use std::sync::Arc;

use crate::workflow::source::{Source, Span};

mod masked;
mod missing;
pub mod suggest;

use masked::shown_line;
pub use missing::{MISSING_HINT, grouped};

/// A problem with a workflow or vars file (or the command line), found before anything is sent.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub message: String,
    pub location: Option<(Arc<Source>, Span)>,
    pub help: Option<String>,
    /// The variable this error says is not defined, so that a run missing its variables
    /// reads as one error per variable rather than one per use (see `grouped`).
    pub missing: Option<String>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            location: None,
            help: None,
            missing: None,
        }
    }

    pub fn at(message: impl Into<String>, source: &Arc<Source>, span: Span) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            location: Some((Arc::clone(source), span)),
            help: None,
            missing: None,
        }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Marks this error as the variable `name` not being defined.
    #[must_use]
    pub fn missing(mut self, name: impl Into<String>) -> Diagnostic {
        self.missing = Some(name.into());
        self
    }

    /// `file:line:col` of the start of the span, when there is one.
    pub fn position(&self) -> Option<String> {
        let (source, span) = self.location.as_ref()?;
        let (line, col) = source.line_col(span.start);
        Some(format!("{}:{line}:{col}", source.path().display()))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        if let Some((source, span)) = &self.location {
            let (line, col) = source.line_col(span.start);
            let original = source.line_text(line);
            let shown = shown_line(source, line);
            let gutter = line.to_string().len();
            let pad = " ".repeat(gutter);
            writeln!(f, "{pad}--> {}:{line}:{col}", source.path().display())?;
            writeln!(f, "{pad} |")?;
            writeln!(f, "{line} | {}", shown.text)?;
            // The span in the original line, moved to where it is in the shown one.
            let width = underline_width(source, span, line, col, original);
            let start = shown.column(col - 1);
            let width = shown.column(col - 1 + width).saturating_sub(start).max(1);
            let indent: String = shown
                .text
                .chars()
                .take(start)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(f, "{pad} | {indent}{}", "^".repeat(width))?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// Underline the span, but never past the end of its first line.
fn underline_width(source: &Source, span: &Span, line: usize, col: usize, text: &str) -> usize {
    let (end_line, end_col) = source.line_col(span.end);
    let line_chars = text.chars().count();
    let end = if end_line == line {
        end_col
    } else {
        line_chars + 1
    };
    end.saturating_sub(col)
        .clamp(1, line_chars.saturating_sub(col - 1).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_line_col_and_caret() {
        let src = Arc::new(Source::new("w.toml", "name = \"x\"\nurl = \"<<nope>>\"\n"));
        let d = Diagnostic::at("undefined variable `nope`", &src, 20..24);
        let text = d.to_string();
        assert!(text.contains("--> w.toml:2:10"), "{text}");
        assert!(text.contains("2 | url = \"<<nope>>\""), "{text}");
        assert!(text.contains("  |          ^^^^"), "{text}");
        assert_eq!(d.position().as_deref(), Some("w.toml:2:10"));
    }
}
