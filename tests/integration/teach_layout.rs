//! How `teach` lays a workflow out at 80 columns (its width when standard output is not a
//! terminal): Markdown wrapped by display width with its indent kept, a long query one
//! parameter per line, a form one field per line. Snapshots (insta) of the real binary's
//! output, with what changes from run to run (ports, durations, ids) replaced.

use std::path::PathBuf;

use regex::Regex;

use crate::engine_run::at;
use crate::harness::Case;
use crate::server::TestServer;

/// `text` with what differs between runs replaced by a name in brackets.
fn stable(text: &str) -> String {
    let rules = [
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[port]"),
        (r"\b\d+ ms\b", "[n] ms"),
        (r"\b\d+\.\d\d s\b", "[n] s"),
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[id]",
        ),
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[time]"),
        (r"\bsteprun/\d+\.\d+\.\d+", "steprun/[version]"),
        // The run id the library names what it creates with.
        (r"(Simple Login) [0-9a-f]{8}\b", "$1 [run_id]"),
    ];
    // Where the repository is checked out.
    let mut out = text.replace(env!("CARGO_MANIFEST_DIR"), "[repo]");
    for (pattern, with) in rules {
        out = Regex::new(pattern)
            .expect("pattern")
            .replace_all(&out, with)
            .into_owned();
    }
    out
}

const WRAPPING: &str = r#"
name = "Wrapping"
description = """
A description long enough to be wrapped at eighty columns, with `inline code`,
**strong** words, a [link](https://example.com/docs) and 日本語の文字 (wide characters take
two columns each, so a line of them wraps sooner).

1. An ordered item long enough that it has to continue on the next line, under its text.
2. A short one.
"""

[[steps]]
name = "Authorize with a long query"
doc = """
Starts the flow at `/echo/authorize` with the parameters a real `authorize` request
carries. The query is long, so the request line lists one parameter per line.
"""
url = "BASE/echo/authorize"
query = { response_type = "code", client_id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", redirect_uri = "https://app.example.com/callback", scope = "openid profile email" }
expect = { status = 200, json = { "$.method" = "GET" } }

[[steps]]
name = "Post a form"
doc = "A form body reads as one `name = value` per line."
method = "POST"
url = "BASE/echo/token"
form = { grant_type = "authorization_code", code = "abc", redirect_uri = "https://app.example.com/callback" }
expect = { status = 200 }
"#;

#[test]
fn teach_wraps_markdown_and_lists_queries_and_forms_at_80_columns() {
    let s = TestServer::start();
    let run = Case::new()
        .file("w.toml", &at(&s, WRAPPING))
        .args(["teach", "w.toml", "--yes"])
        .run()
        .code(0);
    for line in run.stdout.lines() {
        let width = steprun::display_width(line);
        // Only what cannot be broken (a URL, a JSON line) may be wider.
        assert!(
            width <= 80 || !line.trim().contains(' ') || line.trim_start().starts_with('"'),
            "{width} columns: {line}"
        );
    }
    insta::assert_snapshot!("teach_wrapping", stable(&run.stdout));
}

fn simple_login() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("workflows/sso/simple-login.toml")
        .to_str()
        .expect("utf-8 path")
        .to_owned()
}

/// The README's example: steps 1 and 2 sent, step 3 skipped, then input ends and the rest is
/// sent; the step needing what step 3 would have learned says so.
#[test]
fn a_step_failing_on_a_skipped_steps_variable_names_that_step() {
    let run = Case::new()
        .args(["teach", &simple_login(), "--sandbox"])
        .stdin("\n\ns\n")
        .run()
        .code(1)
        .stdout_has("── Step 3 of 16 · Get the application secret")
        .stdout_has("↷ Skipped: nothing was sent.")
        .stdout_has("── Step 14 of 16 · Get the access token");
    // The message is wrapped to 80 columns; read as one line of words.
    let words = run.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(
            "✗ Failed: cannot render the request: auth.basic.password: undefined variable \
             `appSecret`; `appSecret` comes from step 3 (Get the application secret), which \
             was skipped"
        ),
        "{}",
        run.stdout
    );
    // The first three steps as a learner sees them, at 80 columns.
    let shown = stable(&run.stdout);
    let end = shown.find("── Step 4 of 16").expect("step 4 is shown");
    insta::assert_snapshot!("teach_simple_login_first_steps", &shown[..end]);
}
