//! What a skipped step would have extracted (`teach`'s `s`, or `when = false`), so that a later
//! step failing on one of those variables says which step to blame instead of a bare
//! "undefined variable", which reads like a typo.

use crate::engine::WorkflowRun;
use crate::event::StepKind;
use crate::workflow::model::Extraction;

/// Remembers what a skipped step would have extracted, for [`skipped_setter`].
/// `step` is the skipped step's kind, number and name; `extract` what it would have set.
pub(super) fn note_skip(
    wf: &mut WorkflowRun,
    (kind, number, name): (StepKind, usize, &str),
    extract: &[Extraction],
) {
    if kind != StepKind::Step {
        return;
    }
    for x in extract {
        wf.unset_by_skip
            .insert(x.name.clone(), (number, name.to_owned()));
    }
}

/// When `e` is an undefined variable that a skipped step would have set: which step, so the
/// person knows what to send next time (a bare "undefined variable" reads like a typo).
pub(super) fn skipped_setter(wf: &WorkflowRun, e: &crate::engine::render::RenderError) -> String {
    let crate::engine::render::RenderError::Template { source, .. } = e else {
        return String::new();
    };
    let Some(name) = source.undefined.as_deref() else {
        return String::new();
    };
    match wf.unset_by_skip.get(name) {
        Some((number, step)) => {
            format!("; `{name}` comes from step {number} ({step}), which was skipped")
        }
        None => String::new(),
    }
}
