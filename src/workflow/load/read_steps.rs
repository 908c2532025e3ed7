//! A workflow's steps in order, as the check and the run go through them: a loaded step as
//! it is, a deferred one read again from its file (or its file's text) when its turn comes.

use std::borrow::Cow;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::workflow::model::{Deferred, Item, Reader, Step, Steps};
use crate::workflow::raw::RawStep;
use crate::workflow::source::Source;
use crate::workflow::split;

use super::parse_steps::parse_step;
use super::step;

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
