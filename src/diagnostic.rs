//! Errors in the user's input, rendered the way rustc does (by rustc's renderer,
//! annotate-snippets): message, `file:line:col`, the line, a caret, help. The line of a secret
//! entry is shown with its string literals masked (README, Secrets).

use std::fmt;
use std::sync::Arc;

use crate::workflow::source::{Source, Span};

mod masked;
mod missing;
mod render;
pub mod suggest;

pub use missing::grouped;

/// A problem with a workflow or vars file (or the command line), found before anything is sent.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub message: String,
    pub location: Option<(Arc<Source>, Span)>,
    pub help: Option<String>,
    /// The variable this error says is not defined, so that a run missing its variables
    /// reads as one error per variable rather than one per use (see `grouped`).
    pub missing: Option<String>,
    /// The variable this error says is not defined, whether or not it is marked `missing`
    /// (a typo's suggestion, `expect.vars`): what a partition ties files by (`config::ties`).
    pub undefined: Option<String>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            location: None,
            help: None,
            missing: None,
            undefined: None,
        }
    }

    pub fn at(message: impl Into<String>, source: &Arc<Source>, span: Span) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            location: Some((Arc::clone(source), span)),
            help: None,
            missing: None,
            undefined: None,
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
        let name = name.into();
        self.undefined = Some(name.clone());
        self.missing = Some(name);
        self
    }

    /// Marks this error as being about the undefined variable `name`, without grouping it
    /// with the others (see [`Diagnostic::missing`]).
    #[must_use]
    pub fn undefined(mut self, name: impl Into<String>) -> Diagnostic {
        self.undefined = Some(name.into());
        self
    }

    /// The diagnostic as it is shown, with colours when `color` (the console has them), without
    /// a trailing newline.
    pub fn render(&self, color: bool) -> String {
        render::render(self, color)
    }

    /// `file:line:col` of the start of the span, when there is one.
    pub fn position(&self) -> Option<String> {
        let (source, span) = self.location.as_ref()?;
        let (line, col) = source.line_col(span.start);
        Some(format!("{}:{line}:{col}", source.path().display()))
    }
}

impl fmt::Display for Diagnostic {
    /// The plain rendering, ending with a newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.render(false))
    }
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
        assert!(!d.render(true).ends_with('\n'));
        assert_eq!(d.position().as_deref(), Some("w.toml:2:10"));
    }
}
