//! Splits a workflow file at its `[[steps]]` headers, so each step can be parsed on its own:
//! a long workflow is then never held as one parsed document, and steps past the first few
//! thousand can be read again from the text when they are needed (see `steps`).
//!
//! Byte offsets are kept: the head is the file with every step blanked out, and a step's text
//! is its slice of the file with the `steps` key blanked out of its headers
//! (`[steps.expect]` → `[      expect]`), so spans found in either map back onto the file by
//! adding the slice's start. Files this cannot split safely (a `steps` table or inline array,
//! a `[steps.x]` section after another table) are parsed whole, as before.

use std::iter::Peekable;
use std::ops::Range;

use smallvec::{SmallVec, smallvec};
use toml_parser::Source;
use toml_parser::lexer::{Lexer, Token, TokenKind};

use crate::workflow::source::bare_key_byte;

/// A file cut into its head (everything but the steps) and one range per `[[steps]]` entry.
#[derive(Debug)]
pub struct Split {
    pub head: String,
    pub chunks: Vec<Chunk>,
    /// The steps come last, one after the other: `head` is the text before them.
    pub contiguous: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub range: Range<usize>,
    /// The step has a `use` key: it is inlined at load time, never deferred.
    pub uses: bool,
    /// What `step_text` blanks out, found while splitting (file offsets): most steps have only
    /// their `[[steps]]` header, held in place without an allocation.
    pub blanks: SmallVec<[Range<usize>; 1]>,
}

/// A table header (`[a.b]` or `[[a.b]]`) as lexed.
struct Header<'i> {
    range: Range<usize>,
    array: bool,
    /// The first key's text when it is a bare or plain quoted key.
    first: Option<&'i str>,
    /// The first key and the dot after it, to blank out of a step's sub-table header.
    first_and_dot: Range<usize>,
    keys: usize,
    /// Closed by as many `]` as it opened with: a header missing one is a syntax error that
    /// blanking it out of a step would hide, so such a file is parsed whole.
    closed: bool,
}

/// What a line at the top of a table starts with.
enum Line<'i> {
    Header(Header<'i>),
    /// A key/value line: its first key's text.
    Key(Option<&'i str>),
}

/// Splits `text`, or `None` when it has no `[[steps]]` headers or cannot be split safely.
pub fn split(text: &str) -> Option<Split> {
    let chunks = match halves(text) {
        Some(chunks) => chunks,
        None => scan(text, 0)?.chunks,
    };
    finish(text, chunks)
}

/// The cores this process may use, asked once (each asking reads the cgroup's CPU quota from
/// /proc and /sys), and only by a file big enough to be read on two threads.
pub(super) fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
}

/// From this size on, a file is scanned in two halves at once.
const HALVES_FROM: usize = 64 * 1024;

/// Scans a long file as two halves on two threads, cut at a `[[steps]]` line near the middle.
/// The cut is only a guess (the line could be inside a multi-line string or array); it is
/// kept only if the first half ends at the top level, outside any string and bracket, which
/// is exactly when the second half lexes the same on its own. `None` otherwise.
fn halves(text: &str) -> Option<Vec<Chunk>> {
    if text.len() < HALVES_FROM || cores() < 2 {
        return None;
    }
    let mid = text.len() / 2;
    let at = mid + text.get(mid..)?.find("\n[[steps]]")? + 1;
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| scan(&text[at..], at));
        let first = scan(&text[..at], 0);
        (first, second.join().ok().flatten())
    });
    let (first, second) = (first?, second?);
    if !first.clean_end {
        return None;
    }
    let mut chunks = first.chunks;
    chunks.extend(second.chunks);
    Some(chunks)
}

/// The steps found in a slice of the file (ranges in file offsets), and whether the slice
/// ended at the top level, outside any string or bracket.
struct Scan {
    chunks: Vec<Chunk>,
    clean_end: bool,
}

/// Scans `text`, which starts at byte `base` of the file.
fn scan(text: &str, base: usize) -> Option<Scan> {
    scan_lines(lines(text), text, base)
}

