//! Why a step was skipped, or why it failed other than by a check: typed, so `teach` and the
//! reporters match variants instead of comparing text. Each displays as the run has always
//! worded it; the JSON report writes that text.

use std::fmt;

use serde::Serialize;

use crate::redact::Redactor;

/// Why a step (or cleanup) was not sent, or not finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// A `when` condition evaluated to false.
    WhenFalse,
    /// An earlier step of the workflow failed, so the rest is skipped.
    EarlierStepFailed,
    /// Ctrl-C (or a quit elsewhere) stopped the run before this step was sent.
    Interrupted,
    /// `teach`: the person chose to skip this step.
    SkippedAtGate,
    /// `teach`: the person quit at this step.
    QuitAtGate,
}

impl SkipReason {
    /// Every reason, so one can be read back from its words (`report merge`).
    pub const ALL: [SkipReason; 5] = [
        SkipReason::WhenFalse,
        SkipReason::EarlierStepFailed,
        SkipReason::Interrupted,
        SkipReason::SkippedAtGate,
        SkipReason::QuitAtGate,
    ];
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SkipReason::WhenFalse => "condition `when` is false",
            SkipReason::EarlierStepFailed => "an earlier step failed",
            SkipReason::Interrupted => "interrupted",
            SkipReason::SkippedAtGate => "skipped at the prompt",
            SkipReason::QuitAtGate => "stopped here at the prompt (quit)",
        })
    }
}

/// Why a step failed, when it was not (only) a check that did not hold. The texts it carries
/// are the causes' own words, already redacted: an event never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum StepFailure {
    /// The step's own text could not be read (a diagnostic at `file:line:col`).
    Invalid(String),
    /// The workflow's variables could not be resolved; nothing was sent.
    Variables(String),
    /// A `when` condition could not be evaluated.
    Condition { when: String, error: String },
    /// A `prompt` variable is unset and nobody can be asked.
    NoTerminal { name: String, question: String },
    /// The answer to a `prompt` could not be read.
    Unanswered(String),
    /// Ctrl-C while the step waited or was being sent.
    Interrupted,
    /// The request could not be rendered; `hint` names the skipped step that would have set
    /// a missing variable (empty when there is none).
    Render { error: String, hint: String },
    /// The request was not answered (connection refused, timeout, ...).
    Send(String),
    /// The expectations could not be checked (a bad template or path in them).
    Check(String),
    /// A value to extract was missing or unreadable.
    Extraction(String),
    /// No attempt was made (a retry count of zero).
    NotSent,
    /// A failure read back from a JSON report (`report merge`), in the words it was written.
    Recorded(String),
}

impl StepFailure {
    /// The same failure with every text it carries redacted.
    #[must_use]
    pub fn redacted(self, redactor: &Redactor) -> StepFailure {
        let r = |s: String| redactor.redact(&s).into_owned();
        match self {
            StepFailure::Invalid(s) => StepFailure::Invalid(r(s)),
            StepFailure::Variables(s) => StepFailure::Variables(r(s)),
            StepFailure::Condition { when, error } => StepFailure::Condition {
                when: r(when),
                error: r(error),
            },
            StepFailure::NoTerminal { name, question } => StepFailure::NoTerminal {
                name,
                question: r(question),
            },
            StepFailure::Unanswered(s) => StepFailure::Unanswered(r(s)),
            StepFailure::Render { error, hint } => StepFailure::Render {
                error: r(error),
                hint: r(hint),
            },
            StepFailure::Send(s) => StepFailure::Send(r(s)),
            StepFailure::Check(s) => StepFailure::Check(r(s)),
            StepFailure::Extraction(s) => StepFailure::Extraction(r(s)),
            StepFailure::Recorded(s) => StepFailure::Recorded(r(s)),
            f @ (StepFailure::Interrupted | StepFailure::NotSent) => f,
        }
    }
}

impl fmt::Display for StepFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepFailure::Invalid(s)
            | StepFailure::Variables(s)
            | StepFailure::Unanswered(s)
            | StepFailure::Send(s)
            | StepFailure::Check(s)
            | StepFailure::Extraction(s)
            | StepFailure::Recorded(s) => f.write_str(s),
            StepFailure::Condition { when, error } => {
                write!(f, "cannot evaluate `when = \"{when}\"`: {error}")
            }
            StepFailure::NoTerminal { name, question } => write!(
                f,
                "`{name}` is not set and there is no terminal to ask \"{question}\": pass it with --var {name}=…"
            ),
            StepFailure::Interrupted => f.write_str("interrupted"),
            StepFailure::Render { error, hint } => {
                write!(f, "cannot render the request: {error}{hint}")
            }
            StepFailure::NotSent => f.write_str("the step was not sent"),
        }
    }
}

/// Why a step did not pass cleanly: skipped, or failed for a reason other than its checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Skipped(SkipReason),
    Failed(StepFailure),
}

impl Reason {
    pub fn skip(&self) -> Option<&SkipReason> {
        match self {
            Reason::Skipped(s) => Some(s),
            Reason::Failed(_) => None,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Skipped(s) => s.fmt(f),
            Reason::Failed(e) => e.fmt(f),
        }
    }
}

impl From<SkipReason> for Reason {
    fn from(s: SkipReason) -> Reason {
        Reason::Skipped(s)
    }
}

impl From<StepFailure> for Reason {
    fn from(e: StepFailure) -> Reason {
        Reason::Failed(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_the_run_has_always_worded_them() {
        assert_eq!(
            SkipReason::SkippedAtGate.to_string(),
            "skipped at the prompt"
        );
        assert_eq!(
            SkipReason::QuitAtGate.to_string(),
            "stopped here at the prompt (quit)"
        );
        assert_eq!(
            SkipReason::WhenFalse.to_string(),
            "condition `when` is false"
        );
        let render = StepFailure::Render {
            error: "undefined variable `x`".to_owned(),
            hint: String::new(),
        };
        assert_eq!(
            render.to_string(),
            "cannot render the request: undefined variable `x`"
        );
        let cond = StepFailure::Condition {
            when: "a ==".to_owned(),
            error: "syntax error".to_owned(),
        };
        assert_eq!(
            Reason::from(cond).to_string(),
            "cannot evaluate `when = \"a ==\"`: syntax error"
        );
    }
}
