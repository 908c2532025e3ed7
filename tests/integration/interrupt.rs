//! Ctrl-C, SIGTERM and SIGKILL against the real binary while a step or a cleanup is held open
//! by the server: cleanups in reverse, exit 130, reports whole, old files never half-replaced.

use crate::harness::{Case, Running};
use crate::hold_server::HoldServer;

/// Two steps that each owe a cleanup, then a step the server holds, then one never sent.
/// `cleanup_b` is the URL path of the second cleanup.
fn workflow(s: &HoldServer, cleanup_b: &str) -> String {
    s.at(&format!(
        r#"
name = "Held"
[[steps]]
name = "Create a"
method = "POST"
url = "BASE/items/a"
extract = {{ id = "$.id" }}
cleanup = {{ name = "Delete a", method = "DELETE", url = "BASE/items/<<id>>" }}
[[steps]]
name = "Create b"
method = "POST"
url = "BASE/items/b"
cleanup = {{ name = "Delete b", method = "DELETE", url = "BASE{cleanup_b}" }}
[[steps]]
name = "Held"
url = "BASE/hold/step"
timeout = "120s"
[[steps]]
name = "Never"
method = "POST"
url = "BASE/items/never"
"#
    ))
}

const REPORTS: [&str; 4] = [
    "--report",
    "json=out/run.json",
    "--report",
    "junit=out/run.xml",
];

/// The names in `dir`, sorted.
fn names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs the workflow until the server holds its third step, then sends `signal`.
fn interrupted_by(signal: libc::c_int) -> (HoldServer, Running) {
    let s = HoldServer::start();
    let running = Case::new()
        .file("w.toml", &workflow(&s, "/items/b"))
        .file("out/run.json", "old report")
        .args(["run", "w.toml", "--save-vars", "out/vars.toml"])
        .args(REPORTS)
        .spawn();
    assert_eq!(s.held(), "step");
    running.signal(signal);
    (s, running)
}

