//! `expect.duration` and `[defaults.expect] duration` (README, Expectations): the response time
//! against `lt`, `lte`, `gt`, `gte`. The test server's `/slow?ms=N` waits N ms before it
//! answers, so a response can never arrive sooner: a limit at or under that wait fails and a
//! lower bound at it passes, whatever the machine's speed. An upper bound that passes is set
//! far beyond the step's own `timeout`, which ends any request sooner.

use crate::engine_run::{case_at, run_at};
use crate::server::TestServer;

#[test]
fn a_slow_answer_fails_its_limit_with_expected_and_actual() {
    let s = TestServer::start();
    let case = case_at(
        &s,
        r#"
name = "Timed"
[[steps]]
name = "Slow"
url = "BASE/slow?ms=60"
expect.duration = { lt = "60ms" }
[[steps]]
name = "Never reached"
url = "BASE/echo"
"#,
    )
    .args([
        "run",
        "w.toml",
        "--report",
        "json=r.json",
        "--report",
        "junit=r.xml",
    ]);
    let run = case.run().code(1).stdout_has("duration lt");
    // A failed expectation, where it is written; not an error, and the status still passed.
    assert!(run.stdout.contains("w.toml:6:21"), "{}", run.stdout);
    assert!(run.stdout.contains("60 ms"), "{}", run.stdout);
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
    let report: serde_json::Value =
        serde_json::from_str(&case.read("r.json")).expect("the JSON report parses");
    let step = &report["workflows"][0]["steps"][0];
    assert_eq!(step["outcome"], "failed", "{step}");
    assert!(step["message"].is_null(), "{step}");
    let timed = step["expectations"]
        .as_array()
        .expect("expectations")
        .iter()
        .find(|e| e["subject"] == "duration lt")
        .expect("a duration expectation");
    assert_eq!(timed["passed"], false);
    assert_eq!(timed["expected"], "60 ms");
    let actual: u64 = timed["actual"]
        .as_str()
        .and_then(|a| a.strip_suffix(" ms"))
        .and_then(|a| a.parse().ok())
        .expect("actual in ms");
    assert!(actual >= 60, "{timed}");
    // The measured time is in every report: the response's in JSON, the case's in JUnit.
    assert!(step["response"]["duration_ms"].as_f64().unwrap_or(0.0) >= 60.0);
    let junit = case.read("r.xml");
    assert!(junit.contains("duration lt"), "{junit}");
    let time = junit
        .split("<testcase")
        .nth(1)
        .and_then(|c| c.split("time=\"").nth(1))
        .and_then(|t| t.split('"').next())
        .and_then(|t| t.parse::<f64>().ok())
        .expect("the first case's time");
    assert!(time >= 0.06, "{junit}");
}

#[test]
fn bounds_the_response_cannot_break_pass() {
    let s = TestServer::start();
    run_at(
        &s,
        r#"
name = "Timed"
[[steps]]
name = "Slow"
url = "BASE/slow?ms=60"
expect.duration = { gte = "60ms", gt = "59ms", lte = "1h" }
[[steps]]
name = "Fast"
url = "BASE/echo"
timeout = "10s"
expect.duration = { lt = "1h" }
"#,
        &["--report", "json=-"],
    )
    .code(0)
    .stdout_has("\"duration gte\"");
}

#[test]
fn the_files_default_applies_unless_a_step_has_its_own() {
    let s = TestServer::start();
    let run = run_at(
        &s,
        r#"
name = "Timed"
[defaults.expect]
duration = { lt = "60ms" }
[[steps]]
name = "Own limit"
url = "BASE/slow?ms=60"
expect.duration = { gte = "60ms" }
[[steps]]
name = "Default limit"
url = "BASE/slow?ms=60"
"#,
        &["-v"],
    )
    .code(1);
    // The first step's own bound replaced the default; the second was held to the default,
    // which is pointed at where it is written.
    assert!(run.stdout.contains("w.toml:4:14"), "{}", run.stdout);
    assert_eq!(
        run.stdout.matches("duration lt").count(),
        1,
        "{}",
        run.stdout
    );
}

