//! The seed corpus of each target, read from the repository: the workflow library, the vars
//! examples, the templates and `JSONPath` queries the library uses, the Postman collections the import
//! tests use, and the regression inputs kept under `tests/fuzz/corpus/<target>/`.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir` whose name ends with one of `exts`, sorted (a run is reproducible).
fn files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if exts.iter().any(|e| {
                path.file_name()
                    .is_some_and(|n| n.to_string_lossy().ends_with(e))
            }) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn read_all(paths: &[PathBuf]) -> Vec<Vec<u8>> {
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

/// The kept inputs of `target` (regressions, interesting finds).
fn kept(target: &str) -> Vec<Vec<u8>> {
    read_all(&files(
        &root().join("tests/fuzz/corpus").join(target),
        &[""],
    ))
}

/// The TOML strings of the library holding `needle` (templates, `JSONPath` queries), unquoted.
fn library_strings(needle: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for text in read_all(&files(&root().join("workflows"), &[".toml"])) {
        let Ok(text) = String::from_utf8(text) else {
            continue;
        };
        for line in text.lines() {
            for (i, part) in line.split('"').enumerate() {
                if i % 2 == 1 && part.contains(needle) {
                    out.push(part.replace("\\\"", "\"").into_bytes());
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The raw strings (`r#"{ … }"#`) of the import tests that are Postman collections.
fn collections() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for text in read_all(&files(&root().join("tests/integration"), &["import.rs"])) {
        let text = String::from_utf8_lossy(&text).into_owned();
        for piece in text.split("r#\"").skip(1) {
            if let Some((body, _)) = piece.split_once("\"#")
                && body.contains("\"info\"")
            {
                out.push(body.as_bytes().to_vec());
            }
        }
    }
    out
}

/// The seeds of `target`.
pub fn seeds(target: &str) -> Vec<Vec<u8>> {
    let mut out = kept(target);
    let workflows = || read_all(&files(&root().join("workflows"), &[".toml"]));
    match target {
        "workflow" => out.extend(workflows()),
        // Each step of the library as the loader reads it: its `[[steps]]` header blanked and
        // `[steps.x]` as `[      x]` (the same offsets).
        "step" => {
            for text in workflows() {
                let text = String::from_utf8_lossy(&text).replace("[steps.", "[      ");
                out.extend(
                    text.split("[[steps]]")
                        .skip(1)
                        .map(|step| format!("         {step}").into_bytes()),
                );
            }
        }
        "vars" => {
            out.extend(read_all(&files(&root().join("vars"), &[".toml"])));
            out.extend(workflows().into_iter().take(8));
        }
        "template" => {
            out.extend(library_strings("<<"));
            out.extend(library_strings("<%"));
        }
        "jsonpath" => {
            let docs = [
                br#"{"_embedded":{"users":[{"id":"a","name":{"given":"Ada"}},{"id":"b"}]},"count":2}"#.as_slice(),
                br#"[1,[2,[3,[4]]],{"a":{"b":{"c":[true,false,null]}}}]"#,
                br#"{"access_token":"x","expires_in":3600,"scope":"openid profile"}"#,
            ];
            for (i, path) in library_strings("$.").into_iter().enumerate() {
                let mut input = path;
                input.push(b'\n');
                input.extend_from_slice(docs[i % docs.len()]);
                out.push(input);
            }
        }
        "postman" => out.extend(collections()),
        _ => {}
    }
    if out.is_empty() {
        out.push(Vec::new());
    }
    out
}
