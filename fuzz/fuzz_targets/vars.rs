//! libFuzzer target: `steprun::fuzzing::read_vars` must answer every input without a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = steprun::fuzzing::read_vars(data);
});
