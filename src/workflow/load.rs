//! Reads workflow and vars files: TOML with spans, `use` inlining, cycle detection.

mod input;
pub mod reread;
mod step;

use input::read_file;
pub use input::{MAX_INPUT_BYTES, read_input, utf8};

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::vars::decl::VarDecl;
use crate::workflow::convert::Cx;
use crate::workflow::model::{Defaults, Deferred, Item, KEPT, Reader, Step, Steps, Workflow};
use crate::workflow::raw::{RawStep, RawWorkflow};
use crate::workflow::requires::{Needs, RawTenant, Tenant};
use crate::workflow::source::{Source, Span};
use crate::workflow::{quick_toml, split};

/// Loads workflows, caching files that several workflows `use`.
#[derive(Default)]
pub struct Loader {
    cache: HashMap<PathBuf, Arc<Workflow>>,
}

impl Loader {
    pub fn new() -> Loader {
        Loader::default()
    }

    /// Loads one workflow file with its `use` steps inlined.
    pub fn load(&mut self, path: &Path) -> Result<Arc<Workflow>, Diagnostic> {
        self.load_inner(path, &mut Vec::new(), None)
    }

    /// Loads the workflow on standard input (`-` on the command line). Messages call it
    /// `<stdin>`; its `use` paths are relative to the working directory.
    pub fn load_stdin(&mut self) -> Result<Arc<Workflow>, Diagnostic> {
        use std::io::Read as _;
        let path = Path::new("<stdin>");
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Diagnostic::new(format!("cannot read standard input: {e}")))?;
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            return Err(Diagnostic::new(format!(
                "standard input holds more than {} MiB",
                MAX_INPUT_BYTES / (1024 * 1024)
            )));
        }
        let text = utf8(path, bytes)?;
        Ok(Arc::new(self.parse(path, text, None, &mut Vec::new())?))
    }

    /// Loads a workflow from `text` as if read from `path` (the fuzz targets' entry; its `use`
    /// paths are read from the file system).
    pub fn load_text(&mut self, path: &Path, text: String) -> Result<Arc<Workflow>, Diagnostic> {
        Ok(Arc::new(self.parse(path, text, None, &mut Vec::new())?))
    }

    fn load_inner(
        &mut self,
        path: &Path,
        stack: &mut Vec<PathBuf>,
        from: Option<(&Cx, &Spanned<String>)>,
    ) -> Result<Arc<Workflow>, Diagnostic> {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if let Some(w) = self.cache.get(&key) {
            return Ok(Arc::clone(w));
        }
        if stack.contains(&key) {
            let chain: Vec<String> = stack
                .iter()
                .chain(std::iter::once(&key))
                .map(|p| p.display().to_string())
                .collect();
            let message = format!("`use` cycle: {}", chain.join(" -> "));
            return Err(match from {
                Some((cx, at)) => cx.error(message, cx.span(at)),
                None => Diagnostic::new(message),
            });
        }
        let (bytes, file) = read_file(path).map_err(|e| {
            let message = format!(
                "cannot read {}: {}",
                path.display(),
                crate::io_reason::Reason(&e)
            );
            match from {
                Some((cx, at)) => cx.error(message, cx.span(at)),
                None => Diagnostic::new(message),
            }
        })?;
        let text = utf8(path, bytes)?;
        stack.push(key.clone());
        let result = self.parse(path, text, file, stack);
        stack.pop();
        let workflow = Arc::new(result?);
        self.cache.insert(key, Arc::clone(&workflow));
        Ok(workflow)
    }

    /// Reads a workflow's text; `file`, when it is the regular file the text was read from,
    /// lets its deferred steps be read from it again instead of kept in memory.
    fn parse(
        &mut self,
        path: &Path,
        mut text: String,
        file: Option<std::fs::File>,
        stack: &mut Vec<PathBuf>,
    ) -> Result<Workflow, Diagnostic> {
        let split = split::split(&text);
        let keep = |i: usize, c: &split::Chunk| i < KEPT || c.uses;
        let deferred = match &split {
            Some(s) => reread::deferred(&text, s, keep),
            None => Vec::new(),
        };
        // Steps last (the usual layout), some deferred, and a file to read them from: the
        // text after the last step kept converted is not kept.
        let reread =
            file.filter(|_| !deferred.is_empty() && split.as_ref().is_some_and(|s| s.contiguous));
        if reread.is_some()
            && let Some(s) = &split
        {
            let kept_end = (s.chunks.iter().enumerate())
                .rfind(|(i, c)| keep(*i, c))
                .map_or(s.head.len(), |(_, c)| c.range.end);
            text.truncate(kept_end);
            text.shrink_to_fit();
        }
        let source = Arc::new(Source::new(path, text));
        let cx = Cx::new(Arc::clone(&source));
        let mut raw: RawWorkflow = match &split {
            Some(s) => parse_text(&source, &s.head, 0)?,
            None => parse_toml(&source)?,
        };
        let defaults = Defaults::from_raw(&cx, raw.defaults.as_ref())?;
        let mut vars = Vec::new();
        let mut steps = Steps::default();
        let mut needs = Needs::from_raw(&cx, &raw.requires.roles, &raw.requires.products)?;
        if let Some(split) = split {
            steps.reserve(split.chunks.len());
            let reader = Arc::new(Reader {
                source: Arc::clone(&source),
                defaults: defaults.clone(),
                file: reread.map(reread::Reread::new),
            });
            let mut deferred = deferred.into_iter();
            let kept: Vec<&split::Chunk> = (split.chunks.iter().enumerate())
                .filter(|(i, c)| keep(*i, c))
                .map(|(_, c)| c)
                .collect();
            let mut parsed = parse_steps(&source, &kept, &defaults).into_iter().flatten();
            for (i, chunk) in split.chunks.iter().enumerate() {
                if !keep(i, chunk) {
                    if let Some(at) = deferred.next() {
                        steps.defer(&reader, at);
                    }
                    continue;
                }
                let Some(result) = parsed.next() else { break };
                match result? {
                    Parsed::Step(step) => steps.push_boxed(step),
                    Parsed::Use(raw_step, step_cx) => {
                        let at = (*raw_step, chunk.range.clone());
                        let used =
                            self.add(&step_cx, at, &defaults, &mut vars, &mut steps, stack)?;
                        if let Some(used) = used {
                            needs.add(&used.needs);
                        }
                    }
                }
            }
        } else {
            for raw_step in std::mem::take(&mut raw.steps) {
                let span = cx.span(&raw_step);
                let at = (raw_step.into_inner(), span);
                if let Some(used) = self.add(&cx, at, &defaults, &mut vars, &mut steps, stack)? {
                    needs.add(&used.needs);
                }
            }
        }
        // This file's [vars] come after (and so override) those of the files it uses.
        if let Some(table) = &raw.vars {
            vars.extend(cx.var_decls(table)?);
        }
        Ok(Workflow {
            source,
            name: raw.name.into_inner(),
            description: raw.description,
            tags: raw.tags,
            requires: raw.requires.vars.iter().map(|r| cx.located(r)).collect(),
            needs,
            fragment: raw.fragment,
            vars,
            steps,
        })
    }

    /// Adds one `[[steps]]` entry: a step, or the inlined steps of the file it `use`s (which
    /// is returned, for what it needs of a tenant).
    fn add(
        &mut self,
        cx: &Cx,
        (mut raw_step, span): (RawStep, Span),
        defaults: &Defaults,
        vars: &mut Vec<VarDecl>,
        steps: &mut Steps,
        stack: &mut Vec<PathBuf>,
    ) -> Result<Option<Arc<Workflow>>, Diagnostic> {
        let Some(use_path) = &raw_step.use_ else {
            steps.push(step::step(cx, &mut raw_step, span, defaults)?);
            return Ok(None);
        };
        let used = self.inline(cx, &raw_step, span.clone(), use_path, stack)?;
        // Files that `use` each other twice over double at every level: 30 of them would
        // inline a billion steps. Inlined steps are held in memory, so they are bounded.
        if steps.len() + used.steps.len() > MAX_INLINED_STEPS {
            return Err(cx.error(
                format!("`use` makes this workflow longer than {MAX_INLINED_STEPS} steps"),
                span,
            ));
        }
        vars.extend(used.vars.iter().cloned());
        let when = raw_step.when.as_ref().map(|w| cx.located(w));
        for (i, s) in read_steps(&used.steps).enumerate() {
            let mut s = s?.into_owned();
            if let Some(w) = &when {
                s.when.insert(0, w.clone());
            }
            if i == 0 {
                s.requires.splice(0..0, used.requires.iter().cloned());
            }
            steps.push_boxed(s);
        }
        Ok(Some(used))
    }

    fn inline(
        &mut self,
        cx: &Cx,
        raw_step: &RawStep,
        span: Span,
        use_path: &Spanned<String>,
        stack: &mut Vec<PathBuf>,
    ) -> Result<Arc<Workflow>, Diagnostic> {
        let extra = raw_step.request_key_names();
        if let Some(first) = extra.first() {
            return Err(cx
                .error(format!("a `use` step cannot have `{first}`"), span)
                .with_help("a `use` step takes only `use`, `name`, `doc` and `when`"));
        }
        let target = cx.source.sibling(use_path.get_ref());
        self.load_inner(&target, stack, Some((cx, use_path)))
    }
}

