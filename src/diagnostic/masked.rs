//! How a diagnostic shows a source line: the string literals of a secret entry's line are
//! masked as `«name»` (README, Secrets), and each column mapped so the caret stays on the same text.

use crate::secret::name_is_secret;
use crate::workflow::source::Source;

/// A source line as a diagnostic shows it.
pub(super) struct Shown {
    pub(super) text: String,
    /// For each character of the original line, and one past its end, the index of the
    /// character of `text` it is shown at.
    at: Vec<usize>,
}

impl Shown {
    pub(super) fn column(&self, original: usize) -> usize {
        let last = self.at.last().copied().unwrap_or(0);
        self.at.get(original).copied().unwrap_or(last)
    }
}

/// Line `line` of `source`, with the string literals masked when it holds a secret entry.
pub(super) fn shown_line(source: &Source, line: usize) -> Shown {
    let text = source.line_text(line);
    // `env = "NAME"` names an environment variable, it holds no secret.
    let names_env = key_path(text).is_some_and(|path| path.last().is_some_and(|k| k == "env"));
    match secret_entry(source, line).filter(|_| !names_env) {
        Some(name) => mask_strings(text, &name),
        None => Shown {
            text: text.to_owned(),
            at: (0..=text.chars().count()).collect(),
        },
    }
}

/// The name of the secret entry line `line` belongs to, if it does: its key (or, for a line
/// continuing a multi-line array, the key of the line it continues) or its table's name
/// contains secret/password/token/otp, or the entry or its table says `secret = true`.
fn secret_entry(source: &Source, line: usize) -> Option<String> {
    // The file's lines, split once: asking `line_text` for each would read the file from its
    // start every time (a fuzzed 47 KB file took a second to report an error on its last line).
    let lines: Vec<&str> = source
        .text
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .collect();
    // `source` may be a window of its file (one step): `line` is the file's, counted here
    // from the window's first line.
    let line = (line + 1).saturating_sub(source.first_line());
    let line_text = |l: usize| lines.get(l.wrapping_sub(1)).copied().unwrap_or("");
    if is_header(line_text(line)) {
        return None;
    }
    let mut key = None;
    let mut header = None;
    for l in (1..=line).rev() {
        let text = line_text(l);
        if is_header(text) {
            header = Some(l);
            break;
        }
        if key.is_none()
            && let Some(path) = key_path(text)
        {
            key = Some((path, text));
        }
    }
    if let Some((path, text)) = &key {
        if let Some(name) = path.iter().find(|s| name_is_secret(s)) {
            return Some(name.clone());
        }
        if says_secret_true(text) {
            return path.first().cloned();
        }
    }
    let header = header?;
    let table = header_path(line_text(header))?;
    if let Some(name) = table.iter().find(|s| name_is_secret(s)) {
        return Some(name.clone());
    }
    let body = lines.iter().skip(header).take_while(|t| !is_header(t));
    for text in body {
        if compact(text.split('#').next().unwrap_or("")) == "secret=true" {
            return table.last().cloned();
        }
    }
    None
}

/// `[name]` or `[[name]]` (a TOML table header), not a line of a multi-line array.
fn is_header(text: &str) -> bool {
    header_path(text).is_some()
}

fn header_path(text: &str) -> Option<Vec<String>> {
    let code = compact(text.split('#').next().unwrap_or(""));
    let inner = code.strip_prefix('[')?.strip_suffix(']')?;
    let inner = inner
        .strip_prefix('[')
        .and_then(|i| i.strip_suffix(']'))
        .unwrap_or(inner);
    key_segments(inner)
}

/// The dotted key before the `=` of a `key = value` line.
fn key_path(text: &str) -> Option<Vec<String>> {
    let eq = top_level_eq(text)?;
    key_segments(&text.chars().take(eq).collect::<String>())
}

/// `a.b."c d"` as its segments; `None` when it is not a key.
fn key_segments(key: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for part in key.trim().split('.') {
        let part = part.trim();
        let quoted = ['"', '\'']
            .iter()
            .find_map(|q| part.strip_prefix(*q).and_then(|p| p.strip_suffix(*q)));
        match quoted {
            Some(inner) => out.push(inner.to_owned()),
            None if !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
            {
                out.push(part.to_owned());
            }
            None => return None,
        }
    }
    Some(out)
}

/// Whether the value's inline table says `secret = true` at its own level (not in a table
/// nested deeper, such as an extraction's options).
fn says_secret_true(text: &str) -> bool {
    let mut depth = 0usize;
    let mut outside = String::new();
    for (c, in_string) in Strings::new(text) {
        if in_string {
            continue;
        }
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            c if depth == 1 => outside.push(c),
            _ => {}
        }
    }
    compact(&outside)
        .split(',')
        .any(|entry| entry == "secret=true")
}

fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Character index of the first `=` outside strings and comments.
fn top_level_eq(text: &str) -> Option<usize> {
    for (i, (c, in_string)) in Strings::new(text).enumerate() {
        match c {
            _ if in_string => {}
            '=' => return Some(i),
            '#' => return None,
            _ => {}
        }
    }
    None
}

