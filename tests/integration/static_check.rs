//! What the static check finds before anything is sent: per matrix entry, in `[vars]`, in
//! text matchers, in report targets; and the warning `insecure = true` asks for.

use crate::engine_run::at;
use crate::harness::Case;
use crate::server::TestServer;

const ECHO: &str =
    "name = \"x\"\nrequires = [\"who\"]\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo/<<who>>\"\n";

#[test]
fn each_matrix_entry_is_checked_on_its_own() {
    let s = TestServer::start();
    Case::new()
        .file("w.toml", &at(&s, ECHO))
        .file("envs/a.toml", "who = \"a\"\n")
        .file("envs/b.toml", "nobody = \"b\"\n")
        .args(["run", "w.toml", "--matrix", "envs/*.toml"])
        .run()
        .code(2)
        .stderr_has("`who` is required by this workflow but not defined (matrix entry b)")
        .stderr_has("w.toml:2:");
    assert_eq!(s.hits(), 0, "entry a is not sent either");
}

#[test]
fn an_unset_environment_variable_in_vars_is_invalid_input() {
    let s = TestServer::start();
    let workflow = "name = \"x\"\n[vars]\ny = { env = \"STEPRUN_TEST_SURELY_UNSET\" }\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo/<<y>>\"\n";
    for command in ["check", "run"] {
        Case::new()
            .file("w.toml", &at(&s, workflow))
            .args([command, "w.toml"])
            .run()
            .code(2)
            .stderr_has("environment variable `STEPRUN_TEST_SURELY_UNSET` for `y` is not set")
            .stderr_has("w.toml:3:1");
    }
    // A fallback, or a higher layer, stands in for it.
    Case::new()
        .file("w.toml", &at(&s, workflow))
        .args(["run", "w.toml", "--var", "y=given"])
        .run()
        .code(0);
    assert_eq!(s.hits(), 1);
}

#[test]
fn an_unset_environment_variable_in_a_vars_file_is_located_by_check_and_run() {
    let s = TestServer::start();
    let vars = "who = \"me\"\n[token]\nenv = \"STEPRUN_TEST_SURELY_UNSET\"\n";
    for command in ["check", "run"] {
        Case::new()
            .file("w.toml", &at(&s, ECHO))
            .file("v.toml", vars)
            .args([command, "w.toml", "--vars", "v.toml"])
            .run()
            .code(2)
            .stderr_has("environment variable `STEPRUN_TEST_SURELY_UNSET` for `token` is not set")
            .stderr_has("v.toml:2:2");
    }
    // A vars-file cycle is found by `check` too, once, at the name it starts from.
    let run = Case::new()
        .file("w.toml", &at(&s, ECHO))
        .file("v.toml", "who = \"<<me>>\"\nme = \"<<who>>\"\n")
        .args(["check", "w.toml", "w.toml", "--vars", "v.toml"])
        .run()
        .code(2)
        .stderr_has("v.toml:")
        .stderr_has("cycle");
    assert_eq!(run.stderr.matches("cycle").count(), 1, "{}", run.stderr);
    assert_eq!(s.hits(), 0);
}

#[test]
fn a_reference_cycle_in_vars_points_at_its_first_name() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                "name = \"x\"\n[vars]\na = \"<<b>>\"\nb = \"<<a>>\"\n[[steps]]\nname = \"s\"\nurl = \"BASE/echo/<<a>>\"\n",
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(2)
        .stderr_has("variables reference each other in a cycle: a -> b -> a")
        // `a` is found as a key, not inside `[vars]`.
        .stderr_has("w.toml:3:1");
    assert_eq!(s.hits(), 0);
}

#[test]
fn a_table_on_a_header_or_body_must_hold_predicates() {
    let s = TestServer::start();
    for expect in [
        "{ body = { contians = \"x\" } }",
        "{ headers = { X-Echo = { contian = \"y\" } } }",
    ] {
        Case::new()
            .file(
                "w.toml",
                &at(
                    &s,
                    &format!("name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\nexpect = {expect}\n"),
                ),
            )
            .args(["check", "w.toml"])
            .run()
            .code(2)
            .stderr_has("unknown predicate `conti")
            .stderr_has("w.toml:5:");
    }
}

#[test]
fn two_reports_cannot_share_a_destination() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\n",
            ),
        )
        .args(["run", "w.toml", "--report", "json=-", "--report", "junit=-"])
        .run()
        .code(2)
        .stderr_has("the json and junit reports both go to standard output");
    assert_eq!(s.hits(), 0);
}

#[test]
fn insecure_steps_are_warned_about_before_the_run() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                "name = \"x\"\n[[steps]]\nname = \"plain\"\nurl = \"BASE/echo\"\n\n[[steps]]\nname = \"lax\"\nurl = \"BASE/echo\"\ninsecure = true\n",
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(0)
        .stderr_has("warning: ")
        .stderr_has("w.toml:6: step `lax` does not verify TLS certificates (insecure = true)")
        .nowhere("`plain` does not verify");
}

#[test]
fn an_unknown_filter_or_test_is_invalid_input() {
    let s = TestServer::start();
    for (url, needle) in [
        (
            "BASE/echo/<<run_id | nofilter>>",
            "unknown filter `nofilter`",
        ),
        (
            "BASE/echo/<% if run_id is nope %>x<% endif %>",
            "unknown test `nope`",
        ),
    ] {
        Case::new()
            .file(
                "w.toml",
                &at(
                    &s,
                    &format!("name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"{url}\"\n"),
                ),
            )
            .args(["run", "w.toml"])
            .run()
            .code(2)
            .stderr_has(needle)
            .stderr_has("w.toml:4:");
    }
    // Known ones, minijinja's and steprun's, pass.
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo/<<run_id | upper | urlencode>><% if run_id is defined %>y<% endif %>\"\n",
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(0);
    assert_eq!(s.hits(), 1);
}

/// One file under two spellings is one destination, as with one spelling.
#[test]
fn two_reports_cannot_share_a_file_under_other_spellings() {
    let s = TestServer::start();
    for spelling in ["./same.out", "dir/../same.out", "ABSOLUTE"] {
        let case = Case::new()
            .file(
                "w.toml",
                &at(
                    &s,
                    "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\n",
                ),
            )
            .file("dir/keep", "");
        let second = if spelling == "ABSOLUTE" {
            case.path("same.out").display().to_string()
        } else {
            spelling.to_owned()
        };
        let case = case.args([
            "run",
            "w.toml",
            "--report",
            "json=same.out",
            "--report",
            &format!("junit={second}"),
        ]);
        case.run()
            .code(2)
            .stderr_has("the json and junit reports both go to one file");
        assert!(!case.path("same.out").exists(), "{spelling}");
    }
    assert_eq!(s.hits(), 0);
}