/// Scans `text` as `lines` reads it.
fn scan_lines(mut lines: Lines<'_>, text: &str, base: usize) -> Option<Scan> {
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut open = false;
    let mut at_root = true;
    for line in lines.by_ref() {
        match line {
            Line::Header(h) if !h.closed => return None,
            Line::Header(h) => {
                at_root = false;
                let is_steps = h.first == Some("steps");
                match (is_steps, h.array, h.keys) {
                    (true, true, 1) => {
                        if let Some(last) = chunks.last_mut().filter(|_| open) {
                            last.range.end = h.range.start;
                        }
                        chunks.push(Chunk {
                            range: h.range.start..text.len(),
                            uses: false,
                            blanks: smallvec![h.range],
                        });
                        open = true;
                    }
                    (true, _, 1) => return None,
                    (true, _, _) if !open => return None,
                    (true, _, _) => {
                        if let Some(last) = chunks.last_mut() {
                            last.blanks.push(h.first_and_dot);
                        }
                    }
                    (false, _, _) => {
                        if let Some(last) = chunks.last_mut().filter(|_| open) {
                            last.range.end = h.range.start;
                        }
                        open = false;
                    }
                }
            }
            Line::Key(first) => match first {
                Some("steps") if at_root => return None,
                Some("use") if open => {
                    if let Some(last) = chunks.last_mut() {
                        last.uses = true;
                    }
                }
                None => return None,
                _ => {}
            },
        }
    }
    if lines.gave_up {
        return None;
    }
    let shift = |r: &mut Range<usize>| *r = r.start + base..r.end + base;
    for chunk in &mut chunks {
        shift(&mut chunk.range);
        chunk.blanks.iter_mut().for_each(shift);
    }
    Some(Scan {
        chunks,
        clean_end: lines.depth == 0 && !lines.cut_string,
    })
}

/// The split of `text` with its steps at `chunks`.
fn finish(text: &str, chunks: Vec<Chunk>) -> Option<Split> {
    if chunks.is_empty() {
        return None;
    }
    let contiguous = chunks
        .windows(2)
        .all(|w| w[0].range.end == w[1].range.start)
        && chunks.last().is_some_and(|c| c.range.end == text.len());
    let head = if contiguous {
        // The usual layout, steps last: the head is the text before them, offsets unchanged.
        text[..chunks[0].range.start].to_owned()
    } else {
        let mut head = text.as_bytes().to_vec();
        for chunk in &chunks {
            blank(&mut head, chunk.range.clone());
        }
        String::from_utf8(head).ok()?
    };
    Some(Split {
        head,
        chunks,
        contiguous,
    })
}

/// One step's text: its slice of `text` with `steps` blanked out of its headers, so it parses
/// as the step's own table. Offsets inside are relative to `range.start`.
pub fn step_text(text: &str, range: Range<usize>) -> Option<String> {
    let slice = text.get(range.clone())?;
    let blanks: Vec<Range<usize>> = lines(slice)
        .filter_map(|line| match line {
            Line::Header(h) if h.keys == 1 => Some(h.range),
            Line::Header(h) => Some(h.first_and_dot),
            Line::Key(_) => None,
        })
        .map(|r| r.start + range.start..r.end + range.start)
        .collect();
    chunk_text(text, &range, &blanks)
}

/// Like [`step_text`], with the blanks the split found.
pub fn chunk_text(text: &str, range: &Range<usize>, blanks: &[Range<usize>]) -> Option<String> {
    let mut out = text.get(range.clone())?.as_bytes().to_vec();
    for b in blanks {
        blank(&mut out, b.start - range.start..b.end - range.start);
    }
    String::from_utf8(out).ok()
}

/// Spaces for every byte but line ends, so offsets and line numbers stay as they were.
fn blank(bytes: &mut [u8], range: Range<usize>) {
    for b in &mut bytes[range] {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

/// The headers and key/value lines at nesting depth 0, in order, as the TOML lexer sees them.
/// A plain key/value line (one line, no multi-line string, brackets closed on it) is read by
/// `quick::plain_rest` without lexing its value; anything else is lexed, from its line's start
/// until the next line at depth 0.
fn lines(text: &str) -> Lines<'_> {
    Lines {
        quick: true,
        ..lexed_lines(text)
    }
}

/// Like [`lines`], every token lexed (what `lines` must agree with).
fn lexed_lines(text: &str) -> Lines<'_> {
    Lines {
        text,
        quick: false,
        pos: 0,
        tokens: None,
        depth: 0,
        line_start: true,
        cut_string: false,
        gave_up: false,
    }
}

