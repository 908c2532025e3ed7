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

/// Bytes of the key each text is indexed by.
pub(super) const KEY: usize = 4;

#[derive(Clone)]
pub(super) struct Heads {
    /// A bit per hash of a four-byte key, set when some text begins with such a key: most
    /// places in a text are passed over on this alone.
    table: [u64; WORDS],
    /// (key, text id), sorted: the texts beginning with a key are a run of it.
    index: Vec<(u32, u32)>,
}

impl Default for Heads {
    fn default() -> Heads {
        Heads {
            table: [0; WORDS],
            index: Vec::new(),
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
        let at = self.index.partition_point(|&entry| entry <= (key, id));
        self.index.insert(at, (key, id));
    }

    /// How many texts are indexed.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.index.len()
    }

    /// The ids of the texts beginning with `key`, in the order they were added.
    pub(super) fn with_key(&self, key: u32) -> impl Iterator<Item = usize> + '_ {
        let (word, bit) = slot(key);
        let run = if self.table[word] & bit == 0 {
            &[][..]
        } else {
            let from = self.index.partition_point(|&(k, _)| k < key);
            let to = from + self.index[from..].partition_point(|&(k, _)| k == key);
            &self.index[from..to]
        };
        run.iter().map(|&(_, id)| id as usize)
    }

    /// Every (offset, text id) where a text's key occurs in `bytes`, overlapping ones
    /// included, by offset.
    pub(super) fn starts<'a>(
        &'a self,
        bytes: &'a [u8],
    ) -> impl Iterator<Item = (usize, usize)> + 'a {
        // Nothing to find: no pass over the text.
        let bytes = if self.index.is_empty() {
            &[][..]
        } else {
            bytes
        };
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
