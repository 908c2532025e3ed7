//! Secrets never appear in output, reports or saved files (SPEC §5), derived forms included.

use crate::engine_run::at;
use crate::harness::Case;
use crate::server::TestServer;

const SECRET: &str = "s3cr3t-P@ss/word";
const TOKEN: &str = "polled-token-value";

fn workflow(s: &TestServer) -> String {
    at(
        s,
        r#"
name = "Secrets"
[[steps]]
name = "Basic auth"
url = "BASE/echo"
auth = { basic = { username = "app", password = "<<appSecret>>" } }
query = { s = "<<appSecret>>" }
expect.json."$.headers.authorization" = "nope, show me the actual value"
[[steps]]
name = "never"
url = "BASE/echo"
"#,
    )
}

#[test]
fn secrets_are_redacted_in_console_reports_and_saved_vars() {
    let s = TestServer::start();
    let case = Case::new()
        .file("w.toml", &workflow(&s))
        .file(
            "v.toml",
            &format!("appSecret = {{ value = \"{SECRET}\", secret = true }}\n"),
        )
        .args([
            "run",
            "w.toml",
            "--vars",
            "v.toml",
            "-vv",
            "--report",
            "json=r.json",
            "--report",
            "junit=r.xml",
            "--report",
            "html=r.html",
            "--save-vars",
            "saved.toml",
        ]);
    let run = case.run().code(1);
    let basic = base64_of(&format!("app:{SECRET}"));
    let encoded = "s3cr3t-P%40ss%2Fword";
    for text in [
        &run.stdout,
        &run.stderr,
        &case.read("r.json"),
        &case.read("r.xml"),
        &case.read("r.html"),
        &case.read("saved.toml"),
    ] {
        assert!(!text.contains(SECRET), "raw secret leaked:\n{text}");
        assert!(!text.contains(&basic), "basic-auth form leaked:\n{text}");
        assert!(!text.contains(encoded), "url-encoded form leaked:\n{text}");
    }
    assert!(run.stdout.contains("«appSecret»"), "{}", run.stdout);
}

#[test]
fn extracted_secrets_and_secret_names_are_redacted() {
    let s = TestServer::start();
    let case = Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                r#"
name = "Token"
[[steps]]
name = "Get token"
method = "POST"
url = "BASE/poll/x?after=1"
extract = { accessToken = "$.access_token" }
[[steps]]
name = "Use token"
url = "BASE/echo"
auth = { bearer = "<<accessToken>>" }
expect.json."$.headers.authorization" = "Bearer <<accessToken>>"
"#,
            ),
        )
        .args([
            "run",
            "w.toml",
            "-vv",
            "--report",
            "json=-",
            "--save-vars",
            "saved.toml",
        ]);
    let run = case.run().code(0);
    assert!(!run.stdout.contains(TOKEN), "{}", run.stdout);
    assert!(!run.stderr.contains(TOKEN), "{}", run.stderr);
    let saved = case.read("saved.toml");
    assert!(!saved.contains(TOKEN), "{saved}");
    let with = case.args(["--save-secrets"]).run().code(0);
    assert!(!with.stdout.contains(TOKEN));
}

#[test]
fn save_secrets_writes_them() {
    let s = TestServer::start();
    let case = Case::new()
        .file("w.toml", &at(&s, "name = \"T\"\n[[steps]]\nname = \"t\"\nmethod = \"POST\"\nurl = \"BASE/poll/x?after=1\"\nextract = { accessToken = \"$.access_token\", n = \"$.attempt\" }\n"))
        .args(["run", "w.toml", "--save-vars", "saved.toml", "--save-secrets"]);
    case.run().code(0);
    let saved = case.read("saved.toml");
    assert!(saved.contains(TOKEN), "{saved}");
    assert!(saved.contains("n = 1"), "{saved}");
}

fn base64_of(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}
