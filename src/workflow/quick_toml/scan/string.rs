//! Strings as a step writes them, read in place: basic and literal, on one line or several,
//! escapes decoded; a string borrowed from the text when it has no escape.

use std::borrow::Cow;

use super::{Read, Scan, Unsure, control};

impl<'a> Scan<'a> {
    /// A string value or quoted key: basic, literal, or either multi-line form.
    pub fn string(&mut self) -> Read<Cow<'a, str>> {
        let bytes = &self.text.as_bytes()[self.pos..];
        if bytes.starts_with(b"\"\"\"") {
            self.multiline(b'"')
        } else if bytes.starts_with(b"'''") {
            self.multiline(b'\'')
        } else if bytes.first() == Some(&b'"') {
            self.basic_string()
        } else {
            self.literal_string()
        }
    }

    pub(super) fn literal_string(&mut self) -> Read<Cow<'a, str>> {
        self.expect(b'\'')?;
        let start = self.pos;
        let rest = &self.text.as_bytes()[start..];
        let len = rest.iter().position(|&b| b == b'\'').ok_or(Unsure)?;
        if rest[..len].iter().copied().any(control) {
            return Err(Unsure);
        }
        self.pos += len + 1;
        Ok(Cow::Borrowed(&self.text[start..start + len]))
    }

    pub(super) fn basic_string(&mut self) -> Read<Cow<'a, str>> {
        self.expect(b'"')?;
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let plain = start
            + bytes[start..]
                .iter()
                .position(|&b| STRING_STOP[usize::from(b)])
                .ok_or(Unsure)?;
        match bytes[plain] {
            b'"' => {
                self.pos = plain + 1;
                return Ok(Cow::Borrowed(&self.text[start..plain]));
            }
            b'\\' => {}
            _ => return Err(Unsure),
        }
        // With escapes: decode from the first one on.
        let mut out = String::with_capacity(plain - start + 16);
        out.push_str(&self.text[start..plain]);
        self.pos = plain;
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(b) if control(b) => return Err(Unsure),
                Some(_) => self.copy_char(&mut out)?,
                None => return Err(Unsure),
            }
        }
    }

    /// One character, as it is, into `out`.
    fn copy_char(&mut self, out: &mut String) -> Read<()> {
        let c = self.text[self.pos..].chars().next().ok_or(Unsure)?;
        out.push(c);
        self.pos += c.len_utf8();
        Ok(())
    }

    /// `\n`, `\"`, `\uXXXX`…: the escapes TOML 1.0 has (1.1's `\e` and `\x` are left to the
    /// toml crate).
    fn escape(&mut self, out: &mut String) -> Read<()> {
        self.expect(b'\\')?;
        let c = match self.peek().ok_or(Unsure)? {
            b'b' => '\u{8}',
            b't' => '\t',
            b'n' => '\n',
            b'f' => '\u{c}',
            b'r' => '\r',
            b'"' => '"',
            b'\\' => '\\',
            b'u' => return self.unicode(4, out),
            b'U' => return self.unicode(8, out),
            _ => return Err(Unsure),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    fn unicode(&mut self, digits: usize, out: &mut String) -> Read<()> {
        let hex = self
            .text
            .get(self.pos + 1..self.pos + 1 + digits)
            .ok_or(Unsure)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Unsure);
        }
        let code = u32::from_str_radix(hex, 16).map_err(|_| Unsure)?;
        out.push(char::from_u32(code).ok_or(Unsure)?);
        self.pos += 1 + digits;
        Ok(())
    }

    /// `"""…"""` or `'''…'''`: a line end right after the opening quotes is dropped; in the
    /// basic form a backslash at a line's end drops the line end and the whitespace after it.
    /// Line ends must be LF (a CRLF is left to the toml crate).
    fn multiline(&mut self, quote: u8) -> Read<Cow<'a, str>> {
        self.pos += 3;
        self.eat(b'\n');
        let start = self.pos;
        let basic = quote == b'"';
        let bytes = self.text.as_bytes();
        let mut out: Option<String> = None;
        loop {
            let b = self.peek().ok_or(Unsure)?;
            if b == quote && self.at(1) == Some(quote) && self.at(2) == Some(quote) {
                // Up to two more quotes belong to the string.
                let mut extra = 0;
                while extra < 2 && self.at(3 + extra) == Some(quote) {
                    extra += 1;
                }
                if self.at(3 + extra) == Some(quote) {
                    return Err(Unsure);
                }
                let end = self.pos + extra;
                self.pos = end + 3;
                return Ok(match out {
                    Some(mut s) => {
                        s.push_str(&self.text[end - extra..end]);
                        Cow::Owned(s)
                    }
                    None => Cow::Borrowed(&self.text[start..end]),
                });
            }
            match b {
                b'\\' if basic => {
                    let s = out.get_or_insert_with(|| self.text[start..self.pos].to_owned());
                    let mut after = self.pos + 1;
                    while matches!(bytes.get(after), Some(b' ' | b'\t')) {
                        after += 1;
                    }
                    if bytes.get(after) == Some(&b'\n') {
                        // A line-ending backslash: skip every blank up to the next text.
                        self.pos = after;
                        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n')) {
                            self.pos += 1;
                        }
                    } else {
                        self.escape(s)?;
                    }
                }
                b'\n' | b'\t' => {
                    if let Some(s) = &mut out {
                        s.push(char::from(b));
                    }
                    self.pos += 1;
                }
                b if control(b) => return Err(Unsure),
                _ => match &mut out {
                    Some(s) => self.copy_char(s)?,
                    None => self.pos += 1,
                },
            }
        }
    }
}

/// Where a basic string's plain run of text stops: its closing quote, an escape, or a control
/// character (a lookup per byte, the bytes of every string of a file being read this way).
const STRING_STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut c: u8 = 0;
    loop {
        table[c as usize] = c == b'"' || c == b'\\' || control(c);
        if c == u8::MAX {
            break;
        }
        c += 1;
    }
    table
};
