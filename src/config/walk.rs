//! Finding workflows in a directory the way ripgrep finds files to search (the `ignore`
//! crate): hidden entries, what `.gitignore` and `.ignore` files leave out and build caches
//! (`target/`, which Cargo tags with `CACHEDIR.TAG`) are not entered, and a `.toml` file is
//! a workflow only if it has steps. `steprun run .` in a project then runs its workflows, not
//! its `Cargo.toml`, `.clippy.toml` or vars files. What was left out is kept for `-v`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::io_reason::Reason;

/// The `.toml` files under `dir` that may be workflows, in sorted order.
pub fn workflow_files(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<String>,
    errors: &mut Vec<Diagnostic>,
) {
    let mut walked = HashSet::new();
    let mut found: HashMap<PathBuf, usize> = HashMap::new();
    let mut dirs = Vec::new();
    for entry in walker(dir) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                // A symbolic link back up the tree is entered once, as the walk does.
                if !is_loop(&e) {
                    errors.push(Diagnostic::new(walk_error(&e)));
                }
                continue;
            }
        };
        let path = entry.path().to_path_buf();
        if entry.file_type().is_some_and(|t| t.is_dir()) {
            dirs.push(path.clone());
        } else if path.extension().is_some_and(|e| e == "toml") {
            if file_has_steps(&path) {
                take_once(&path, files, &mut found);
            } else {
                skipped.push(format!("{} (no steps: not a workflow)", shown(&path)));
            }
        }
        walked.insert(path);
    }
    left_out(dirs, &walked, skipped);
}

/// The walk of `dir`: ignore files read without a git repository, symbolic links followed,
/// build caches not entered, names in order.
fn walker(dir: &Path) -> ignore::Walk {
    ignore::WalkBuilder::new(dir)
        .require_git(false)
        .follow_links(true)
        .filter_entry(|entry| !is_cache(entry.path()))
        .sort_by_file_name(std::cmp::Ord::cmp)
        .build()
}

/// Takes the workflow file `path` into `files` (`found`: where each real path was taken). A
/// file reached twice through a symbolic link is taken once, under its shortest path (the
/// link's target, when the link leads back up the tree).
fn take_once(path: &Path, files: &mut Vec<PathBuf>, found: &mut HashMap<PathBuf, usize>) {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    match found.get(&real) {
        Some(&i) if depth(&files[i]) <= depth(path) => {}
        Some(&i) => files[i] = path.to_path_buf(),
        None => {
            found.insert(real, files.len());
            files.push(path.to_path_buf());
        }
    }
}

/// What the walk left out, into `skipped` with why: each directory's entries it did not
/// yield (not `walked`).
fn left_out(dirs: Vec<PathBuf>, walked: &HashSet<PathBuf>, skipped: &mut Vec<String>) {
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        // A symbolic link the walk did not enter (one back up the tree) is not news.
        let mut left: Vec<(PathBuf, bool)> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| !t.is_symlink()))
            .map(|e| (e.path(), e.path().is_dir()))
            .filter(|(p, is_dir)| !walked.contains(p) && (*is_dir || is_toml(p)))
            .collect();
        left.sort();
        for (path, is_dir) in left {
            let slash = if is_dir { "/" } else { "" };
            skipped.push(format!(
                "{}{slash} ({})",
                shown(&path),
                why_left_out(&path, is_dir)
            ));
        }
    }
}

/// Why the walk left `path` out: hidden, a build cache, or ignored.
fn why_left_out(path: &Path, is_dir: bool) -> &'static str {
    let hidden = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'));
    if hidden {
        "hidden"
    } else if is_dir && is_cache(path) {
        "a build cache (CACHEDIR.TAG)"
    } else {
        "ignored by a .gitignore or .ignore file"
    }
}

/// A path as the person would write it: `vars/local.toml`, not `./vars/local.toml`.
fn shown(path: &Path) -> String {
    let path: PathBuf = path
        .components()
        .filter(|c| *c != std::path::Component::CurDir)
        .collect();
    path.display().to_string()
}

fn depth(path: &Path) -> usize {
    path.components().count()
}

fn is_toml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
}

/// A directory tagged as a cache (`target/`), per <https://bford.info/cachedir/>.
fn is_cache(path: &Path) -> bool {
    path.join("CACHEDIR.TAG").is_file()
}

/// Whether the file has a `[[steps]]` table or a `steps` key at the top level. A file that
/// cannot be read is kept, so loading it says why.
pub fn file_has_steps(path: &Path) -> bool {
    let Ok(bytes) = crate::workflow::load::read_input(path) else {
        return true;
    };
    text_has_steps(&String::from_utf8_lossy(&bytes))
}

/// `[[steps]]` (spaces allowed inside the brackets, a closing bracket or two missing: a
/// workflow with a typo is still one, and loading it says where) or `steps = …` at the start
/// of a line.
pub fn text_has_steps(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("[[") {
            return rest.trim_start().starts_with("steps") && {
                let after = rest.trim_start()["steps".len()..].trim_start();
                after.is_empty() || after.starts_with(']') || after.starts_with('#')
            };
        }
        line.strip_prefix("steps")
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    })
}

fn is_loop(e: &ignore::Error) -> bool {
    match e {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => is_loop(err),
        _ => false,
    }
}

/// `cannot read directory d: permission denied`.
fn walk_error(e: &ignore::Error) -> String {
    fn path_of(e: &ignore::Error) -> Option<&Path> {
        match e {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            _ => None,
        }
    }
    match (path_of(e), e.io_error()) {
        (Some(path), Some(io)) => format!("cannot read {}: {}", path.display(), Reason(io)),
        _ => format!("cannot read a directory: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::text_has_steps;

    #[test]
    fn a_workflow_has_steps() {
        assert!(text_has_steps("name = \"x\"\n[[steps]]\nname = \"a\"\n"));
        assert!(text_has_steps("name = \"x\"\n  [[ steps ]]\n"));
        assert!(text_has_steps("name = \"x\"\nsteps = []\n"));
        assert!(text_has_steps("name = \"x\"\n[[steps]\nname = \"a\"\n"));
        assert!(text_has_steps("name = \"x\"\n[[steps\n"));
        assert!(!text_has_steps("[package]\nname = \"steprun\"\n"));
        assert!(!text_has_steps(
            "apiPath = \"https://api.pingone.com/v1\"\n"
        ));
        assert!(!text_has_steps("[[steps_extra]]\nstepsize = 1\n"));
    }
}
