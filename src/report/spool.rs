//! Text a report file cannot take yet (whole sections of workflows that finished while
//! another one is being written, or before one that comes first in the file), kept in a
//! temporary file rather than in memory, so a long matrix run does not hold its finished
//! workflows' sections.

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
        self.park(text).map(|_| ())
    }

    /// Adds `text` and says where it is, for [`Spool::copy`] to fetch it in another order.
    pub fn park(&mut self, text: &[u8]) -> io::Result<Parked> {
        let at = Parked {
            offset: self.len,
            len: text.len() as u64,
        };
        if text.is_empty() {
            return Ok(at);
        }
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(tempfile::tempfile()?),
        };
        file.seek(SeekFrom::Start(self.len))?;
        file.write_all(text)?;
        self.len += at.len;
        Ok(at)
    }

    /// Writes the parked text `at` to `out`.
    pub fn copy(&mut self, at: Parked, out: &mut dyn Write) -> io::Result<()> {
        let Some(file) = &mut self.file else {
            return Ok(());
        };
        file.seek(SeekFrom::Start(at.offset))?;
        let copied = io::copy(&mut Read::take(&mut *file, at.len), out)?;
        if copied == at.len {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the report's temporary file was cut short",
            ))
        }
    }

    /// Writes everything pushed so far to `out`, in order, and empties the spool.
    pub fn drain_into(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.file.is_none() || self.len == 0 {
            return Ok(());
        }
        self.copy(
            Parked {
                offset: 0,
                len: self.len,
            },
            out,
        )?;
        let Some(file) = &mut self.file else {
            return Ok(());
        };
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        self.len = 0;
        Ok(())
    }
}

/// Where a parked text is in its spool.
#[derive(Debug, Clone, Copy)]
pub struct Parked {
    offset: u64,
    len: u64,
}

#[cfg(test)]
mod tests {
    use super::Spool;

    #[test]
    fn parked_texts_come_back_in_any_order() {
        let mut spool = Spool::default();
        let a = spool.park(b"first ").unwrap();
        let b = spool.park(b"second ").unwrap();
        let mut out = Vec::new();
        spool.copy(b, &mut out).unwrap();
        spool.copy(a, &mut out).unwrap();
        assert_eq!(out, b"second first ");
    }

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
