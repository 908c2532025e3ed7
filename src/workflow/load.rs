//! Reads workflow and vars files: TOML with spans, `use` inlining, cycle detection.

mod input;
mod parse;
mod parse_steps;
mod read_steps;
pub mod reread;
mod step;
mod vars_file;

use input::read_file;
pub use input::{MAX_INPUT_BYTES, read_input, utf8};
use parse::parse_text;
pub use parse::parse_toml;
use parse_steps::{Parsed, parse_steps};
pub use read_steps::read_steps;
pub use vars_file::{load_vars_and_tenant, read_vars_text, vars_from_text};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::vars::decl::VarDecl;
use crate::workflow::convert::Cx;
use crate::workflow::model::{Defaults, KEPT, Reader, Steps, Workflow};
use crate::workflow::raw::{RawStep, RawWorkflow};
use crate::workflow::requires::Needs;
use crate::workflow::source::{Source, Span};
use crate::workflow::split;

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

/// The most steps a workflow may have once its `use` steps are inlined.
const MAX_INLINED_STEPS: usize = 20_000;
