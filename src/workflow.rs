//! Workflow files: the model, the loader (TOML with spans), `use` expansion and the static check.

pub mod assertions;
pub mod check;
pub mod convert;
pub mod duration_limits;
pub mod load;
pub mod model;
pub(crate) mod quick_toml;
pub mod raw;
pub mod request;
pub mod requires;
pub mod schema;
pub mod source;
pub mod split;
pub mod toml_json;

/// Every `.toml` file of the library (`workflows/`), sorted: what the tests that read the
/// whole library go through.
#[cfg(test)]
pub(crate) fn library_files() -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("workflows")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("the library's folders are readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
