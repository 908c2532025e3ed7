//! The workflow library: every file in `workflows/` runs green against the sandbox, so the
//! library cannot rot; and the sandbox command serves a run from another process.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::harness::Case;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every tutorial passes; and with every header and body shown, no token the sandbox issued
/// (a JWT: `eyJ…`) appears in the console or a report, because each tutorial keeps the tokens
/// it receives in secret variables.
#[test]
fn every_library_workflow_passes_against_the_sandbox() {
    let workflows = repo().join("workflows");
    let case = Case::new().args([
        "run",
        workflows.to_str().expect("utf-8 path"),
        "--sandbox",
        "-vv",
        "--report",
        "json=r.json",
        "--report",
        "html=r.html",
    ]);
    let run = case.run();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("0 failed"), "{}", run.stdout);
    for text in [
        &run.stdout,
        &run.stderr,
        &case.read("r.json"),
        &case.read("r.html"),
    ] {
        if let Some(at) = text.find("eyJ") {
            let shown: String = text[at..].chars().take(80).collect();
            panic!("a token is shown: {shown}");
        }
    }
}

#[test]
fn the_library_checks_clean() {
    let workflows = repo().join("workflows");
    Case::new()
        .args([
            "check",
            workflows.to_str().expect("utf-8 path"),
            "--sandbox",
        ])
        .run()
        .code(0);
}

#[test]
fn the_library_checks_clean_for_a_real_tenant() {
    let workflows = repo().join("workflows");
    let vars = repo().join("vars/pingone.example.toml");
    Case::new()
        .args([
            "check",
            workflows.to_str().expect("utf-8 path"),
            "--vars",
            vars.to_str().expect("utf-8 path"),
        ])
        .env("PINGONE_ADMIN_APP_SECRET", "not-used-by-check")
        .run()
        .code(0);
}

#[test]
fn sandbox_command_serves_another_process() {
    let case = Case::new();
    let vars = case.path("sandbox.toml");
    let server = case
        .args([
            "sandbox",
            "--listen",
            "127.0.0.1:0",
            "--write-vars",
            vars.to_str().expect("utf-8 path"),
        ])
        .spawn();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !vars.exists() {
        assert!(
            Instant::now() < deadline,
            "the sandbox never wrote its vars file"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let token = repo().join("workflows/common/worker-token.toml");
    let run = Case::new()
        .args([
            "run",
            token.to_str().expect("utf-8 path"),
            "--vars",
            vars.to_str().expect("utf-8 path"),
        ])
        .run();
    server.interrupt();
    let served = server.wait();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        served.stdout.contains("adminAppSecret"),
        "{}",
        served.stdout
    );
}
