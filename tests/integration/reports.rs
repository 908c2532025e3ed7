//! `--report json=…` and `--report junit=…`, `prompt` without a terminal, exit 3 on a report
//! that cannot be written.

use crate::engine_run::at;
use crate::harness::Case;
use crate::server::TestServer;

fn workflow(s: &TestServer) -> String {
    at(
        s,
        r#"
name = "Report me"
[[steps]]
name = "Create"
method = "POST"
url = "BASE/items"
json = {}
expect = { status = 201 }
extract = { id = "$.id" }
cleanup = { method = "DELETE", url = "BASE/items/<<id>>" }
[[steps]]
name = "Fail"
url = "BASE/status/500"
expect = { status = 200 }
[[steps]]
name = "Skipped"
url = "BASE/echo"
"#,
    )
}

#[test]
fn json_report_has_workflows_steps_requests_and_outcomes() {
    let s = TestServer::start();
    let case = Case::new().file("w.toml", &workflow(&s)).args([
        "run",
        "w.toml",
        "--report",
        "json=out/r.json",
    ]);
    case.run().code(1);
    let doc: serde_json::Value =
        serde_json::from_str(&case.read("out/r.json")).expect("json report parses");
    let wf = &doc["workflows"][0];
    assert_eq!(wf["name"], "Report me");
    assert_eq!(wf["outcome"], "failed");
    let steps = wf["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[0]["outcome"], "passed");
    assert_eq!(steps[0]["request"]["method"], "POST");
    assert!(
        steps[0]["request"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/items")
    );
    assert_eq!(steps[0]["response"]["status"], 201);
    assert_eq!(steps[0]["extracted"][0], "id");
    assert_eq!(steps[1]["outcome"], "failed");
    assert_eq!(steps[1]["expectations"][0]["expected"], "200");
    assert_eq!(steps[1]["expectations"][0]["actual"], "500");
    assert_eq!(steps[2]["outcome"], "skipped");
    assert_eq!(wf["cleanups"][0]["outcome"], "passed");
}

#[test]
fn junit_report_has_one_testcase_per_step() {
    let s = TestServer::start();
    let case = Case::new().file("w.toml", &workflow(&s)).args([
        "run",
        "w.toml",
        "--report",
        "junit=r.xml",
    ]);
    case.run().code(1);
    let xml = case.read("r.xml");
    assert_eq!(xml.matches("<testsuite ").count(), 1, "{xml}");
    assert!(xml.matches("<testcase ").count() >= 3, "{xml}");
    assert!(xml.contains("<failure"), "{xml}");
    assert!(xml.contains("<skipped"), "{xml}");
    assert!(xml.contains("Report me"), "{xml}");
}

#[test]
fn json_report_to_stdout_moves_console_to_stderr() {
    let s = TestServer::start();
    let run = Case::new()
        .file("w.toml", &workflow(&s))
        .args(["run", "w.toml", "--report", "json=-"])
        .run()
        .code(1);
    let doc: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("stdout is the JSON document");
    assert_eq!(doc["workflows"][0]["steps"][0]["name"], "Create");
    assert!(run.stderr.contains("Create"));
}

#[test]
fn unwritable_report_is_a_tool_failure() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\n",
            ),
        )
        .file("dir/placeholder", "")
        .args(["run", "w.toml", "--report", "json=dir"])
        .run()
        .code(3);
}

#[test]
fn prompt_without_terminal_names_the_var_flag() {
    let s = TestServer::start();
    Case::new()
        .file("w.toml", &at(&s, "name = \"x\"\n[[steps]]\nname = \"Ask\"\nurl = \"BASE/echo/<<otp>>\"\nprompt = { otp = \"Enter the code from the email:\" }\n"))
        .args(["run", "w.toml"])
        .run()
        .code(1)
        .stdout_has("--var otp=");
    Case::new()
        .file("w.toml", &at(&s, "name = \"x\"\n[[steps]]\nname = \"Ask\"\nurl = \"BASE/echo/<<otp>>\"\nprompt = { otp = \"Enter the code\" }\nexpect.json.\"$.path\" = \"/echo/123456\"\n"))
        .args(["run", "w.toml", "--var", "otp=123456"])
        .run()
        .code(0);
}

/// A prompt's question is a template, rendered like any output: values filled in, secrets
/// hidden.
#[test]
fn prompt_question_is_rendered_with_secrets_hidden() {
    let s = TestServer::start();
    Case::new()
        .file("w.toml", &at(&s, "name = \"x\"\n[vars]\nwho = \"alice@example.com\"\nidToken = { value = \"tok-9f3a-visible-nowhere\", secret = true }\n[[steps]]\nname = \"Ask\"\nurl = \"BASE/echo/<<otp>>\"\nprompt = { otp = \"Code emailed to <<who>> for <<idToken>>?\" }\n"))
        .args(["run", "w.toml"])
        .run()
        .code(1)
        .stdout_has("Code emailed to alice@example.com for «idToken»?")
        .nowhere("tok-9f3a-visible-nowhere");
}
