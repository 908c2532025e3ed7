//! A map whose entries expire (codes, flows, refresh tokens, device grants, sessions), so the
//! auth host's memory stays flat however long the sandbox serves.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Entries are dropped once expired: lazily when read, and in bulk when the map grows.
#[derive(Debug)]
pub struct Expiring<T> {
    inner: Mutex<Entries<T>>,
}

/// The entries by key, and the same keys ordered by expiry so a sweep visits only the expired
/// ones: once the map holds more than `SWEEP_ABOVE` live entries, an insert costs a lookup,
/// not a walk over all of them.
#[derive(Debug)]
struct Entries<T> {
    by_key: HashMap<String, (i64, T)>,
    by_expiry: BTreeSet<(i64, String)>,
}

impl<T> Entries<T> {
    fn remove(&mut self, key: &str) -> Option<(i64, T)> {
        let (exp, value) = self.by_key.remove(key)?;
        self.by_expiry.remove(&(exp, key.to_owned()));
        Some((exp, value))
    }
}

impl<T> Default for Expiring<T> {
    fn default() -> Self {
        Self {
            inner: Mutex::new(Entries {
                by_key: HashMap::new(),
                by_expiry: BTreeSet::new(),
            }),
        }
    }
}

/// Above this many entries an insert first sweeps out the expired ones.
const SWEEP_ABOVE: usize = 4096;

impl<T: Clone> Expiring<T> {
    fn lock(&self) -> MutexGuard<'_, Entries<T>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores `value` under `key` until `expires_ms` (clock milliseconds).
    pub fn insert(&self, key: &str, value: T, expires_ms: i64, now_ms: i64) {
        let mut map = self.lock();
        if map.by_key.len() >= SWEEP_ABOVE {
            while let Some(first) = map.by_expiry.first().filter(|(exp, _)| *exp <= now_ms) {
                let key = first.1.clone();
                map.remove(&key);
            }
        }
        map.remove(key);
        map.by_expiry.insert((expires_ms, key.to_owned()));
        map.by_key.insert(key.to_owned(), (expires_ms, value));
    }

    /// A copy of the live entry under `key`.
    pub fn get(&self, key: &str, now_ms: i64) -> Option<T> {
        let map = self.lock();
        map.by_key
            .get(key)
            .filter(|(exp, _)| *exp > now_ms)
            .map(|(_, v)| v.clone())
    }

    /// Removes and returns the live entry under `key` (one-time use).
    pub fn take(&self, key: &str, now_ms: i64) -> Option<T> {
        let (exp, value) = self.lock().remove(key)?;
        (exp > now_ms).then_some(value)
    }

    /// Applies `f` to the live entry under `key` and returns its result.
    pub fn update<R>(&self, key: &str, now_ms: i64, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        let mut map = self.lock();
        let (exp, value) = map.by_key.get_mut(key)?;
        (*exp > now_ms).then(|| f(value))
    }

    /// The expiry of the entry under `key`, live or not.
    pub fn expires_at(&self, key: &str) -> Option<i64> {
        self.lock().by_key.get(key).map(|(exp, _)| *exp)
    }

    pub fn remove(&self, key: &str) -> Option<T> {
        self.lock().remove(key).map(|(_, v)| v)
    }

    /// Removes every entry for which `pred` holds; returns how many.
    pub fn remove_where(&self, pred: impl Fn(&T) -> bool) -> usize {
        let mut map = self.lock();
        let doomed: Vec<String> = map
            .by_key
            .iter()
            .filter(|(_, (_, v))| pred(v))
            .map(|(k, _)| k.clone())
            .collect();
        for key in &doomed {
            map.remove(key);
        }
        doomed.len()
    }

    /// How many entries are held, expired or not (the tests' view of a sweep).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().by_key.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_take_is_one_time() {
        let map = Expiring::default();
        map.insert("a", 1, 100, 0);
        assert_eq!(map.get("a", 99), Some(1));
        assert_eq!(map.get("a", 100), None);
        assert_eq!(map.take("a", 50), Some(1));
        assert_eq!(map.take("a", 50), None);
    }

    #[test]
    fn sweeps_expired_entries_when_large() {
        let map = Expiring::default();
        for i in 0..SWEEP_ABOVE {
            map.insert(&i.to_string(), i, 10, 0);
        }
        map.insert("live", 0, 1000, 20);
        assert_eq!(map.len(), 1);
        assert_eq!(map.update("live", 20, |v| *v + 1), Some(1));
    }

    #[test]
    fn a_replaced_entry_expires_at_its_new_time() {
        let map = Expiring::default();
        map.insert("kept", 0, 10, 0);
        map.insert("kept", 1, 1000, 0);
        for i in 0..SWEEP_ABOVE {
            map.insert(&i.to_string(), i, 10, 0);
        }
        map.insert("late", 2, 1000, 20);
        assert_eq!(map.len(), 2, "the sweep dropped the expired entries only");
        assert_eq!(map.get("kept", 20), Some(1));
        assert_eq!(map.take("kept", 20), Some(1));
        map.insert("again", 3, 1000, 20);
        assert_eq!(map.len(), 2);
    }
}
