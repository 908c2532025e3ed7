//! `--partition count:I/N|hash:I/N` (nextest's syntax): which share of a run's units one
//! machine takes, so N machines together run each unit exactly once.
//!
//! `count` deals the units, sorted by key, round-robin: shards differ in size by at most one,
//! but adding a unit moves the ones after it. `hash` places each unit by a SHA-256 of its key,
//! a fixed algorithm (unlike `std::hash`, which may change between Rust releases), so a unit
//! stays in its shard whatever else is added or removed.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// How units are dealt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Count,
    Hash,
}

/// Shard `index` (1-based) of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    pub scheme: Scheme,
    pub index: u64,
    pub total: u64,
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.scheme {
            Scheme::Count => "count",
            Scheme::Hash => "hash",
        };
        write!(f, "{scheme}:{}/{}", self.index, self.total)
    }
}

impl FromStr for Partition {
    type Err = String;

    fn from_str(text: &str) -> Result<Partition, String> {
        let expected = || format!("--partition `{text}`: expected count:I/N or hash:I/N");
        let (scheme, share) = text.split_once(':').ok_or_else(expected)?;
        let scheme = match scheme {
            "count" => Scheme::Count,
            "hash" => Scheme::Hash,
            other => {
                return Err(format!(
                    "--partition `{text}`: unknown scheme `{other}`; expected `count` or `hash`"
                ));
            }
        };
        let (index, total) = share.split_once('/').ok_or_else(expected)?;
        let number = |s: &str| s.parse::<u64>().map_err(|_| expected());
        let (index, total) = (number(index)?, number(total)?);
        if total == 0 {
            return Err(format!(
                "--partition `{text}`: the number of shards N must be at least 1"
            ));
        }
        if index == 0 || index > total {
            return Err(format!(
                "--partition `{text}`: the shard I must be from 1 to {total}"
            ));
        }
        Ok(Partition {
            scheme,
            index,
            total,
        })
    }
}

impl Partition {
    /// What a shard says on stderr, `run` and `list` alike: `partition count:2/4: 15 of 59
    /// units`.
    pub fn share(&self, taken: usize, total: usize) -> String {
        format!(
            "partition {self}: {taken} of {}",
            crate::report::excerpt::plural(total, "unit", "units")
        )
    }

    /// Which of the units, named by their keys, this shard takes. Units with one key (a file
    /// named twice on the command line) are one unit, so they go to one shard, as `hash`
    /// sends them; `count` deals the distinct keys.
    pub fn select(&self, keys: &[String]) -> Vec<bool> {
        match self.scheme {
            Scheme::Count => {
                let mut order: Vec<usize> = (0..keys.len()).collect();
                order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
                let mut taken = vec![false; keys.len()];
                let mut rank = 0u64;
                for (i, &unit) in order.iter().enumerate() {
                    if i > 0 && keys[order[i - 1]] != keys[unit] {
                        rank += 1;
                    }
                    taken[unit] = rank % self.total == self.index - 1;
                }
                taken
            }
            Scheme::Hash => keys
                .iter()
                .map(|key| stable_hash(key) % self.total == self.index - 1)
                .collect(),
        }
    }
}

