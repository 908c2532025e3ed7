//! The console on a real terminal (README, Reports): the binary runs in an 80-column
//! pseudo-terminal against the sandbox, and what it wrote is rendered by a terminal emulator
//! (`vt100`). No line may be wider than the terminal, and the final screen may hold no
//! progress row: every row is a line of the report.

use std::io::Read;
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const COLS: u16 = 80;
/// Rows enough for the whole library's report, so the final screen holds every line written
/// (nothing scrolls away before it is checked).
const ROWS: u16 = 4000;
/// A run that takes longer than this is stuck (a question asked on the terminal, say).
const TIMEOUT: Duration = Duration::from_mins(5);

/// What a run on the terminal wrote, and how it ended.
struct Terminal {
    raw: Vec<u8>,
    code: u32,
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `steprun ARGS` in the repository, on an 80-column pseudo-terminal (standard input,
/// output and error), with colors left to the terminal.
fn run_on_terminal(args: &[&str]) -> Terminal {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pseudo-terminal");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_steprun"));
    cmd.args(args);
    cmd.cwd(repo());
    cmd.env("TERM", "xterm-256color");
    for name in ["COLUMNS", "LINES", "NO_COLOR", "STEPRUN_LOG"] {
        cmd.env_remove(name);
    }
    let mut child = pty.slave.spawn_command(cmd).expect("spawn steprun");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("terminal reader");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut raw = Vec::new();
        // Ends with EOF or EIO once the process exited and the terminal has no writer left.
        let mut buf = [0u8; 8192];
        while let Ok(n @ 1..) = reader.read(&mut buf) {
            raw.extend_from_slice(&buf[..n]);
        }
        let _ = tx.send(raw);
    });
    let Ok(raw) = rx.recv_timeout(TIMEOUT) else {
        let _ = child.kill();
        panic!("steprun {args:?} did not end within {TIMEOUT:?}");
    };
    let code = child.wait().expect("wait for steprun").exit_code();
    drop(pty.master);
    Terminal { raw, code }
}

impl Terminal {
    /// The screen's rows after the run, on a terminal `cols` wide.
    fn rows(&self, cols: u16) -> Vec<String> {
        let mut parser = vt100::Parser::new(
            NonZeroU16::new(ROWS).expect("rows"),
            NonZeroU16::new(cols).expect("cols"),
            0,
        );
        parser.process(&self.raw);
        let mut rows: Vec<String> = parser.screen().rows(0, cols).collect();
        while rows.last().is_some_and(String::is_empty) {
            rows.pop();
        }
        rows
    }

    /// Every line fits in 80 columns: rendered on a screen far wider than the program was
    /// told, no row holds more than 80 columns of text, and on the 80-column screen no row
    /// continues on the next.
    fn assert_fits(&self) {
        for (i, row) in self.rows(400).iter().enumerate() {
            let width = console::measure_text_width(row);
            assert!(
                width <= usize::from(COLS),
                "line {} is {width} columns wide: {row:?}",
                i + 1
            );
        }
        let mut parser = vt100::Parser::new(
            NonZeroU16::new(ROWS).expect("rows"),
            NonZeroU16::new(COLS).expect("cols"),
            0,
        );
        parser.process(&self.raw);
        let wrapped: Vec<u16> = (0..ROWS)
            .filter(|&row| parser.screen().row_wrapped(row))
            .collect();
        assert!(wrapped.is_empty(), "rows that wrapped: {wrapped:?}");
    }

