//! Ctrl-C and SIGTERM. The first Ctrl-C (or any SIGTERM, which is how CI cancels a job)
//! interrupts a run: the steps in flight stop, the cleanups run, the reports are written, exit
//! 130. A second Ctrl-C stops at once, naming the cleanups that did not run.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Arc;

use tokio::task::JoinHandle;

use crate::engine::Cancel;
use crate::exit;

/// Which signal arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// SIGINT: Ctrl-C at a terminal.
    Interrupt,
    /// SIGTERM: a polite stop from a supervisor (CI, `kill`, a container runtime).
    Terminate,
}

/// The signals this process listens for, registered when made: a signal that arrives after
/// `Signals::new()` is never lost, even before anything awaits it.
#[cfg(unix)]
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn new() -> std::io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    async fn next(&mut self) -> Kind {
        tokio::select! {
            _ = self.interrupt.recv() => Kind::Interrupt,
            _ = self.terminate.recv() => Kind::Terminate,
        }
    }
}

/// Elsewhere there is no SIGTERM: Ctrl-C only.
#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn new() -> std::io::Result<Signals> {
        Ok(Signals)
    }

    async fn next(&mut self) -> Kind {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        Kind::Interrupt
    }
}

/// Listens from now on for the signals that stop a run (see the module's doc). The returned
/// task is aborted when the run ends.
pub(super) fn watch(cancel: Arc<Cancel>) -> std::io::Result<JoinHandle<()>> {
    let mut signals = Signals::new()?;
    Ok(tokio::spawn(async move {
        let first = signals.next().await;
        let what = match first {
            Kind::Interrupt => "interrupted",
            Kind::Terminate => "terminated (SIGTERM)",
        };
        clear_progress_row();
        say_err!(
            "{what}: stopping the steps in flight, running the cleanups (Ctrl-C again stops at once)"
        );
        cancel.interrupt();
        // SIGTERM again is the same polite request: the cleanups go on. Only a person's second
        // Ctrl-C gives them up.
        while signals.next().await != Kind::Interrupt {}
        stop_now(&cancel)
    }))
}

/// The second Ctrl-C: says which cleanups did not run, drops unfinished report and vars files
/// (the old ones stay as they were), and exits 130 without waiting for anything.
fn stop_now(cancel: &Cancel) -> ! {
    let owed = cancel.owed();
    let mut text = String::new();
    if owed.is_empty() {
        text.push_str("interrupted again: stopped at once; no cleanup was left to run\n");
    } else {
        text.push_str("interrupted again: stopped at once; these cleanups did not run:\n");
        for o in &owed {
            let note = if o.running { " (interrupted)" } else { "" };
            let _ = writeln!(text, "  {}: {}{note}", o.workflow, o.cleanup);
        }
    }
    clear_progress_row();
    let _ = std::io::stderr().write_all(text.as_bytes());
    crate::atomic::discard_unfinished();
    std::process::exit(i32::from(exit::INTERRUPTED))
}

/// On a terminal the console's progress row may be on screen: clear it before saying anything.
fn clear_progress_row() {
    use std::io::IsTerminal as _;
    let mut err = std::io::stderr().lock();
    if err.is_terminal() {
        let _ = write!(err, "\r\x1b[2K");
    }
}

/// Listens from now on; the future resolves at the first Ctrl-C or SIGTERM. How
/// `steprun sandbox` waits to stop.
pub(super) fn stop_requested() -> std::io::Result<impl Future<Output = ()>> {
    let mut signals = Signals::new()?;
    Ok(async move {
        signals.next().await;
    })
}
