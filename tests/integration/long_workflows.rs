//! Workflows longer than the steps a file keeps converted (`KEPT`): the later steps are read
//! again from the file's text, by the static check and by the run, and behave like the others.

use std::fmt::Write as _;

use crate::engine_run::at;
use crate::harness::Case;
use crate::server::TestServer;

const STEPS: usize = 1_100;

/// `STEPS` steps; each echoes its number and extracts it, and the next one sends what the
/// previous one extracted, so a deferred step that lost its place or its values would fail.
fn long_workflow(extra: &str) -> String {
    let mut out = String::from("name = \"Long\"\n[defaults]\nheaders = { X-Run = \"long\" }\n");
    for i in 0..STEPS {
        let previous = if i == 0 {
            "start".to_owned()
        } else {
            "<<last>>".to_owned()
        };
        let _ = write!(
            out,
            "\n[[steps]]\nname = \"Step {i}\"\nmethod = \"POST\"\nurl = \"BASE/echo/s{i}\"\njson = {{ previous = \"{previous}\" }}\n[steps.expect.json]\n\"$.headers['x-run']\" = \"long\"\n\"$.json.previous\" = \"{expected}\"\n[steps.extract]\nlast = \"$.path\"\n",
            expected = if i == 0 {
                "start".to_owned()
            } else {
                format!("/echo/s{}", i - 1)
            },
        );
        if i == STEPS - 2 {
            out.push_str(extra);
        }
    }
    out
}

#[test]
fn every_step_of_a_long_workflow_runs_in_order() {
    let s = TestServer::start();
    let run = Case::new()
        .file("long.toml", &at(&s, &long_workflow("")))
        .args(["run", "long.toml"])
        .run()
        .code(0)
        .stdout_has("Step 1099")
        .stdout_has(&format!("{STEPS} passed, 0 failed"));
    assert_eq!(s.hits(), STEPS);
    drop(run);
}

#[test]
fn an_error_in_a_late_step_points_at_its_line_and_nothing_is_sent() {
    let s = TestServer::start();
    let workflow = long_workflow("methd = \"GET\"\n");
    let line = line_of(&workflow, |l| l.starts_with("methd"));
    Case::new()
        .file("long.toml", &at(&s, &workflow))
        .args(["run", "long.toml"])
        .run()
        .code(2)
        .stderr_has(&format!("long.toml:{line}:1"))
        .stderr_has("methd");
    assert_eq!(s.hits(), 0);
}

#[test]
fn an_error_in_a_late_step_read_from_standard_input_points_at_its_line() {
    let s = TestServer::start();
    let workflow = long_workflow("methd = \"GET\"\n");
    let line = line_of(&workflow, |l| l.starts_with("methd"));
    Case::new()
        .stdin(&at(&s, &workflow))
        .args(["check", "-"])
        .run()
        .code(2)
        .stderr_has(&format!("<stdin>:{line}:1"))
        .stderr_has("methd");
    assert_eq!(s.hits(), 0);
}

#[test]
fn an_undefined_variable_in_a_late_step_is_found_by_the_check() {
    let s = TestServer::start();
    let workflow = long_workflow("[steps.headers]\nX-Late = \"<<neverSet>>\"\n");
    let line = line_of(&workflow, |l| l.contains("neverSet"));
    Case::new()
        .file("long.toml", &at(&s, &workflow))
        .args(["check", "long.toml"])
        .run()
        .code(2)
        .stderr_has("undefined variable `neverSet`")
        .stderr_has(&format!("long.toml:{line}:"));
    assert_eq!(s.hits(), 0);
}

#[test]
fn a_late_use_step_is_inlined() {
    let s = TestServer::start();
    let fragment = "name = \"Fragment\"\nfragment = true\n[[steps]]\nname = \"From the fragment\"\nurl = \"BASE/echo/fragment\"\nexpect = { json = { \"$.path\" = \"/echo/fragment\" } }\n";
    let workflow = long_workflow("\n[[steps]]\nuse = \"fragment.toml\"\n");
    Case::new()
        .file("fragment.toml", &at(&s, fragment))
        .file("long.toml", &at(&s, &workflow))
        .args(["run", "long.toml"])
        .run()
        .code(0)
        .stdout_has("From the fragment")
        .stdout_has(&format!("{} passed, 0 failed", STEPS + 1));
    assert_eq!(s.hits(), STEPS + 1);
}

/// The 1-based number of the first line of `text` that `is` picks.
fn line_of(text: &str, is: impl Fn(&str) -> bool) -> usize {
    text.lines()
        .position(is)
        .expect("the workflow has the line")
        + 1
}
