//! `steprun import postman`: convert a Postman collection (v2.0/2.1) to workflow files.

mod conditions;
mod convert;
mod emit;
mod groups;
mod js;
mod json_toml;
mod names;
mod postman;
mod request;
mod scripts;
mod summary;
mod variables;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml::Table;

use crate::diagnostic::Diagnostic;
use crate::workflow::source::Source;

pub use summary::Report;

/// What `steprun import postman` was asked to do.
#[derive(Debug, Clone)]
pub struct PostmanOptions {
    pub file: PathBuf,
    /// Output directory; `None` is `./<collection-name>/`.
    pub out: Option<PathBuf>,
    pub force: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("error: cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(Diagnostic),
    #[error(
        "error: {} already exist{}; nothing was written\n  = help: pass --force to overwrite, or --out DIR",
        list(.0), if .0.len() == 1 { "s" } else { "" }
    )]
    Exists(Vec<PathBuf>),
    #[error("error: cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn list(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

/// Converts the collection and writes its workflows.
pub fn postman(options: &PostmanOptions) -> Result<Report, ImportError> {
    let text = crate::workflow::load::read_input(&options.file)
        .and_then(|bytes| String::from_utf8(bytes).map_err(std::io::Error::other))
        .map_err(|source| ImportError::Read {
            path: options.file.clone(),
            source,
        })?;
    // Files saved by Windows tools often begin with a byte-order mark, which JSON does not allow.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let collection = parse(&options.file, text)?;
    let dir = options
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(names::slug(&collection.info.name)));
    let (texts, report) = convert_all(&collection, text, dir);
    if texts.is_empty() {
        return Err(ImportError::Invalid(Diagnostic::new(format!(
            "{}: the collection has no requests",
            options.file.display()
        ))));
    }
    write_all(&report.dir, &texts, options.force)?;
    Ok(report)
}

/// The workflow files a collection's `text` converts to, without writing them (the fuzz
/// target's entry).
pub fn convert_text(path: &Path, text: &str) -> Result<Vec<(PathBuf, String)>, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let collection = parse(path, text)?;
    Ok(convert_all(&collection, text, PathBuf::from("out")).0)
}

/// Every workflow's file and text, and the summary of the import.
fn convert_all(
    collection: &postman::Collection,
    text: &str,
    dir: PathBuf,
) -> (Vec<(PathBuf, String)>, Report) {
    let declared = collection.variable.iter().filter_map(|v| v.key.as_deref());
    let mut names = names::Names::new(text, declared);
    let collection_vars = collection_vars(collection, &mut names);
    let groups = groups::groups(&collection.item);
    let width = groups.len().to_string().len().max(2);
    let mut report = Report::new(collection, dir);
    let mut extracted = BTreeMap::new();
    let mut outputs = Vec::new();
    for group in &groups {
        let mut converted = convert::workflow(collection, group, &mut names);
        if converted.workflow.steps.is_empty() {
            // An empty folder: no workflow to write.
            continue;
        }
        variables::finish(
            &mut converted,
            &collection_vars,
            &extracted,
            names.secrets(),
        );
        let number = outputs.len() + 1;
        let file = format!("{number:0width$}-{}.toml", converted.file_stem);
        report.add(&file, &converted, &extracted);
        for step in &converted.workflow.steps {
            for name in step.extract.keys() {
                extracted
                    .entry(name.clone())
                    .or_insert_with(|| file.clone());
            }
        }
        outputs.push((report.dir.join(file), converted));
    }
    let texts = outputs
        .into_iter()
        .map(|(path, mut c)| {
            let body = emit::write(&c.workflow);
            c.workflow.comments = header(collection, &names, &body, c.workflow.comments);
            (path, emit::write(&c.workflow))
        })
        .collect();
    report.finish(&names);
    (texts, report)
}

