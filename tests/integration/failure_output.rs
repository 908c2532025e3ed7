//! How a failed check reads on the console: where it is written (`file:line:col`), and for
//! objects and arrays a diff of expected and actual, with secrets hidden in it.

use crate::engine_run::case_at;
use crate::harness::Run;
use crate::server::TestServer;

/// The echo server sends back the JSON it got: `$.json` is the body the step sent.
const MISMATCH: &str = r#"name = "Diff"
[vars]
api_token = "tok-7Hq2-not-to-be-seen"
[[steps]]
name = "Echo a user"
method = "POST"
url = "BASE/echo"
json = { user = { name = "bob", token = "<<api_token>>", roles = ["admin", "dev"] } }
expect.status = 200
expect.json."$.json" = { user = { name = "alice", token = "<<api_token>>", roles = ["admin", "dev"] } }
expect.json."$.method" = "GET"
"#;

fn failing_run() -> Run {
    let s = TestServer::start();
    case_at(&s, MISMATCH).args(["run", "w.toml"]).run().code(1)
}

#[test]
fn an_object_mismatch_shows_a_diff_and_where_the_check_is() {
    let run = failing_run();
    let out = &run.stdout;
    assert!(
        out.contains("$.json: expected (-) / actual (+)  (w.toml:10:13)"),
        "{out}"
    );
    assert!(out.contains(r#"-     "name": "alice","#), "{out}");
    assert!(out.contains(r#"+     "name": "bob","#), "{out}");
    // Unchanged lines around the change are shown plainly.
    assert!(out.contains(r#"      "roles": ["#), "{out}");
    // A scalar mismatch stays one line, with its place.
    assert!(
        out.contains(r#"$.method: expected "GET" / actual "POST"  (w.toml:11:13)"#),
        "{out}"
    );
}

#[test]
fn a_secret_in_a_diff_is_hidden() {
    let run = failing_run().nowhere("tok-7Hq2-not-to-be-seen");
    assert!(
        run.stdout.contains(r#""token": "«api_token»""#),
        "{}",
        run.stdout
    );
}

/// The whole failure as a person reads it, times and ports made constant.
#[test]
fn a_failure_reads_like_this() {
    let run = failing_run();
    let ms = regex::Regex::new(r"\d+ ms").expect("regex");
    let port = regex::Regex::new(r"127\.0\.0\.1:\d+").expect("regex");
    let version = regex::Regex::new(r"steprun/[0-9.]+").expect("regex");
    let text = ms.replace_all(&run.stdout, "[ms]");
    let text = port.replace_all(&text, "127.0.0.1:[port]");
    let text = version.replace_all(&text, "steprun/[version]");
    insta::assert_snapshot!(text);
}
