//! Structure-aware mutations of seed inputs: byte flips, deletions, duplications, splices
//! from other seeds, and insertions of the tokens TOML, JSON and templates are made of
//! (repeated, too, so nesting bombs come up). No coverage feedback: the seeds carry the
//! structure, the mutations break it in the ways a hostile or careless file would.

/// A small deterministic generator (xorshift64*): a run is reproduced from its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Inputs grow no larger than this: big enough for every seed, small enough to stay fast.
pub const MAX_LEN: usize = 128 * 1024;

const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "-0",
    "4294967296",
    "18446744073709551616",
    "9223372036854775807",
    "-9223372036854775808",
    "1e999",
    "-1e-999",
    "nan",
    "inf",
    "0x7fffffffffffffff",
    "1979-05-27T07:32:00Z",
    "00:00:60",
    "99999999999999999999999999999999",
];

/// Applies 1 to 6 mutations to `input` (one, half the time: a single change keeps a file
/// valid enough to reach the checks behind the parser); `seeds` are the other inputs to
/// splice from, `tokens` the target's dictionary.
pub fn mutate(rng: &mut Rng, input: &[u8], seeds: &[Vec<u8>], tokens: &[&str]) -> Vec<u8> {
    let mut out = input.to_vec();
    let times = if rng.below(2) == 0 {
        1
    } else {
        1 + rng.below(6)
    };
    for _ in 0..times {
        once(rng, &mut out, seeds, tokens);
        out.truncate(MAX_LEN);
    }
    out
}

fn once(rng: &mut Rng, out: &mut Vec<u8>, seeds: &[Vec<u8>], tokens: &[&str]) {
    let at = rng.below(out.len() + 1);
    match rng.below(11) {
        0 if !out.is_empty() => {
            let i = rng.below(out.len());
            out[i] ^= 1 << rng.below(8);
        }
        1 if !out.is_empty() => {
            let i = rng.below(out.len());
            out[i] = *rng.pick(b"\0\xff\"'\n\r[]{}<>%#=\\.,$@*?:\t \x7f\xc3\xe2");
        }
        2 | 3 => {
            let token = rng.pick(tokens).as_bytes();
            out.splice(at..at, token.iter().copied());
        }
        4 if !out.is_empty() => {
            let start = rng.below(out.len());
            let end = (start + 1 + rng.below(32)).min(out.len());
            out.drain(start..end);
        }
        5 if !out.is_empty() => {
            let start = rng.below(out.len());
            let end = (start + 1 + rng.below(256)).min(out.len());
            let chunk = out[start..end].to_vec();
            let to = rng.below(out.len() + 1);
            out.splice(to..to, chunk);
        }
        6 => {
            let other = rng.pick(seeds);
            if !other.is_empty() {
                let start = rng.below(other.len());
                let end = (start + 1 + rng.below(1024)).min(other.len());
                out.splice(at..at, other[start..end].iter().copied());
            }
        }
        7 => {
            // Nesting and repetition: the same token hundreds or thousands of times.
            let token = rng.pick(tokens).as_bytes();
            let most = *rng.pick(&[8, 200, 3000]);
            let times = 1 + rng.below(most);
            let repeated = token.repeat(times);
            out.splice(at..at, repeated);
        }
        8 => replace_number(rng, out),
        9 => lines(rng, out),
        _ => {
            let token = rng.pick(NUMBERS).as_bytes();
            out.splice(at..at, token.iter().copied());
        }
    }
}

/// Replaces a run of digits with an awkward number.
fn replace_number(rng: &mut Rng, out: &mut Vec<u8>) {
    let digits: Vec<usize> = (0..out.len())
        .filter(|&i| out[i].is_ascii_digit())
        .collect();
    if digits.is_empty() {
        return;
    }
    let start = *rng.pick(&digits);
    let end = (start..out.len())
        .find(|&i| !out[i].is_ascii_digit())
        .unwrap_or(out.len());
    out.splice(start..end, rng.pick(NUMBERS).bytes());
}

/// Deletes, duplicates or swaps whole lines: tables and keys move as units.
fn lines(rng: &mut Rng, out: &mut Vec<u8>) {
    let mut lines: Vec<Vec<u8>> = out.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let i = rng.below(lines.len());
    let j = rng.below(lines.len());
    match rng.below(3) {
        0 if lines.len() > 1 => {
            lines.remove(i);
        }
        1 => {
            let line = lines[i].clone();
            lines.insert(j, line);
        }
        _ => lines.swap(i, j),
    }
    *out = lines.join(&b'\n');
}
