//! Source files and byte spans, so every diagnostic can point at `file:line:col`.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// A byte range in a source file.
pub type Span = Range<usize>;

/// A loaded text file (workflow or vars file), kept for diagnostics: the whole file, or a
/// window of it (one step of a long workflow, read again when it is needed), whose first line
/// is line `first_line` of the file. Offsets are into `text`; line numbers are the file's.
#[derive(Debug)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
    first_line: usize,
}

impl Source {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Source {
        Source::window(path, text, 1)
    }

    /// Lines of a file from its line `first_line` (1-based) on.
    pub fn window(path: impl Into<PathBuf>, text: impl Into<String>, first_line: usize) -> Source {
        Source {
            path: path.into(),
            text: text.into(),
            first_line: first_line.max(1),
        }
    }

    /// The file's line number of `text`'s first line.
    pub fn first_line(&self) -> usize {
        self.first_line
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A path written in this file (`use`, a file to upload), which is relative to the file's
    /// own directory, as the person would name it.
    pub fn sibling(&self, written: impl AsRef<Path>) -> PathBuf {
        let dir = self.path.parent().unwrap_or(Path::new(""));
        normalized(&dir.join(written))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.text.floor_char_boundary(offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + self.first_line;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = self.text[line_start..offset].chars().count() + 1;
        (line, col)
    }

    /// `file:line:col` of a byte offset.
    pub fn position(&self, offset: usize) -> String {
        let (line, col) = self.line_col(offset);
        format!("{}:{line}:{col}", self.path.display())
    }

    /// The text of the file's 1-based line `line`, without its line ending ("" outside `text`).
    pub fn line_text(&self, line: usize) -> &str {
        let Some(index) = line.checked_sub(self.first_line) else {
            return "";
        };
        self.text
            .lines()
            .nth(index)
            .unwrap_or("")
            .trim_end_matches('\r')
    }

    /// Narrows `span` to the first occurrence of `needle` inside it, so an error about one
    /// variable in a long string points at that variable. Falls back to `span`.
    pub fn narrow(&self, span: &Span, needle: &str) -> Span {
        let end = span.end.min(self.text.len());
        let start = self.text.floor_char_boundary(span.start.min(end));
        let end = self.text.floor_char_boundary(end);
        if needle.is_empty() {
            return span.clone();
        }
        match match_starts(&self.text[start..end], needle).next() {
            Some(i) => start + i..start + i + needle.len(),
            None => span.clone(),
        }
    }
}

impl Source {
    /// Like `narrow`, for a name a template reads: the first place it stands as a whole word
    /// inside `<< >>` or `<% %>` (`s` in `{ list = "<<list>>", s = "<<s>>" }` is the last
    /// one), else as a whole word, else the first place it appears.
    pub fn narrow_word(&self, span: &Span, name: &str) -> Span {
        let end = self.text.floor_char_boundary(span.end.min(self.text.len()));
        let start = self.text.floor_char_boundary(span.start.min(end));
        let text = &self.text[start..end];
        if name.is_empty() {
            return span.clone();
        }
        let word = |c: char| c.is_alphanumeric() || c == '_';
        let whole: Vec<usize> = text
            .match_indices(name)
            .map(|(i, _)| i)
            .filter(|&i| {
                let before = text[..i].chars().next_back();
                let after = text[i + name.len()..].chars().next();
                !before.is_some_and(word) && !after.is_some_and(word)
            })
            .collect();
        let in_block = |i: &usize| {
            let open = text[..*i].rfind("<<").max(text[..*i].rfind("<%"));
            let close = text[..*i].rfind(">>").max(text[..*i].rfind("%>"));
            open.is_some() && open > close
        };
        match whole.iter().find(|i| in_block(i)).or(whole.first()) {
            Some(&i) => start + i..start + i + name.len(),
            None => self.narrow(span, name),
        }
    }

    /// Like `narrow`, for text written after `start` (a `[section]` header's span covers only
    /// the header). The search is bounded so loading a long file stays linear.
    pub fn find_after(&self, start: usize, needle: &str) -> Option<Span> {
        const WINDOW: usize = 8 * 1024;
        let window = start..(start + WINDOW).min(self.text.len());
        let found = self.narrow(&window, needle);
        (found != window).then_some(found)
    }
}

/// Where `needle` starts in `hay`, overlapping matches included. The needles searched at load
/// are keys and short values, which the standard library's two-way search takes longer to set
/// up than to find: a scan for the first byte is cheaper. An empty needle matches nowhere.
pub fn match_starts<'h>(hay: &'h str, needle: &'h str) -> impl Iterator<Item = usize> + 'h {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let mut at = 0;
    std::iter::from_fn(move || {
        let (&first, rest) = needle.split_first()?;
        let last_start = hay.len().checked_sub(needle.len())?;
        while at <= last_start {
            let i = at + memchr::memchr(first, &hay[at..=last_start])?;
            at = i + 1;
            if hay[i + 1..i + needle.len()] == *rest {
                return Some(i);
            }
        }
        None
    })
}

/// A byte a bare TOML key may hold: `A-Z a-z 0-9 _ -`. A table: every key of a file is read
/// byte by byte at load, where the five comparisons cost several times a lookup.
pub fn bare_key_byte(b: u8) -> bool {
    BARE_KEY[usize::from(b)]
}

const BARE_KEY: [bool; 256] = {
    let mut table = [false; 256];
    let mut c: u8 = 0;
    loop {
        table[c as usize] = c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        if c == u8::MAX {
            break;
        }
        c += 1;
    }
    table
};

/// `path` with `.` removed and `a/..` folded, without asking the file system (the file need
/// not exist): `workflows/common/x.toml`, not `workflows/apps/../common/x.toml`. A leading `..`
/// of a relative path stays; the parent of the root is the root.
pub fn normalized(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match (part, out.components().next_back()) {
            // `.`, and the parent of the root (the root itself), add nothing.
            (Component::CurDir, _)
            | (Component::ParentDir, Some(Component::RootDir | Component::Prefix(_))) => {}
            (Component::ParentDir, Some(Component::Normal(_))) => {
                out.pop();
            }
            (other, _) => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_without_the_file_system() {
        let n = |p: &str| normalized(Path::new(p));
        assert_eq!(
            n("workflows/apps/../common/x.toml"),
            Path::new("workflows/common/x.toml")
        );
        assert_eq!(n("./x/./y"), Path::new("x/y"));
        assert_eq!(n("../x"), Path::new("../x"));
        assert_eq!(n("a/../../x"), Path::new("../x"));
        assert_eq!(n("/../x"), Path::new("/x"));
        assert_eq!(n("a/.."), Path::new("."));
        let s = Source::new("workflows/apps/w.toml", "");
        assert_eq!(
            s.sibling("../common/f.toml"),
            Path::new("workflows/common/f.toml")
        );
        assert_eq!(
            Source::new("w.toml", "").sibling("logo.png"),
            Path::new("logo.png")
        );
    }

    #[test]
    fn line_and_column_are_one_based() {
        let s = Source::new("a.toml", "a = 1\nbé = \"x\"\n");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(6), (2, 1));
        // 'é' is two bytes but one column
        assert_eq!(s.line_col(9), (2, 3));
        assert_eq!(s.line_text(2), "bé = \"x\"");
        // A window of the same file from its line 2 on counts the file's lines.
        let w = Source::window("a.toml", "bé = \"x\"\n", 2);
        assert_eq!(w.line_col(3), (2, 3));
        assert_eq!(w.line_text(2), "bé = \"x\"");
        assert_eq!(w.line_text(1), "");
    }

    #[test]
    fn bare_key_bytes_are_letters_digits_underscore_and_hyphen() {
        let bare: String = (0..=255u8)
            .filter(|&b| bare_key_byte(b))
            .map(char::from)
            .collect();
        assert_eq!(
            bare,
            "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
        );
    }

    #[test]
    fn match_starts_finds_every_start() {
        let all = |h, n| match_starts(h, n).collect::<Vec<_>>();
        assert_eq!(all("aaa", "aa"), [0, 1]);
        assert_eq!(all("a=1 ab=2 b=a", "a"), [0, 4, 11]);
        assert_eq!(all("xyz", "xyz"), [0]);
        assert_eq!(all("xy", "xyz"), [] as [usize; 0]);
        assert_eq!(all("abc", ""), [] as [usize; 0]);
        assert_eq!(all("é=é", "é"), [0, 3]);
    }

    #[test]
    fn narrow_finds_needle_inside_span() {
        let s = Source::new("a.toml", "url = \"<<a>>/<<bad>>\"");
        let span = 6..21;
        assert_eq!(s.narrow(&span, "bad"), 15..18);
        assert_eq!(s.narrow(&span, "zzz"), span);
    }
}
