//! Reads the deferred steps of a long workflow again from its file, so the file's text need
//! not stay in memory while it runs (peak memory then does not grow with the file). Steps are
//! read in order, by the static check and then by the run, so one block at a time is read.
//!
//! The file stays open from the moment it was read: a file replaced since (an editor saving
//! by renaming) is still read as it was. A file written over in place is noticed by each
//! step's hash, and is an error rather than a run of steps that were never checked.

use std::fs::File;
use std::hash::{DefaultHasher, Hasher};
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::sync::{Mutex, PoisonError};

use crate::workflow::split::{Chunk, Split};

/// Where a deferred step is written: bytes `start..end` of its file (from the start of the line
/// its `[[steps]]` header is on), starting at line `line`; `hash` is that text's, when the
/// step is read from the file again, to notice a file changed since it was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deferred {
    pub start: u32,
    pub end: u32,
    pub line: u32,
    pub hash: u32,
}

/// The open file and the block of it read last.
#[derive(Debug)]
pub struct Reread {
    block: Mutex<Block>,
}

#[derive(Debug)]
struct Block {
    file: File,
    /// File offset of `bytes[0]`.
    start: usize,
    bytes: Vec<u8>,
}

/// Bytes read at a time: many steps' worth, and little memory.
const BLOCK: usize = 64 * 1024;

impl Reread {
    pub fn new(file: File) -> Reread {
        Reread {
            block: Mutex::new(Block {
                file,
                start: 0,
                bytes: Vec::with_capacity(BLOCK),
            }),
        }
    }

    /// The text at `range` of the file, if it still hashes to `hash`.
    pub fn read(&self, range: Range<usize>, hash: u32) -> std::io::Result<String> {
        let mut block = self.block.lock().unwrap_or_else(PoisonError::into_inner);
        let held = block.start..block.start + block.bytes.len();
        if range.start < held.start || range.end > held.end {
            let Block { file, start, bytes } = &mut *block;
            bytes.clear();
            let offset = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
            file.seek(SeekFrom::Start(offset(range.start)))?;
            file.by_ref()
                .take(offset(BLOCK.max(range.len())))
                .read_to_end(bytes)?;
            *start = range.start;
        }
        let changed = || std::io::Error::other("it changed since it was read");
        let at = range.start - block.start..range.end - block.start;
        let bytes = block.bytes.get(at).ok_or_else(changed)?;
        if text_hash(bytes) != hash {
            return Err(changed());
        }
        String::from_utf8(bytes.to_vec()).map_err(|_| changed())
    }
}

/// Where each deferred step of `split` is written (see `Deferred`), in order; the hash only
/// matters when steps are read from the file again, and is cheap next to parsing.
pub fn deferred(text: &str, split: &Split, keep: impl Fn(usize, &Chunk) -> bool) -> Vec<Deferred> {
    let mut out = Vec::new();
    let (mut counted, mut line) = (0, 1);
    for (i, chunk) in split.chunks.iter().enumerate() {
        if keep(i, chunk) {
            continue;
        }
        let start = text[..chunk.range.start].rfind('\n').map_or(0, |i| i + 1);
        line += bytecount::count(&text.as_bytes()[counted..start], b'\n');
        counted = start;
        let end = chunk.range.end;
        let (Ok(start32), Ok(end32), Ok(line32)) = (
            u32::try_from(start),
            u32::try_from(end),
            u32::try_from(line),
        ) else {
            // Past 4 GiB: larger than any file read (`MAX_INPUT_BYTES`).
            return Vec::new();
        };
        out.push(Deferred {
            start: start32,
            end: end32,
            line: line32,
            hash: text_hash(&text.as_bytes()[start..end]),
        });
    }
    out
}

/// A step's text's hash, as kept to notice a change.
pub fn text_hash(bytes: &[u8]) -> u32 {
    let mut h = DefaultHasher::new();
    h.write(bytes);
    let h = h.finish();
    // Both halves folded into one: 32 bits are plenty to notice an edit.
    #[allow(clippy::cast_possible_truncation)]
    let folded = (h ^ (h >> 32)) as u32;
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_written_over_since_is_an_error_not_other_text() {
        let path = std::env::temp_dir().join(format!("steprun-reread-{}.toml", std::process::id()));
        std::fs::write(&path, "a = 1\n[[steps]]\nname = \"x\"\n").unwrap();
        let reread = Reread::new(File::open(&path).unwrap());
        let step = 6..27;
        let hash = text_hash(&std::fs::read(&path).unwrap()[step.clone()]);
        assert_eq!(
            reread.read(step.clone(), hash).unwrap(),
            "[[steps]]\nname = \"x\"\n"
        );
        // Read from the block held, then from the file again after it changed.
        assert_eq!(
            reread.read(6..15, text_hash(b"[[steps]]")).unwrap(),
            "[[steps]]"
        );
        std::fs::write(&path, "a = 1\n[[steps]]\nname = \"y\"\n").unwrap();
        let reread = Reread::new(File::open(&path).unwrap());
        let error = reread.read(step, hash).unwrap_err();
        assert!(error.to_string().contains("changed"), "{error}");
        std::fs::remove_file(&path).unwrap();
    }
}
