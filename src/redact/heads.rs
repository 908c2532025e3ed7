//! Where the texts a redactor hides may begin in a text: an index of their first four bytes.
//!
//! A redactor searched with an Aho-Corasick automaton over each text's head before, about
//! five bytes of automaton a byte of head: 8 to 9 KB for a workflow's secrets and their
//! forms, held by every workflow in flight. This index holds eight bytes a text and a fixed
//! 256-byte table of which four-byte starts occur, and finds every start in one pass, one
//! table lookup a byte. Every hidden text has at least four bytes (`MIN_SECRET_CHARS`).

/// Bits of the table of four-byte starts (2,048 bits, 256 bytes).
const BITS_LOG2: u32 = 11;
const WORDS: usize = (1 << BITS_LOG2) / 64;

/// Pairs a run takes one by one before a new run is started: a workflow's few dozen texts
/// are one or two runs.
const SMALL_RUN: usize = 32;

/// Bytes of the key each text is indexed by.
pub(super) const KEY: usize = 4;

#[derive(Clone)]
pub(super) struct Heads {
    /// A bit per hash of a four-byte key, set when some text begins with such a key: most
    /// places in a text are passed over on this alone.
    table: [u64; WORDS],
    /// (key, text id) pairs in sorted runs, halving in size from the oldest: a new pair is
    /// inserted into the newest run while it holds fewer than [`SMALL_RUN`], else it starts a
    /// run of its own, and a full newest run is merged into the run before it while that one is
    /// no longer. Adding n texts moves each pair about log(n) times, where one sorted list would
    /// shift its whole tail for each (a run that keeps extracting secrets would grow with their
    /// square).
    runs: Vec<Vec<(u32, u32)>>,
}

impl Default for Heads {
    fn default() -> Heads {
        Heads {
            table: [0; WORDS],
            runs: Vec::new(),
        }
    }
}

/// The key of the text at the start of `bytes`; `None` when fewer than [`KEY`] bytes remain.
pub(super) fn key(bytes: &[u8]) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(..KEY)?.try_into().ok()?))
}

fn slot(key: u32) -> (usize, u64) {
    let hash = key.wrapping_mul(0x9E37_79B1) >> (32 - BITS_LOG2);
    (hash as usize / 64, 1 << (hash % 64))
}

impl Heads {
    /// Notes that text `id` begins with `key`.
    pub(super) fn insert(&mut self, key: u32, id: u32) {
        let (word, bit) = slot(key);
        self.table[word] |= bit;
        if let Some(newest) = self.runs.last_mut()
            && newest.len() < SMALL_RUN
        {
            let at = newest.partition_point(|&pair| pair <= (key, id));
            newest.insert(at, (key, id));
            return;
        }
        let Some(mut run) = self.runs.pop() else {
            self.runs.push(vec![(key, id)]);
            return;
        };
        while let Some(older) = self.runs.pop_if(|older| older.len() <= run.len()) {
            run = merge(&older, &run);
        }
        self.runs.push(run);
        self.runs.push(vec![(key, id)]);
    }

    /// How many texts are indexed.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.runs.iter().map(Vec::len).sum()
    }

    /// The ids of the texts beginning with `key`, in the order they were added.
    pub(super) fn with_key(&self, key: u32) -> impl Iterator<Item = usize> + '_ {
        let (word, bit) = slot(key);
        let runs = if self.table[word] & bit == 0 {
            &[][..]
        } else {
            &self.runs[..]
        };
        runs.iter().flat_map(move |run| {
            let from = run.partition_point(|&(k, _)| k < key);
            let to = from + run[from..].partition_point(|&(k, _)| k == key);
            run[from..to].iter().map(|&(_, id)| id as usize)
        })
    }

    /// Every (offset, text id) where a text's key occurs in `bytes`, overlapping ones
    /// included, by offset.
    pub(super) fn starts<'a>(
        &'a self,
        bytes: &'a [u8],
    ) -> impl Iterator<Item = (usize, usize)> + 'a {
        // Nothing to find: no pass over the text.
        let bytes = if self.runs.is_empty() { &[][..] } else { bytes };
        bytes
            .windows(KEY)
            .enumerate()
            .filter_map(move |(at, window)| {
                let key = key(window)?;
                let (word, bit) = slot(key);
                (self.table[word] & bit != 0).then_some((at, key))
            })
            .flat_map(move |(at, key)| self.with_key(key).map(move |id| (at, id)))
    }
}

/// Two sorted runs as one.
fn merge(older: &[(u32, u32)], newer: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut merged = Vec::with_capacity(older.len() + newer.len());
    let (mut a, mut b) = (older.iter().peekable(), newer.iter().peekable());
    while let (Some(&&x), Some(&&y)) = (a.peek(), b.peek()) {
        if x <= y {
            merged.push(x);
            a.next();
        } else {
            merged.push(y);
            b.next();
        }
    }
    merged.extend(a);
    merged.extend(b);
    merged
}

#[cfg(test)]
mod tests {
    use super::{Heads, key};

    /// Texts added one by one land in few sorted runs, and every one is found by its key.
    #[test]
    fn many_texts_stay_in_few_sorted_runs() {
        let mut heads = Heads::default();
        let keys: Vec<u32> = (0..100_000u32)
            .map(|i| i.wrapping_mul(2_654_435_761) % 5_000)
            .collect();
        for (id, &k) in keys.iter().enumerate() {
            heads.insert(k, u32::try_from(id).unwrap_or(u32::MAX));
        }
        assert_eq!(heads.len(), keys.len());
        assert!(heads.runs.len() <= 17, "{} runs", heads.runs.len());
        assert!(heads.runs.iter().all(|run| run.is_sorted()));
        for probe in [0, 1, 2_499, 4_999] {
            let mut found: Vec<usize> = heads.with_key(probe).collect();
            found.sort_unstable();
            let expected: Vec<usize> = (0..keys.len()).filter(|&i| keys[i] == probe).collect();
            assert_eq!(found, expected, "{probe}");
        }
        assert_eq!(heads.with_key(5_000).count(), 0);
    }

    #[test]
    fn starts_are_found_at_every_offset() {
        let mut heads = Heads::default();
        let text = b"abcdabcdxabcd";
        heads.insert(key(b"abcd").unwrap_or_default(), 0);
        heads.insert(key(b"dxab").unwrap_or_default(), 1);
        let starts: Vec<(usize, usize)> = heads.starts(text).collect();
        assert_eq!(starts, [(0, 0), (4, 0), (7, 1), (9, 0)]);
        assert_eq!(Heads::default().starts(text).count(), 0);
        assert_eq!(heads.starts(b"abc").count(), 0);
    }
}
