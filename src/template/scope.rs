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
    dir: Option<PathBuf>,
    signed: Vec<String>,
}

thread_local! {
    static SCOPE: RefCell<Scope> = RefCell::new(Scope::default());
}

/// Runs `render` with `dir` as the folder relative paths start from, and returns what it gave
/// with every token signed meanwhile. Scopes nest: the outer one sees the inner one's tokens
/// too, so none escapes being hidden.
pub fn scope<R>(dir: Option<&Path>, render: impl FnOnce() -> R) -> (R, Vec<String>) {
    let outer = SCOPE.with(|s| {
        let mut s = s.borrow_mut();
        Scope {
            dir: std::mem::replace(&mut s.dir, dir.map(Path::to_path_buf)),
            signed: std::mem::take(&mut s.signed),
        }
    });
    let result = render();
    let signed = SCOPE.with(|s| {
        let mut s = s.borrow_mut();
        s.dir = outer.dir;
        let signed = std::mem::replace(&mut s.signed, outer.signed);
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
    SCOPE.with(|s| match &s.borrow().dir {
        Some(dir) => dir.join(path),
        None => path.to_path_buf(),
    })
}
