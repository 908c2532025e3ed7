//! Redirects, cookies, extraction sources and modifiers, retries, timeouts, connection errors.

use crate::engine_run::at;
use crate::harness::Case;
use crate::server::TestServer;

#[test]
fn redirects_are_not_followed_and_location_parts_extract() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(&s, r#"
name = "Login"
[[steps]]
name = "Authorize"
url = "BASE/login"
expect = { status = 302, headers = { Location = { contains = "code=" } } }
[steps.extract]
code = { header = "Location", query = "code" }
state = { header = "Location", query = "state" }
idToken = { header = "Location", fragment = "id_token", secret = false }
st = { cookie = "ST", secret = false }
status = { status = true }
[[steps]]
name = "Session cookie is scoped to its path"
url = "BASE/env1/needs-st"
expect = { status = 200 }
[[steps]]
name = "Echo"
url = "BASE/echo"
query = { code = "<<code>>", state = "<<state>>", t = "<<idToken>>", st = "<<st>>", s = "<<status>>" }
expect.json."$.query" = "code=abc%2B1&state=xyz&t=tok.en&st=st-value&s=302"
expect.json."$.headers.cookie" = { exists = false }
"#),
        )
        .args(["run", "w.toml"])
        .run()
        .code(0);
}

#[test]
fn follow_redirects_stores_cookies_from_every_hop() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                r#"
name = "Follow"
[[steps]]
name = "Follow"
url = "BASE/redirect?to=/echo/landed"
follow_redirects = true
extract = { final = { url = true } }
[steps.expect.json]
"$.path" = "/echo/landed"
"$.headers.cookie" = "hop=1"
[steps.expect.vars]
final = { contains = "/echo/landed" }
[[steps]]
name = "Not redirected"
url = "BASE/echo/plain"
extract = { here = { url = true } }
expect.vars = { here = { contains = "/echo/plain" } }
[[steps]]
name = "Too many"
url = "BASE/loop"
follow_redirects = true
max_redirects = 3
"#,
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(1)
        .stdout_has("more than 3 redirects");
}

#[test]
fn cookies_from_error_responses_are_kept() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                r#"
name = "Error cookie"
[[steps]]
name = "Rejected"
url = "BASE/set-on-error"
expect = { status = 401 }
[[steps]]
name = "Cookie sent back"
url = "BASE/echo"
expect.json."$.headers.cookie" = "err=1"
"#,
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(0);
}

#[test]
fn cookies_go_out_longer_paths_first_then_by_name_in_every_run() {
    let s = TestServer::start();
    let w = at(
        &s,
        r#"
name = "Cookie order"
[[steps]]
name = "Set five"
url = "BASE/set-several"
[[steps]]
name = "Sent back in order"
url = "BASE/echo/in/here"
expect.json."$.headers.cookie" = "beta=5; deep=3; alpha=2; mid=4; zeta=1"
[[steps]]
name = "Only the root's where the deeper path does not match"
url = "BASE/echo"
expect.json."$.headers.cookie" = "alpha=2; mid=4; zeta=1"
"#,
    );
    // The jar is a hash map with a seed of its own in each process: several runs would catch
    // an order that held by chance.
    // `-vv` shows the header before it is sent, in the same order.
    for _ in 0..4 {
        Case::new()
            .file("w.toml", &w)
            .args(["run", "w.toml", "-vv"])
            .run()
            .code(0)
            .stdout_has("> cookie: beta=5; deep=3; alpha=2; mid=4; zeta=1");
    }
}

#[test]
fn each_workflow_starts_with_an_empty_jar() {
    let s = TestServer::start();
    Case::new()
        .file("a.toml", &at(&s, "name = \"A\"\n[[steps]]\nname = \"set\"\nurl = \"BASE/set-on-error\"\nexpect.status = 401\n"))
        .file("b.toml", &at(&s, "name = \"B\"\n[[steps]]\nname = \"none\"\nurl = \"BASE/echo\"\nexpect.json.\"$.headers.cookie\" = { exists = false }\n"))
        .args(["run", "a.toml", "b.toml"])
        .run()
        .code(0);
}

#[test]
fn body_regex_and_jwt_extraction() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                r#"
name = "Modifiers"
[[steps]]
name = "Text"
url = "BASE/text"
extract = { code = { body = true, regex = "code=([^&]+)" }, maybe = { jsonpath = "$.x", optional = true } }
expect.body = { contains = "hello", matches = "^hello" }
[[steps]]
name = "JWT"
url = "BASE/jwt"
[steps.extract]
subject = { jsonpath = "$.access_token", jwt = "$.sub" }
tok = { jsonpath = "$.access_token" }
nothing = { jsonpath = "$.nope", optional = true }
[[steps]]
name = "Use"
url = "BASE/echo/<<code>>/<<subject>>"
expect.json."$.path" = "/echo/xyz123/user-1"
[[steps]]
name = "Filter"
url = "BASE/echo/<< (tok | jwt_payload).scope >>"
expect.json."$.path" = "/echo/openid%20profile"
"#,
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(0);
}

