//! Asking a person for a missing variable (`prompt`), on the terminal.

use std::future::Future;
use std::io::{BufRead, IsTerminal, Write};
use std::pin::Pin;

use crate::engine::Prompter;

/// Asks on standard error and reads one line from standard input.
pub struct TerminalPrompter;

impl Prompter for TerminalPrompter {
    fn ask<'a>(
        &'a self,
        question: &'a str,
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
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                Ok(line.trim_end_matches(['\r', '\n']).to_owned())
            })
            .await
            .map_err(std::io::Error::other)?
        })
    }
}
