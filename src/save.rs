//! `--save-vars`: the variables at the end of a run, written as a vars file. Secrets are left
//! out unless `--save-secrets`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::engine::{RunEntry, RunResult};
use crate::vars::VarStore;

#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct SaveError {
    path: String,
    #[source]
    source: std::io::Error,
}

/// Writes one file per run: `path` itself, or `stem.LABEL.ext` for each matrix entry.
pub fn save_vars(
    path: &Path,
    entries: &[RunEntry],
    results: &[RunResult],
    secrets: bool,
) -> Result<(), SaveError> {
    for (entry, result) in entries.iter().zip(results) {
        let target = match &entry.label {
            Some(label) if entries.len() > 1 => labelled(path, label),
            _ => path.to_path_buf(),
        };
        std::fs::write(&target, render(&result.vars, secrets)).map_err(|source| SaveError {
            path: target.display().to_string(),
            source,
        })?;
    }
    Ok(())
}

fn labelled(path: &Path, label: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}.{label}.{}", ext.to_string_lossy()),
        None => format!("{stem}.{label}"),
    };
    path.with_file_name(name)
}

/// The store as TOML. Secret entries are written as `{ value = …, secret = true }` with
/// `--save-secrets`, and otherwise only named in a comment.
pub fn render(vars: &VarStore, secrets: bool) -> String {
    let mut table = toml::Table::new();
    let mut withheld = Vec::new();
    for (name, var) in vars.iter() {
        let Ok(value) = toml::Value::try_from(&var.value) else {
            continue; // null has no TOML form
        };
        if var.secret {
            if secrets {
                let mut t = toml::Table::new();
                t.insert("value".into(), value);
                t.insert("secret".into(), toml::Value::Boolean(true));
                table.insert(name.clone(), toml::Value::Table(t));
            } else {
                withheld.push(name.clone());
            }
        } else {
            table.insert(name.clone(), value);
        }
    }
    let mut out = String::from("# Variables saved by steprun --save-vars\n");
    if !withheld.is_empty() {
        let _ = writeln!(
            out,
            "# Secrets not saved (use --save-secrets): {}",
            withheld.join(", ")
        );
    }
    out.push_str(&toml::to_string(&table).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_withheld_unless_asked() {
        let mut vars = VarStore::new();
        vars.set("appID", json!("abc"), false);
        vars.set("accessToken", json!("s3cr3t-value"), false);
        let text = render(&vars, false);
        assert!(text.contains("appID = \"abc\""), "{text}");
        assert!(!text.contains("s3cr3t-value"), "{text}");
        assert!(text.contains("accessToken"), "{text}");
        let text = render(&vars, true);
        assert!(text.contains("s3cr3t-value"), "{text}");
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(parsed["accessToken"]["secret"].as_bool(), Some(true));
    }

    #[test]
    fn matrix_files_get_labels() {
        assert_eq!(
            labelled(Path::new("out/vars.toml"), "eu"),
            PathBuf::from("out/vars.eu.toml")
        );
    }
}
