//! Exit codes (README, Commands), in one place.

/// Every step passed.
pub const OK: u8 = 0;
/// A step or a cleanup failed.
pub const FAILED: u8 = 1;
/// Invalid input: nothing was sent.
pub const INVALID: u8 = 2;
/// The tool itself failed (a report cannot be written, the sandbox cannot bind).
pub const TOOL: u8 = 3;
/// Interrupted; cleanups ran first.
pub const INTERRUPTED: u8 = 130;
