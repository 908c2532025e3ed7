//! Markdown laid out for a terminal: paragraphs filled to a width measured in columns (wide
//! characters count two), lists with hanging indents, inline code without its backticks (bold
//! when colour is on), emphasis as plain text, links as `text (url)`, code blocks as written.

use std::fmt::Write as _;

use pulldown_cmark::{Event, Tag, TagEnd};
use textwrap::{WordSeparator, WordSplitter};

use crate::report::style::{Paint, Style};

/// Narrowest text column a paragraph is filled to, however deep its indent (unless the
/// whole width is narrower).
const MIN_COLUMN: usize = 20;

/// Words of `text` filled into lines of at most `width` columns; a word longer than that (a
/// URL, a token) gets a line of its own rather than being cut.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    wrap_indented(text, "", "", width)
}

/// As [`wrap`], the first line starting with `first` and the others with `rest` (both counted
/// in `width`).
pub fn wrap_indented(text: &str, first: &str, rest: &str, width: usize) -> Vec<String> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let indent = super::display_width(first).max(super::display_width(rest));
    let options = textwrap::Options::new(width.max(indent + MIN_COLUMN.min(width)))
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(false)
        // Only spaces separate words: a URL or a hyphenated name stays whole.
        .word_separator(WordSeparator::AsciiSpace)
        .word_splitter(WordSplitter::NoHyphenation);
    textwrap::wrap(text, &options)
        .into_iter()
        .map(|line| line.trim_end().to_owned())
        .collect()
}

/// `markdown` as lines of at most `width` columns (a longer word excepted), each starting
/// with `indent`. `paint` styles inline code and headings.
pub fn to_lines(markdown: &str, indent: &str, width: usize, paint: Paint) -> Vec<String> {
    let mut layout = Layout {
        paint,
        indent: indent.to_owned(),
        width,
        out: Vec::new(),
        inline: String::new(),
        lists: Vec::new(),
        items: Vec::new(),
        marker: None,
        quotes: 0,
        links: Vec::new(),
        code: None,
        cells: Vec::new(),
    };
    for event in super::parser(markdown) {
        layout.event(event);
    }
    layout.flush();
    while layout.out.last().is_some_and(|l| l.trim().is_empty()) {
        layout.out.pop();
    }
    layout.out
}

struct Layout {
    paint: Paint,
    indent: String,
    width: usize,
    out: Vec<String>,
    /// The text of the paragraph, heading or list item being read.
    inline: String,
    /// One per open list: the next number of an ordered list, `None` for bullets.
    lists: Vec<Option<u64>>,
    /// The marker width of each open list item: its continuation lines are indented so.
    items: Vec<usize>,
    /// The marker of the current item, until its first line is written.
    marker: Option<String>,
    quotes: usize,
    /// Open links: their destination and where their text starts in `inline`.
    links: Vec<(String, usize)>,
    /// The code block being read.
    code: Option<String>,
    /// The cells of the table row being read.
    cells: Vec<String>,
}

impl Layout {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => match &mut self.code {
                Some(code) => code.push_str(&text),
                None => self.inline.push_str(&text),
            },
            Event::Code(code) => {
                let shown = self.paint.paint(Style::Bold, &*code).to_string();
                self.inline.push_str(&shown);
            }
            // Shown as written: a doc is not a web page (and `<<var>>` reads as a tag).
            Event::InlineHtml(html) | Event::Html(html) => self.inline.push_str(&html),
            Event::SoftBreak => self.inline.push(' '),
            Event::HardBreak => self.inline.push('\n'),
            Event::Rule => {
                self.flush();
                self.gap();
                let line = format!("{}{}", self.continuation(), "─".repeat(MIN_COLUMN));
                self.out.push(line);
            }
            Event::TaskListMarker(done) => self.inline.push_str(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(name) => {
                let _ = write!(self.inline, "[{name}]");
            }
            Event::InlineMath(text) | Event::DisplayMath(text) => self.inline.push_str(&text),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph | Tag::Heading { .. } | Tag::Table(_) => {
                self.flush();
                self.gap();
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.gap();
                self.quotes += 1;
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.gap();
                self.code = Some(String::new());
            }
            Tag::List(first) => {
                self.flush();
                self.gap();
                self.lists.push(first);
            }
            Tag::Item => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let marker = format!("{n}. ");
                        *n += 1;
                        marker
                    }
                    _ => "- ".to_owned(),
                };
                self.items.push(marker.chars().count());
                self.marker = Some(marker);
            }
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.links.push((dest_url.into_string(), self.inline.len()));
            }
            Tag::TableHead | Tag::TableRow => self.cells.clear(),
            Tag::TableCell => self.inline.clear(),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush(),
            TagEnd::Heading(_) => {
                let title = std::mem::take(&mut self.inline);
                self.inline = self.paint.paint(Style::Bold, title.trim()).to_string();
                self.flush();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quotes = self.quotes.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                let prefix = self.first_prefix();
                for line in code.trim_end_matches('\n').lines() {
                    self.out
                        .push(format!("{prefix}  {line}").trim_end().to_owned());
                }
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.flush();
                if let Some(marker) = self.marker.take() {
                    // An empty item still shows its marker.
                    let line = format!("{}{marker}", self.continuation());
                    self.out.push(line.trim_end().to_owned());
                }
                self.items.pop();
            }
            TagEnd::Link | TagEnd::Image => self.end_link(),
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.inline);
                self.cells.push(cell.trim().to_owned());
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                let row = format!("{}{}", self.continuation(), self.cells.join(" | "));
                self.out.push(row.trim_end().to_owned());
                self.cells.clear();
            }
            _ => {}
        }
    }

    /// `text (url)`, unless the text already is the URL (an autolink) or it points inside
    /// the page.
    fn end_link(&mut self) {
        let Some((url, start)) = self.links.pop() else {
            return;
        };
        let text = self.inline.get(start..).unwrap_or("").trim();
        let mail = url.strip_prefix("mailto:").unwrap_or(&url);
        if url.is_empty() || url.starts_with('#') || text == url || text == mail {
            return;
        }
        if text.is_empty() {
            self.inline.push_str(&url);
        } else {
            let _ = write!(self.inline, " ({url})");
        }
    }

    /// Writes the text read so far, filled to the width.
    fn flush(&mut self) {
        let text = std::mem::take(&mut self.inline);
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let first = self.first_prefix();
        self.marker = None;
        let rest = self.continuation();
        self.out
            .extend(wrap_indented(text, &first, &rest, self.width));
    }

    /// A blank line between blocks, except inside lists (which read better tight).
    fn gap(&mut self) {
        if self.lists.is_empty() && self.out.last().is_some_and(|l| !l.trim().is_empty()) {
            self.out.push(String::new());
        }
    }

    /// The start of a block's first line: the item marker when one is still to be written.
    fn first_prefix(&self) -> String {
        match &self.marker {
            Some(marker) => {
                let outer: usize = self.items[..self.items.len().saturating_sub(1)]
                    .iter()
                    .sum();
                format!("{}{}{marker}", self.quoted(), " ".repeat(outer))
            }
            None => self.continuation(),
        }
    }

    /// The start of every other line: the indent, quote marks, and the items' hanging indent.
    fn continuation(&self) -> String {
        let items: usize = self.items.iter().sum();
        format!("{}{}", self.quoted(), " ".repeat(items))
    }

    fn quoted(&self) -> String {
        format!("{}{}", self.indent, "> ".repeat(self.quotes))
    }
}
