//! `--save-vars`: the variables at the end of a run, written as a vars file. Secrets are left
//! out unless `--save-secrets`, and hidden inside other values too (SPEC §5).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::engine::{RunEntry, RunResult};
use crate::redact::Redactor;
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
        // `--show-secrets` is for the terminal only: the file still hides them.
        let redactor = if secrets {
            Redactor::disabled()
        } else if result.redactor.is_enabled() {
            result.redactor.clone()
        } else {
            Redactor::from_store(&result.vars)
        };
        let text = render(&result.vars, &redactor, secrets);
        std::fs::write(&target, text).map_err(|source| SaveError {
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
/// `--save-secrets`, and otherwise only named in a comment; other values are written through
/// `redactor`, so a secret inside a longer value is hidden as `«name»`.
pub fn render(vars: &VarStore, redactor: &Redactor, secrets: bool) -> String {
    let mut table = toml::Table::new();
    let mut withheld = Vec::new();
    for (name, var) in vars.iter() {
        let value = if secrets || var.secret {
            toml::Value::try_from(&var.value)
        } else {
            toml::Value::try_from(redactor.redact_json(&var.value))
        };
        let Ok(value) = value else {
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
        let redactor = Redactor::from_store(&vars);
        let text = render(&vars, &redactor, false);
        assert!(text.contains("appID = \"abc\""), "{text}");
        assert!(!text.contains("s3cr3t-value"), "{text}");
        assert!(text.contains("accessToken"), "{text}");
        let text = render(&vars, &Redactor::disabled(), true);
        assert!(text.contains("s3cr3t-value"), "{text}");
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(parsed["accessToken"]["secret"].as_bool(), Some(true));
    }

    #[test]
    fn a_secret_inside_another_value_is_hidden() {
        let mut vars = VarStore::new();
        vars.set("apiToken", json!("s3cr3t-value"), false);
        vars.set("echoed", json!("prefix-s3cr3t-value-suffix"), false);
        vars.set(
            "nested",
            json!({"url": "https://h/?t=s3cr3t-value", "n": [1, 2]}),
            false,
        );
        let redactor = Redactor::from_store(&vars);
        let text = render(&vars, &redactor, false);
        assert!(!text.contains("s3cr3t-value"), "{text}");
        assert!(
            text.contains("echoed = \"prefix-«apiToken»-suffix\""),
            "{text}"
        );
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(
            parsed["nested"]["url"].as_str(),
            Some("https://h/?t=«apiToken»")
        );
        assert_eq!(parsed["nested"]["n"][1].as_integer(), Some(2));
        let text = render(&vars, &Redactor::disabled(), true);
        assert!(
            text.contains("echoed = \"prefix-s3cr3t-value-suffix\""),
            "{text}"
        );
    }

    #[test]
    fn matrix_files_get_labels() {
        assert_eq!(
            labelled(Path::new("out/vars.toml"), "eu"),
            PathBuf::from("out/vars.eu.toml")
        );
    }
}
