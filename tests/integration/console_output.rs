//! The console report outside a terminal (README, Reports): `COLUMNS` cuts every line to its
//! width, a pipe without it gets whole lines, neither gets a progress row; a binary body is
//! `<binary: N bytes, type>` on the console, in `teach` and in the HTML report. Snapshots
//! (insta) pin what a run looks like at 80 columns, with durations, ports and ids redacted.

use std::process::{Command, Stdio};

use crate::engine_run::case_at;
use crate::harness::Run;
use crate::server::{TestServer, noise_png};

/// `steprun run ARGS` in the repository (the library's workflows, named as the README names
/// them), output to a pipe, `COLUMNS` set to `columns` (empty: unset).
fn in_repo(args: &[&str], columns: &str) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_steprun"))
        .arg("run")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .env("NO_COLOR", "1")
        .env("COLUMNS", columns)
        .env_remove("STEPRUN_LOG")
        .output()
        .expect("run steprun");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn widest(text: &str) -> usize {
    text.lines()
        .map(console::measure_text_width)
        .max()
        .unwrap_or(0)
}

#[test]
fn columns_cuts_every_line_and_a_pipe_gets_no_progress_rows() {
    let args = ["workflows/apps", "--sandbox", "-v"];
    let cut = in_repo(&args, "80").code(0);
    assert!(widest(&cut.stdout) <= 80, "{}", cut.stdout);
    let whole = in_repo(&args, "").code(0);
    assert!(
        widest(&whole.stdout) > 80,
        "without COLUMNS a pipe is not cut:\n{}",
        whole.stdout
    );
    for run in [&cut, &whole] {
        // A progress row would be drawn with `\r` and erased with escape codes.
        assert!(!run.stdout.contains('\r') && !run.stdout.contains('\x1b'));
        assert!(!run.stdout.contains("  … "), "{}", run.stdout);
    }
    // The same report, only cut: as many lines, but for the summary's step counts, which
    // go to a line of their own when the summary is too wide.
    assert_eq!(cut.stdout.lines().count(), whole.stdout.lines().count() + 1);
}

/// Durations, ports, ids and run ids vary from run to run; the snapshot holds placeholders.
fn redacted_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    // A run's or a workflow's duration ends its line, where a cut may have taken part of it.
    settings.add_filter(r"(?m) · \d[^·\n]*$", " · [duration]");
    settings.add_filter(r"(?m)\) in \d[^\n]*$", ") in [duration]");
    settings.add_filter(r"\b\d+ ms\b", "[ms]");
    settings.add_filter(r"(127\.0\.0\.1|localhost):\d+", "$1:[port]");
    settings.add_filter(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[id]",
    );
    // An id cut with the end of a line, or cut to its first two characters; a run id is
    // eight hex digits.
    settings.add_filter(r"[0-9a-f]{8}-[0-9a-f-]*…", "[id]…");
    settings.add_filter(r"/[0-9a-f]{2}…", "/[id]…");
    settings.add_filter(r"\b[0-9a-f]{8}\b", "[run_id]");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

#[test]
fn a_tutorial_at_80_columns() {
    let run = in_repo(&["workflows/sso/simple-login.toml", "--sandbox"], "80").code(0);
    redacted_settings().bind(|| insta::assert_snapshot!("simple_login_80", run.stdout));
}

#[test]
fn a_tutorial_at_80_columns_verbose() {
    let run = in_repo(
        &[
            "workflows/apps/authorization-code-grant.toml",
            "--sandbox",
            "-v",
        ],
        "80",
    )
    .code(0);
    redacted_settings().bind(|| insta::assert_snapshot!("authorization_code_80_v", run.stdout));
}

const DOWNLOAD: &str = r#"
name = "Download a picture"
[[steps]]
name = "Download the picture"
url = "BASE/noise.png"
[steps.expect.headers]
content-type = "image/png"
"#;

#[test]
fn a_png_body_is_summarised_on_the_console_in_teach_and_in_html() {
    let s = TestServer::start();
    let shown = "<binary: 4,303 bytes, image/png>";
    assert_eq!(noise_png().len(), 4303);
    let case = case_at(&s, DOWNLOAD).args(["run", "w.toml", "-vv", "--report", "html=r.html"]);
    let run = case.run().code(0).stdout_has(&format!("< {shown}"));
    let html = case.read("r.html");
    assert!(html.contains(shown.replace('<', "&lt;").replace('>', "&gt;").as_str()));
    let taught = case_at(&s, DOWNLOAD)
        .args(["teach", "w.toml", "--yes"])
        .run()
        .code(0)
        .stdout_has(shown);
    // The PNG's signature and chunk names are text that lossy decoding would let through.
    for text in [&run.stdout, &html, &taught.stdout, &taught.stderr] {
        for marker in ["PNG", "IHDR", "IDAT", "\0"] {
            assert!(!text.contains(marker), "{marker:?} in\n{text}");
        }
    }
}

/// `steprun run … | head -1`: the reader of the console goes away after its first line. The
/// rest of the console is dropped rather than failing the run (exit 3 before): the run goes
/// on to its end, its JSON report is whole, and the exit code is the run's, for a run that
/// passes and for one that fails. The workflow prints more than a pipe holds (64 KB on
/// Linux), so its writes meet the closed pipe whatever the timing.
#[test]
fn a_console_whose_reader_has_gone_does_not_fail_the_run() {
    use std::fmt::Write as _;
    use std::io::{BufRead, BufReader};

    let dir = tempfile::tempdir().expect("temp dir");
    for (last_status, code, failed) in [(200, 0, 0), (404, 1, 1)] {
        let mut workflow = String::from("name = \"Ask for discovery again and again\"\n");
        for i in 1..=1_200 {
            let status = if i == 1_200 { last_status } else { 200 };
            let _ = write!(
                workflow,
                "[[steps]]\nname = \"Discovery, time {i}\"\n\
                 url = \"<<authPath>>/<<envID>>/as/.well-known/openid-configuration\"\n\
                 expect = {{ status = {status} }}\n"
            );
        }
        let file = dir.path().join("many.toml");
        std::fs::write(&file, workflow).expect("write the workflow");
        let report = dir.path().join("r.json");
        let mut child = Command::new(env!("CARGO_BIN_EXE_steprun"))
            .arg("run")
            .arg(&file)
            .args(["--sandbox", "--report"])
            .arg(format!("json={}", report.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("NO_COLOR", "1")
            .env("COLUMNS", "")
            .env_remove("STEPRUN_LOG")
            .spawn()
            .expect("run steprun");
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        out.read_line(&mut first).expect("a first line");
        // As `head -1` does: the reader is gone once it has its line.
        drop(out);
        let done = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&done.stderr);
        assert_eq!(done.status.code(), Some(code), "{stderr}");
        assert!(first.starts_with("Ask for discovery again"), "{first}");
        assert!(!stderr.contains("broken pipe"), "{stderr}");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&report).expect("the report"))
                .expect("a whole JSON report");
        assert_eq!(json["summary"]["workflows_failed"], failed);
        assert_eq!(json["summary"]["steps_passed"], 1_200 - failed);
    }
}
