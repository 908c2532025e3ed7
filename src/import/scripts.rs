//! Postman test and pre-request scripts mapped to steprun: variable sets become extractions,
//! status and body checks become expectations; every other line is kept for a comment.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::import::conditions;
use crate::import::js::{self, Origin};

mod expect;

use expect::assertion;

/// Which script a line comes from: pre-request scripts run before any response exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Test,
    PreRequest,
}

/// An expectation on the JSON body: equality or a steprun predicate table.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    Eq(Value),
    Predicate(&'static str, Value),
}

/// What a script says, in steprun's terms. Names are Postman's (not yet renamed) and string
/// values keep Postman's `{{name}}` syntax.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Variables set from the response.
    pub extract: Vec<(String, Origin)>,
    /// Variables set to a constant.
    pub literals: Vec<(String, Value)>,
    pub status: Option<Vec<u16>>,
    pub expect_json: Vec<(String, Check)>,
    /// Lines not converted, as written.
    pub unconverted: Vec<String>,
    /// Variables set by lines that were not converted.
    pub unresolved_sets: Vec<String>,
    /// Variables extracted under an `if (jsonData.x)` guard: the value may be missing.
    pub optional: Vec<String>,
}

enum Action {
    Alias(String, Origin),
    Set(String, Origin),
    Status(Vec<u16>),
    Json(String, Check),
    Nothing,
}

static DECL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:var|let|const)\s+)?([A-Za-z_$][\w$]*)\s*=\s*(.+)$").expect("valid regex")
});
static SET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:pm\.(?:environment|collectionVariables|globals|variables)\.set|postman\.set(?:Environment|Global)Variable)\s*\((.*)\)$",
    )
    .expect("valid regex")
});
static HAVE_STATUS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^pm\.response\.to\.(?:have\.status|be\.status)\(\s*(\d{3})\s*\)$")
        .expect("valid regex")
});
static EXPECT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^pm\.expect\((.+)\)\.to\.(.+)$").expect("valid regex"));
static LEGACY_STATUS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^tests\[.+\]\s*=\s*responseCode\.code\s*===?\s*(\d{3})$").expect("valid regex")
});
static INLINE_TEST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^pm\.test\(.*?,\s*(?:function\s*\(\s*\)|\(\s*\)\s*=>)\s*(.+)\)$")
        .expect("valid regex")
});
static STRUCTURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:pm\.test\(.*,\s*(?:function\s*\(\s*\)|\(\s*\)\s*=>)|\)+|pm\.response\.to\.be\.(?:success|json)|pm\.response\.to\.have\.jsonBody\(\))$",
    )
    .expect("valid regex")
});

/// What a `{` opens, so its `}` is kept or dropped with it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Frame {
    /// `pm.test("…", function () {`: dropped with its `});`, unless something in it is kept.
    Wrapper(usize),
    /// `if (jsonData.x) {` around converted sets: dropped unless something in it is kept.
    Guard(usize),
    /// `if (…) {` or `else {` on anything else: kept with the code like any block, but what it
    /// sets is set only sometimes.
    Cond,
    /// Any other block: its braces are kept with the code.
    Code,
}

/// One script line and whether it is kept as a comment.
struct Line {
    text: String,
    keep: bool,
    /// Names the line declares (`var jsonData = pm.response.json()`).
    declares: Vec<String>,
}

/// Reads a script's lines. Every line not converted is kept, in order, with the braces of the
/// blocks it is in and the declarations it uses. Only converted lines (and declarations only
/// they use), and the `pm.test` wrappers and `if` guards around nothing kept, are dropped.
pub fn read(lines: &[String], kind: Kind) -> Outcome {
    let mut reader = Reader::default();
    for line in lines {
        if line.trim().is_empty() {
            continue;
        }
        reader.line(line, kind);
    }
    reader.finish()
}

/// A script being read: what it says so far, and the blocks open at the current line.
#[derive(Default)]
struct Reader {
    outcome: Outcome,
    aliases: HashMap<String, Origin>,
    stack: Vec<Frame>,
    out: Vec<Line>,
    /// Wrapper and guard blocks: their opening and closing lines.
    blocks: Vec<(usize, usize)>,
}

