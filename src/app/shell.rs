//! `steprun completions SHELL` and `steprun man`: the shell's completion script and the manual
//! page, both generated from the clap definition so they never drift from the real flags.

use std::io::Write;

use clap::CommandFactory as _;

use crate::cli::Cli;
use crate::error::{AppError, RunOutcome};

/// Prints the completion script for `shell` (`source <(steprun completions bash)`).
pub(super) fn completions(shell: clap_complete::Shell) -> Result<RunOutcome, AppError> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "steprun", &mut out);
    write_out(&out)
}

/// Prints `steprun(1)` as roff: `steprun man | man -l -`, or save it as `steprun.1` in a
/// `man1` directory of `MANPATH`. One page holds every command with its options.
pub(super) fn man() -> Result<RunOutcome, AppError> {
    let mut command = Cli::command();
    // Gives each subcommand its full name (`steprun import postman`) for its synopsis.
    command.build();
    let mut out = Vec::new();
    page(&command, &mut out).map_err(|e| AppError::tool("cannot render the manual page", e))?;
    write_out(tidy(&String::from_utf8_lossy(&out)).as_bytes())
}

fn page(command: &clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(command.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    writeln!(out, ".SH COMMANDS")?;
    commands(command, out)?;
    man.render_version_section(out)
}

/// A subsection per command (`steprun run`, `steprun import postman`, …): its synopsis, what
/// it does and its options, in `clap_mangen`'s words.
fn commands(command: &clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    // Not clap's own `help` subcommand: `--help` is on every command.
    let shown = |s: &&clap::Command| !s.is_hide_set() && s.get_name() != "help";
    for sub in command.get_subcommands().filter(shown) {
        if sub.has_subcommands() {
            commands(sub, out)?;
            continue;
        }
        let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
        writeln!(out, ".SS \"{name}\"")?;
        let man = clap_mangen::Man::new(sub.clone());
        let mut section = Vec::new();
        man.render_synopsis_section(&mut section)?;
        man.render_description_section(&mut section)?;
        man.render_options_section(&mut section)?;
        // Its sections' headings become paragraph breaks within the subsection.
        let text = String::from_utf8_lossy(&section);
        for line in text.lines() {
            let line = if line.starts_with(".SH ") {
                ".PP"
            } else {
                line
            };
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// `clap_mangen` opens every section it renders with the definition of the `Aq` string (a
/// quote that works in groff and elsewhere); one page needs it once, after `.TH`, which a man
/// page begins with.
fn tidy(roff: &str) -> String {
    const PREAMBLE: [&str; 2] = [".ie \\n(.g .ds Aq \\(aq", ".el .ds Aq '"];
    let mut out = String::with_capacity(roff.len());
    for line in roff.lines().filter(|l| !PREAMBLE.contains(l)) {
        out.push_str(line);
        out.push('\n');
        if line.starts_with(".TH ") {
            for p in PREAMBLE {
                out.push_str(p);
                out.push('\n');
            }
        }
    }
    out
}

fn write_out(bytes: &[u8]) -> Result<RunOutcome, AppError> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(RunOutcome::Passed),
        // A closed pipe (`steprun man | head`) is not the tool failing.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(RunOutcome::Passed),
        Err(e) => Err(AppError::tool("cannot write", e)),
    }
}