/// Reads the collection, pointing at the place in the file where it is not one.
fn parse(path: &Path, text: &str) -> Result<postman::Collection, ImportError> {
    let located = |e: &serde_json::Error, what: &str| {
        let source = Arc::new(Source::new(path, text));
        let offset = offset_of(text, e.line(), e.column());
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        ImportError::Invalid(Diagnostic::at(
            format!("{what}: {message}"),
            &source,
            offset..offset + 1,
        ))
    };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| located(&e, "invalid JSON"))?;
    if value.get("info").is_none() && value.get("requests").is_some() {
        return Err(ImportError::Invalid(
            Diagnostic::new(format!(
                "{}: this is a Postman collection v1, which steprun does not read",
                path.display()
            ))
            .with_help("export the collection from Postman as Collection v2.1"),
        ));
    }
    let collection: postman::Collection = serde_json::from_str(text)
        .map_err(|e| located(&e, "not a Postman collection (v2.0/2.1)"))?;
    if collection.item.is_empty() {
        return Err(ImportError::Invalid(Diagnostic::new(format!(
            "{}: the collection has no requests",
            path.display()
        ))));
    }
    Ok(collection)
}

/// The byte offset of a 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// The collection's variables that may be written into `[vars]`: renamed, templated, with
/// secrets (by name, or Postman's `"type": "secret"`) and empty placeholders left out (those
/// become `requires`). An object value is written as `{ value = { … } }`, since a table in
/// `[vars]` is `{ value, env, secret }`.
fn collection_vars(collection: &postman::Collection, names: &mut names::Names) -> Table {
    let mut vars = Table::new();
    for v in collection.variable.iter().filter(|v| !v.disabled) {
        let Some(key) = v.key.as_deref().or(v.id.as_deref()) else {
            continue;
        };
        let name = names.name(key);
        if v.kind.as_deref() == Some("secret") {
            names.mark_secret(&name);
        }
        if names.is_secret(&name) {
            continue;
        }
        let value = match &v.value {
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => continue,
            Some(value) => json_toml::json_to_toml(value, names),
            None => None,
        };
        match value {
            Some(table @ toml::Value::Table(_)) => {
                let mut wrapped = Table::new();
                wrapped.insert("value".into(), table);
                vars.insert(name, toml::Value::Table(wrapped));
            }
            Some(value) => {
                vars.insert(name, value);
            }
            None => {}
        }
    }
    vars
}

/// The comment block at the top of a file: where it came from, the renames it uses, TODOs.
fn header(
    collection: &postman::Collection,
    names: &names::Names,
    body: &str,
    mut rest: Vec<String>,
) -> Vec<String> {
    let mut lines = vec![format!(
        "Imported from the Postman collection \"{}\" ({}) by `steprun import postman`.",
        collection.info.name,
        postman::version(&collection.info)
    )];
    let renames: Vec<String> = names
        .renames()
        .iter()
        .filter(|(_, new)| body.contains(new.as_str()))
        .map(|(old, new)| format!("  {old} -> {new}"))
        .collect();
    if !renames.is_empty() {
        lines.push("Renamed variables (steprun variable names are identifiers):".into());
        lines.extend(renames);
    }
    let dynamic = names::dynamic_left(body);
    if !dynamic.is_empty() {
        lines.push(format!(
            "TODO: Postman dynamic variables with no steprun equivalent, left as written: {}",
            dynamic.join(", ")
        ));
    }
    lines.append(&mut rest);
    lines
}

fn write_all(dir: &Path, texts: &[(PathBuf, String)], force: bool) -> Result<(), ImportError> {
    if !force {
        let existing: Vec<PathBuf> = texts
            .iter()
            .filter(|(p, _)| p.exists())
            .map(|(p, _)| p.clone())
            .collect();
        if !existing.is_empty() {
            return Err(ImportError::Exists(existing));
        }
    }
    std::fs::create_dir_all(dir).map_err(|source| ImportError::Write {
        path: dir.to_owned(),
        source,
    })?;
    for (path, text) in texts {
        std::fs::write(path, text).map_err(|source| ImportError::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(())
}
