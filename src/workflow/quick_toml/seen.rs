//! The keys one table has had so far, so that a key given twice is left to the toml crate
//! (which says it is a duplicate). A step's tables have a few keys, and a short list is the
//! quickest to search; a table of thousands of keys (a large `json` body) turns the list into
//! a hash set, so that reading it stays linear in its keys as it is in the toml crate instead
//! of quadratic.

use std::borrow::Cow;
use std::collections::HashSet;

use super::scan::{Read, Unsure};

/// Up to this many keys are kept in the list.
const SHORT: usize = 16;

pub struct Seen<'a> {
    list: Vec<Cow<'a, str>>,
    /// Every key, once there are more than [`SHORT`] (the list is then empty); made only then,
    /// so a short table costs no hasher.
    set: Option<HashSet<Cow<'a, str>>>,
}

impl<'a> Seen<'a> {
    pub fn with_capacity(capacity: usize) -> Seen<'a> {
        Seen {
            list: Vec::with_capacity(capacity),
            set: None,
        }
    }

    /// Notes `key`: [`Unsure`] if the table had it already.
    pub fn note(&mut self, key: Cow<'a, str>) -> Read<()> {
        let new = match &mut self.set {
            Some(set) => set.insert(key),
            None if self.list.len() < SHORT => {
                let new = !self.list.contains(&key);
                if new {
                    self.list.push(key);
                }
                new
            }
            None => {
                let mut set: HashSet<_> = self.list.drain(..).collect();
                let new = set.insert(key);
                self.set = Some(set);
                new
            }
        };
        if new { Ok(()) } else { Err(Unsure) }
    }
}
