//! `steprun teach`: each request shown before it is sent, answers read from standard input
//! (Enter sends, `s` skips, `q` quits), then the response, checks and what was learned.

use std::path::PathBuf;

use crate::engine_run::at;
use crate::harness::Case;
use crate::server::TestServer;

const KEY: &str = "k3y-VALUE-never-shown";

/// Three steps: create an item (with a cleanup), read it back, and one that `when` skips.
fn items(s: &TestServer) -> String {
    at(
        s,
        &format!(
            r#"
name = "Items"
description = """
Create an **item**, then read it back.

- the id comes from the response body
"""
[vars]
apiKey = {{ value = "{KEY}", secret = true }}

[[steps]]
name = "Create an item"
doc = "POST creates the item; its id comes back in the body."
method = "POST"
url = "BASE/items"
headers = {{ "X-Api-Key" = "<<apiKey>>" }}
json = {{ name = "first" }}
expect = {{ status = 201 }}
extract = {{ itemID = "$.id", itemURL = {{ header = "Location" }} }}
cleanup = {{ name = "Delete the item", method = "DELETE", url = "BASE/items/<<itemID>>" }}

[[steps]]
name = "Read it back"
doc = "The echo endpoint answers with what it received."
url = "BASE/echo/<<itemID>>"
expect = {{ status = 200, json = {{ "$.path" = "/echo/item-1" }} }}
extract = {{ echoedPath = "$.path" }}

[[steps]]
name = "Only elsewhere"
when = "false"
url = "BASE/echo"
"#
        ),
    )
}

/// Two steps that do not depend on each other.
fn two_gets(s: &TestServer) -> String {
    at(
        s,
        r#"
name = "Two"
[[steps]]
name = "First"
url = "BASE/echo/first"
[[steps]]
name = "Second"
url = "BASE/echo/second"
"#,
    )
}

#[test]
fn teach_shows_the_doc_the_request_the_response_and_what_was_learned() {
    let s = TestServer::start();
    let run = Case::new()
        .file("w.toml", &items(&s))
        .args(["teach", "w.toml"])
        .stdin("\n\n")
        .run()
        .code(0)
        .stdout_has("Items\n═════")
        .stdout_has("Create an item, then read it back.")
        .stdout_has("- the id comes from the response body")
        .stdout_has("── Step 1 of 3 · Create an item")
        .stdout_has("POST creates the item; its id comes back in the body.")
        .stdout_has(&format!("POST {}/items", s.base))
        .stdout_has("x-api-key: «apiKey»")
        .stdout_has("\"name\": \"first\"")
        .stdout_has("← Response  201 Created")
        .stdout_has("location: /items/item-1")
        .stdout_has("✓ status: 201")
        .stdout_has("itemID = item-1   ← JSONPath `$.id`")
        .stdout_has("itemURL = /items/item-1   ← header `Location`")
        .stdout_has(&format!("GET {}/echo/item-1", s.base))
        .stdout_has("✓ $.path: \"/echo/item-1\"")
        .stdout_has("── Step 3 of 3 · Only elsewhere")
        .stdout_has("↷ Skipped: condition `when` is false")
        .stdout_has("── Cleanups")
        .stdout_has("✓ Delete the item → 204 No Content\n      DELETE /items/item-1")
        .stdout_has("Steps: 2 passed, 1 skipped")
        .stderr_has("Enter send · s skip · c curl · q quit ›")
        .nowhere(KEY);
    assert_eq!(s.deleted(), ["item-1"]);
    assert!(!run.stderr.contains("end of input"), "{}", run.stderr);
}

#[test]
fn s_skips_a_step_without_sending_it() {
    let s = TestServer::start();
    Case::new()
        .file("w.toml", &two_gets(&s))
        .args(["teach", "w.toml"])
        .stdin("s\n\n")
        .run()
        .code(0)
        .stdout_has("↷ Skipped: nothing was sent.")
        .stdout_has(&format!("GET {}/echo/second", s.base))
        .stdout_has("\"path\": \"/echo/second\"")
        .stdout_has("Steps: 1 passed, 1 skipped");
    assert_eq!(s.hits(), 1, "only the second step was sent");
}

#[test]
fn q_stops_runs_cleanups_and_exits_130() {
    let s = TestServer::start();
    let run = Case::new()
        .file("w.toml", &items(&s))
        .args(["teach", "w.toml"])
        .stdin("\nq\n")
        .run()
        .code(130)
        .stdout_has("■ Stopped: you quit; nothing more is sent")
        .stdout_has("Step 3 of 3 · Only elsewhere — skipped: interrupted")
        .stdout_has("✓ Delete the item")
        .stdout_has("exit code 130");
    assert_eq!(s.deleted(), ["item-1"], "the cleanup ran");
    assert_eq!(s.hits(), 2, "the create and its cleanup, not the quit step");
    assert!(!run.stdout.contains("/echo/item-1\","), "{}", run.stdout);
}

#[test]
fn yes_runs_straight_through_without_asking() {
    let s = TestServer::start();
    let run = Case::new()
        .file("w.toml", &items(&s))
        .args(["teach", "w.toml", "--yes"])
        .run()
        .code(0)
        .stdout_has("sent without pausing (--yes)")
        .stdout_has("→ Request")
        .stdout_has("itemID = item-1");
    assert!(!run.stderr.contains("quit ›"), "{}", run.stderr);
    assert_eq!(s.hits(), 3);
}

