//! Turns the text of the `[[steps]]` entries a workflow keeps into steps: one entry alone
//! (the quick reader first, the toml crate for the rest), or a long workflow's on all cores.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::diagnostic::Diagnostic;
use crate::workflow::convert::Cx;
use crate::workflow::model::{Defaults, Step};
use crate::workflow::raw::RawStep;
use crate::workflow::source::{Source, Span};
use crate::workflow::{quick_toml, split};

use super::parse::parse_text;
use super::step;

/// Parses and converts steps on all cores: each `[[steps]]` entry is a document of its own,
/// and parsing is most of the cost of loading a long workflow. Results come back in order,
/// one per chunk (every slot `Some`); `use` steps come back parsed only, to be inlined in
/// order by the loader.
pub(super) fn parse_steps(
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

/// A kept `[[steps]]` entry after parsing: converted, or a `use` step still to inline.
/// The step is boxed where it is made and the box moves into the step list, so the slots
/// stay small and a step is never copied.
pub(super) enum Parsed {
    Step(Box<Step>),
    Use(Box<RawStep>, Cx),
}

/// Parses the `[[steps]]` entry at `range` of `source` on its own into `raw` (a default
/// one); `text` is its `step_text`. Returns where its spans are.
pub(super) fn parse_step(
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
