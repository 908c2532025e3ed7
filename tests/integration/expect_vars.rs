//! `[steps.expect.vars]` (README, Expectations): variables checked once the step's extractions
//! are stored, reported like other expectations with secrets hidden, and names that cannot be
//! defined refused by the static check.

use crate::engine_run::{at, case_at};
use crate::harness::Case;
use crate::server::TestServer;

#[test]
fn variables_are_checked_after_the_extractions() {
    let s = TestServer::start();
    let case = case_at(
        &s,
        r#"
name = "Vars"
[vars]
expectedMethod = "POST"
[[steps]]
name = "Echo"
method = "POST"
url = "BASE/echo"
json = { name = "n1" }
[steps.extract]
method = "$.method"
count = "$.count"
[steps.expect.vars]
method = "<<expectedMethod>>"
count = { gte = 2, type = "number" }
expectedMethod = { len = 4 }
"#,
    )
    .args(["run", "w.toml", "--report", "json=r.json"]);
    case.run().code(0);
    let report = case.read("r.json");
    assert!(report.contains("var count gte"), "{report}");
}

#[test]
fn a_failed_variable_shows_expected_and_actual_with_secrets_hidden() {
    let s = TestServer::start();
    let run = case_at(
        &s,
        r#"
name = "Vars"
[[steps]]
name = "Echo"
method = "POST"
url = "BASE/echo"
json = { secretValue = "a-very-secret-echo" }
extract = { apiToken = "$.json.secretValue", method = "$.method" }
[steps.expect.vars]
method = "GET"
apiToken = "something else"
"#,
    )
    .args(["run", "w.toml", "-v"])
    .run()
    .code(1)
    .stdout_has("var method")
    .stdout_has("\"GET\"")
    .stdout_has("«apiToken»");
    assert!(!run.stdout.contains("a-very-secret-echo"), "{}", run.stdout);
}

#[test]
fn a_name_neither_defined_nor_extracted_is_refused() {
    let s = TestServer::start();
    let run = Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\nextract = { m = \"$.method\" }\nexpect.vars = { m = \"GET\", later = 1 }\n",
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(2);
    assert!(
        run.stderr
            .contains("`expect.vars` checks `later`, which is neither defined"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("w.toml:6:"), "{}", run.stderr);
    assert_eq!(s.hits(), 0);
}