#[test]
fn a_bad_duration_is_refused_where_it_is_written_and_nothing_is_sent() {
    let s = TestServer::start();
    let cases = [
        (
            "expect.duration = { lt = \"fast\" }",
            "7:21",
            "invalid duration",
        ),
        ("expect.duration = { lt = 800 }", "7:21", "invalid duration"),
        (
            "expect.duration = { under = \"1s\" }",
            "7:21",
            "unknown duration predicate",
        ),
        (
            "expect.duration = { lte = \"1s\", ltee = \"2s\" }",
            "7:33",
            "did you mean `lte`?",
        ),
        (
            "expect.duration = \"800ms\"",
            "7:19",
            "predicates on the response time",
        ),
        (
            "expect.duration = {}",
            "7:19",
            "predicates on the response time",
        ),
        (
            "[defaults.expect]\nstatus = 200",
            "",
            "unknown field `status`",
        ),
        (
            "expect.duration = { gt = \"2s\", lt = \"1s\" }",
            "7:19",
            "no response time is both gt 2s and lt 1s: these limits can never pass",
        ),
        (
            "expect.duration = { gte = \"500ms\", lt = \"500ms\" }",
            "7:19",
            "no response time is both gte 500ms and lt 500ms",
        ),
    ];
    for (line, at, message) in cases {
        let workflow = format!(
            "name = \"Timed\"\n\n[[steps]]\nname = \"Slow\"\nurl = \"BASE/slow?ms=1\"\n\n{line}\n"
        );
        let run = case_at(&s, &workflow).args(["run", "w.toml"]).run().code(2);
        assert!(run.stderr.contains(message), "{line}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("w.toml:{at}")),
            "{line}: {}",
            run.stderr
        );
    }
    for (flag, message) in [
        ("lt=2s,lt=3s", "`lt` is given twice"),
        ("gt=2s,lte=1s", "no response time is both gt 2s and lte 1s"),
    ] {
        let workflow = "name = \"Timed\"\n\n[[steps]]\nname = \"Slow\"\nurl = \"BASE/slow?ms=1\"\n";
        case_at(&s, workflow)
            .args(["run", "w.toml", "--expect-duration", flag])
            .run()
            .code(2)
            .stderr_has(&format!("--expect-duration `{flag}`: {message}"));
    }
    assert_eq!(s.hits(), 0, "nothing was sent");
}

/// `run --expect-duration`: the run's limit holds for every step whose file sets none, a
/// `use`d fragment's step included; a step's own limit and its file's default are nearer and
/// win. A failed run-wide limit says where it is written: the flag.
#[test]
fn a_run_wide_limit_holds_where_no_file_sets_one() {
    use crate::engine_run::at;
    let s = TestServer::start();
    let case = crate::harness::Case::new()
        .file(
            "a.toml",
            &at(
                &s,
                r#"
name = "File default"
[defaults.expect]
duration = { gt = "50ms" }
[[steps]]
name = "Slow, under its file's limit"
url = "BASE/slow?ms=60"
"#,
            ),
        )
        .file(
            "frag.toml",
            &at(
                &s,
                "name = \"Frag\"\nfragment = true\n[[steps]]\nname = \"Slow fragment\"\nurl = \"BASE/slow?ms=60\"\n",
            ),
        )
        .file(
            "b.toml",
            &at(
                &s,
                r#"
name = "Run default"
[[steps]]
name = "Slow, under its own limit"
url = "BASE/slow?ms=60"
expect.duration = { gt = "50ms" }
[[steps]]
use = "frag.toml"
"#,
            ),
        )
        .args(["run", "a.toml", "b.toml", "--expect-duration", "lt=60ms"])
        .args(["--report", "json=r.json"]);
    let run = case.run().code(1);
    assert!(
        run.stdout.contains("(--expect-duration:1:1)"),
        "{}",
        run.stdout
    );
    let report: serde_json::Value =
        serde_json::from_str(&case.read("r.json")).expect("the JSON report parses");
    let outcomes: Vec<&str> = report["workflows"]
        .as_array()
        .expect("workflows")
        .iter()
        .flat_map(|w| w["steps"].as_array().expect("steps"))
        .map(|s| s["outcome"].as_str().expect("outcome"))
        .collect();
    assert_eq!(outcomes, ["passed", "passed", "failed"], "{report}");
}

#[test]
fn a_bad_run_wide_limit_is_a_usage_error_and_nothing_is_sent() {
    let s = TestServer::start();
    for bad in ["2s", "under=2s", "lt=fast"] {
        let run = case_at(
            &s,
            "name = \"W\"\n[[steps]]\nname = \"s\"\nurl = \"BASE/echo\"\n",
        )
        .args(["run", "w.toml", "--expect-duration", bad])
        .run()
        .code(2)
        .stderr_has("--expect-duration");
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
    assert_eq!(s.hits(), 0);
}
