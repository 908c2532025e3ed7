//! The console's output once its reader has gone (`steprun run … | head`): the rest of the
//! console is dropped, as `steprun list | head` drops the rest of its list, instead of
//! failing the run. The run goes on to its end, cleanups included; its report files and its
//! exit code still say how it went.

use std::io::{self, Write};

/// A writer that takes everything once a write or flush has found the pipe closed.
pub struct QuietWhenClosed<W> {
    inner: W,
    closed: bool,
}

impl<W> QuietWhenClosed<W> {
    pub fn new(inner: W) -> QuietWhenClosed<W> {
        QuietWhenClosed {
            inner,
            closed: false,
        }
    }

    /// Whether `result` found the reader gone; from then on nothing is written.
    fn gone<T>(&mut self, result: io::Result<T>, taken: T) -> io::Result<T> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(taken)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for QuietWhenClosed<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.gone(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.gone(result, ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes `room` bytes, then answers as a pipe whose reader has gone, or fails otherwise.
    struct Pipe {
        room: usize,
        kind: io::ErrorKind,
        written: Vec<u8>,
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.written.len() + buf.len() > self.room {
                return Err(io::Error::new(self.kind, "closed"));
            }
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_takes_the_rest_and_another_error_is_still_one() {
        let mut out = QuietWhenClosed::new(Pipe {
            room: 6,
            kind: io::ErrorKind::BrokenPipe,
            written: Vec::new(),
        });
        out.write_all(b"first\n").expect("room for it");
        out.write_all(b"second\n")
            .expect("taken once the reader is gone");
        out.write_all(b"third\n").expect("taken");
        out.flush().expect("nothing to flush");
        assert_eq!(out.inner.written, b"first\n");
        assert!(out.closed);

        let mut full = QuietWhenClosed::new(Pipe {
            room: 0,
            kind: io::ErrorKind::StorageFull,
            written: Vec::new(),
        });
        let err = full.write_all(b"x").expect_err("a full disk is an error");
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
        assert!(!full.closed);
    }
}