#[test]
fn at_end_of_input_the_rest_is_sent_without_pausing() {
    let s = TestServer::start();
    let run = Case::new()
        .file("w.toml", &two_gets(&s))
        .args(["teach", "w.toml"])
        .run()
        .code(0)
        .stderr_has("(end of input: the remaining steps are sent without pausing)");
    assert_eq!(run.stderr.matches("quit ›").count(), 1, "{}", run.stderr);
    assert_eq!(s.hits(), 2);
}

#[test]
fn a_failed_step_is_explained_and_stops_the_workflow() {
    let s = TestServer::start();
    let workflow = at(
        &s,
        r#"
name = "Fails"
[[steps]]
name = "Expect the impossible"
url = "BASE/status/404"
expect = { status = 200 }
[[steps]]
name = "Never"
url = "BASE/echo"
"#,
    );
    Case::new()
        .file("w.toml", &workflow)
        .args(["teach", "w.toml", "--yes"])
        .run()
        .code(1)
        .stdout_has("← Response  404 Not Found")
        .stdout_has("✗ status: expected 200, got 404")
        .stdout_has("✗ Failed: a check did not hold")
        .stdout_has("Step 2 of 2 · Never — skipped: an earlier step failed");
    assert_eq!(s.hits(), 1);
}

#[test]
fn teach_takes_one_workflow_file() {
    let s = TestServer::start();
    Case::new()
        .file("flows/w.toml", &two_gets(&s))
        .args(["teach", "flows"])
        .run()
        .code(2)
        .stderr_has("teach takes one workflow file");
    Case::new()
        .file("w.toml", &two_gets(&s))
        .args(["teach", "w.toml", "w.toml"])
        .run()
        .code(2);
    assert_eq!(s.hits(), 0);
}

#[test]
fn the_library_simple_login_teaches_against_the_sandbox() {
    let workflow =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("workflows/sso/simple-login.toml");
    let run = Case::new()
        .args(["teach", workflow.to_str().expect("utf-8 path"), "--sandbox"])
        .stdin(&"\n".repeat(16))
        .run()
        .code(0)
        .stdout_has("Configure a Simple Login")
        .stdout_has("policy assigned to it, a population and a user")
        .stdout_has("── Step 1 of 16 · Get a worker application access token")
        .stdout_has("A worker application authenticates with its own client id and secret")
        .stdout_has("authorization: Basic «adminAppSecret»")
        .stdout_has("grant_type = client_credentials")
        .stdout_has("accessToken = «accessToken»   ← JSONPath `$.access_token`")
        .stdout_has("authorization: Bearer «accessToken»")
        .stdout_has("← Response  302 Found")
        .stdout_has("flowID = ")
        .stdout_has("← header `Location` with query `flowId`")
        .stdout_has("✓ $.status: \"COMPLETED\"")
        .stdout_has("cookie: interactionId=")
        .stdout_has("(from the cookie jar)")
        .stdout_has("── Cleanups")
        .stdout_has("✓ Delete the application")
        .stdout_has("Create the login sign-on policy action")
        .stdout_has("Steps: 16 passed");
    // The jar sends the session cookie on to resume (in whatever order it keeps cookies).
    assert!(
        run.stdout
            .lines()
            .any(|l| l.trim_start().starts_with("cookie: ") && l.contains("ST=")),
        "{}",
        run.stdout
    );
    // Each request shows the jar's cookies once, marked as the jar's.
    let cookie_lines = run
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("cookie: "));
    let (marked, unmarked): (Vec<&str>, Vec<&str>) =
        cookie_lines.partition(|l| l.ends_with("(from the cookie jar)"));
    assert!(!marked.is_empty(), "{}", run.stdout);
    assert!(unmarked.is_empty(), "a cookie line twice: {unmarked:?}");
    for (i, _) in run.stdout.match_indices("Bearer ") {
        assert!(
            run.stdout[i + "Bearer ".len()..].starts_with('«'),
            "a bearer token is shown:\n{}",
            &run.stdout[i..(i + 60).min(run.stdout.len())]
        );
    }
    assert!(!run.stderr.contains("end of input"), "{}", run.stderr);
}

#[test]
fn show_secrets_is_ignored_into_a_pipe_and_v_shows_every_header() {
    let s = TestServer::start();
    Case::new()
        .file("w.toml", &items(&s))
        .args(["teach", "w.toml", "--yes", "--show-secrets", "-v"])
        .run()
        .code(0)
        .stderr_has("--show-secrets ignored")
        .stdout_has("x-api-key: «apiKey»")
        .stdout_has("content-length: ")
        .nowhere(KEY)
        .nowhere("more headers; -v shows them");
}

#[test]
fn c_shows_the_request_as_a_curl_command_then_asks_again() {
    let s = TestServer::start();
    let run = Case::new()
        .file("w.toml", &items(&s))
        .args(["teach", "w.toml"])
        .stdin("c\n\n\n")
        .run()
        .code(0)
        .stdout_has(&format!(
            "\n# set these first: apiKey\ncurl {}/items \\\n",
            s.base
        ))
        .stdout_has("  -H 'content-type: application/json' \\\n")
        .stdout_has("  -H \"x-api-key: $apiKey\" \\\n")
        .stdout_has("  --data-binary '{\"name\":\"first\"}' \\\n  --max-time 30\n")
        .stderr_has("c curl")
        .nowhere(KEY);
    assert_eq!(run.stdout.matches("curl http").count(), 1, "{}", run.stdout);
    assert_eq!(s.hits(), 3, "both steps and the cleanup were sent");
}