#[test]
fn missing_extraction_fails_the_step() {
    let s = TestServer::start();
    Case::new()
        .file("w.toml", &at(&s, "name = \"x\"\n[[steps]]\nname = \"Nothing\"\nurl = \"BASE/echo\"\nextract = { v = \"$.nope\" }\n"))
        .args(["run", "w.toml"])
        .run()
        .code(1)
        .stdout_has("$.nope");
}

#[test]
fn throttled_responses_are_retried_after_retry_after() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(&s, "name = \"T\"\n[[steps]]\nname = \"429 twice\"\nurl = \"BASE/flaky/a?fail=2\"\nexpect.json.\"$.attempt\" = 3\n[[steps]]\nname = \"503 once\"\nurl = \"BASE/flaky/b?fail=1&status=503\"\nexpect.json.\"$.attempt\" = 2\n"),
        )
        .args(["run", "w.toml"])
        .run()
        .code(0);
    // at most 3 automatic re-sends: the 5th response is still a 429
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                "name = \"T\"\n[[steps]]\nname = \"always 429\"\nurl = \"BASE/flaky/c?fail=10\"\n",
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(1)
        .stdout_has("429");
    assert_eq!(s.hits(), 4);
}

#[test]
fn retry_polls_until_expectations_pass() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                r#"
name = "Poll"
[[steps]]
name = "Token"
method = "POST"
url = "BASE/poll/k?after=3"
retry = { attempts = 5, interval = "10ms" }
expect = { status = 200 }
extract = { accessToken = "$.access_token" }
"#,
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(0);
    assert_eq!(s.hits(), 3);
}

#[test]
fn timeouts_and_refused_connections_are_step_failures() {
    let s = TestServer::start();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = listener.local_addr().unwrap();
    drop(listener);
    Case::new()
        .file(
            "w.toml",
            &at(&s, "name = \"x\"\n[[steps]]\nname = \"Slow\"\nurl = \"BASE/slow?ms=3000\"\ntimeout = \"200ms\"\n"),
        )
        .file("d.toml", &format!("name = \"y\"\n[[steps]]\nname = \"Dead\"\nurl = \"http://{dead}/\"\n"))
        .args(["run", "w.toml", "d.toml"])
        .run()
        .code(1)
        .stdout_has("no response within 200ms (the step's timeout)")
        .stdout_has("cannot connect");
}

/// Each request has its own step's timeout, whatever the timeouts of the requests before it
/// (a workflow's requests share one timer): a longer one is not cut at a shorter one's end,
/// and a shorter one is not let run to a longer one's.
#[test]
fn each_request_has_its_own_steps_timeout() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                r#"name = "x"
[[steps]]
name = "Quick"
url = "BASE/slow?ms=10"
timeout = "150ms"
[[steps]]
name = "Longer"
url = "BASE/slow?ms=600"
timeout = "5s"
[[steps]]
name = "Default"
url = "BASE/echo"
[[steps]]
name = "Short"
url = "BASE/slow?ms=5000"
timeout = "200ms"
"#,
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(1)
        .stdout_has("3 passed, 1 failed")
        .stdout_has("no response within 200ms (the step's timeout)");
}

#[test]
fn interrupt_runs_cleanups_and_exits_130() {
    let s = TestServer::start();
    let case = Case::new().file(
        "w.toml",
        &at(
            &s,
            r#"
name = "Interrupted"
[[steps]]
name = "Create"
method = "POST"
url = "BASE/items"
json = {}
extract = { id = "$.id" }
cleanup = { method = "DELETE", url = "BASE/items/<<id>>" }
[[steps]]
name = "Hangs"
url = "BASE/slow?ms=20000"
timeout = "25s"
[[steps]]
name = "Never"
url = "BASE/echo"
"#,
        ),
    );
    let child = case.args(["run", "w.toml"]).spawn();
    // Wait until the slow request has arrived (a condition, not a guess at timing).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while s.hits() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the slow step never arrived"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.interrupt();
    let run = child.wait();
    assert_eq!(run.code, 130, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        s.deleted(),
        vec!["item-1".to_owned()],
        "cleanup must run after Ctrl-C"
    );
    assert!(run.stdout.contains("interrupted"), "{}", run.stdout);
}

#[test]
fn very_verbose_shows_the_request_as_sent() {
    let s = TestServer::start();
    Case::new()
        .file("part.txt", "file text")
        .file(
            "w.toml",
            &at(
                &s,
                r#"
name = "Wire"
[[steps]]
name = "Login"
url = "BASE/login"
expect = { status = 302 }
[[steps]]
name = "Uses the jar"
url = "BASE/env1/needs-st"
[[steps]]
name = "Posts JSON"
method = "POST"
url = "BASE/echo"
json = { a = 1 }
[[steps]]
name = "Uploads"
method = "POST"
url = "BASE/echo"
multipart = { note = "hello", doc = { file = "part.txt", content_type = "text/plain" } }
"#,
            ),
        )
        .args(["run", "w.toml", "-vv"])
        .run()
        .code(0)
        .stdout_has("> cookie: ST=st-value")
        .stdout_has(concat!("> user-agent: steprun/", env!("CARGO_PKG_VERSION")))
        .stdout_has("> content-length: 7")
        .stdout_has("> content-type: multipart/form-data")
        .stdout_has("> note=hello")
        .stdout_has("> doc=@part.txt (9 bytes, text/plain)");
}
