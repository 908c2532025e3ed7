//! A quicker reader for the TOML of one step. The toml crate builds a whole table of every
//! document before serde sees it, which made reading a step cost more than sending it; this
//! reader hands each key and value to serde as it reads it. It knows the TOML steps are
//! written in (keys, strings of every kind, integers, booleans, arrays, inline tables, and
//! `[steps.x]` sub-tables in order) and gives up on anything else — a float, a date, a
//! dotted key, a table opened twice, an error of any kind — and then the toml crate reads the
//! text, so what is accepted and every message stay the toml crate's. Where this reader
//! answers, it answers as the toml crate would: tests and a fuzz target compare the two.

mod de;
mod scan;
mod seen;

pub use de::{from_str, step, step_into};

#[cfg(test)]
mod generated;
#[cfg(test)]
mod tests;
