//! Reading an input file's bytes and text: bounded in size, refusing devices, UTF-8 checked.

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::workflow::source::Source;

/// The largest workflow, vars or collection file read.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// A file's bytes, if it is a regular file or a pipe (`--vars <(pass show …)`), of at most
/// [`MAX_INPUT_BYTES`]. A device is refused before it is opened: `/dev/zero` would be read
/// until memory runs out, and opening some (a tape, a terminal) blocks or has effects. A pipe
/// that never ends stops at the size limit.
pub fn read_input(path: &Path) -> std::io::Result<Vec<u8>> {
    read_file(path).map(|(bytes, _)| bytes)
}

/// Like [`read_input`], with the open file when it is a regular file (one that can be read
/// again).
pub(super) fn read_file(path: &Path) -> std::io::Result<(Vec<u8>, Option<std::fs::File>)> {
    use std::io::Read as _;
    let readable = |meta: &std::fs::Metadata| {
        #[cfg(unix)]
        let pipe = std::os::unix::fs::FileTypeExt::is_fifo(&meta.file_type());
        #[cfg(not(unix))]
        let pipe = false;
        meta.is_file() || pipe
    };
    if !readable(&std::fs::metadata(path)?) {
        return Err(std::io::Error::other("not a regular file or a pipe"));
    }
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    // The path may have been replaced since it was looked at.
    if !readable(&meta) {
        return Err(std::io::Error::other("not a regular file or a pipe"));
    }
    // The file's size, so a long file is read into one allocation of its size.
    let size = meta.len().min(MAX_INPUT_BYTES + 1);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    (&file).take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than {} MiB",
            MAX_INPUT_BYTES / (1024 * 1024)
        )));
    }
    Ok((bytes, meta.is_file().then_some(file)))
}

/// A file's text, or an error at the first byte that is not UTF-8 (TOML is UTF-8).
pub fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        // The lossy text has U+FFFD (3 bytes) where the bad byte was; `at` is before it.
        let source = Arc::new(Source::new(path, text));
        Diagnostic::at(
            "this file is not UTF-8 text (TOML files must be)",
            &source,
            at..at + 1,
        )
        .with_help("save the file as UTF-8")
    })
}
