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
    /// Every key, once there are more than [`SHORT`] (the list is then empty).
    set: HashSet<Cow<'a, str>>,
}

impl<'a> Seen<'a> {
    pub fn with_capacity(capacity: usize) -> Seen<'a> {
        Seen {
            list: Vec::with_capacity(capacity),
            set: HashSet::new(),
        }
    }

    /// Notes `key`: [`Unsure`] if the table had it already.
    pub fn note(&mut self, key: &Cow<'a, str>) -> Read<()> {
        let new = if self.set.is_empty() && self.list.len() < SHORT {
            let new = !self.list.iter().any(|k| k == key);
            if new {
                self.list.push(key.clone());
            }
            new
        } else {
            if self.set.is_empty() {
                self.set.extend(self.list.drain(..));
            }
            self.set.insert(key.clone())
        };
        if new { Ok(()) } else { Err(Unsure) }
    }
}