/// What the statements of one line come to.
struct Statements {
    actions: Vec<Action>,
    /// A statement was not converted: the line is kept.
    failed: bool,
    declares: Vec<String>,
    /// What the line's `{` opens.
    opens: Frame,
}

impl Reader {
    /// Reads one line (not blank): its statements, then its braces.
    fn line(&mut self, line: &str, kind: Kind) {
        let index = self.out.len();
        let (statements, comment_only) = js::statements(line);
        let braces = braces(line);
        let read = self.statements(&statements, braces.first() == Some(&'{'), index, kind);
        let mut opens = read.opens;
        if opens == Frame::Code && conditions::is_conditional(line.trim()) {
            opens = Frame::Cond;
        }
        let keep = self.track_braces(braces, opens, index, comment_only || read.failed);
        self.out.push(Line {
            text: line.trim_end().to_owned(),
            keep,
            declares: read.declares,
        });
        for action in read.actions {
            self.outcome.apply(action);
        }
    }

    /// The statements of the line at `index`, classified; `opens_block`: the line's first
    /// brace is a `{` (a guard with nothing after it guards that block).
    fn statements(
        &mut self,
        statements: &[String],
        opens_block: bool,
        index: usize,
        kind: Kind,
    ) -> Statements {
        let mut read = Statements {
            actions: Vec::new(),
            failed: false,
            declares: Vec::new(),
            opens: Frame::Code,
        };
        let mut guarded = self
            .stack
            .iter()
            .any(|f| matches!(f, Frame::Guard(_) | Frame::Cond));
        for statement in statements {
            let (statement, inline_guard) = match guard(statement, &self.aliases) {
                Some(rest) if rest.is_empty() && opens_block => {
                    read.opens = Frame::Guard(index);
                    guarded = true;
                    continue;
                }
                Some(rest) if !rest.is_empty() => (rest, true),
                _ => (statement.as_str(), false),
            };
            if statement.starts_with("pm.test(") && STRUCTURE.is_match(statement) {
                read.opens = Frame::Wrapper(index);
            }
            if let Some(action) = classify(statement, kind, &self.aliases) {
                self.note(&action, guarded || inline_guard, &mut read.declares);
                read.actions.push(action);
            } else {
                read.failed = true;
                if let Some(name) = set_name(statement) {
                    self.outcome.unresolved_sets.push(name);
                }
            }
        }
        read
    }

    /// Notes what a converted statement declares (an alias, into `declares`), or sets only
    /// sometimes (a body value, when `guarded`).
    fn note(&mut self, action: &Action, guarded: bool, declares: &mut Vec<String>) {
        match action {
            Action::Alias(name, origin) => {
                self.aliases.insert(name.clone(), origin.clone());
                declares.push(name.clone());
            }
            Action::Set(name, Origin::Body(_)) if guarded => {
                self.outcome.optional.push(name.clone());
            }
            _ => {}
        }
    }

    /// Opens and closes the blocks of the line at `index` (its `{`s open `opens`); whether
    /// the line is kept: `keep` already, or for a brace of a block kept with the code.
    fn track_braces(
        &mut self,
        braces: Vec<char>,
        opens: Frame,
        index: usize,
        mut keep: bool,
    ) -> bool {
        for brace in braces {
            if brace == '{' {
                self.stack.push(opens);
                keep |= matches!(opens, Frame::Code | Frame::Cond);
            } else {
                match self.stack.pop() {
                    Some(Frame::Wrapper(open) | Frame::Guard(open)) => {
                        self.blocks.push((open, index));
                    }
                    Some(Frame::Code | Frame::Cond) | None => keep = true,
                }
            }
        }
        keep
    }

    /// What the script says, with the lines not converted.
    fn finish(self) -> Outcome {
        let Reader {
            mut outcome,
            mut out,
            blocks,
            ..
        } = self;
        keep_blocks(&mut out, blocks);
        keep_declarations(&mut out);
        outcome.unconverted = out.into_iter().filter(|l| l.keep).map(|l| l.text).collect();
        outcome
    }
}

/// A wrapper or guard around a kept line is kept too, with its closing brace (inner blocks
/// close first, so an outer block sees what its inner ones kept).
fn keep_blocks(out: &mut [Line], blocks: Vec<(usize, usize)>) {
    for (open, close) in blocks {
        if out[open..=close].iter().skip(1).any(|l| l.keep) {
            out[open].keep = true;
            out[close].keep = true;
        }
    }
}

