//! Splits a workflow file at its `[[steps]]` headers, so each step can be parsed on its own:
//! a long workflow is then never held as one parsed document, and steps past the first few
//! thousand can be read again from the text when they are needed (see `steps`).
//!
//! Byte offsets are kept: the head is the file with every step blanked out, and a step's text
//! is its slice of the file with the `steps` key blanked out of its headers
//! (`[steps.expect]` → `[      expect]`), so spans found in either map back onto the file by
//! adding the slice's start. Files this cannot split safely (a `steps` table or inline array,
//! a `[steps.x]` section after another table) are parsed whole, as before.

use std::ops::Range;

use smallvec::{SmallVec, smallvec};

use lines::{Line, Lines, lines};

/// A file cut into its head (everything but the steps) and one range per `[[steps]]` entry.
#[derive(Debug)]
pub struct Split {
    pub head: String,
    pub chunks: Vec<Chunk>,
    /// The steps come last, one after the other: `head` is the text before them.
    pub contiguous: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub range: Range<usize>,
    /// The step has a `use` key: it is inlined at load time, never deferred.
    pub uses: bool,
    /// What `step_text` blanks out, found while splitting (file offsets): most steps have only
    /// their `[[steps]]` header, held in place without an allocation.
    pub blanks: SmallVec<[Range<usize>; 1]>,
}

/// Splits `text`, or `None` when it has no `[[steps]]` headers or cannot be split safely.
pub fn split(text: &str) -> Option<Split> {
    let chunks = match halves(text) {
        Some(chunks) => chunks,
        None => scan(text, 0)?.chunks,
    };
    finish(text, chunks)
}

/// The cores this process may use, asked once (each asking reads the cgroup's CPU quota from
/// /proc and /sys), and only by a file big enough to be read on two threads.
pub(super) fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
}

/// From this size on, a file is scanned in two halves at once.
const HALVES_FROM: usize = 64 * 1024;

/// Scans a long file as two halves on two threads, cut at a `[[steps]]` line near the middle.
/// The cut is only a guess (the line could be inside a multi-line string or array); it is
/// kept only if the first half ends at the top level, outside any string and bracket, which
/// is exactly when the second half lexes the same on its own. `None` otherwise.
fn halves(text: &str) -> Option<Vec<Chunk>> {
    if text.len() < HALVES_FROM || cores() < 2 {
        return None;
    }
    let mid = text.len() / 2;
    let at = mid + text.get(mid..)?.find("\n[[steps]]")? + 1;
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| scan(&text[at..], at));
        let first = scan(&text[..at], 0);
        (first, second.join().ok().flatten())
    });
    let (first, second) = (first?, second?);
    if !first.clean_end {
        return None;
    }
    let mut chunks = first.chunks;
    chunks.extend(second.chunks);
    Some(chunks)
}

/// The steps found in a slice of the file (ranges in file offsets), and whether the slice
/// ended at the top level, outside any string or bracket.
struct Scan {
    chunks: Vec<Chunk>,
    clean_end: bool,
}

/// Scans `text`, which starts at byte `base` of the file.
fn scan(text: &str, base: usize) -> Option<Scan> {
    scan_lines(lines(text), text, base)
}

/// Scans `text` as `lines` reads it.
fn scan_lines(mut lines: Lines<'_>, text: &str, base: usize) -> Option<Scan> {
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut open = false;
    let mut at_root = true;
    for line in lines.by_ref() {
        match line {
            Line::Header(h) if !h.closed => return None,
            Line::Header(h) => {
                at_root = false;
                let is_steps = h.first == Some("steps");
                match (is_steps, h.array, h.keys) {
                    (true, true, 1) => {
                        if let Some(last) = chunks.last_mut().filter(|_| open) {
                            last.range.end = h.range.start;
                        }
                        chunks.push(Chunk {
                            range: h.range.start..text.len(),
                            uses: false,
                            blanks: smallvec![h.range],
                        });
                        open = true;
                    }
                    (true, _, 1) => return None,
                    (true, _, _) if !open => return None,
                    (true, _, _) => {
                        if let Some(last) = chunks.last_mut() {
                            last.blanks.push(h.first_and_dot);
                        }
                    }
                    (false, _, _) => {
                        if let Some(last) = chunks.last_mut().filter(|_| open) {
                            last.range.end = h.range.start;
                        }
                        open = false;
                    }
                }
            }
            Line::Key(first) => match first {
                Some("steps") if at_root => return None,
                Some("use") if open => {
                    if let Some(last) = chunks.last_mut() {
                        last.uses = true;
                    }
                }
                None => return None,
                _ => {}
            },
        }
    }
    if lines.gave_up {
        return None;
    }
    let shift = |r: &mut Range<usize>| *r = r.start + base..r.end + base;
    for chunk in &mut chunks {
        shift(&mut chunk.range);
        chunk.blanks.iter_mut().for_each(shift);
    }
    Some(Scan {
        chunks,
        clean_end: lines.depth == 0 && !lines.cut_string,
    })
}

/// The split of `text` with its steps at `chunks`.
fn finish(text: &str, chunks: Vec<Chunk>) -> Option<Split> {
    if chunks.is_empty() {
        return None;
    }
    let contiguous = chunks
        .windows(2)
        .all(|w| w[0].range.end == w[1].range.start)
        && chunks.last().is_some_and(|c| c.range.end == text.len());
    let head = if contiguous {
        // The usual layout, steps last: the head is the text before them, offsets unchanged.
        text[..chunks[0].range.start].to_owned()
    } else {
        let mut head = text.as_bytes().to_vec();
        for chunk in &chunks {
            blank(&mut head, chunk.range.clone());
        }
        String::from_utf8(head).ok()?
    };
    Some(Split {
        head,
        chunks,
        contiguous,
    })
}

/// One step's text: its slice of `text` with `steps` blanked out of its headers, so it parses
/// as the step's own table. Offsets inside are relative to `range.start`.
pub fn step_text(text: &str, range: Range<usize>) -> Option<String> {
    let slice = text.get(range.clone())?;
    let blanks: Vec<Range<usize>> = lines(slice)
        .filter_map(|line| match line {
            Line::Header(h) if h.keys == 1 => Some(h.range),
            Line::Header(h) => Some(h.first_and_dot),
            Line::Key(_) => None,
        })
        .map(|r| r.start + range.start..r.end + range.start)
        .collect();
    chunk_text(text, &range, &blanks)
}

/// Like [`step_text`], with the blanks the split found.
pub fn chunk_text(text: &str, range: &Range<usize>, blanks: &[Range<usize>]) -> Option<String> {
    let mut out = text.get(range.clone())?.as_bytes().to_vec();
    for b in blanks {
        blank(&mut out, b.start - range.start..b.end - range.start);
    }
    String::from_utf8(out).ok()
}

/// Spaces for every byte but line ends, so offsets and line numbers stay as they were.
fn blank(bytes: &mut [u8], range: Range<usize>) {
    for b in &mut bytes[range] {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

mod lines;
mod quick;
#[cfg(test)]
mod tests;