/// The characters of a TOML line, each with whether it is inside a string literal (quotes
/// included).
struct Strings<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    quote: Option<char>,
    escaped: bool,
}

impl<'a> Strings<'a> {
    fn new(text: &'a str) -> Strings<'a> {
        Strings {
            chars: text.chars().peekable(),
            quote: None,
            escaped: false,
        }
    }
}

impl Iterator for Strings<'_> {
    type Item = (char, bool);

    fn next(&mut self) -> Option<(char, bool)> {
        let c = self.chars.next()?;
        match self.quote {
            None if c == '"' || c == '\'' => self.quote = Some(c),
            None => return Some((c, false)),
            Some(_) if self.escaped => self.escaped = false,
            Some('"') if c == '\\' => self.escaped = true,
            Some(q) if c == q => self.quote = None,
            Some(_) => {}
        }
        Some((c, true))
    }
}

/// `text` with the contents of each string literal after the key replaced by `«name»`
/// (a string left open runs to the end of the line).
fn mask_strings(text: &str, name: &str) -> Shown {
    let chars: Vec<char> = text.chars().collect();
    let start = top_level_eq(text).map_or(0, |eq| eq + 1);
    let mut m = Masking {
        label: format!("«{name}»"),
        out: String::with_capacity(text.len()),
        shown: 0,
        at: Vec::with_capacity(chars.len() + 1),
    };
    let mut i = 0;
    // Where the current entry of an inline table begins (after `{` or `,`).
    let mut entry = start;
    while i < chars.len() {
        let c = chars[i];
        if i >= start && (c == '{' || c == ',') {
            entry = i + 1;
        }
        if i < start || (c != '"' && c != '\'') {
            if c == '#' && i >= start {
                // A comment: the rest of the line, as it is.
                m.copy(&chars[i..]);
                break;
            }
            // A number is masked as a string is (`pin = 98765432`, `{ valeu = 98765432 }`
            // with a typo, an array's elements); a digit right after a letter or `_` belongs
            // to a key (`v2`) and is kept.
            let after_word = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
            if i >= start && !after_word && starts_number(&chars[i..]) {
                let len = number_len(&chars[i..]);
                m.mask(len);
                i += len;
                continue;
            }
            m.push(c);
            i += 1;
            continue;
        }
        i = m.string(&chars, i, entry);
    }
    m.at.push(m.shown);
    Shown {
        text: m.out,
        at: m.at,
    }
}

/// A line being masked: the text shown so far, and where each original character is shown.
struct Masking {
    /// What a masked value reads: `«name»`.
    label: String,
    out: String,
    /// Characters of `out` so far.
    shown: usize,
    at: Vec<usize>,
}

impl Masking {
    /// Shows `c` as it is.
    fn push(&mut self, c: char) {
        self.at.push(self.shown);
        self.out.push(c);
        self.shown += 1;
    }

    /// Shows `chars` as they are.
    fn copy(&mut self, chars: &[char]) {
        for &c in chars {
            self.push(c);
        }
    }

    /// Shows `len` characters as the label.
    fn mask(&mut self, len: usize) {
        self.at.extend(std::iter::repeat_n(self.shown, len));
        self.out.push_str(&self.label);
        self.shown += self.label.chars().count();
    }

    /// Shows the string literal opening at `chars[i]` (in the inline table entry beginning at
    /// `entry`) with its contents masked; where it ends.
    fn string(&mut self, chars: &[char], i: usize, entry: usize) -> usize {
        let c = chars[i];
        let delim = if chars[i..].starts_with(&[c, c, c]) {
            3
        } else {
            1
        };
        let open = i + delim;
        let mut close = open;
        while close < chars.len() && !chars[close..].starts_with(&vec![c; delim]) {
            close += if c == '"' && chars[close] == '\\' {
                2
            } else {
                1
            };
        }
        let close = close.min(chars.len());
        let end = (close + delim).min(chars.len());
        self.copy(&chars[i..open.min(chars.len())]);
        if names_env(&chars[entry..i]) {
            // `env = "NAME"` inside an inline table: a variable's name, shown as written.
            self.copy(&chars[open.min(chars.len())..close]);
        } else if close > open {
            self.mask(close - open);
        }
        self.copy(&chars[close..end]);
        end
    }
}

/// The length of the TOML number (or date) `rest` starts with.
fn number_len(rest: &[char]) -> usize {
    rest.iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '+' | '-' | ':'))
        .count()
}

/// Whether `before` (an inline table's entry up to a string) is `env =`, spaces aside. Read
/// backwards and stopped at the first other character: compacting the whole entry for each
/// string made a line of many strings quadratic (a fuzzed line of 20 KB took two seconds).
fn names_env(before: &[char]) -> bool {
    let mut rest = before.iter().rev().filter(|c| !c.is_whitespace());
    ['=', 'v', 'n', 'e'].iter().all(|c| rest.next() == Some(c)) && rest.next().is_none()
}

/// Whether `rest` starts a TOML number (or date): a digit, or a sign and a digit.
fn starts_number(rest: &[char]) -> bool {
    match rest {
        [c, ..] if c.is_ascii_digit() => true,
        ['+' | '-', c, ..] => c.is_ascii_digit(),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
