//! Reads a plain line of a workflow without the TOML lexer, as the lexer would read it: most
//! lines of a long workflow are `key = "value"` or an inline table on one line, and lexing
//! every token of them only to find the `[[steps]]` headers cost as much as a fifth of
//! loading. Anything this is not sure of (a multi-line string or array, a lone `\r`, an
//! unterminated string) is left to the lexer.

use crate::workflow::source::bare_key_byte;

/// What a byte is to the lexer, outside strings.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Part of an atom (a bare key or value), quotes included once an atom has begun.
    Atom,
    /// `.`, `=`, `,`, space, tab: a token of its own, ending an atom.
    Delimiter,
    Open,
    Close,
    Comment,
    CarriageReturn,
    Quote,
    Apostrophe,
    /// `\n`: the line's end.
    Newline,
}

const fn classes() -> [Class; 256] {
    let mut table = [Class::Atom; 256];
    let delimiters = b".=, \t";
    let mut i = 0;
    while i < delimiters.len() {
        table[delimiters[i] as usize] = Class::Delimiter;
        i += 1;
    }
    table[b'[' as usize] = Class::Open;
    table[b'{' as usize] = Class::Open;
    table[b']' as usize] = Class::Close;
    table[b'}' as usize] = Class::Close;
    table[b'#' as usize] = Class::Comment;
    table[b'\r' as usize] = Class::CarriageReturn;
    table[b'"' as usize] = Class::Quote;
    table[b'\'' as usize] = Class::Apostrophe;
    table[b'\n' as usize] = Class::Newline;
    table
}

const CLASS: [Class; 256] = classes();

/// Whether `rest`, what follows a line's first key up to its `\n`, leaves the line at depth 0
/// with no string or bracket open, token by token as the lexer reads it.
pub(super) fn plain_rest(rest: &[u8]) -> bool {
    // A `\r` before the `\n` belongs to the line end.
    let n = rest.len() - usize::from(rest.last() == Some(&b'\r'));
    let rest = &rest[..n];
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = rest.get(i) {
        match CLASS[usize::from(b)] {
            Class::Open => depth += 1,
            Class::Close => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            Class::Delimiter => {}
            Class::Comment => return depth == 0 && plain_comment(&rest[i..]),
            // A lone `\r` is a line end to the lexer; a `\n` is not in a line given without it.
            Class::CarriageReturn | Class::Newline => return false,
            Class::Quote => match basic_string_end(rest, i) {
                Some(end) => i = end - 1,
                None => return false,
            },
            Class::Apostrophe => {
                if rest[i..].starts_with(b"'''") {
                    return false;
                }
                match memchr::memchr(b'\'', &rest[i + 1..]) {
                    Some(p) => i += p + 1,
                    None => return false,
                }
            }
            Class::Atom => i += atom_len(&rest[i..]) - 1,
        }
        i += 1;
    }
    depth == 0
}

/// Like [`plain_rest`], reading `rest` (what follows a line's first key, up to the end of the
/// text) in the same pass that finds its line end: the offset of the `\n` that ends a plain
/// line, or `None` (a line that is not plain, or the text's last line, without a `\n`).
pub(super) fn plain_line_end(rest: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0;
    loop {
        let &b = rest.get(i)?;
        match CLASS[usize::from(b)] {
            Class::Newline => return (depth == 0).then_some(i),
            Class::Open => depth += 1,
            Class::Close => depth = depth.checked_sub(1)?,
            Class::Delimiter => {}
            Class::Comment => {
                let end = i + memchr::memchr(b'\n', &rest[i..])?;
                // As `plain_rest` reads it: the line's final `\r` is not the comment's.
                let comment = &rest[i..end];
                let comment = comment.strip_suffix(b"\r").unwrap_or(comment);
                return (depth == 0 && plain_comment(comment)).then_some(end);
            }
            // Only as the CR of the line's CRLF; a lone `\r` is a line end to the lexer.
            Class::CarriageReturn => {
                return (depth == 0 && rest.get(i + 1) == Some(&b'\n')).then_some(i + 1);
            }
            Class::Quote => i = basic_string_end_in_line(rest, i)? - 1,
            Class::Apostrophe => {
                if rest[i..].starts_with(b"'''") {
                    return None;
                }
                let p = memchr::memchr2(b'\'', b'\n', &rest[i + 1..])?;
                if rest[i + 1 + p] == b'\n' {
                    return None;
                }
                i += p + 1;
            }
            Class::Atom => i += atom_len(&rest[i..]) - 1,
        }
        i += 1;
    }
}

