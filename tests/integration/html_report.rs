//! `--report html=…`: one self-contained page with each step's doc, request, response and
//! expectations, escaped, and with secrets redacted.

use crate::engine_run::at;
use crate::harness::Case;
use crate::server::TestServer;

const SECRET: &str = "html-s3cr3t-value";

fn workflow(s: &TestServer) -> String {
    at(
        s,
        r#"
name = "HTML <report>"
description = """
Checks the **HTML** report.

- a list item
"""
[[steps]]
name = "Create an item"
doc = "Items are what the `items` endpoint stores. <script>alert(1)</script>"
method = "POST"
url = "BASE/items"
json = { name = "thing" }
expect = { status = 201 }
extract = { id = "$.id" }
cleanup = { method = "DELETE", url = "BASE/items/<<id>>" }
[[steps]]
name = "Echo a script"
doc = "The body comes back as it was sent."
method = "POST"
url = "BASE/echo"
body = "<script>alert('x')</script>"
expect.json."$.method" = "PUT"
[[steps]]
name = "Never sent"
url = "BASE/echo"
"#,
    )
}

#[test]
fn html_report_is_a_complete_escaped_page_with_every_step() {
    let s = TestServer::start();
    let case = Case::new().file("w.toml", &workflow(&s)).args([
        "run",
        "w.toml",
        "--report",
        "html=out/report.html",
    ]);
    case.run().code(1);
    let html = case.read("out/report.html");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.trim_end().ends_with("</html>"), "{html}");
    assert!(html.contains("<meta charset=\"utf-8\">"));
    for needle in [
        "HTML &lt;report&gt;",
        // Docs and descriptions are Markdown, rendered; raw HTML in them is text.
        "<p>Checks the <strong>HTML</strong> report.</p>",
        "<li>a list item</li>",
        "<p>Items are what the <code>items</code> endpoint stores. &lt;script&gt;alert(1)&lt;/script&gt;</p>",
        "w.toml",
        "Create an item",
        "Echo a script",
        "The body comes back as it was sent.",
        "Never sent",
        "<b>POST</b> ",
        &format!("{}/items", s.base),
        &format!("{}/echo", s.base),
        "<span class=\"status s2xx\">201</span>",
        "<code>id</code>",
        "<span class=\"tag\">cleanup</span>",
        "<details class=\"step failed step\" open>",
        "<details class=\"step skipped step\">",
        "<tr class=\"failed\"><td class=\"mark\">✗</td><td>$.method</td><td><code>&quot;PUT&quot;</code></td><td><code>&quot;POST&quot;</code></td></tr>",
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
        "id=\"summary\"",
    ] {
        assert!(html.contains(needle), "report lacks {needle:?}:\n{html}");
    }
    assert!(
        !html.contains("<script>alert"),
        "a body is never markup:\n{html}"
    );
    for external in ["src=\"http", "href=\"http", "@import", "url("] {
        assert!(!html.contains(external), "external resource {external:?}");
    }
}

#[test]
fn html_report_hides_secrets_and_shows_their_placeholders() {
    let s = TestServer::start();
    let case = Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                r#"
name = "Secret"
[[steps]]
name = "Send the secret"
method = "POST"
url = "BASE/echo"
headers = { X-Api-Key = "<<apiKey>>" }
query = { key = "<<apiKey>>" }
json = { key = "<<apiKey>>" }
expect.json."$.json.key" = "not it"
"#,
            ),
        )
        .file(
            "v.toml",
            &format!("apiKey = {{ value = \"{SECRET}\", secret = true }}\n"),
        )
        .args([
            "run",
            "w.toml",
            "--vars",
            "v.toml",
            "--report",
            "html=r.html",
        ]);
    case.run().code(1);
    let html = case.read("r.html");
    assert!(!html.contains(SECRET), "secret leaked:\n{html}");
    assert!(html.contains("«apiKey»"), "{html}");
}

#[test]
fn html_report_to_stdout_moves_console_to_stderr() {
    let s = TestServer::start();
    let run = Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                "name = \"Out\"\n[[steps]]\nname = \"Ping\"\nurl = \"BASE/echo\"\n",
            ),
        )
        .args(["run", "w.toml", "--report", "html=-"])
        .run()
        .code(0);
    assert!(run.stdout.starts_with("<!DOCTYPE html>"), "{}", run.stdout);
    assert!(run.stdout.trim_end().ends_with("</html>"));
    assert!(run.stdout.contains("Ping"));
    assert!(run.stderr.contains("Ping"), "{}", run.stderr);
}
