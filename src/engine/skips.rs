//! What a skipped step would have extracted (`teach`'s `s`, or `when = false`), so that a later
//! step failing on one of those variables says which step to blame instead of a bare
//! "undefined variable", which reads like a typo.

use crate::engine::WorkflowRun;
use crate::engine::step::StepSpec;
use crate::event::StepKind;

/// Remembers what a skipped step would have extracted, for [`skipped_setter`].
pub(super) fn note_skip(wf: &mut WorkflowRun, spec: &StepSpec<'_>) {
    if spec.kind != StepKind::Step {
        return;
    }
    for x in spec.extract {
        wf.unset_by_skip
            .insert(x.name.clone(), (spec.number, spec.name.to_owned()));
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
