//! A step's timeout on one timer per workflow. Each hop (a send, its redirects) has until
//! `timeout` after it was sent to finish its body; a new timer for each (made, registered with
//! the runtime's timer wheel, dropped) costs more than a whole step's checks. The workflow's
//! timer is instead left armed where it is: a hop only notes when it is due, and the timer,
//! firing before that, is moved on to it. So a hop costs a clock read, and the timer moves
//! once per `timeout` rather than once per request.

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::Poll;
use std::time::Duration;

use tokio::time::{Instant, Sleep};

/// The workflow's timer, between its hops.
#[derive(Default)]
pub(super) struct Timer(Mutex<Option<Pin<Box<Sleep>>>>);

impl Timer {
    /// The timer for one hop sending now, due `timeout` from now; given back when the hop
    /// is done (dropped).
    pub(super) fn start(&self, timeout: Duration) -> Deadline<'_> {
        let due = Instant::now() + timeout;
        let sleep = match self.0.lock().ok().and_then(|mut slot| slot.take()) {
            // A timer due later than this hop (a step with a shorter timeout than the last)
            // is moved back; one due earlier moves on when it fires.
            Some(mut sleep) => {
                if sleep.deadline() > due {
                    sleep.as_mut().reset(due);
                }
                sleep
            }
            None => Box::pin(tokio::time::sleep_until(due)),
        };
        Deadline {
            timer: self,
            sleep: Some(sleep),
            due,
        }
    }
}

/// One hop's deadline.
pub(super) struct Deadline<'a> {
    timer: &'a Timer,
    sleep: Option<Pin<Box<Sleep>>>,
    due: Instant,
}

impl Deadline<'_> {
    /// Starts the timeout again for the next hop (a redirect followed).
    pub(super) fn restart(&mut self, timeout: Duration) {
        self.due = Instant::now() + timeout;
        if let Some(sleep) = &mut self.sleep
            && sleep.deadline() > self.due
        {
            sleep.as_mut().reset(self.due);
        }
    }

    /// Resolves once the hop's time is up.
    pub(super) async fn passed(&mut self) {
        let due = self.due;
        let Some(sleep) = &mut self.sleep else {
            return;
        };
        poll_fn(|cx| {
            loop {
                if sleep.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                // Fired: at this hop's time, or at an earlier one it was left at.
                if sleep.deadline() >= due {
                    return Poll::Ready(());
                }
                sleep.as_mut().reset(due);
            }
        })
        .await;
    }
}

impl Drop for Deadline<'_> {
    fn drop(&mut self) {
        if let (Some(sleep), Ok(mut slot)) = (self.sleep.take(), self.timer.0.lock()) {
            *slot = Some(sleep);
        }
    }
}
