//! The keys one table has had so far, so that a key given twice is left to the toml crate
//! (which says it is a duplicate). Only a hash of each key is kept: a key whose hash another
//! key had is left to the toml crate too, which reads it right whether or not it was a
//! duplicate, so a collision costs time, never a wrong answer. A step's tables have a few
//! keys, held in place without an allocation; a table of thousands of keys (a large `json`
//! body) moves them into a hash set, so that reading it stays linear in its keys as it is in
//! the toml crate instead of quadratic.

use std::collections::HashSet;
use std::hash::BuildHasher;

use super::scan::{Read, Unsure};

/// Up to this many keys are kept in place.
const SHORT: usize = 16;

pub struct Seen {
    short: [u64; SHORT],
    len: usize,
    /// Every key's hash, once there are more than [`SHORT`]; made only then.
    set: Option<HashSet<u64>>,
}

impl Seen {
    pub fn new() -> Seen {
        Seen {
            short: [0; SHORT],
            len: 0,
            set: None,
        }
    }

    /// Notes `key`: [`Unsure`] if the table had it already (or a key of the same hash).
    pub fn note(&mut self, key: &str) -> Read<()> {
        let hash = foldhash::fast::FixedState::with_seed(0).hash_one(key);
        let new = match &mut self.set {
            Some(set) => set.insert(hash),
            None if self.len < SHORT => {
                let new = !self.short[..self.len].contains(&hash);
                if new {
                    self.short[self.len] = hash;
                    self.len += 1;
                }
                new
            }
            None => {
                let mut set: HashSet<u64> = self.short.iter().copied().collect();
                let new = set.insert(hash);
                self.set = Some(set);
                new
            }
        };
        if new { Ok(()) } else { Err(Unsure) }
    }
}