/// Parses and converts steps on all cores: each `[[steps]]` entry is a document of its own,
/// and parsing is most of the cost of loading a long workflow. Results come back in order,
/// one per chunk (every slot `Some`); `use` steps come back parsed only, to be inlined in
/// order by the loader.
fn parse_steps(
    source: &Arc<Source>,
    chunks: &[&split::Chunk],
    defaults: &Defaults,
) -> Vec<Option<Result<Parsed, Diagnostic>>> {
    let one = |c: &&split::Chunk| {
        // Read in place: a raw step is large, and moving it costs as much as reading a key.
        let mut raw = RawStep::default();
        let cx = match c.blanks.as_slice() {
            // Only the `[[steps]]` header is blanked: the text after it is parsed as it is.
            [header] if header.start == c.range.start => {
                let text = source.text.get(header.end..c.range.end);
                parse_step_at(source, c.range.clone(), text, header.end, &mut raw)?
            }
            _ => {
                let text = split::chunk_text(&source.text, &c.range, &c.blanks);
                parse_step(source, c.range.clone(), text.as_deref(), &mut raw)?
            }
        };
        if raw.use_.is_some() {
            return Ok(Parsed::Use(Box::new(raw), cx));
        }
        step::step(&cx, &mut raw, c.range.clone(), defaults).map(|s| Parsed::Step(Box::new(s)))
    };
    if chunks.len() < PARALLEL_FROM || split::cores() < 2 {
        return chunks.iter().map(|c| Some(one(c))).collect();
    }
    let threads = split::cores();
    // Threads take batches of steps as they go, so a busy core (this thread also read the
    // file, and will check it) simply takes fewer.
    let next = AtomicUsize::new(0);
    let workers = threads.min(4);
    let work = || {
        // A fair share of the steps fits without the list growing.
        let mut done = Vec::with_capacity(chunks.len() / workers + BATCH);
        loop {
            let start = next.fetch_add(BATCH, Ordering::Relaxed);
            let Some(batch) = chunks.get(start..chunks.len().min(start + BATCH)) else {
                break;
            };
            if batch.is_empty() {
                break;
            }
            done.extend(batch.iter().enumerate().map(|(i, c)| (start + i, one(c))));
        }
        done
    };
    // Each result goes to its step's slot: every slot is filled, in order, without a sort.
    let mut slots = Vec::with_capacity(chunks.len());
    slots.resize_with(chunks.len(), || None);
    let mut place = |done: Vec<(usize, Result<Parsed, Diagnostic>)>| {
        for (i, result) in done {
            slots[i] = Some(result);
        }
    };
    std::thread::scope(|scope| {
        let others: Vec<_> = (1..workers).map(|_| scope.spawn(work)).collect();
        place(work());
        for h in others {
            place(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
    });
    slots
}

/// Steps a thread takes at a time.
const BATCH: usize = 16;

/// Below this many steps, a thread costs more than it saves.
const PARALLEL_FROM: usize = 64;

/// The most steps a workflow may have once its `use` steps are inlined.
const MAX_INLINED_STEPS: usize = 20_000;

/// A kept `[[steps]]` entry after parsing: converted, or a `use` step still to inline.
/// The step is boxed where it is made and the box moves into the step list, so the slots
/// stay small and a step is never copied.
enum Parsed {
    Step(Box<Step>),
    Use(Box<RawStep>, Cx),
}

/// Parses the `[[steps]]` entry at `range` of `source` on its own into `raw` (a default
/// one); `text` is its `step_text`. Returns where its spans are.
fn parse_step(
    source: &Arc<Source>,
    range: Span,
    text: Option<&str>,
    raw: &mut RawStep,
) -> Result<Cx, Diagnostic> {
    let start = range.start;
    parse_step_at(source, range, text, start, raw)
}

/// Like [`parse_step`], for `text` standing for `source` from byte `base` on.
fn parse_step_at(
    source: &Arc<Source>,
    range: Span,
    text: Option<&str>,
    base: usize,
    raw: &mut RawStep,
) -> Result<Cx, Diagnostic> {
    let text = text.ok_or_else(|| Diagnostic::at("cannot read this step", source, range))?;
    // Most steps are written in TOML the quick reader knows; the rest, and every error, are
    // the toml crate's.
    if !quick_toml::step_into(text, raw) {
        *raw = match quick_toml::from_str(text) {
            Some(read) => read,
            None => parse_text(source, text, base)?,
        };
    }
    Ok(Cx {
        source: Arc::clone(source),
        base,
    })
}

/// A workflow's steps in order; a deferred step is read from its file's text here.
///
/// A step read here is boxed: an item of this iterator is moved a few times on the way to
/// where it is used, and a `Cow<Step>` holds room for a whole step even when it borrows one.
pub fn read_steps(
    steps: &Steps,
) -> impl Iterator<Item = Result<Cow<'_, Box<Step>>, Diagnostic>> + '_ {
    steps.items().iter().map(|item| match item {
        Item::Loaded(step) => Ok(Cow::Borrowed(step)),
        Item::Deferred(reader, at) => read_step(reader, *at).map(|s| Cow::Owned(Box::new(s))),
    })
}

/// Reads a deferred step (see `read_steps`) from its file, or from its file's text when that
/// is kept. The step's source is its own text, a window of the file.
fn read_step(reader: &Reader, at: Deferred) -> Result<Step, Diagnostic> {
    let path = reader.source.path();
    let range = at.start as usize..at.end as usize;
    let text = match &reader.file {
        Some(file) => file.read(range.clone(), at.hash).map_err(|e| {
            Diagnostic::new(format!(
                "cannot read {} again: {}",
                path.display(),
                crate::io_reason::Reason(&e)
            ))
        })?,
        None => reader
            .source
            .text
            .get(range.clone())
            .unwrap_or("")
            .to_owned(),
    };
    let source = Arc::new(Source::window(path, text, at.line as usize));
    let whole = 0..source.text.len();
    // The step starts at its `[[steps]]` header, after the indentation of its line.
    let span = source.text.len() - source.text.trim_start_matches([' ', '\t']).len()..whole.end;
    let text = split::step_text(&source.text, whole);
    let mut raw = RawStep::default();
    let cx = parse_step(&source, span.clone(), text.as_deref(), &mut raw)?;
    step::step(&cx, &mut raw, span, &reader.defaults)
}

/// Parses TOML into `T`, turning a parse or shape error into a located diagnostic.
pub fn parse_toml<T: serde::de::DeserializeOwned>(source: &Arc<Source>) -> Result<T, Diagnostic> {
    parse_text(source, &source.text, 0)
}

/// Parses `text`, which stands for `source` from byte `base` on (same offsets, some parts blanked).
fn parse_text<T: serde::de::DeserializeOwned>(
    source: &Arc<Source>,
    text: &str,
    base: usize,
) -> Result<T, Diagnostic> {
    toml::from_str(text).map_err(|e| {
        let message = e.message().trim().trim_end_matches('.').to_owned();
        let nesting = nesting_message(&message);
        let too_deep = nesting.is_some();
        let message = nesting.unwrap_or_else(|| lowercase_first(&message));
        let help = unknown_key_suggestion(&message);
        // The toml crate gives no place for a key of too many parts (`a.b.…` or a header):
        // the line with the most dots is it.
        let place = e
            .span()
            .or_else(|| too_deep.then(|| deepest_line(text)).flatten());
        let d = match place {
            Some(span) => Diagnostic::at(message, source, span.start + base..span.end + base),
            None => Diagnostic::new(format!("{}: {message}", source.path().display())),
        };
        match help {
            Some(help) => d.with_help(help),
            None => d,
        }
    })
}

/// The line of `text` with the most dots, if any has one.
fn deepest_line(text: &str) -> Option<Span> {
    let mut best: Option<(usize, Span)> = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let dots = bytecount::count(line.as_bytes(), b'.');
        if dots > 0 && best.as_ref().is_none_or(|(most, _)| dots > *most) {
            best = Some((dots, start..start + line.trim_end().len()));
        }
        start += line.len();
    }
    best.map(|(_, line)| line)
}

/// How deep the TOML reader nests arrays, inline tables and dotted keys (the toml crate's
/// limit, which keeps a hostile file from exhausting the stack).
pub const MAX_TOML_NESTING: u32 = 80;

/// The toml crate's words for its nesting limit, said with the limit.
fn nesting_message(message: &str) -> Option<String> {
    (message.starts_with("cannot recurse further") || message == "recursion limit").then(|| {
        format!(
            "nested too deep: arrays, inline tables and dotted keys may nest at most {MAX_TOML_NESTING} levels"
        )
    })
}

/// `did you mean `expect`?` for serde's "unknown field `expext`, expected one of `name`, …".
fn unknown_key_suggestion(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, expected) = rest.split_once('`')?;
    let known = expected.split('`').skip(1).step_by(2);
    crate::diagnostic::suggest::did_you_mean(key, known)
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Reads a vars file: its variable entries, and what its reserved `[tenant]` table says the
/// tenant has (README, Running against a real tenant).
pub fn load_vars_and_tenant(path: &Path) -> Result<(Vec<VarDecl>, Option<Tenant>), Diagnostic> {
    vars_from_text(path, read_vars_text(path)?)
}

/// A vars file's text, read whole (see [`vars_from_text`] for what it declares).
pub fn read_vars_text(path: &Path) -> Result<String, Diagnostic> {
    let bytes = read_input(path).map_err(|e| {
        Diagnostic::new(format!(
            "cannot read vars file {}: {}",
            path.display(),
            crate::io_reason::Reason(&e)
        ))
    })?;
    utf8(path, bytes)
}

/// A vars file's entries and `[tenant]` from its text (see `load_vars_and_tenant`).
pub fn vars_from_text(
    path: &Path,
    text: String,
) -> Result<(Vec<VarDecl>, Option<Tenant>), Diagnostic> {
    /// The `[tenant]` table alone, read with the spans of its names.
    #[derive(serde::Deserialize)]
    struct TenantOnly {
        tenant: Option<RawTenant>,
    }
    let source = Arc::new(Source::new(path, text));
    let mut table: Spanned<toml::Table> = parse_toml(&source)?;
    let cx = Cx::new(Arc::clone(&source));
    let tenant = match table.get_mut().remove(TENANT) {
        Some(toml::Value::Table(_)) => match parse_toml::<TenantOnly>(&source)?.tenant {
            Some(raw) => Some(Tenant::from_raw(&cx, &raw)?),
            None => None,
        },
        Some(_) => {
            let at = cx.key_span(cx.span(&table), TENANT);
            return Err(cx
                .error(
                    "`tenant` in a vars file is the `[tenant]` table, not a variable",
                    at,
                )
                .with_help(
                    "it lists the tenant's `roles` and `products`; give the variable another name",
                ));
        }
        None => None,
    };
    Ok((cx.var_decls(&table)?, tenant))
}

/// The vars-file key that describes the tenant instead of declaring a variable.
pub const TENANT: &str = "tenant";
