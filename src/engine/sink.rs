//! Where the engine's events go: the reporters, fed one event at a time in order, with the
//! first write error kept for the exit code (the engine never prints).

use std::sync::Mutex;

use crate::event::{Event, Reporter};

/// Reporters behind a lock, fed in event order; the first write error is kept for the exit code.
pub struct EventSink {
    reporter: Mutex<Box<dyn Reporter>>,
    error: Mutex<Option<std::io::Error>>,
    /// Whether the reporters do anything with `StepStarted` (asked once).
    step_starts: bool,
    /// Whether the reporters read a step's `learned` values (asked once).
    learned: bool,
}

impl EventSink {
    pub fn new(reporter: Box<dyn Reporter>) -> EventSink {
        EventSink {
            step_starts: reporter.wants_step_starts(),
            learned: reporter.wants_learned(),
            reporter: Mutex::new(reporter),
            error: Mutex::new(None),
        }
    }

    /// Whether a `StepStarted` event would do anything: when not, it is not made.
    pub fn wants_step_starts(&self) -> bool {
        self.step_starts
    }

    /// Whether a step's report carries its `learned` values: when not, they are not made.
    pub fn wants_learned(&self) -> bool {
        self.learned
    }

    pub fn emit(&self, event: &Event) {
        let result = match self.reporter.lock() {
            Ok(mut r) => r.event(event),
            Err(_) => Ok(()),
        };
        if let Err(e) = result {
            self.keep_error(e);
        }
    }

    pub fn finish(&self) -> std::io::Result<()> {
        if let Ok(mut r) = self.reporter.lock()
            && let Err(e) = r.finish()
        {
            self.keep_error(e);
        }
        match self.error.lock().ok().and_then(|mut e| e.take()) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn keep_error(&self, e: std::io::Error) {
        if let Ok(mut slot) = self.error.lock() {
            slot.get_or_insert(e);
        }
    }
}
