//! How wide the console is, and cutting a line to it: a line wider than a terminal wraps, and
//! a wrapped progress row is one the next redraw cannot find again (it stays on screen).

use std::borrow::Cow;

/// The columns the console report may use, or `None` for no limit.
///
/// `COLUMNS`, when it holds a positive number, wins: it is how a person or a CI system asks
/// for a width. Otherwise a terminal's own width is used, and output that is not a terminal
/// (a pipe, a file, a CI log) is not cut, so nothing is lost where a reader can scroll.
pub fn console_width(terminal: Option<&console::Term>) -> Option<usize> {
    decide(
        std::env::var("COLUMNS").ok().as_deref(),
        terminal
            .and_then(console::Term::size_checked)
            .map(|(_, cols)| cols),
    )
}

fn decide(columns: Option<&str>, terminal_cols: Option<u16>) -> Option<usize> {
    let from_env = columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0);
    from_env.or(terminal_cols.filter(|&c| c > 0).map(usize::from))
}

/// `line` cut to `width` columns, by display width (a CJK character takes two, an escape
/// sequence none) and never inside a character; `…` marks the cut, and color codes after it
/// are kept so a style is still reset. Tabs become spaces first: a terminal moves a tab to its
/// next stop, which no width count can know.
pub fn fit(line: &str, width: Option<usize>) -> Cow<'_, str> {
    let Some(width) = width else {
        return Cow::Borrowed(line);
    };
    let line = if line.contains('\t') {
        Cow::Owned(line.replace('\t', "    "))
    } else {
        Cow::Borrowed(line)
    };
    match console::truncate_str(&line, width.max(1), "…") {
        Cow::Borrowed(_) => line,
        Cow::Owned(cut) => Cow::Owned(cut),
    }
}

/// Columns `text` takes on a terminal (escape sequences take none): the one measure the
/// Markdown wrapping and teach use too.
pub use crate::markdown::display_width as columns;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_variable_wins_then_the_terminal_then_no_limit() {
        assert_eq!(decide(Some("100"), Some(80)), Some(100));
        assert_eq!(decide(None, Some(80)), Some(80));
        assert_eq!(decide(Some("wide"), Some(80)), Some(80));
        assert_eq!(decide(Some("0"), None), None);
        assert_eq!(decide(None, None), None);
    }

    #[test]
    fn lines_are_cut_by_display_width() {
        assert_eq!(fit("short", Some(80)), "short");
        assert_eq!(fit("abcdef", Some(4)), "abc…");
        assert_eq!(fit("日本語テキスト", Some(7)), "日本語…");
        assert_eq!(columns(&fit("ééééé", Some(3))), 3);
        assert_eq!(fit("a\tb", Some(80)), "a    b");
        assert_eq!(fit(&"x".repeat(500), None).len(), 500);
    }

    #[test]
    fn color_codes_take_no_room_and_survive_a_cut() {
        let red = "\x1b[31mabcdef\x1b[0m";
        assert_eq!(fit(red, Some(6)), red);
        assert_eq!(fit(red, Some(4)), "\x1b[31mabc…\x1b[0m");
    }
}
