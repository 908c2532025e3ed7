//! What a person sees when the input is not right: missing variables grouped, directories
//! walked like ripgrep, did-you-mean for misspelt keys and variables, the OS's reason for an
//! I/O error.

use std::path::PathBuf;

use crate::engine_run::{at, case_at};
use crate::harness::Case;
use crate::server::TestServer;

fn library() -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("workflows");
    dir.to_str().expect("utf-8 path").to_owned()
}

/// Without variables the library needs a handful of names in dozens of files: one line per
/// name, where it is first needed, and one hint on how to give them.
#[test]
fn the_bare_library_says_each_missing_variable_once() {
    let run = Case::new().args(["check", &library()]).run().code(2);
    let lines = run.stderr.lines().count();
    assert!(lines < 15, "{lines} lines:\n{}", run.stderr);
    for name in ["apiPath", "authPath", "envID", "adminAppSecret"] {
        let said = format!("error: variable `{name}` is not defined; needed at ");
        assert_eq!(
            run.stderr.matches(&said).count(),
            1,
            "{name}:\n{}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("more places"), "{}", run.stderr);
    for flag in ["--sandbox", "--vars FILE", "--var NAME=VALUE"] {
        assert!(
            run.stderr.contains(flag),
            "the hint lacks {flag}:\n{}",
            run.stderr
        );
    }
    assert!(run.stderr.contains(".toml:"), "places are file:line:col");
}

const WORKFLOW: &str = "name = \"Real\"\n[[steps]]\nname = \"Echo\"\nurl = \"BASE/echo\"\n";

/// `steprun run .` in a project runs its workflows only: not `Cargo.toml`, not a hidden
/// file or directory, not a vars file, not what `.gitignore` leaves out, not a build cache.
#[test]
fn a_directory_is_walked_like_ripgrep_and_only_workflows_run() {
    let s = TestServer::start();
    let broken = at(
        &s,
        "name = \"broken\"\n[[steps]]\nname = \"x\"\nurl = \"BASE/hidden\"\n",
    );
    let case = Case::new()
        .file(
            "Cargo.toml",
            "[package]\nname = \"p\"\nversion = \"0.1.0\"\n",
        )
        .file(".clippy.toml", "msrv = \"1.80\"\n")
        .file("vars/local.toml", "apiPath = \"http://localhost\"\n")
        .file(".hidden/w.toml", &broken)
        .file("generated/w.toml", &broken)
        .file(".gitignore", "generated/\n")
        .file(
            "target/CACHEDIR.TAG",
            "Signature: 8a477f597d28d172789f06886806bc55\n",
        )
        .file("target/w.toml", &broken)
        .file("flows/real.toml", &at(&s, WORKFLOW))
        .args(["run", ".", "-v"]);
    let run = case.run().code(0).stdout_has("Real");
    assert_eq!(s.hits(), 1, "only the real workflow sends");
    for skipped in [
        "Cargo.toml (no steps: not a workflow)",
        "vars/local.toml (no steps: not a workflow)",
        ".hidden/ (hidden)",
        ".clippy.toml (hidden)",
        "generated/ (ignored by a .gitignore or .ignore file)",
        "target/ (a build cache (CACHEDIR.TAG))",
    ] {
        assert!(
            run.stderr.contains(skipped),
            "-v lacks {skipped:?}:\n{}",
            run.stderr
        );
    }
    // Without -v, nothing is said about them.
    let quiet = Case::new()
        .file("Cargo.toml", "[package]\nname = \"p\"\n")
        .file("flows/real.toml", &at(&s, WORKFLOW))
        .args(["run", "."])
        .run()
        .code(0);
    assert!(!quiet.stderr.contains("skipped"), "{}", quiet.stderr);
}

/// A file named on the command line is read as a workflow, and says so when it is not one.
#[test]
fn a_file_named_explicitly_is_always_a_workflow() {
    Case::new()
        .file("Cargo.toml", "[package]\nname = \"p\"\n")
        .args(["check", "Cargo.toml"])
        .run()
        .code(2)
        .stderr_has("Cargo.toml:1:")
        .stderr_has("this file has no steps, so it is not a workflow");
}

#[test]
fn a_misspelt_key_suggests_the_right_one() {
    let s = TestServer::start();
    case_at(
        &s,
        "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\nexpext = { status = 200 }\n",
    )
    .args(["run", "w.toml"])
    .run()
    .code(2)
    .stderr_has("w.toml:5:1")
    .stderr_has("did you mean `expect`?");
    assert_eq!(s.hits(), 0);
}

#[test]
fn a_misspelt_variable_suggests_the_defined_one() {
    let s = TestServer::start();
    let run = case_at(
        &s,
        "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"<<apiPth>>/echo\"\n",
    )
    .args(["run", "w.toml", "--var"])
    .args([format!("apiPath={}", s.base)])
    .run()
    .code(2)
    .stderr_has("undefined variable `apiPth`")
    .stderr_has("w.toml:4:10")
    .stderr_has("did you mean `apiPath`?");
    assert!(
        !run.stderr.contains("--sandbox"),
        "a typo gets no variables hint"
    );
    assert_eq!(s.hits(), 0);
}

/// The OS's reason, in words. Root may write anywhere, so the path is made unwritable by a
/// directory standing where the report file would be (a reason every user gets).
#[test]
fn an_unwritable_report_names_the_os_reason() {
    let s = TestServer::start();
    let case = case_at(&s, WORKFLOW).args(["run", "w.toml", "--report", "json=out/r.json"]);
    std::fs::create_dir_all(case.path("out/r.json")).expect("mkdir");
    let run = case.run().code(3);
    assert!(
        run.stderr
            .contains("cannot create report file out/r.json: is a directory"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("os error"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: cannot open a report\n  caused by: cannot create report file"),
        "{}",
        run.stderr
    );
}

/// A tool failure says what could not be done, then its cause on a line of its own.
#[test]
fn a_tool_failure_says_its_cause_on_a_line_of_its_own() {
    let s = TestServer::start();
    let case = case_at(&s, WORKFLOW).args(["run", "w.toml", "--save-vars", "saved"]);
    std::fs::create_dir_all(case.path("saved")).expect("mkdir");
    let run = case.run().code(3);
    assert!(
        run.stderr.contains(
            "error: cannot save the variables\n  caused by: cannot write saved: is a directory\n"
        ),
        "{}",
        run.stderr
    );
    // The OS's reason is said once: in the cause that names it.
    assert_eq!(
        run.stderr.matches("is a directory").count(),
        1,
        "{}",
        run.stderr
    );
}
