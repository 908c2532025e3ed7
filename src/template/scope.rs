//! What a render needs to know beyond its variables, and what it leaves behind: the folder
//! of the workflow file being rendered (for `jwt_sign(key_file=…)`), and the tokens
//! `jwt_sign` signed, which the caller must hide as secrets.
//!
//! minijinja renders synchronously on the calling thread, so a thread-local scope around one
//! render sees exactly the functions that render called.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

#[derive(Default)]
struct Scope {
    base: Base,
    signed: Vec<String>,
    /// The path of the last file a scope was opened in, kept when it closed: a workflow's
    /// steps open one for the same file again and again, and reuse it rather than copy it.
    spare: Option<PathBuf>,
}

/// Where relative paths start from.
#[derive(Default)]
enum Base {
    /// The current directory.
    #[default]
    Current,
    Dir(PathBuf),
    /// The folder of this file (found only when a path is resolved: most renders resolve
    /// none).
    FileIn(PathBuf),
}

thread_local! {
    static SCOPE: RefCell<Scope> = RefCell::new(Scope::default());
}

/// Runs `render` with `dir` as the folder relative paths start from, and returns what it gave
/// with every token signed meanwhile. Scopes nest: the outer one sees the inner one's tokens
/// too, so none escapes being hidden.
pub fn scope<R>(dir: Option<&Path>, render: impl FnOnce() -> R) -> (R, Vec<String>) {
    let base = dir.map_or(Base::Current, |dir| Base::Dir(dir.to_path_buf()));
    within(|_| base, render)
}

/// [`scope`] in the folder of the file at `file` (the workflow file a step was written in).
pub fn scope_of_file<R>(file: &Path, render: impl FnOnce() -> R) -> (R, Vec<String>) {
    within(
        |spare| match spare.take() {
            Some(kept) if kept.as_os_str() == file.as_os_str() => Base::FileIn(kept),
            _ => Base::FileIn(file.to_path_buf()),
        },
        render,
    )
}

/// Runs `render` under the base `base` makes (it may take the spare path), then restores the
/// outer scope.
fn within<R>(
    base: impl FnOnce(&mut Option<PathBuf>) -> Base,
    render: impl FnOnce() -> R,
) -> (R, Vec<String>) {
    let (outer_base, outer_signed) = SCOPE.with(|s| {
        let mut s = s.borrow_mut();
        let base = base(&mut s.spare);
        (
            std::mem::replace(&mut s.base, base),
            std::mem::take(&mut s.signed),
        )
    });
    let result = render();
    let signed = SCOPE.with(|s| {
        let mut s = s.borrow_mut();
        if let Base::FileIn(file) = std::mem::replace(&mut s.base, outer_base) {
            s.spare = Some(file);
        }
        let signed = std::mem::replace(&mut s.signed, outer_signed);
        s.signed.extend(signed.iter().cloned());
        signed
    });
    (result, signed)
}

/// Records a token `jwt_sign` made.
pub(super) fn signed(token: &str) {
    SCOPE.with(|s| s.borrow_mut().signed.push(token.to_owned()));
}

/// `path` relative to the scope's folder (the current directory outside any scope).
pub(super) fn resolve(path: &str) -> PathBuf {
    let path = Path::new(path);
    if path.is_absolute() {
        return path.to_path_buf();
    }
    SCOPE.with(|s| match &s.borrow().base {
        Base::Dir(dir) => dir.join(path),
        Base::FileIn(file) => match file.parent() {
            Some(dir) => dir.join(path),
            None => path.to_path_buf(),
        },
        Base::Current => path.to_path_buf(),
    })
}