/// The first eight bytes of the key's SHA-256: the same on every machine and release.
pub(crate) fn stable_hash(key: &str) -> u64 {
    let digest = Sha256::digest(key.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("workflows/area{}/w{i}.toml", i % 7))
            .collect()
    }

    /// For every shard count, each unit is taken by exactly one shard.
    fn assert_exact_cover(scheme: Scheme, keys: &[String]) {
        for total in 1..=12u64 {
            let mut owners = vec![0u32; keys.len()];
            for index in 1..=total {
                let p = Partition {
                    scheme,
                    index,
                    total,
                };
                for (unit, taken) in p.select(keys).into_iter().enumerate() {
                    owners[unit] += u32::from(taken);
                }
            }
            assert!(
                owners.iter().all(|&n| n == 1),
                "{scheme:?} over {total} shards of {} units: {owners:?}",
                keys.len()
            );
        }
    }

    #[test]
    fn a_key_given_twice_goes_to_one_shard() {
        let keys: Vec<String> = ["a", "b", "a", "c", "d"].map(String::from).to_vec();
        for total in 1..=4u64 {
            let owners: Vec<Vec<bool>> = (1..=total)
                .map(|index| {
                    Partition {
                        scheme: Scheme::Count,
                        index,
                        total,
                    }
                    .select(&keys)
                })
                .collect();
            let shard_of = |unit: usize| owners.iter().position(|taken| taken[unit]);
            assert_eq!(shard_of(0), shard_of(2), "over {total}");
            assert!(
                (0..keys.len()).all(|u| owners.iter().filter(|t| t[u]).count() == 1),
                "over {total}"
            );
        }
    }

    #[test]
    fn shards_are_disjoint_and_cover_every_unit() {
        for n in [0, 1, 2, 3, 10, 57, 200] {
            assert_exact_cover(Scheme::Count, &keys(n));
            assert_exact_cover(Scheme::Hash, &keys(n));
        }
    }

    #[test]
    fn count_deals_sorted_units_round_robin() {
        let keys: Vec<String> = ["c", "a", "e", "b", "d"].map(String::from).to_vec();
        let shard = |index| {
            let p: Partition = format!("count:{index}/2").parse().unwrap();
            let taken = p.select(&keys);
            let mut names: Vec<&str> = keys
                .iter()
                .zip(taken)
                .filter(|(_, t)| *t)
                .map(|(k, _)| k.as_str())
                .collect();
            names.sort_unstable();
            names
        };
        assert_eq!(shard(1), ["a", "c", "e"]);
        assert_eq!(shard(2), ["b", "d"]);
        // Sizes differ by at most one, whatever N.
        for total in 1..=9u64 {
            let sizes: Vec<usize> = (1..=total)
                .map(|index| {
                    let p = Partition {
                        scheme: Scheme::Count,
                        index,
                        total,
                    };
                    p.select(&self::keys(50)).iter().filter(|t| **t).count()
                })
                .collect();
            let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            assert!(max - min <= 1, "{total}: {sizes:?}");
        }
    }

    #[test]
    fn hash_keeps_a_unit_in_its_shard_when_others_come_and_go() {
        let all = keys(120);
        for total in 2..=8u64 {
            let shard_of = |set: &[String], key: &str| {
                (1..=total)
                    .find(|&index| {
                        let p = Partition {
                            scheme: Scheme::Hash,
                            index,
                            total,
                        };
                        let at = set.iter().position(|k| k == key).unwrap();
                        p.select(set)[at]
                    })
                    .unwrap()
            };
            // Every third unit removed, and others added: the rest do not move.
            let fewer: Vec<String> = all
                .iter()
                .enumerate()
                .filter(|(i, _)| i % 3 != 0)
                .map(|(_, k)| k.clone())
                .chain((0..40).map(|i| format!("new/{i}.toml")))
                .collect();
            for key in all.iter().filter(|k| fewer.contains(k)) {
                assert_eq!(shard_of(&all, key), shard_of(&fewer, key), "{key}");
            }
        }
        // Fixed forever: the digest's first bytes, not a hasher that may change.
        assert_eq!(stable_hash("a"), 0xca97_8112_ca1b_bdca);
    }

    #[test]
    fn values_are_parsed_and_bad_ones_said_clearly() {
        let p: Partition = "hash:2/3".parse().unwrap();
        assert_eq!((p.scheme, p.index, p.total), (Scheme::Hash, 2, 3));
        assert_eq!(p.to_string(), "hash:2/3");
        let error = |text: &str| text.parse::<Partition>().unwrap_err();
        assert!(error("count:0/3").contains("the shard I must be from 1 to 3"));
        assert!(error("count:4/3").contains("the shard I must be from 1 to 3"));
        assert!(error("count:1/0").contains("N must be at least 1"));
        assert!(error("x:1/2").contains("unknown scheme `x`"));
        for bad in ["0/3", "count", "count:1", "count:a/2", "count:1/-2", ""] {
            assert!(
                error(bad).contains("expected count:I/N or hash:I/N"),
                "{bad}: {}",
                error(bad)
            );
        }
    }
}
