//! libFuzzer target: `steprun::fuzzing::render_template` must answer every input without a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = steprun::fuzzing::render_template(data);
});
