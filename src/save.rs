//! `--save-vars`: the variables at the end of a run, written as a vars file. Secrets are left
//! out unless `--save-secrets`, and hidden inside other values too (README, Secrets).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::engine::{RunEntry, RunResult};
use crate::redact::Redactor;
use crate::vars::{Var, VarStore};

#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {}", crate::io_reason::Reason(source))]
pub struct SaveError {
    path: String,
    #[source]
    source: std::io::Error,
}

/// Writes one run's file, as soon as the run ends, so a big matrix keeps no entry's
/// variables once it is done: `path` itself, or `stem.LABEL.ext` when `labelled_files` (a matrix of
/// more than one entry).
pub fn save_entry(
    path: &Path,
    labelled_files: bool,
    entry: &RunEntry,
    result: &RunResult,
    secrets: bool,
) -> Result<(), SaveError> {
    let target = match &entry.label {
        Some(label) if labelled_files => labelled(path, label),
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
    crate::atomic::write(&target, text.as_bytes()).map_err(|source| SaveError {
        path: target.display().to_string(),
        source,
    })
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

/// The store as a vars file that `--vars` reads back: one `name = value` line per variable,
/// every value inline. A table is wrapped as `{ value = { … } }` (a bare table would be read as
/// a variable's settings), and secret entries are written as `{ value = …, secret = true }`
/// with `--save-secrets`, and otherwise only named in the header; other values are written
/// through `redactor`, so a secret inside a longer value is hidden as `«name»`. A value with
/// no TOML form (a `null`, a list or object holding one, an integer past `i64`) is left out
/// and named in the header too.
pub fn render(vars: &VarStore, redactor: &Redactor, secrets: bool) -> String {
    let mut body = String::new();
    let mut withheld = Vec::new();
    let mut no_form = Vec::new();
    for (name, var) in vars.iter() {
        let (value, secret) = match (var, secrets) {
            (Var::Secret(_), false) => {
                withheld.push(name.as_str());
                continue;
            }
            // Asked for with --save-secrets: the one place a secret is written out.
            (Var::Secret(secret), true) => (toml::Value::try_from(secret.expose()), true),
            (Var::Plain(value), true) => (toml::Value::try_from(value), false),
            (Var::Plain(value), false) => {
                (toml::Value::try_from(redactor.redact_json(value)), false)
            }
        };
        let Ok(value) = value else {
            no_form.push(name.as_str());
            continue;
        };
        let value = if secret {
            let mut t = toml::Table::new();
            t.insert("value".into(), value);
            t.insert("secret".into(), toml::Value::Boolean(true));
            toml::Value::Table(t)
        } else if value.is_table() {
            let mut t = toml::Table::new();
            t.insert("value".into(), value);
            toml::Value::Table(t)
        } else {
            value
        };
        let _ = writeln!(body, "{} = {value}", key(name));
    }
    let mut out = String::from("# Variables saved by steprun --save-vars\n");
    if !withheld.is_empty() {
        let _ = writeln!(
            out,
            "# Secrets not saved (use --save-secrets): {}",
            withheld.join(", ")
        );
    }
    if !no_form.is_empty() {
        let _ = writeln!(
            out,
            "# Not saved, no TOML form (null, or a number past 64-bit): {}",
            no_form.join(", ")
        );
    }
    out.push_str(&body);
    out
}

/// A TOML key: bare when it can be, quoted otherwise.
fn key(name: &str) -> String {
    let bare = !name.is_empty() && name.bytes().all(crate::workflow::source::bare_key_byte);
    if bare {
        name.to_owned()
    } else {
        toml::Value::String(name.to_owned()).to_string()
    }
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
            parsed["nested"]["value"]["url"].as_str(),
            Some("https://h/?t=«apiToken»")
        );
        assert_eq!(parsed["nested"]["value"]["n"][1].as_integer(), Some(2));
        let text = render(&vars, &Redactor::disabled(), true);
        assert!(
            text.contains("echoed = \"prefix-s3cr3t-value-suffix\""),
            "{text}"
        );
    }

    /// Every kind of extracted value is written so that the vars-file reader takes it back:
    /// an object as `{ value = { … } }`, not as a bare table (which would be read as the
    /// variable's settings).
    #[test]
    fn the_file_reads_back_as_a_vars_file() {
        let mut vars = VarStore::new();
        vars.set("obj", json!({"a": 1, "b": {"c": "x"}}), false);
        vars.set("list", json!([1, "two", {"three": 3}]), false);
        vars.set("rows", json!([{"id": 1}, {"id": 2}]), false);
        vars.set("n", json!(42), false);
        vars.set("f", json!(1.5), false);
        vars.set("flag", json!(true), false);
        vars.set("s", json!("hello \"world\"\nline"), false);
        vars.set("gone", json!(null), false);
        vars.set("apiToken", json!({"t": "s3cr3t-value"}), false);
        let text = render(&vars, &Redactor::from_store(&vars), false);
        assert!(text.contains("obj = { value = { a = 1"), "{text}");
        assert!(
            text.contains("# Not saved, no TOML form (null, or a number past 64-bit): gone\n"),
            "{text}"
        );
        assert!(
            text.contains("# Secrets not saved (use --save-secrets): apiToken\n"),
            "{text}"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("saved.toml");
        std::fs::write(&file, &text).unwrap();
        let decls = crate::workflow::load::load_vars_and_tenant(&file)
            .unwrap()
            .0;
        let mut read: Vec<(&str, &serde_json::Value)> = decls
            .iter()
            .map(|d| (d.name.as_str(), d.value.as_ref().unwrap().plain().unwrap()))
            .collect();
        read.sort_by_key(|(name, _)| *name);
        assert_eq!(
            read,
            [
                ("f", &json!(1.5)),
                ("flag", &json!(true)),
                ("list", &json!([1, "two", {"three": 3}])),
                ("n", &json!(42)),
                ("obj", &json!({"a": 1, "b": {"c": "x"}})),
                ("rows", &json!([{"id": 1}, {"id": 2}])),
                ("s", &json!("hello \"world\"\nline")),
            ]
        );
        assert!(decls.iter().all(|d| d.secret.is_none()));

        // With --save-secrets, the secret object comes back as a secret object.
        let text = render(&vars, &Redactor::disabled(), true);
        assert!(!text.contains("Secrets not saved"), "{text}");
        std::fs::write(&file, &text).unwrap();
        let decls = crate::workflow::load::load_vars_and_tenant(&file)
            .unwrap()
            .0;
        let token = decls.iter().find(|d| d.name == "apiToken").unwrap();
        let value = token.value.as_ref().and_then(|v| v.secret()).unwrap();
        assert_eq!(value.expose(), &json!({"t": "s3cr3t-value"}));
        assert_eq!(token.secret, Some(true));
    }

    #[test]
    fn a_value_holding_a_null_is_named_as_left_out() {
        let mut vars = VarStore::new();
        vars.set("a", json!(null), false);
        vars.set("b", json!({"x": null}), false);
        vars.set("c", json!([1, null]), false);
        vars.set("d", json!("kept"), false);
        vars.set("e", json!(u64::MAX), false);
        let text = render(&vars, &Redactor::from_store(&vars), false);
        assert_eq!(
            text,
            "# Variables saved by steprun --save-vars\n\
             # Not saved, no TOML form (null, or a number past 64-bit): a, b, c, e\n\
             d = \"kept\"\n"
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
