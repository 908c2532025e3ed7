//! The bytes of the common TOML a step is written in: whitespace, comments, keys, strings,
//! integers and booleans, read in place. Anything else, or anything invalid, is [`Unsure`]:
//! the caller then gives the text to the toml crate, which reads all of TOML and says what is
//! wrong. So this reader must never accept what the toml crate refuses, nor read a value
//! differently; it may refuse whatever it likes.

use std::borrow::Cow;
use std::ops::Range;

use crate::workflow::source::bare_key_byte;

mod string;

/// The most keys a `[a.b.c]` header may have here. The toml crate refuses a header of more
/// than 80 ("recursion limit"), and each key is a table serde reads recursively, so a longer
/// header is left to the toml crate (which says what is wrong) instead of being read here,
/// accepted where it is refused, or overflowing the stack.
const MAX_HEADER_KEYS: usize = 40;

/// "Not read here": the toml crate reads this text instead.
#[derive(Debug)]
pub struct Unsure;

pub type Read<T> = Result<T, Unsure>;

#[derive(Clone)]
pub struct Scan<'a> {
    text: &'a str,
    pos: usize,
}

/// Where a value's key says it goes, read from `[a.b]`.
pub struct Header<'a> {
    pub keys: Vec<(Cow<'a, str>, Range<usize>)>,
    /// From `[` to `]`, the span the toml crate gives the table it opens.
    pub span: Range<usize>,
}

impl<'a> Scan<'a> {
    pub fn new(text: &'a str) -> Scan<'a> {
        Scan { text, pos: 0 }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn at(&self, offset: usize) -> Option<u8> {
        self.text.as_bytes().get(self.pos + offset).copied()
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    pub fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.pos += usize::from(found);
        found
    }

    pub fn expect(&mut self, byte: u8) -> Read<()> {
        if self.eat(byte) { Ok(()) } else { Err(Unsure) }
    }

    /// Spaces and tabs.
    pub fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// A `#` comment up to (not including) its line end, if one starts here.
    fn comment(&mut self) -> Read<()> {
        if !self.eat(b'#') {
            return Ok(());
        }
        let rest = &self.text.as_bytes()[self.pos..];
        let len = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        // Control characters but tab are not allowed in comments (a lone CR neither, below).
        if rest[..len].iter().any(|&b| control(b) && b != b'\r') {
            return Err(Unsure);
        }
        let cr = rest[..len].iter().position(|&b| b == b'\r');
        match cr {
            // Only as the CR of a CRLF, which is the line end.
            Some(at) if at + 1 == len && len < rest.len() => self.pos += at,
            Some(_) => return Err(Unsure),
            None => self.pos += len,
        }
        Ok(())
    }

    /// A line end (LF or CRLF), if one is here.
    fn newline(&mut self) -> bool {
        match (self.peek(), self.at(1)) {
            (Some(b'\n'), _) => self.pos += 1,
            (Some(b'\r'), Some(b'\n')) => self.pos += 2,
            _ => return false,
        }
        true
    }

    /// Whitespace, comments and line ends: what may stand between values in an array or an
    /// inline table, and between a table's lines.
    pub fn blank(&mut self) -> Read<()> {
        loop {
            self.ws();
            self.comment()?;
            if !self.newline() {
                return Ok(());
            }
        }
    }

    /// The end of a `key = value` or `[table]` line: whitespace, a comment, a line end or the
    /// end of the text.
    pub fn line_end(&mut self) -> Read<()> {
        self.ws();
        self.comment()?;
        if self.newline() || self.at_end() {
            Ok(())
        } else {
            Err(Unsure)
        }
    }

    /// A bare or quoted key, not dotted: a dot after it is [`Unsure`].
    pub fn key(&mut self) -> Read<(Cow<'a, str>, Range<usize>)> {
        let start = self.pos;
        let key = match self.peek() {
            Some(b'"') => self.basic_string()?,
            Some(b'\'') => self.literal_string()?,
            _ => {
                let rest = &self.text.as_bytes()[start..];
                let len = rest
                    .iter()
                    .position(|&b| !bare_key_byte(b))
                    .unwrap_or(rest.len());
                if len == 0 {
                    return Err(Unsure);
                }
                self.pos = start + len;
                Cow::Borrowed(&self.text[start..self.pos])
            }
        };
        Ok((key, start..self.pos))
    }

    /// A key and the `=` after it, up to its value: `name = `.
    pub fn key_eq(&mut self) -> Read<Cow<'a, str>> {
        // The usual key, bare: read in one go, its position kept in a register.
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut at = start;
        while at < bytes.len() && bare_key_byte(bytes[at]) {
            at += 1;
        }
        if at > start {
            let end = at;
            while matches!(bytes.get(at), Some(b' ' | b'\t')) {
                at += 1;
            }
            if bytes.get(at) != Some(&b'=') {
                return Err(Unsure);
            }
            at += 1;
            while matches!(bytes.get(at), Some(b' ' | b'\t')) {
                at += 1;
            }
            self.pos = at;
            return Ok(Cow::Borrowed(&self.text[start..end]));
        }
        let (key, _) = self.key()?;
        self.ws();
        self.expect(b'=')?;
        self.ws();
        Ok(key)
    }

    /// `[a.b.c]` at a line's start (the `[` not yet read); `[[…]]` is [`Unsure`].
    pub fn header(&mut self) -> Read<Header<'a>> {
        let start = self.pos;
        self.expect(b'[')?;
        if self.peek() == Some(b'[') {
            return Err(Unsure);
        }
        let mut keys = Vec::with_capacity(2);
        loop {
            if keys.len() == MAX_HEADER_KEYS {
                return Err(Unsure);
            }
            self.ws();
            keys.push(self.key()?);
            self.ws();
            if !self.eat(b'.') {
                break;
            }
        }
        self.expect(b']')?;
        let span = start..self.pos;
        self.line_end()?;
        Ok(Header { keys, span })
    }

