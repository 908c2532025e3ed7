//! Text a report file cannot take yet (sections of workflows running or finished while
//! another one is being written, or before one that comes first in the file), kept in a
//! temporary file rather than in memory, so a long matrix run holds neither its finished
//! workflows' sections nor more than a few kilobytes of each running one's.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

use Piece::{Tail, Text};

/// A temporary file of text waiting for its turn, made when the first text is parked. Each
/// parked text is copied out once; when every one has been, the file is emptied and filled
/// again from its start, so it holds what waits, not everything that ever waited.
#[derive(Default)]
pub struct Spool {
    file: Option<File>,
    len: u64,
    /// Bytes parked and not copied out yet.
    waiting: u64,
}

impl Spool {
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
        self.waiting += at.len;
        Ok(at)
    }

    /// Writes the parked text `at` to `out`, once: nothing waits there afterwards.
    pub fn copy(&mut self, at: Parked, out: &mut dyn Write) -> io::Result<()> {
        let Some(file) = &mut self.file else {
            return Ok(());
        };
        file.seek(SeekFrom::Start(at.offset))?;
        let copied = io::copy(&mut Read::take(&mut *file, at.len), out)?;
        if copied != at.len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the report's temporary file was cut short",
            ));
        }
        self.waiting = self.waiting.saturating_sub(at.len);
        if self.waiting == 0 && self.len > 0 {
            file.set_len(0)?;
            self.len = 0;
        }
        Ok(())
    }
}

/// Where a parked text is in its spool.
#[derive(Debug, Clone, Copy)]
pub struct Parked {
    offset: u64,
    len: u64,
}

/// How much of a held section stays in memory before it goes to the spool: a few of a
/// section's steps, so a workflow in flight costs the report this much, however long it runs.
const HELD_IN_MEMORY: usize = 4096;

/// What [`Held::park_bytes`] sends to the spool: the text in memory, or a piece pushed.
#[derive(Clone, Copy)]
enum Piece<'t> {
    Tail,
    Text(&'t str),
}

/// A section that cannot be written yet: the pieces of it already parked in a spool, in
/// order, then its latest text in memory.
#[derive(Default)]
pub struct Held {
    parked: Vec<Parked>,
    tail: String,
}

impl Held {
    /// Adds `text`. What would take the text in memory past [`HELD_IN_MEMORY`] sends it to
    /// `spool` first, and a piece longer than that (a step with a large body) goes there
    /// directly, so the memory a held section takes stays bounded.
    pub fn push(&mut self, text: &str, spool: &mut Spool) -> io::Result<()> {
        if self.tail.len() + text.len() <= HELD_IN_MEMORY {
            self.tail.push_str(text);
            return Ok(());
        }
        self.park_bytes(spool, Tail)?;
        // Its room is kept for the next pieces: the memory stays what it was.
        self.tail.clear();
        if text.len() <= HELD_IN_MEMORY {
            self.tail.push_str(text);
            Ok(())
        } else {
            self.park_bytes(spool, Text(text))
        }
    }

    /// Moves everything to `spool`, for a section that is finished but must wait its turn:
    /// what is left in memory is a list of places.
    pub fn park(&mut self, spool: &mut Spool) -> io::Result<()> {
        self.park_bytes(spool, Tail)?;
        self.tail = String::new();
        Ok(())
    }

    fn park_bytes(&mut self, spool: &mut Spool, what: Piece<'_>) -> io::Result<()> {
        let bytes = match what {
            Tail => self.tail.as_bytes(),
            Text(text) => text.as_bytes(),
        };
        if bytes.is_empty() {
            return Ok(());
        }
        let at = spool.park(bytes)?;
        // Pieces parked one after the other with nothing between them are one piece.
        match self.parked.last_mut() {
            Some(last) if last.offset + last.len == at.offset => last.len += at.len,
            _ => self.parked.push(at),
        }
        Ok(())
    }

    /// How many bytes of the section are in memory.
    #[cfg(test)]
    pub fn in_memory(&self) -> usize {
        self.tail.len()
    }

    /// Writes the whole section to `out` and empties it.
    pub fn write_to(&mut self, spool: &mut Spool, out: &mut dyn Write) -> io::Result<()> {
        for at in std::mem::take(&mut self.parked) {
            spool.copy(at, out)?;
        }
        out.write_all(self.tail.as_bytes())?;
        self.tail = String::new();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{HELD_IN_MEMORY, Held, Spool};

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
    fn held_sections_interleaved_in_one_spool_come_back_whole() {
        let mut spool = Spool::default();
        let (mut a, mut b) = (Held::default(), Held::default());
        let mut want_a = String::new();
        let mut want_b = String::new();
        for i in 0..400 {
            let piece_a = format!("a{i}:{}\n", "x".repeat(i % 97));
            let piece_b = format!("b{i}:{}\n", "y".repeat(i % 13));
            a.push(&piece_a, &mut spool).unwrap();
            b.push(&piece_b, &mut spool).unwrap();
            want_a.push_str(&piece_a);
            want_b.push_str(&piece_b);
            // Memory holds at most the last pieces, never the whole section.
            assert!(a.tail.len() <= HELD_IN_MEMORY && b.tail.len() <= HELD_IN_MEMORY);
        }
        assert!(!a.parked.is_empty(), "a long section went to the spool");
        b.park(&mut spool).unwrap();
        assert!(b.tail.is_empty());
        let mut out = Vec::new();
        b.write_to(&mut spool, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), want_b);
        let mut out = Vec::new();
        a.write_to(&mut spool, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), want_a);
        let mut out = Vec::new();
        a.write_to(&mut spool, &mut out).unwrap();
        assert!(out.is_empty(), "a written section is empty");
    }

    #[test]
    fn the_file_empties_once_everything_parked_is_copied_out() {
        let mut spool = Spool::default();
        let a = spool.park(b"first ").unwrap();
        let b = spool.park(b"second").unwrap();
        let mut out = Vec::new();
        spool.copy(a, &mut out).unwrap();
        assert_eq!(spool.len, 12, "the second still waits");
        spool.copy(b, &mut out).unwrap();
        assert_eq!(spool.len, 0, "nothing waits: the file is emptied");
        let file_len = |s: &Spool| s.file.as_ref().map(|f| f.metadata().unwrap().len());
        assert_eq!(file_len(&spool), Some(0));
        let c = spool.park(b"third").unwrap();
        spool.copy(c, &mut out).unwrap();
        assert_eq!(out, b"first secondthird");
    }

    #[test]
    fn a_piece_too_long_to_hold_goes_to_the_spool_in_its_place() {
        let mut spool = Spool::default();
        let mut held = Held::default();
        let body = "b".repeat(3 * HELD_IN_MEMORY);
        held.push("before ", &mut spool).unwrap();
        held.push(&body, &mut spool).unwrap();
        assert!(
            held.tail.capacity() <= HELD_IN_MEMORY,
            "the long piece was not held"
        );
        held.push(" after", &mut spool).unwrap();
        assert_eq!(held.tail, " after");
        assert_eq!(
            held.parked.len(),
            1,
            "parked one after the other: one piece"
        );
        let mut out = Vec::new();
        held.write_to(&mut spool, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("before {body} after")
        );
    }

    #[test]
    fn a_short_held_section_never_touches_the_disk() {
        let mut spool = Spool::default();
        let mut held = Held::default();
        held.push("one ", &mut spool).unwrap();
        held.push("two", &mut spool).unwrap();
        assert!(spool.file.is_none());
        let mut out = Vec::new();
        held.write_to(&mut spool, &mut out).unwrap();
        assert_eq!(out, b"one two");
    }
}
