//! `--matrix`: the vars files a glob matches, each labelled by its stem (no two alike) and
//! read before anything is sent, one entry of the plan each.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::workflow::load::{read_vars_text, vars_from_text};

use super::{PlanEntry, PlanError};

/// The vars files matching a glob, sorted.
fn matrix_files(pattern: &str) -> Result<Vec<PathBuf>, PlanError> {
    let paths =
        glob::glob(pattern).map_err(|e| Diagnostic::new(format!("--matrix `{pattern}`: {e}")))?;
    let mut files: Vec<PathBuf> = paths
        .filter_map(Result::ok)
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Diagnostic::new(format!("--matrix `{pattern}` matches no file")).into());
    }
    // The label names an entry in reports, `--save-vars` files, spans and partition keys:
    // two entries with one label would be told apart nowhere.
    let mut seen: std::collections::HashMap<String, &PathBuf> = std::collections::HashMap::new();
    for path in &files {
        if let Some(first) = seen.insert(matrix_label(path).into_owned(), path) {
            return Err(Diagnostic::new(format!(
                "--matrix `{pattern}`: {} and {} would both be labelled `{}` (a label is the file's stem)",
                first.display(),
                path.display(),
                matrix_label(path)
            ))
            .with_help("rename one, so each vars file has a name of its own")
            .into());
        }
    }
    Ok(files)
}

/// `list --matrix`: the labels `run --matrix` gives the entries (file stems, sorted).
pub fn matrix_labels(pattern: &str) -> Result<Vec<String>, PlanError> {
    Ok(matrix_files(pattern)?
        .iter()
        .map(|p| matrix_label(p).into_owned())
        .collect())
}

pub(super) fn matrix_label(path: &Path) -> Cow<'_, str> {
    path.file_stem().map_or_else(
        || Cow::Owned(path.display().to_string()),
        OsStr::to_string_lossy,
    )
}

/// The vars files matching a glob, sorted, labelled by file stem and read, each entry with
/// its own `run_id`, no two alike.
pub(super) fn matrix_entries(pattern: &str) -> Result<Vec<PlanEntry>, PlanError> {
    let files = matrix_files(pattern)?;
    let mut run_ids = HashSet::new();
    let mut entries = Vec::with_capacity(files.len());
    let mut errors = Vec::new();
    for path in files {
        let run_id = loop {
            let id: u32 = rand::random();
            if run_ids.insert(id) {
                break id;
            }
        };
        // Read in full now, so that a bad file stops the run before anything is sent.
        match read_vars_text(&path)
            .and_then(|text| vars_from_text(&path, text.clone()).map(|_| text))
        {
            Ok(text) => entries.push(PlanEntry {
                file: Some((path.into_boxed_path(), text.into_boxed_str())),
                run_id,
            }),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors.into())
    }
}