struct Lines<'i> {
    text: &'i str,
    /// Plain lines are read without the lexer.
    quick: bool,
    /// Where reading goes on when `tokens` is `None` (a line's start, at depth 0).
    pos: usize,
    /// Lexing the text from an offset (a line's start): token spans are relative to it.
    tokens: Option<(Peekable<Lexer<'i>>, usize)>,
    depth: usize,
    line_start: bool,
    /// A string ran to the end of the text: it was cut, not closed.
    cut_string: bool,
    /// A line the lexer would not read from its start as from the file's (a byte-order mark
    /// there): the caller parses the file whole.
    gave_up: bool,
}

impl<'i> Iterator for Lines<'i> {
    type Item = Line<'i>;

    fn next(&mut self) -> Option<Line<'i>> {
        loop {
            if self.tokens.is_none() {
                if self.quick
                    && let Some(line) = self.plain_line()
                {
                    return Some(line);
                }
                if self.pos >= self.text.len() && self.pos > 0 {
                    return None;
                }
                if self.pos > 0 && self.text.as_bytes()[self.pos..].starts_with(b"\xEF\xBB\xBF") {
                    self.gave_up = true;
                    return None;
                }
                let rest = &self.text[self.pos..];
                self.tokens = Some((Source::new(rest).lex().peekable(), self.pos));
            }
            let (t, base) = match &mut self.tokens {
                Some((tokens, base)) => (tokens.next()?, *base),
                None => return None,
            };
            match t.kind() {
                TokenKind::Whitespace | TokenKind::Comment => {}
                TokenKind::Newline => {
                    self.line_start = self.line_start || self.depth == 0;
                    if self.quick && self.depth == 0 {
                        // Back at a line's start at depth 0: plain lines are read quickly again.
                        self.pos = base + t.span().end();
                        self.tokens = None;
                    }
                }
                TokenKind::Eof => return None,
                TokenKind::LeftSquareBracket if self.line_start && self.depth == 0 => {
                    self.line_start = false;
                    return Some(Line::Header(self.header(t, base)));
                }
                kind => {
                    let starts_line = self.line_start && self.depth == 0;
                    self.line_start = false;
                    self.note_cut(t, base);
                    match kind {
                        TokenKind::LeftSquareBracket | TokenKind::LeftCurlyBracket => {
                            self.depth += 1;
                        }
                        TokenKind::RightSquareBracket | TokenKind::RightCurlyBracket => {
                            self.depth = self.depth.saturating_sub(1);
                        }
                        _ => {}
                    }
                    if starts_line {
                        return Some(Line::Key(key_text(&self.text[base..], t)));
                    }
                }
            }
        }
    }
}