/// A declaration is dropped only when converted lines alone use it (later ones first, for
/// chains of aliases).
fn keep_declarations(out: &mut [Line]) {
    for i in (0..out.len()).rev() {
        if out[i].keep || out[i].declares.is_empty() {
            continue;
        }
        let users: Vec<bool> = out[i + 1..]
            .iter()
            .filter(|l| out[i].declares.iter().any(|d| uses(&l.text, d)))
            .map(|l| l.keep)
            .collect();
        out[i].keep = users.is_empty() || users.contains(&true);
    }
}

/// Whether `text` mentions the identifier `name` as a whole word.
fn uses(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
        let before = text[..i].chars().next_back().is_none_or(|c| !word(c));
        let after = text[i + name.len()..]
            .chars()
            .next()
            .is_none_or(|c| !word(c));
        before && after
    })
}

/// The `{` and `}` of a line, in order, outside strings and comments.
fn braces(line: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                if c == '\\' {
                    chars.next();
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' | '`' => quote = Some(c),
                '/' if chars.peek() == Some(&'/') => break,
                '{' | '}' => out.push(c),
                _ => {}
            },
        }
    }
    out
}

/// `if (cond) rest` where `cond` reads a value of the response body: the statement after the
/// guard (empty for a block), else `None`.
fn guard<'a>(statement: &'a str, aliases: &HashMap<String, Origin>) -> Option<&'a str> {
    let after = statement
        .strip_prefix("if")?
        .trim_start()
        .strip_prefix('(')?;
    let mut depth = 1;
    let close = after.char_indices().find_map(|(i, c)| {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        (depth == 0).then_some(i)
    })?;
    conditions::reads_body(&after[..close], aliases).then(|| after[close + 1..].trim())
}

impl Outcome {
    fn apply(&mut self, action: Action) {
        match action {
            Action::Set(name, Origin::Literal(value)) => self.literals.push((name, value)),
            Action::Set(name, origin) => self.extract.push((name, origin)),
            Action::Status(codes) => self.status = Some(codes),
            Action::Json(path, check) => self.expect_json.push((path, check)),
            Action::Alias(..) | Action::Nothing => {}
        }
    }
}

fn classify(statement: &str, kind: Kind, aliases: &HashMap<String, Origin>) -> Option<Action> {
    if STRUCTURE.is_match(statement) {
        return Some(Action::Nothing);
    }
    // `pm.test("…", () => <one expression>)` on one line: the expression is the statement.
    if let Some(c) = INLINE_TEST.captures(statement) {
        return classify(&c[1], kind, aliases);
    }
    if let Some(c) = SET.captures(statement) {
        let (name, rest) = js::string_literal(&c[1])?;
        let expr = rest.trim_start().strip_prefix(',')?;
        let origin = js::resolve(expr, aliases)?;
        if kind == Kind::PreRequest && !matches!(origin, Origin::Literal(_)) {
            return None;
        }
        if matches!(&origin, Origin::Body(segments) if !js::selectable(segments)) {
            return None;
        }
        return Some(Action::Set(name, origin));
    }
    if let Some(c) = DECL.captures(statement) {
        let origin = js::resolve(&c[2], aliases)?;
        return Some(Action::Alias(c[1].to_owned(), origin));
    }
    if kind == Kind::PreRequest {
        return None;
    }
    if let Some(c) = HAVE_STATUS
        .captures(statement)
        .or_else(|| LEGACY_STATUS.captures(statement))
    {
        return Some(Action::Status(vec![c[1].parse().ok()?]));
    }
    if statement == "pm.response.to.be.ok" {
        return Some(Action::Status(vec![200]));
    }
    let c = EXPECT.captures(statement)?;
    let subject = js::resolve(&c[1], aliases)?;
    assertion(subject, &c[2])
}

/// The name a `set` statement assigns, even when its value cannot be converted.
fn set_name(statement: &str) -> Option<String> {
    let c = SET.captures(statement)?;
    js::string_literal(&c[1]).map(|(name, _)| name)
}

#[cfg(test)]
mod tests;
