//! Asking a person for a missing variable (`prompt`), on the terminal.

use std::future::Future;
use std::io::{BufRead, IsTerminal, Write};
use std::pin::Pin;

use crate::engine::Prompter;

/// Asks on standard error and reads one line from standard input; a secret's answer is read
/// from the terminal with echo off, like a password.
pub struct TerminalPrompter;

/// Whether the answer is read without echo: a secret asked on a terminal.
pub fn hides_answer(secret: bool, stdin_is_terminal: bool) -> bool {
    secret && stdin_is_terminal
}

impl Prompter for TerminalPrompter {
    fn ask<'a>(
        &'a self,
        question: &'a str,
        secret: bool,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<String>> + Send + 'a>> {
        let question = question.to_owned();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut err = std::io::stderr().lock();
                if err.is_terminal() {
                    // The console's progress line may be on screen: clear it first.
                    write!(err, "\r\x1b[2K")?;
                }
                write!(err, "{question} ")?;
                err.flush()?;
                if hides_answer(secret, std::io::stdin().is_terminal()) {
                    drop(err);
                    // Echo off until Enter (rpassword ends the line itself).
                    return rpassword::read_password();
                }
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                Ok(line.trim_end_matches(['\r', '\n']).to_owned())
            })
            .await
            .map_err(std::io::Error::other)?
        })
    }
}

#[cfg(test)]
mod tests {
    use super::hides_answer;

    #[test]
    fn only_a_secret_on_a_terminal_is_read_without_echo() {
        assert!(hides_answer(true, true));
        assert!(!hides_answer(false, true));
        // Piped input is never echoed by the terminal anyway; it is read as a line.
        assert!(!hides_answer(true, false));
    }
}