impl<'i> Lines<'i> {
    /// At a line's start at depth 0, outside the lexer: skips blank and comment lines, and
    /// reads a plain key/value line whole. `None` where the lexer must read on (`pos` is then
    /// the start of the line it reads from, or the text's end).
    fn plain_line(&mut self) -> Option<Line<'i>> {
        let bytes = self.text.as_bytes();
        loop {
            let line_start = self.pos;
            let indent = bytes[line_start..]
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            let first = line_start + indent;
            if bytes.get(first).is_some_and(|&b| bare_key_byte(b)) {
                // A bare key: an atom, as the lexer reads it, without the lexer; the rest of
                // the line is read in the pass that finds its end.
                let key_end = first + quick::atom_len(&bytes[first..]);
                let eol = key_end + quick::plain_line_end(&bytes[key_end..])?;
                self.pos = eol + 1;
                self.line_start = true;
                return Some(Line::Key(Some(&self.text[first..key_end])));
            }
            let eol = memchr::memchr(b'\n', &bytes[first..]).map(|i| first + i)?;
            match bytes[first..eol].first() {
                None | Some(b'#') => {}
                Some(b'\r') if first + 1 == eol => {}
                Some(b'"' | b'\'') => {
                    let rest = &self.text[first..];
                    let t = Source::new(rest).lex().next()?;
                    let simple_key = matches!(
                        t.kind(),
                        TokenKind::Atom | TokenKind::BasicString | TokenKind::LiteralString
                    );
                    let key_end = first + t.span().end();
                    if !simple_key || key_end > eol || !quick::plain_rest(&bytes[key_end..eol]) {
                        return None;
                    }
                    self.pos = eol + 1;
                    self.line_start = true;
                    return Some(Line::Key(key_text(rest, t)));
                }
                Some(b'[') => {
                    let header = quick::header(&bytes[first..eol])?;
                    self.pos = eol + 1;
                    self.line_start = true;
                    let at = |r: Range<usize>| first + r.start..first + r.end;
                    return Some(Line::Header(Header {
                        range: at(header.range),
                        array: header.array,
                        first: Some(&self.text[at(header.first.clone())]),
                        first_and_dot: at(header.first_and_dot),
                        keys: header.keys,
                        closed: true,
                    }));
                }
                Some(_) => return None,
            }
            if bytes[first..eol].first() == Some(&b'#') && !quick::plain_comment(&bytes[first..eol])
            {
                return None;
            }
            self.pos = eol + 1;
        }
    }

    /// Notes a string token that reaches the end of the text (no newline after it).
    fn note_cut(&mut self, t: Token, base: usize) {
        if is_string(t) && base + t.span().end() == self.text.len() {
            self.cut_string = true;
        }
    }

    /// Reads the rest of a header whose `[` is `open`, lexed from `base`.
    fn header(&mut self, open: Token, base: usize) -> Header<'i> {
        let text = &self.text[base..];
        let mut cut = false;
        let Some((tokens, _)) = &mut self.tokens else {
            unreachable!("a header is read by the lexer")
        };
        let array = tokens
            .next_if(|t| t.kind() == TokenKind::LeftSquareBracket)
            .is_some();
        let mut first = None;
        // Empty for a header of no key, where it starts (wherever the lexer started).
        let mut first_and_dot = open.span().start()..open.span().start();
        let mut dot_seen = false;
        let mut keys = 0;
        let mut closed = false;
        let mut end = open.span().end();
        while let Some(t) =
            tokens.next_if(|t| !matches!(t.kind(), TokenKind::Newline | TokenKind::Eof))
        {
            end = t.span().end();
            cut |= is_string(t) && end == text.len();
            match t.kind() {
                TokenKind::Whitespace => {}
                TokenKind::Dot => {
                    if keys == 1 && !dot_seen {
                        first_and_dot.end = end;
                    }
                    dot_seen = true;
                }
                TokenKind::RightSquareBracket => {
                    closed = !array;
                    if array
                        && let Some(close) =
                            tokens.next_if(|t| t.kind() == TokenKind::RightSquareBracket)
                    {
                        end = close.span().end();
                        closed = true;
                    }
                    break;
                }
                _ => {
                    keys += 1;
                    if keys == 1 {
                        first = key_text(text, t);
                        first_and_dot = t.span().start()..end;
                    }
                }
            }
        }
        self.cut_string |= cut;
        Header {
            range: base + open.span().start()..base + end,
            array,
            first,
            first_and_dot: base + first_and_dot.start..base + first_and_dot.end,
            keys,
            closed,
        }
    }
}

fn is_string(t: Token) -> bool {
    matches!(
        t.kind(),
        TokenKind::BasicString
            | TokenKind::LiteralString
            | TokenKind::MlBasicString
            | TokenKind::MlLiteralString
    )
}

/// A key's text: bare, or quoted without escapes. `None` for anything else.
fn key_text(text: &str, t: Token) -> Option<&str> {
    let raw = text.get(t.span().start()..t.span().end())?;
    match t.kind() {
        TokenKind::Atom => Some(raw),
        TokenKind::BasicString if !raw.contains('\\') => Some(raw.trim_matches('"')),
        TokenKind::LiteralString => Some(raw.trim_matches('\'')),
        _ => None,
    }
}

mod quick;
#[cfg(test)]
mod tests;
