//! How a command ends: its outcome or its error, mapped to an exit code (README, Commands) in
//! one function, and an error said in one place, each cause on its own `caused by:` line.

use std::fmt::Write as _;
use std::io::{IsTerminal as _, Write as _};

use crate::diagnostic::Diagnostic;
use crate::exit;
use crate::import::ImportError;

/// A command that ran to its end: what its steps came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    /// Every step passed (or the command had no steps: `check`, `list`, `schema`, …).
    Passed,
    /// A step or a cleanup failed.
    Failed,
    /// Ctrl-C or a quit at `teach`'s prompt; cleanups ran first. Not an error: the run's
    /// results were reported like any other's.
    Interrupted,
}

/// A command that could not do its work.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The command line itself (clap's message, or `--help`/`--version`, which end with 0).
    #[error("{0}")]
    Cli(#[from] clap::Error),
    /// A flag's value that the command cannot use (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Invalid input found before anything was sent: every diagnostic (exit 2).
    #[error("{} found; nothing was sent", crate::report::excerpt::plural(.0.len(), "error", "errors"))]
    Invalid(Vec<Diagnostic>),
    /// `import`'s errors, which say themselves whole.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// The tool itself failed (a report cannot be written, the sandbox cannot bind): exit 3.
    #[error("{context}")]
    Tool {
        context: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl AppError {
    /// A tool failure: what could not be done, and why.
    pub fn tool(
        context: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> AppError {
        AppError::Tool {
            context: context.into(),
            source: source.into(),
        }
    }

    pub fn invalid(diagnostics: impl Into<Vec<Diagnostic>>) -> AppError {
        AppError::Invalid(diagnostics.into())
    }
}

/// A command line that cannot become a plan: a usage mistake or invalid files, exit 2 both.
impl From<crate::config::PlanError> for AppError {
    fn from(e: crate::config::PlanError) -> AppError {
        match e {
            crate::config::PlanError::Usage(text) => AppError::Usage(text),
            crate::config::PlanError::Invalid(diagnostics) => AppError::Invalid(diagnostics),
        }
    }
}

/// The one place exit codes are chosen.
pub fn exit_code(result: &Result<RunOutcome, AppError>) -> u8 {
    match result {
        Ok(RunOutcome::Passed) => exit::OK,
        Ok(RunOutcome::Failed) => exit::FAILED,
        Ok(RunOutcome::Interrupted) => exit::INTERRUPTED,
        // `--help` and `--version` are clap's errors too, said on stdout.
        Err(AppError::Cli(e)) => {
            if e.use_stderr() {
                exit::INVALID
            } else {
                exit::OK
            }
        }
        Err(
            AppError::Usage(_)
            | AppError::Invalid(_)
            | AppError::Import(ImportError::Read { .. } | ImportError::Invalid(_)),
        ) => exit::INVALID,
        Err(
            AppError::Import(ImportError::Exists(_) | ImportError::Write { .. })
            | AppError::Tool { .. },
        ) => exit::TOOL,
    }
}

/// Says the error (if any) and returns the exit code: what `main` ends with. `color` is the
/// command's `--color`: diagnostics are coloured as the rest of its console output is.
pub fn finish(result: &Result<RunOutcome, AppError>, color: crate::cli::ColorChoice) -> u8 {
    if let Err(e) = result {
        let color = crate::report::style::color_enabled(
            crate::config::plan::color_choice(color),
            std::io::stderr().is_terminal(),
        );
        report(e, color);
    }
    exit_code(result)
}

/// Prints the error on stderr: `error: …`, then each cause not already said in it.
fn report(err: &AppError, color: bool) {
    match err {
        AppError::Cli(e) => {
            let _ = e.print();
        }
        AppError::Invalid(diagnostics) => report_invalid(diagnostics, color),
        AppError::Import(ImportError::Invalid(d)) => say_err(&d.render(color)),
        AppError::Import(e) => say_err(e.to_string().trim_end()),
        AppError::Usage(_) | AppError::Tool { .. } => {
            let text = render(err);
            say_err(text.trim_end());
        }
    }
}

/// `error: …` and a `caused by: …` line per cause. A cause whose words the message above it
/// already holds (an error type that names its own reason) is not said twice.
fn render(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = format!("error: {err}\n");
    let mut said = err.to_string();
    let mut cause = err.source();
    while let Some(e) = cause {
        let text = match e.downcast_ref::<std::io::Error>() {
            Some(io) => crate::io_reason::Reason(io).to_string(),
            None => e.to_string(),
        };
        if !said.contains(&text) {
            let _ = writeln!(out, "  caused by: {text}");
        }
        said = text;
        cause = e.source();
    }
    out
}

fn say_err(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// Every diagnostic, each distinct one once, the missing variables grouped with how to
/// define them, and the count.
fn report_invalid(diagnostics: &[Diagnostic], color: bool) {
    let (whole, missing) = crate::diagnostic::grouped(diagnostics);
    // The same error reached twice (a file that fails to load, found in a directory and
    // through `use`) is said once.
    let mut said = std::collections::HashSet::new();
    let shown: Vec<&Diagnostic> = whole
        .into_iter()
        .filter(|d| said.insert(d.to_string()))
        .collect();
    let mut err = std::io::stderr().lock();
    for d in &shown {
        let _ = writeln!(err, "{}\n", d.render(color));
    }
    // Missing variables, one line each, the last with how to define them.
    for d in &missing {
        let _ = writeln!(err, "{}", d.render(color));
    }
    if !missing.is_empty() {
        let _ = writeln!(err);
    }
    let _ = writeln!(
        err,
        "{} found; nothing was sent",
        crate::report::excerpt::plural(shown.len() + missing.len(), "error", "errors")
    );
}

#[cfg(test)]
mod tests {
    use super::{AppError, RunOutcome, exit_code, render};
    use crate::diagnostic::Diagnostic;

    #[test]
    fn each_outcome_and_error_has_its_documented_exit_code() {
        let io = || std::io::Error::from_raw_os_error(13);
        let cases: Vec<(Result<RunOutcome, AppError>, u8)> = vec![
            (Ok(RunOutcome::Passed), 0),
            (Ok(RunOutcome::Failed), 1),
            (Ok(RunOutcome::Interrupted), 130),
            (Err(AppError::Usage("--listen".into())), 2),
            (
                Err(crate::config::PlanError::Usage("--partition".into()).into()),
                2,
            ),
            (Err(AppError::invalid(vec![Diagnostic::new("bad")])), 2),
            (Err(AppError::tool("cannot write a report", io())), 3),
            (
                Err(AppError::Import(crate::import::ImportError::Exists(vec![]))),
                3,
            ),
            (
                Err(AppError::Import(crate::import::ImportError::Read {
                    path: "c.json".into(),
                    source: io(),
                })),
                2,
            ),
        ];
        for (result, code) in cases {
            assert_eq!(exit_code(&result), code, "{result:?}");
        }
    }

    #[test]
    fn help_and_version_end_with_0_and_bad_arguments_with_2() {
        use clap::Parser as _;
        let help = crate::cli::Cli::try_parse_from(["steprun", "--help"]).expect_err("help");
        assert_eq!(exit_code(&Err(AppError::Cli(help))), 0);
        let bad = crate::cli::Cli::try_parse_from(["steprun", "--nope"]).expect_err("bad flag");
        assert_eq!(exit_code(&Err(AppError::Cli(bad))), 2);
    }

    #[test]
    fn each_cause_is_said_once_on_its_own_line() {
        let e = AppError::tool(
            "cannot start the sandbox",
            std::io::Error::from_raw_os_error(13),
        );
        assert_eq!(
            render(&e),
            "error: cannot start the sandbox\n  caused by: permission denied\n"
        );
        // A cause the message already names is not repeated.
        let e = AppError::tool(
            "cannot write a report: permission denied",
            std::io::Error::from_raw_os_error(13),
        );
        assert_eq!(
            render(&e),
            "error: cannot write a report: permission denied\n"
        );
    }
}
