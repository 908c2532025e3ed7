//! Reads a plain line of a workflow without the TOML lexer, as the lexer would read it: most
//! lines of a long workflow are `key = "value"` or an inline table on one line, and lexing
//! every token of them only to find the `[[steps]]` headers cost as much as a fifth of
//! loading. Anything this is not sure of (a multi-line string or array, a lone `\r`, an
//! unterminated string) is left to the lexer.

/// Whether `rest`, what follows a line's first key up to its `\n`, leaves the line at depth 0
/// with no string or bracket open, token by token as the lexer reads it.
pub(super) fn plain_rest(rest: &[u8]) -> bool {
    // A `\r` before the `\n` belongs to the line end.
    let n = rest.len() - usize::from(rest.last() == Some(&b'\r'));
    let rest = &rest[..n];
    let mut depth = 0usize;
    let mut i = 0;
    while i < n {
        match rest[i] {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            b'.' | b'=' | b',' | b' ' | b'\t' => {}
            b'#' => return depth == 0 && plain_comment(&rest[i..]),
            // A lone `\r` is a line end to the lexer.
            b'\r' => return false,
            b'"' => match basic_string_end(rest, i) {
                Some(end) => i = end - 1,
                None => return false,
            },
            b'\'' => {
                if rest[i..].starts_with(b"'''") {
                    return false;
                }
                match rest[i + 1..].iter().position(|&b| b == b'\'') {
                    Some(p) => i += p + 1,
                    None => return false,
                }
            }
            _ => {
                // An atom (a bare key or value) runs to the next delimiter, quotes included.
                while i + 1 < n && !b".=,[]{} \t#\r".contains(&rest[i + 1]) {
                    i += 1;
                }
            }
        }
        i += 1;
    }
    depth == 0
}

/// Whether a comment (from its `#` to the line's `\n`, a final `\r` excluded) ends at the
/// line's end: a lone `\r` ends it early, as the lexer reads it.
pub(super) fn plain_comment(comment: &[u8]) -> bool {
    let n = comment.len() - usize::from(comment.last() == Some(&b'\r'));
    !comment[..n].contains(&b'\r')
}

/// The end (after its closing quote) of the one-line basic string opening at `start`.
fn basic_string_end(line: &[u8], start: usize) -> Option<usize> {
    if line[start..].starts_with(b"\"\"\"") {
        return None;
    }
    let mut i = start + 1;
    loop {
        match line.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => {
                // The lexer skips an escaped `\` or `"`; other escapes are read as text.
                i += 1;
                if matches!(line.get(i), Some(b'\\' | b'"')) {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
}
