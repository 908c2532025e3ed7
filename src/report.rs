//! Reporters turn the engine's events into output: the streaming console and HTML page, and
//! the JSON and `JUnit` files written at the end. The engine never prints; it hands events
//! to a [`Fanout`].

mod console;
mod console_step;
pub(crate) mod excerpt;
mod html;
mod html_markup;
mod html_page;
mod json;
mod junit;
mod merge;
mod progress;
mod shard;
mod spool;
pub(crate) mod style;
mod target;
pub(crate) mod width;

#[cfg(test)]
pub(crate) mod fixtures;

use std::io;

pub use crate::event::Reporter;
pub use console::{ConsoleOptions, ConsoleReporter, Stream};
pub use merge::merge;
pub use style::{ColorChoice, color_enabled};
pub use target::{ReportError, ReportSpec, ReportTarget};

use crate::event::Event;

/// Hands every event to several reporters (the console and each `--report`).
///
/// One reporter failing (a closed stdout, a full disk) does not starve the others: every
/// reporter gets every event, and the first error is returned afterwards.
#[derive(Default)]
pub struct Fanout {
    reporters: Vec<Box<dyn Reporter>>,
}

impl Fanout {
    pub fn push(&mut self, reporter: Box<dyn Reporter>) {
        self.reporters.push(reporter);
    }

    fn each(
        &mut self,
        mut call: impl FnMut(&mut dyn Reporter) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut first_error = None;
        for reporter in &mut self.reporters {
            if let Err(err) = call(reporter.as_mut()) {
                first_error.get_or_insert(err);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

impl Reporter for Fanout {
    fn event(&mut self, event: &Event) -> io::Result<()> {
        self.each(|reporter| reporter.event(event))
    }

    fn wants_step_starts(&self) -> bool {
        self.reporters.iter().any(|r| r.wants_step_starts())
    }

    fn wants_learned(&self) -> bool {
        self.reporters.iter().any(|r| r.wants_learned())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.each(|reporter| reporter.finish())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::event::RunInfo;

    /// Records what it receives; fails every call when `fail` is set.
    struct Probe {
        seen: Arc<Mutex<Vec<&'static str>>>,
        fail: bool,
    }

    impl Reporter for Probe {
        fn event(&mut self, _: &Event) -> io::Result<()> {
            self.seen.lock().unwrap().push("event");
            if self.fail {
                Err(io::Error::other("broken"))
            } else {
                Ok(())
            }
        }
        fn finish(&mut self) -> io::Result<()> {
            self.seen.lock().unwrap().push("finish");
            if self.fail {
                Err(io::Error::other("broken"))
            } else {
                Ok(())
            }
        }
    }

    #[test]
    fn every_reporter_gets_every_event_even_after_an_error() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let probe = |fail| {
            Box::new(Probe {
                seen: seen.clone(),
                fail,
            }) as Box<dyn Reporter>
        };
        let mut fanout = Fanout::default();
        fanout.push(probe(true));
        fanout.push(probe(false));
        let event = Event::RunStarted(RunInfo {
            workflows: 1,
            runs: 1,
            partition: None,
            partition_units: None,
            partition_digest: None,
        });
        assert_eq!(fanout.event(&event).unwrap_err().to_string(), "broken");
        assert!(fanout.finish().is_err());
        assert_eq!(
            *seen.lock().unwrap(),
            ["event", "event", "finish", "finish"]
        );
    }

    #[test]
    fn empty_fanout_is_fine() {
        let mut fanout = Fanout::default();
        fanout.finish().unwrap();
    }
}
