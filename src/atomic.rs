//! Writing a file whole or not at all: reports, `--save-vars` files and `sandbox --write-vars`
//! are written into a temporary file beside the target (`.NAME.steprun-XXXXXX.tmp`) and renamed
//! over it when complete, so a reader, or a run killed at any moment, sees the old file or the
//! new one, never half of one. A target that is not a regular file (`/dev/stdout`, a pipe, a
//! device) is written as it is: renaming over it would replace it.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The temporary files being written, so that a stop at once (a second Ctrl-C, which skips
/// every destructor) can still remove them.
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn unfinished() -> MutexGuard<'static, Vec<PathBuf>> {
    UNFINISHED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A file being written; the target is replaced by `commit`, and left as it was if the
/// `AtomicFile` is dropped first.
#[derive(Debug)]
pub struct AtomicFile {
    inner: Inner,
}

#[derive(Debug)]
enum Inner {
    Temp {
        /// `None` once committed.
        file: Option<tempfile::NamedTempFile>,
        target: PathBuf,
    },
    Direct(File),
}

/// Starts writing `path`: a temporary file beside it, or `path` itself when it is not a
/// regular file. A symbolic link is followed, so the link stays and its target is replaced.
pub fn create(path: &Path) -> io::Result<AtomicFile> {
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    let existing = std::fs::metadata(&target).ok();
    if existing.as_ref().is_some_and(|m| !m.is_file()) {
        return Ok(AtomicFile {
            inner: Inner::Direct(File::create(&target)?),
        });
    }
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.steprun-");
    // A new file gets the usual permissions (0666 less the umask, as `File::create` gives),
    // not a temporary file's private 0600; a replaced one keeps the old file's.
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let file = builder.tempfile_in(dir)?;
    if let Some(meta) = existing {
        file.as_file().set_permissions(meta.permissions())?;
    }
    unfinished().push(file.path().to_path_buf());
    Ok(AtomicFile {
        inner: Inner::Temp {
            file: Some(file),
            target,
        },
    })
}

/// Writes `contents` to `path` whole (see `create`).
pub fn write(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = create(path)?;
    file.write_all(contents)?;
    file.commit()
}

/// Removes every temporary file still being written: for a stop at once, which leaves the
/// targets as they were.
pub fn discard_unfinished() {
    for path in unfinished().drain(..) {
        let _ = std::fs::remove_file(path);
    }
}

impl AtomicFile {
    /// Puts the finished file in place of the target.
    pub fn commit(mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::Direct(file) => file.flush(),
            Inner::Temp { file, target } => {
                let Some(temp) = file.take() else {
                    return Ok(());
                };
                let path = temp.path().to_path_buf();
                temp.as_file().sync_all()?;
                // Forgotten only once renamed: a stop at once meanwhile still removes it.
                let done = temp.persist(&*target).map(drop).map_err(|e| e.error);
                forget(&path);
                done
            }
        }
    }
}

fn forget(temp: &Path) {
    unfinished().retain(|p| p != temp);
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Never committed: the temporary file is removed (by `NamedTempFile`'s own drop).
        if let Inner::Temp {
            file: Some(temp), ..
        } = &self.inner
        {
            forget(temp.path());
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::Direct(file) => file.write(buf),
            Inner::Temp { file: Some(f), .. } => f.write(buf),
            Inner::Temp { file: None, .. } => Err(committed()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::Direct(file) => file.flush(),
            Inner::Temp { file: Some(f), .. } => f.flush(),
            Inner::Temp { file: None, .. } => Ok(()),
        }
    }
}

fn committed() -> io::Error {
    io::Error::other("written after the file was committed")
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;
    use std::os::unix::fs::FileTypeExt as _;
    use std::path::Path;

    use super::{create, write};

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_device_is_written_to_never_replaced() {
        // Writing through a temporary file and renaming it would replace the device node.
        write(Path::new("/dev/null"), b"x").expect("/dev/null takes anything");
        assert!(write(Path::new("/dev/full"), b"x").is_err());
        for device in ["/dev/null", "/dev/full"] {
            let kind = std::fs::metadata(device).expect(device).file_type();
            assert!(kind.is_char_device(), "{device} is still a device");
        }
    }

    #[test]
    fn a_file_is_replaced_whole_and_only_at_commit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("v.toml");
        std::fs::write(&path, "old old old").expect("write");
        let mut file = create(&path).expect("create");
        file.write_all(b"new").expect("write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "old old old");
        let listed = names(dir.path());
        assert_eq!(listed.len(), 2, "{listed:?}");
        assert!(
            listed[0].starts_with(".v.toml.steprun-")
                && listed[0].rsplit('.').next() == Some("tmp"),
            "{listed:?}"
        );
        file.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        assert_eq!(names(dir.path()), ["v.toml"]);
    }

    #[test]
    fn a_file_dropped_unfinished_leaves_the_old_one_and_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("r.json");
        std::fs::write(&path, "old").expect("write");
        let mut file = create(&path).expect("create");
        file.write_all(b"half").expect("write");
        drop(file);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "old");
        assert_eq!(names(dir.path()), ["r.json"]);
    }

    #[test]
    fn a_symbolic_link_stays_and_its_target_is_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let real = dir.path().join("real.xml");
        let link = dir.path().join("link.xml");
        std::fs::write(&real, "old").expect("write");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        write(&link, b"new").expect("write");
        assert!(std::fs::symlink_metadata(&link).expect("link").is_symlink());
        assert_eq!(std::fs::read_to_string(&real).expect("read"), "new");
    }
}
