//! libFuzzer target: `steprun::fuzzing::import_postman` must answer every input without a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = steprun::fuzzing::import_postman(data);
});
