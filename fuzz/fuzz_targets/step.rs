//! libFuzzer target: `steprun::fuzzing::read_step`: the quick TOML reader answers as the toml
//! crate does, or leaves the step to it, and nothing panics.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = steprun::fuzzing::read_step(data);
});
