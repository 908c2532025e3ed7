//! Text a report file cannot take yet (whole sections of workflows that finished while
//! another one is being written), kept in a temporary file rather than in memory, so a long
//! matrix run does not hold its finished workflows' pages.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

/// A temporary file of text waiting for its turn, made on the first push.
#[derive(Default)]
pub struct Spool {
    file: Option<File>,
    len: u64,
}

impl Spool {
    pub fn push(&mut self, text: &[u8]) -> io::Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(tempfile::tempfile()?),
        };
        file.write_all(text)?;
        self.len += text.len() as u64;
        Ok(())
    }

    /// Writes everything pushed so far to `out`, in order, and empties the spool.
    pub fn drain_into(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let Some(file) = &mut self.file else {
            return Ok(());
        };
        if self.len == 0 {
            return Ok(());
        }
        file.seek(SeekFrom::Start(0))?;
        let copied = io::copy(&mut Read::take(&mut *file, self.len), out)?;
        if copied != self.len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the report's temporary file was cut short",
            ));
        }
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        self.len = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Spool;

    #[test]
    fn text_comes_back_in_order_and_the_spool_empties() {
        let mut spool = Spool::default();
        let mut out = Vec::new();
        spool.drain_into(&mut out).unwrap();
        assert!(out.is_empty());
        spool.push(b"one ").unwrap();
        spool.push(b"two ").unwrap();
        spool.drain_into(&mut out).unwrap();
        spool.push(b"three").unwrap();
        spool.drain_into(&mut out).unwrap();
        spool.drain_into(&mut out).unwrap();
        assert_eq!(out, b"one two three");
    }
}