    /// A decimal integer (`0`, `-12`, `1_000`) that ends where a value may end; a float, a
    /// date, or another base is [`Unsure`].
    pub fn integer(&mut self) -> Read<i64> {
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        if matches!(self.peek(), Some(b'+' | b'-')) {
            self.pos += 1;
        }
        let digits = self.pos;
        let mut value: i64 = 0;
        let mut last_digit = false;
        while let Some(b) = self.peek() {
            match b {
                b'0'..=b'9' => {
                    let d = i64::from(b - b'0');
                    value = value.checked_mul(10).ok_or(Unsure)?;
                    value = if negative {
                        value.checked_sub(d)
                    } else {
                        value.checked_add(d)
                    }
                    .ok_or(Unsure)?;
                    last_digit = true;
                }
                b'_' if last_digit => last_digit = false,
                _ => break,
            }
            self.pos += 1;
        }
        let text = &self.text.as_bytes()[digits..self.pos];
        let leading_zero = text.len() > 1 && text[0] == b'0';
        if !last_digit || leading_zero || self.pos == start || !self.value_ends() {
            return Err(Unsure);
        }
        Ok(value)
    }

    /// `true` or `false`.
    pub fn boolean(&mut self) -> Read<bool> {
        let rest = &self.text.as_bytes()[self.pos..];
        let (value, len) = if rest.starts_with(b"true") {
            (true, 4)
        } else if rest.starts_with(b"false") {
            (false, 5)
        } else {
            return Err(Unsure);
        };
        self.pos += len;
        if self.value_ends() {
            Ok(value)
        } else {
            Err(Unsure)
        }
    }

    /// Whether what follows can end a value: whitespace, a line end, a comment, `,`, `]`, `}`.
    fn value_ends(&self) -> bool {
        matches!(
            self.peek(),
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b'#' | b',' | b']' | b'}')
        )
    }
}

/// Control characters a TOML string or comment may not hold as they are (tab may).
const fn control(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}
