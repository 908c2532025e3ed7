//! Console colors: whether to use them (`--color`, `NO_COLOR`, TTY) and plain ANSI codes to
//! apply them, so the console reporter needs no terminal crate.

use std::ffi::OsStr;
use std::fmt;
use std::str::FromStr;

/// The `--color` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl FromStr for ColorChoice {
    type Err = UnknownColorChoice;

    fn from_str(s: &str) -> Result<ColorChoice, UnknownColorChoice> {
        match s {
            "auto" => Ok(ColorChoice::Auto),
            "always" => Ok(ColorChoice::Always),
            "never" => Ok(ColorChoice::Never),
            other => Err(UnknownColorChoice(other.to_owned())),
        }
    }
}

/// A `--color` value that is not `auto`, `always` or `never`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown color choice `{0}` (expected auto, always or never)")]
pub struct UnknownColorChoice(pub String);

/// Whether the console should use colors: `always` and `never` decide alone; `auto` colors a
/// terminal unless `NO_COLOR` is set to a non-empty value (<https://no-color.org>).
pub fn color_enabled(choice: ColorChoice, is_tty: bool) -> bool {
    decide(choice, is_tty, std::env::var_os("NO_COLOR").as_deref())
}

fn decide(choice: ColorChoice, is_tty: bool, no_color: Option<&OsStr>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_tty && no_color.is_none_or(OsStr::is_empty),
    }
}

/// The few styles the console uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Pass,
    Fail,
    Skip,
    Dim,
    Bold,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Pass => "\x1b[32m",
            Style::Fail => "\x1b[31m",
            Style::Skip => "\x1b[33m",
            Style::Dim => "\x1b[2m",
            Style::Bold => "\x1b[1m",
        }
    }
}

/// Applies styles when colors are on, and nothing otherwise.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    enabled: bool,
}

impl Paint {
    pub fn new(enabled: bool) -> Paint {
        Paint { enabled }
    }

    /// `text` in `style`; displays as the bare text when colors are off.
    pub fn paint<T: fmt::Display>(self, style: Style, text: T) -> Painted<T> {
        Painted {
            style: self.enabled.then_some(style),
            text,
        }
    }

    /// Appends `text` in `style` to `out`: what `paint` displays, without the formatting
    /// machinery (every step's console line is made of a few of these).
    pub fn push(self, out: &mut String, style: Style, text: &str) {
        self.begin(out, style);
        out.push_str(text);
        self.end(out);
    }

    /// Starts `style` in `out` (for text appended piece by piece; [`end`](Self::end) ends it).
    pub fn begin(self, out: &mut String, style: Style) {
        if self.enabled {
            out.push_str(style.code());
        }
    }

    /// Ends the style [`begin`](Self::begin) started.
    pub fn end(self, out: &mut String) {
        if self.enabled {
            out.push_str(RESET);
        }
    }
}

/// Ends a style.
const RESET: &str = "\x1b[0m";

/// A value to display with an optional style.
pub struct Painted<T> {
    style: Option<Style>,
    text: T,
}

impl<T: fmt::Display> fmt::Display for Painted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.style {
            Some(style) => write!(f, "{}{}{RESET}", style.code(), self.text),
            None => write!(f, "{}", self.text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_colors_a_terminal_unless_no_color() {
        assert!(decide(ColorChoice::Auto, true, None));
        assert!(!decide(ColorChoice::Auto, false, None));
        assert!(!decide(ColorChoice::Auto, true, Some(OsStr::new("1"))));
        assert!(decide(ColorChoice::Auto, true, Some(OsStr::new(""))));
    }

    #[test]
    fn always_and_never_ignore_the_terminal() {
        assert!(decide(ColorChoice::Always, false, Some(OsStr::new("1"))));
        assert!(!decide(ColorChoice::Never, true, None));
    }

    #[test]
    fn choices_parse() {
        assert_eq!("never".parse(), Ok(ColorChoice::Never));
        assert!("sometimes".parse::<ColorChoice>().is_err());
    }

    #[test]
    fn paint_is_plain_without_colors() {
        assert_eq!(Paint::new(false).paint(Style::Fail, "x").to_string(), "x");
        assert_eq!(
            Paint::new(true).paint(Style::Fail, "x").to_string(),
            "\x1b[31mx\x1b[0m"
        );
    }
}
