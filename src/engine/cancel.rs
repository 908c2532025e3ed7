//! Stopping a run: Ctrl-C interrupts the step in flight (cleanups still run); `--fail-fast`
//! only keeps new workflows from starting.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

#[derive(Debug, Default)]
pub struct Cancel {
    interrupted: AtomicBool,
    stopping: AtomicBool,
    notify: Notify,
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Ctrl-C: abort the steps in flight, skip the rest, run cleanups, exit 130.
    pub fn interrupt(&self) {
        self.interrupted.store(true, Ordering::SeqCst);
        self.stopping.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// `--fail-fast`: start no new workflow.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }

    pub fn is_interrupted(&self) -> bool {
        self.is_cancelled()
    }

    pub fn should_stop(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Resolves once interrupted.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }

    /// Sleeps for `d`; returns `false` if interrupted first (only when `cancellable`).
    pub async fn sleep(&self, d: Duration, cancellable: bool) -> bool {
        if !cancellable {
            tokio::time::sleep(d).await;
            return true;
        }
        tokio::select! {
            () = tokio::time::sleep(d) => true,
            () = self.cancelled() => false,
        }
    }
}
