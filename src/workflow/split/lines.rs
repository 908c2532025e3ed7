//! The lines at the top level of a TOML text, as the lexer sees them: table headers and the
//! first key of key/value lines, what the split needs to find the steps. Plain lines are read
//! without the lexer (`quick`), and must read as the lexer reads them.

use std::iter::Peekable;
use std::ops::Range;

use toml_parser::Source;
use toml_parser::lexer::{Lexer, Token, TokenKind};

use crate::workflow::source::bare_key_byte;

use super::quick;

/// A table header (`[a.b]` or `[[a.b]]`) as lexed.
pub(super) struct Header<'i> {
    pub(super) range: Range<usize>,
    pub(super) array: bool,
    /// The first key's text when it is a bare or plain quoted key.
    pub(super) first: Option<&'i str>,
    /// The first key and the dot after it, to blank out of a step's sub-table header.
    pub(super) first_and_dot: Range<usize>,
    pub(super) keys: usize,
    /// Closed by as many `]` as it opened with: a header missing one is a syntax error that
    /// blanking it out of a step would hide, so such a file is parsed whole.
    pub(super) closed: bool,
}

/// What a line at the top of a table starts with.
pub(super) enum Line<'i> {
    Header(Header<'i>),
    /// A key/value line: its first key's text.
    Key(Option<&'i str>),
}

/// The headers and key/value lines at nesting depth 0, in order, as the TOML lexer sees them.
/// A plain key/value line (one line, no multi-line string, brackets closed on it) is read by
/// `quick::plain_rest` without lexing its value; anything else is lexed, from its line's start
/// until the next line at depth 0.
pub(super) fn lines(text: &str) -> Lines<'_> {
    Lines {
        quick: true,
        ..lexed_lines(text)
    }
}

/// Like [`lines`], every token lexed (what `lines` must agree with).
pub(super) fn lexed_lines(text: &str) -> Lines<'_> {
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

pub(super) struct Lines<'i> {
    text: &'i str,
    /// Plain lines are read without the lexer.
    quick: bool,
    /// Where reading goes on when `tokens` is `None` (a line's start, at depth 0).
    pos: usize,
    /// Lexing the text from an offset (a line's start): token spans are relative to it.
    tokens: Option<(Peekable<Lexer<'i>>, usize)>,
    pub(super) depth: usize,
    line_start: bool,
    /// A string ran to the end of the text: it was cut, not closed.
    pub(super) cut_string: bool,
    /// A line the lexer would not read from its start as from the file's (a byte-order mark
    /// there): the caller parses the file whole.
    pub(super) gave_up: bool,
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