/// The length of the atom (a bare key or value) `line` starts with: it runs to the next
/// delimiter, quotes included. `line` holds no `\n`.
pub(super) fn atom_len(line: &[u8]) -> usize {
    line.iter()
        .position(|&b| {
            !matches!(
                CLASS[usize::from(b)],
                Class::Atom | Class::Quote | Class::Apostrophe
            )
        })
        .unwrap_or(line.len())
}

/// Whether a comment (from its `#` to the line's `\n`, a final `\r` excluded) ends at the
/// line's end: a lone `\r` ends it early, as the lexer reads it.
pub(super) fn plain_comment(comment: &[u8]) -> bool {
    let n = comment.len() - usize::from(comment.last() == Some(&b'\r'));
    memchr::memchr(b'\r', &comment[..n]).is_none()
}

/// The end (after its closing quote) of the one-line basic string opening at `start`.
fn basic_string_end(line: &[u8], start: usize) -> Option<usize> {
    if line[start..].starts_with(b"\"\"\"") {
        return None;
    }
    let mut i = start + 1;
    loop {
        i += memchr::memchr2(b'"', b'\\', line.get(i..)?)?;
        if line[i] == b'"' {
            return Some(i + 1);
        }
        // The lexer skips an escaped `\` or `"`; other escapes are read as text.
        i += 1;
        if matches!(line.get(i), Some(b'\\' | b'"')) {
            i += 1;
        }
    }
}

/// Like [`basic_string_end`] in text that runs past the line: a string not closed before the
/// line's `\n` is `None`.
fn basic_string_end_in_line(text: &[u8], start: usize) -> Option<usize> {
    if text[start..].starts_with(b"\"\"\"") {
        return None;
    }
    let mut i = start + 1;
    loop {
        i += memchr::memchr3(b'"', b'\\', b'\n', text.get(i..)?)?;
        match text[i] {
            b'"' => return Some(i + 1),
            b'\n' => return None,
            _ => {}
        }
        i += 1;
        if matches!(text.get(i), Some(b'\\' | b'"')) {
            i += 1;
        }
    }
}

/// A header line of bare keys, as the lexer reads it: `[a.b]` or `[[a]]`, then only
/// whitespace or a comment (ranges relative to the line).
pub(super) struct QuickHeader {
    pub range: std::ops::Range<usize>,
    pub array: bool,
    pub first: std::ops::Range<usize>,
    pub first_and_dot: std::ops::Range<usize>,
    pub keys: usize,
}

/// `line` (from its `[`, without its `\n`) as a header of bare keys without whitespace or
/// quotes inside the brackets; `None` for any other line, which the lexer then reads.
pub(super) fn header(line: &[u8]) -> Option<QuickHeader> {
    let array = line.get(1) == Some(&b'[');
    let open = 1 + usize::from(array);
    let mut i = open;
    let mut keys = 0;
    let mut first = 0..0;
    let mut first_and_dot = 0..0;
    loop {
        let len = line[i..].iter().take_while(|&&b| bare_key_byte(b)).count();
        if len == 0 {
            return None;
        }
        keys += 1;
        if keys == 1 {
            first = i..i + len;
            first_and_dot = first.clone();
        }
        i += len;
        if line.get(i) != Some(&b'.') {
            break;
        }
        i += 1;
        if keys == 1 {
            first_and_dot.end = i;
        }
    }
    let close: &[u8] = if array { b"]]" } else { b"]" };
    if !line[i..].starts_with(close) {
        return None;
    }
    let end = i + close.len();
    let rest = &line[end..];
    let n = rest.len() - usize::from(rest.last() == Some(&b'\r'));
    let rest = &rest[..n];
    let blank = rest
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    match rest.get(blank) {
        None => {}
        Some(b'#') if plain_comment(&rest[blank..]) => {}
        Some(_) => return None,
    }
    Some(QuickHeader {
        range: 0..end,
        array,
        first,
        first_and_dot,
        keys,
    })
}
