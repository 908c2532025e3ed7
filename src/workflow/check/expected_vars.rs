//! `[steps.expect.vars]` names variables: each must be defined before the step or extracted
//! by it, or the expectation could only fail.

use crate::diagnostic::Diagnostic;
use crate::workflow::model::Expect;

use super::Checker;

impl Checker<'_> {
    /// Called once the step's extractions count as defined: expected values may read them.
    pub(super) fn expected_vars(&mut self, expect: &Expect) {
        for (name, matcher) in &expect.vars {
            self.matcher(matcher);
            if self.defined.contains(&name.value) || self.templates.is_builtin(&name.value) {
                continue;
            }
            self.errors.push(
                Diagnostic::at(
                    format!(
                        "`expect.vars` checks `{}`, which is neither defined before this step nor extracted by it",
                        name.value
                    ),
                    &name.source,
                    name.source.narrow_word(&name.span, &name.value),
                )
                .with_help("define it in [vars], a --vars file or --var, or extract it in this or an earlier step")
                .undefined(&name.value),
            );
        }
    }
}