    /// The final 80-column screen holds only the report: no progress row (`  … title: step`),
    /// and one result line per workflow, as many as the summary counts (a progress redraw that
    /// erased a line of the report would lose one).
    fn assert_no_stale_progress(&self) -> Vec<String> {
        let rows = self.rows(COLS);
        let stale: Vec<&String> = rows.iter().filter(|r| r.starts_with("  … ")).collect();
        assert!(
            stale.is_empty(),
            "{} stale progress rows, first {:?}\n{}",
            stale.len(),
            stale[0],
            rows.join("\n")
        );
        let summary = rows
            .iter()
            .rev()
            .find(|r| r.contains(" workflows: ") || r.contains(" workflow: "))
            .expect("a summary line");
        let workflows: usize = summary
            .split_once(' ')
            .and_then(|(_, rest)| rest.split_once(' '))
            .and_then(|(n, _)| n.parse().ok())
            .unwrap_or_else(|| panic!("a summary line: {summary:?}"));
        let results = rows
            .iter()
            .filter(|r| r.starts_with("✓ ") || r.starts_with("✗ "))
            .count();
        assert_eq!(
            results,
            workflows + 1,
            "results and summary\n{}",
            rows.join("\n")
        );
        rows
    }
}

#[test]
fn the_library_on_an_80_column_terminal_leaves_whole_lines_only() {
    let run = run_on_terminal(&["run", "workflows", "--sandbox"]);
    let rows = run.assert_no_stale_progress();
    assert_eq!(run.code, 0, "{}", rows.join("\n"));
    run.assert_fits();
    let raw = String::from_utf8_lossy(&run.raw);
    assert!(raw.contains("  … "), "the progress rows were drawn at all");
    assert!(raw.contains("\x1b[32m✓\x1b[0m"), "a terminal gets colors");
    // Long paths keep their resource names and lose ids first.
    assert!(
        rows.iter()
            .any(|r| r.contains("/applications/") && r.contains("…/")),
        "{}",
        rows.join("\n")
    );
}

/// A workflow that creates nothing (matrix entries share one run id, so workflows that name
/// what they create after it would collide on one sandbox), with names and paths too long
/// for 80 columns. Each step waits a little before it is sent, so the entries overlap.
const READER: &str = r#"
name = "Read applications, populations and policies: TITLE"
[[steps]]
use = "FRAGMENT"
[[steps]]
name = "List every application of the environment, whatever its protocol"
url = "<<apiPath>>/environments/<<envID>>/applications?limit=100&filter=enabled%20eq%20true"
auth = { bearer = "<<accessToken>>" }
delay = "20ms"
[[steps]]
name = "List every population of the environment"
url = "<<apiPath>>/environments/<<envID>>/populations"
auth = { bearer = "<<accessToken>>" }
delay = "20ms"
[[steps]]
name = "List every sign-on policy of the environment"
url = "<<apiPath>>/environments/<<envID>>/signOnPolicies"
auth = { bearer = "<<accessToken>>" }
delay = "20ms"
"#;

#[test]
fn matrix_runs_side_by_side_do_not_stack_progress_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fragment = repo().join("workflows/common/worker-token.toml");
    for n in 1..=3 {
        let workflow = READER
            .replace("TITLE", &format!("number {n}"))
            .replace("FRAGMENT", fragment.to_str().expect("a UTF-8 path"));
        std::fs::write(dir.path().join(format!("read-{n}.toml")), workflow).expect("workflow");
    }
    let vars_dir = tempfile::tempdir().expect("temp dir");
    let matrix = vars_dir.path();
    for label in ["eu", "us", "ap"] {
        let vars = format!("regionLabel = \"{label}\"\n");
        std::fs::write(matrix.join(format!("{label}.toml")), vars).expect("vars file");
    }
    let run = run_on_terminal(&[
        "run",
        dir.path().to_str().expect("a UTF-8 path"),
        "--sandbox",
        "--matrix",
        matrix.join("*.toml").to_str().expect("a UTF-8 path"),
        "--jobs",
        "3",
    ]);
    let rows = run.assert_no_stale_progress();
    assert_eq!(run.code, 0, "{}", rows.join("\n"));
    run.assert_fits();
    for label in ["[eu]", "[us]", "[ap]"] {
        let results = rows
            .iter()
            .filter(|r| r.starts_with("✓ ") && r.contains(label))
            .count();
        assert_eq!(results, 3, "{label}\n{}", rows.join("\n"));
    }
}