fn assert_cleaned_up_and_reported(s: &HoldServer, running: Running) {
    let (run, case) = running.wait_keeping();
    let (json, junit) = (case.path("out/run.json"), case.path("out/run.xml"));
    let (vars, out) = (case.path("out/vars.toml"), case.path("out"));
    assert_eq!(run.code, 130, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        s.log(),
        [
            "POST /items/a",
            "POST /items/b",
            "GET /hold/step",
            "DELETE /items/b",
            "DELETE /items/a",
        ],
        "the held step stopped, nothing more sent, cleanups in reverse"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json report"))
            .expect("the json report is whole");
    let wf = &doc["workflows"][0];
    let outcomes: Vec<(&str, &str)> = ["steps", "cleanups"]
        .iter()
        .flat_map(|list| wf[list].as_array().expect("a list"))
        .map(|s| (s["name"].as_str().unwrap(), s["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("Create a", "passed"),
            ("Create b", "passed"),
            ("Held", "failed"),
            ("Never", "skipped"),
            ("Delete b", "passed"),
            ("Delete a", "passed"),
        ]
    );
    let xml = std::fs::read_to_string(&junit).expect("junit report");
    assert!(xml.trim_end().ends_with("</testsuites>"), "{xml}");
    let saved = std::fs::read_to_string(&vars).expect("saved vars");
    assert!(saved.contains("id = \"a\""), "{saved}");
    assert_eq!(
        names(&out),
        ["run.json", "run.xml", "vars.toml"],
        "no temporary file left"
    );
}

#[test]
fn ctrl_c_stops_the_step_in_flight_runs_cleanups_in_reverse_and_writes_the_reports() {
    let (s, running) = interrupted_by(libc::SIGINT);
    assert_cleaned_up_and_reported(&s, running);
}

#[test]
fn sigterm_is_the_first_ctrl_c() {
    let (s, running) = interrupted_by(libc::SIGTERM);
    assert_cleaned_up_and_reported(&s, running);
}

#[test]
fn teach_is_interrupted_by_sigterm_like_run() {
    let s = HoldServer::start();
    let running = Case::new()
        .file("w.toml", &workflow(&s, "/items/b"))
        .args(["teach", "w.toml", "--yes"])
        .spawn();
    assert_eq!(s.held(), "step");
    running.signal(libc::SIGTERM);
    let run = running.wait();
    assert_eq!(run.code, 130, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        s.log()[3..],
        ["DELETE /items/b", "DELETE /items/a"],
        "cleanups in reverse"
    );
    assert!(
        run.stderr
            .contains("terminated (SIGTERM): stopping the steps in flight"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_second_ctrl_c_during_a_cleanup_stops_at_once_and_names_the_cleanups_not_run() {
    let s = HoldServer::start();
    let running = Case::new()
        .file("w.toml", &workflow(&s, "/hold/cleanup-b"))
        .file("out/run.json", "old report")
        .args(["run", "w.toml"])
        .args(REPORTS)
        .spawn();
    assert_eq!(s.held(), "step");
    running.interrupt();
    assert_eq!(s.held(), "cleanup-b", "the first cleanup is held open");
    running.interrupt();
    let (run, case) = running.wait_keeping();
    let (out, json) = (case.path("out"), case.path("out/run.json"));
    assert_eq!(run.code, 130, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(
            "interrupted again: stopped at once; these cleanups did not run:\n  \
             Held: Delete b (interrupted)\n  Held: Delete a\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        s.log().last().map(String::as_str),
        Some("DELETE /hold/cleanup-b"),
        "nothing sent after the second Ctrl-C"
    );
    // The reports were not finished: the old one stays, and no temporary file is left.
    assert_eq!(
        std::fs::read_to_string(json).expect("old report"),
        "old report"
    );
    assert_eq!(names(&out), ["run.json"]);
}

#[test]
fn a_report_killed_mid_run_leaves_the_old_file_and_a_normal_run_puts_the_new_one_whole() {
    let s = HoldServer::start();
    // Finished workflows first, so the report has been streaming before the kill.
    let done = s.at(r#"
name = "Done"
[[steps]]
name = "Create"
method = "POST"
url = "BASE/items/done"
"#);
    let case = Case::new()
        .file("a.toml", &done)
        .file("b.toml", &done)
        .file("c.toml", &workflow(&s, "/items/b"))
        .file("run.json", "{\"old\": true}")
        .args([
            "run",
            "a.toml",
            "b.toml",
            "c.toml",
            "--report",
            "json=run.json",
        ]);
    let running = case.spawn();
    assert_eq!(s.held(), "step");
    running.signal(libc::SIGKILL);
    let (run, case) = running.wait_keeping();
    let (dir, report) = (case.path(""), case.path("run.json"));
    assert_eq!(run.code, -1, "killed by a signal: {}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&report).expect("old report"),
        "{\"old\": true}"
    );
    // A SIGKILL leaves the temporary file, named so that it can be recognised.
    let left: Vec<String> = names(&dir)
        .into_iter()
        .filter(|n| !["a.toml", "b.toml", "c.toml", "run.json"].contains(&n.as_str()))
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(
        left[0].starts_with(".run.json.steprun-") && left[0].rsplit('.').next() == Some("tmp"),
        "{left:?}"
    );

    // The same report, from a run that ends: the new file, whole.
    let ok = Case::new()
        .file("a.toml", &done)
        .file("run.json", "{\"old\": true}")
        .args(["run", "a.toml", "--report", "json=run.json"]);
    ok.run().code(0);
    let doc: serde_json::Value =
        serde_json::from_str(&ok.read("run.json")).expect("the new report is whole");
    assert_eq!(doc["workflows"][0]["name"], "Done");
    assert_eq!(names(&ok.path("")), ["a.toml", "run.json"]);
}

#[test]
fn the_sandbox_stops_cleanly_on_sigterm() {
    let case = Case::new().args([
        "sandbox",
        "--listen",
        "127.0.0.1:0",
        "--write-vars",
        "v.toml",
    ]);
    let mut running = case.spawn();
    running.stdout_until("press Ctrl-C to stop");
    running.signal(libc::SIGTERM);
    let (run, case) = running.wait_keeping();
    let vars = case.path("v.toml");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(vars).expect("vars file");
    assert!(text.parse::<toml::Table>().is_ok(), "{text}");
}
