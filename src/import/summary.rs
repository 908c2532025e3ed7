//! The summary `steprun import postman` prints: what was written, what to set before a run.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::import::convert::Converted;
use crate::import::names::Names;
use crate::import::postman::{self, Collection};

/// What was written, for the summary printed after an import.
#[derive(Debug)]
pub struct Report {
    pub collection: String,
    pub version: &'static str,
    pub dir: PathBuf,
    /// File, step count.
    pub files: Vec<(PathBuf, usize)>,
    /// Variables to set before a run (not extracted by an earlier file).
    pub requires: Vec<String>,
    pub renames: Vec<(String, String)>,
    pub unconverted: usize,
    pub unknown_dynamic: Vec<String>,
    /// Names Postman types as secret, whatever their name.
    pub secrets: std::collections::BTreeSet<String>,
}

impl Report {
    pub fn new(collection: &Collection, dir: PathBuf) -> Report {
        Report {
            collection: collection.info.name.clone(),
            version: postman::version(&collection.info),
            dir,
            files: Vec::new(),
            requires: Vec::new(),
            renames: Vec::new(),
            unconverted: 0,
            unknown_dynamic: Vec::new(),
            secrets: std::collections::BTreeSet::new(),
        }
    }

    /// Records a converted file; `extracted` are the names earlier files extract.
    pub fn add(&mut self, file: &str, converted: &Converted, extracted: &BTreeMap<String, String>) {
        for name in &converted.workflow.requires {
            if !extracted.contains_key(name) && !self.requires.contains(name) {
                self.requires.push(name.clone());
            }
        }
        self.unconverted += converted.unconverted;
        self.files
            .push((self.dir.join(file), converted.workflow.steps.len()));
    }

    /// Records the renames and unknown dynamic variables of the whole collection.
    pub fn finish(&mut self, names: &Names) {
        self.secrets.clone_from(names.secrets());
        self.renames = names
            .renames()
            .iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect();
        self.unknown_dynamic = names.unknown_dynamic().iter().cloned().collect();
    }
}

impl Report {
    /// The collection imported, and each file written with its steps.
    fn write_files(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let steps: usize = self.files.iter().map(|(_, n)| n).sum();
        writeln!(
            f,
            "imported \"{}\" (Postman {}): {} workflow{}, {steps} step{}",
            self.collection,
            self.version,
            self.files.len(),
            plural(self.files.len()),
            plural(steps)
        )?;
        for (path, n) in &self.files {
            writeln!(f, "  wrote {}  ({n} step{})", path.display(), plural(*n))?;
        }
        Ok(())
    }

    /// The variables to set before a run, the secret ones said so.
    fn write_requires(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.requires.is_empty() {
            return writeln!(f, "variables to set before a run: none");
        }
        let names: Vec<String> = self
            .requires
            .iter()
            .map(|n| {
                if crate::secret::named_or_typed(n, &self.secrets) {
                    format!("{n} (secret)")
                } else {
                    n.clone()
                }
            })
            .collect();
        writeln!(f, "variables to set before a run: {}", names.join(", "))
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_files(f)?;
        self.write_requires(f)?;
        for (old, new) in &self.renames {
            writeln!(f, "renamed variable: {old} -> {new}")?;
        }
        writeln!(
            f,
            "script lines left as comments: {}{}",
            self.unconverted,
            if self.unconverted > 0 {
                " (see \"# postman … script (not converted)\")"
            } else {
                ""
            }
        )?;
        if !self.unknown_dynamic.is_empty() {
            writeln!(
                f,
                "TODO: dynamic variables left as written: {}",
                self.unknown_dynamic.join(", ")
            )?;
        }
        write!(
            f,
            "next: steprun check {} --vars FILE (or --var NAME=VALUE)",
            self.dir.display()
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
