//! Stopping a run: Ctrl-C interrupts the step in flight (cleanups still run); `--fail-fast`
//! only keeps new workflows from starting. It also keeps the list of cleanups still owed, so
//! that a second Ctrl-C, which stops at once, can say which ones did not run.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::Notify;

#[derive(Debug, Default)]
pub struct Cancel {
    interrupted: AtomicBool,
    stopping: AtomicBool,
    notify: Notify,
    owed: Mutex<Vec<Owed>>,
}

/// A cleanup owed by a workflow whose creating step passed, until it has been run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owed {
    /// The workflow's place in the run (`run`, `index`), which tells apart two runs of one file.
    key: (usize, usize),
    pub workflow: String,
    pub cleanup: String,
    /// Sent and not yet answered when the run stopped.
    pub running: bool,
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

    /// A step of workflow `key` passed: its cleanup `cleanup` is owed.
    pub fn owe(&self, key: (usize, usize), workflow: &str, cleanup: &str) {
        self.owed_list().push(Owed {
            key,
            workflow: workflow.to_owned(),
            cleanup: cleanup.to_owned(),
            running: false,
        });
    }

    /// The last cleanup owed by `key` (cleanups run in reverse) is being run.
    pub fn cleanup_started(&self, key: (usize, usize)) {
        if let Some(owed) = self.owed_list().iter_mut().rev().find(|o| o.key == key) {
            owed.running = true;
        }
    }

    /// The last cleanup owed by `key` has run, whatever its outcome.
    pub fn cleanup_done(&self, key: (usize, usize)) {
        let mut owed = self.owed_list();
        if let Some(at) = owed.iter().rposition(|o| o.key == key) {
            owed.remove(at);
        }
    }

    /// The cleanups still owed, in the order they would have run.
    pub fn owed(&self) -> Vec<Owed> {
        let mut owed = self.owed_list().clone();
        // Each workflow's cleanups run in reverse; workflows keep their order.
        owed.sort_by_key(|o| o.key);
        let mut ordered = Vec::with_capacity(owed.len());
        for chunk in owed.chunk_by(|a, b| a.key == b.key) {
            ordered.extend(chunk.iter().rev().cloned());
        }
        ordered
    }

    fn owed_list(&self) -> std::sync::MutexGuard<'_, Vec<Owed>> {
        // A panic elsewhere while holding the list leaves it usable: it is only names.
        self.owed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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

/// A wait for the run's interruption that lasts as long as its owner (a workflow), polled by
/// each of its steps in turn: it registers with the run's [`Cancel`] once, where a new
/// [`Cancel::cancelled`] for each step would register and leave again every time.
pub struct Interrupted {
    cancel: Arc<Cancel>,
    wait: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl Interrupted {
    pub fn new(cancel: Arc<Cancel>) -> Interrupted {
        let waiting = Arc::clone(&cancel);
        Interrupted {
            cancel,
            wait: Box::pin(async move { waiting.cancelled().await }),
        }
    }
}

impl Future for Interrupted {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Once interrupted, always: the wait, which may have ended already, is not polled
        // again.
        if self.cancel.is_cancelled() {
            return Poll::Ready(());
        }
        self.wait.as_mut().poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::Cancel;

    #[test]
    fn owed_cleanups_are_listed_in_the_order_they_would_run() {
        let cancel = Cancel::new();
        cancel.owe((0, 1), "B", "b1");
        cancel.owe((0, 0), "A", "a1");
        cancel.owe((0, 0), "A", "a2");
        cancel.owe((0, 1), "B", "b2");
        cancel.cleanup_started((0, 0));
        let names = |c: &Cancel| -> Vec<(String, bool)> {
            c.owed()
                .into_iter()
                .map(|o| (o.cleanup, o.running))
                .collect()
        };
        let expected = [("a2", true), ("a1", false), ("b2", false), ("b1", false)];
        let expected: Vec<(String, bool)> =
            expected.iter().map(|&(n, r)| (n.to_owned(), r)).collect();
        assert_eq!(names(&cancel), expected);
        cancel.cleanup_done((0, 0));
        cancel.cleanup_done((0, 1));
        let left: Vec<(String, bool)> = names(&cancel);
        assert_eq!(left, [("a1".to_owned(), false), ("b1".to_owned(), false)]);
        assert_eq!(cancel.owed()[0].workflow, "A");
    }
}
