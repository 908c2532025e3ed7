//! Secrets never appear in output, reports or saved files (README, Secrets), derived forms included.

use crate::engine_run::{at, case_at};
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
fn secrets_are_redacted_in_console_reports_saved_vars_and_spans() {
    let s = TestServer::start();
    let collector = crate::collector::Collector::start();
    let case = Case::new()
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.endpoint)
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
        &collector.raw_text(),
    ] {
        assert!(!text.contains(SECRET), "raw secret leaked:\n{text}");
        assert!(!text.contains(&basic), "basic-auth form leaked:\n{text}");
        assert!(!text.contains(encoded), "url-encoded form leaked:\n{text}");
    }
    assert!(run.stdout.contains("«appSecret»"), "{}", run.stdout);
    assert!(
        collector.raw_text().contains("«appSecret»"),
        "no span shows the URL"
    );
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

const PASSWORD: &str = "My Pa$$word!";

#[test]
fn secrets_in_the_url_are_redacted_as_the_url_crate_encodes_them() {
    let s = TestServer::start();
    let workflow = at(
        &s,
        r#"
name = "Secret in the URL"
[[steps]]
name = "path and query"
url = "BASE/echo/<<adminPassword>>?p=<<adminPassword>>#<<adminPassword>>"
[[steps]]
name = "refused"
url = "http://127.0.0.1:1/x/<<adminPassword>>?p=<<adminPassword>>"
"#,
    );
    for verbosity in ["", "-v", "-vv"] {
        let case = Case::new()
            .file("w.toml", &workflow)
            .file("v.toml", &format!("adminPassword = \"{PASSWORD}\"\n"))
            .args(["run", "w.toml", "--vars", "v.toml"])
            .args([verbosity].into_iter().filter(|v| !v.is_empty()))
            .args(["--report", "json=r.json", "--report", "junit=r.xml"])
            .args(["--report", "html=r.html"]);
        let run = case.run().code(1);
        assert!(
            run.stdout
                .contains("/echo/«adminPassword»?p=«adminPassword»")
                || verbosity == "-q",
            "{}",
            run.stdout
        );
        for text in [
            &run.stdout,
            &run.stderr,
            &case.read("r.json"),
            &case.read("r.xml"),
            &case.read("r.html"),
        ] {
            assert!(
                !text.contains("Pa$$word"),
                "{verbosity}: secret leaked:\n{text}"
            );
            assert!(
                !text.contains("Pa%24%24word"),
                "{verbosity}: leaked:\n{text}"
            );
        }
    }
}

#[test]
fn a_basic_header_by_hand_and_a_secret_inside_a_saved_value_are_hidden() {
    let s = TestServer::start();
    let case = Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                r#"
name = "Basic by hand"
[vars]
clientId = "my-client"
[[steps]]
name = "echo"
url = "BASE/echo"
headers = { Authorization = "Basic <<(clientId ~ ':' ~ clientSecret) | base64>>" }
query = { long = "prefix-<<clientSecret>>-suffix" }
extract = { echoed = { jsonpath = "$.query", regex = "long=(.*)" }, header = "$.headers.authorization" }
"#,
            ),
        )
        .file("v.toml", &format!("clientSecret = \"{SECRET}\"\n"))
        .args(["run", "w.toml", "--vars", "v.toml", "-vv"])
        .args(["--report", "json=r.json", "--save-vars", "saved.toml"]);
    let run = case.run().code(0);
    let basic = base64_of(&format!("my-client:{SECRET}"));
    let saved = case.read("saved.toml");
    for text in [&run.stdout, &run.stderr, &case.read("r.json"), &saved] {
        assert!(!text.contains(SECRET), "raw secret leaked:\n{text}");
        assert!(!text.contains(&basic), "basic form leaked:\n{text}");
        assert!(!text.contains("s3cr3t-P%40ss"), "url form leaked:\n{text}");
    }
    assert!(
        run.stdout.contains("authorization: Basic «clientSecret»"),
        "{}",
        run.stdout
    );
    assert!(
        saved.contains("echoed = \"prefix-«clientSecret»-suffix\""),
        "{saved}"
    );
    assert!(
        saved.contains("header = \"Basic «clientSecret»\""),
        "{saved}"
    );
    let case = case.args(["--save-secrets"]);
    let with = case.run().code(0);
    assert!(!with.stdout.contains(SECRET), "{}", with.stdout);
    let saved = case.read("saved.toml");
    assert!(
        saved.contains("prefix-s3cr3t-P%40ss%2Fword-suffix"),
        "{saved}"
    );
    assert!(saved.contains(&basic), "{saved}");
}

#[test]
fn diagnostics_on_a_secret_line_mask_its_strings() {
    let value = "s3cr3t-v@lue-xyz";
    for (vars, marker) in [
        (
            format!("clientSecret = {{ value = \"{value}\", foo = 1 }}\n"),
            "clientSecret",
        ),
        (format!("x = 1\nclientSecret = \"{value}\" oops\n"), "oops"),
        (
            format!("clientSecret = \"{value}-<<nope>>\"\n"),
            "clientSecret",
        ),
        (
            format!("appKey = {{ value = '{value}', secret = true, foo = 1 }}\n"),
            "appKey",
        ),
    ] {
        let case = Case::new()
            .file(
                "w.toml",
                "name = \"W\"\n[[steps]]\nname = \"s\"\nurl = \"http://127.0.0.1:1/\"\n",
            )
            .file("v.toml", &vars)
            .args(["run", "w.toml", "--vars", "v.toml"]);
        let run = case.run().code(2).nowhere(value);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(all.contains("v.toml:"), "{vars}\n{all}");
        assert!(all.contains('«'), "{vars}\n{all}");
        // The caret still under the same text of the line.
        let lines: Vec<&str> = all.lines().collect();
        let i = lines
            .iter()
            .position(|l| l.contains(" | ") && l.contains(marker))
            .unwrap_or_else(|| panic!("{all}"));
        let shown = lines[i].split_once(" | ").unwrap().1;
        let carets = lines[i + 1].split_once(" | ").unwrap().1;
        let column = shown[..shown.find(marker).unwrap()].chars().count();
        assert_eq!(carets.chars().position(|c| c == '^'), Some(column), "{all}");
    }
}

/// `--save-vars` writes a file that `--vars` reads back: an extracted object is written as
/// `{ value = { … } }` (a bare table would be read as the variable's settings), and a null,
/// which TOML cannot write, is named in the header instead.
#[test]
fn saved_vars_load_back_with_vars() {
    let s = TestServer::start();
    let first = Case::new()
        .file(
            "first.toml",
            &at(
                &s,
                r#"
name = "Extract"
[[steps]]
name = "values"
method = "POST"
url = "BASE/echo"
headers = { Content-Type = "application/json" }
body = '{"obj": {"a": 1, "b": {"c": "deep"}}, "list": [1, "two"], "n": 42, "s": "hello", "gone": null}'
extract = { obj = "$.json.obj", list = "$.json.list", n = "$.json.n", s = "$.json.s", gone = "$.json.gone", items = "$.items" }
"#,
            ),
        )
        .args(["run", "first.toml", "--save-vars", "saved.toml"]);
    first.run().code(0);
    let saved = first.read("saved.toml");
    assert!(saved.contains("\nobj = { value = {"), "{saved}");
    let header: Vec<&str> = saved.lines().take_while(|l| l.starts_with('#')).collect();
    assert!(
        header
            .iter()
            .any(|l| l.starts_with("# Not saved") && l.ends_with(": gone")),
        "{saved}"
    );
    assert!(!saved.contains("\ngone"), "{saved}");
    Case::new()
        .file("saved.toml", &saved)
        .file(
            "second.toml",
            &at(
                &s,
                r#"
name = "Use"
[[steps]]
name = "saved values"
method = "POST"
url = "BASE/echo/<<obj.b.c>>"
json = { a = "<<obj.a>>", obj = "<<obj>>", list = "<<list>>", n = "<<n>>", s = "<<s>>", second = "<<items[1].name>>" }
expect.json."$.path" = "/echo/deep"
expect.json."$.json.a" = 1
expect.json."$.json.obj" = { eq = { a = 1, b = { c = "deep" } } }
expect.json."$.json.list" = [1, "two"]
expect.json."$.json.n" = 42
expect.json."$.json.s" = "hello"
expect.json."$.json.second" = "two"
"#,
            ),
        )
        .args(["run", "second.toml", "--vars", "saved.toml"])
        .run()
        .code(0)
        .stdout_has("steps: 1 passed, 0 failed");
}

#[test]
fn a_secret_in_a_latin1_header_is_still_hidden_and_such_a_header_is_read_whole() {
    let s = TestServer::start();
    let secret = "p@ss-café+1";
    let case = case_at(
        &s,
        r#"
name = "latin1"
[[steps]]
name = "echo"
url = "BASE/latin1/<<dbPassword | urlencode>>"
extract = { echoed = { header = "x-echo" } }
expect.headers.x-echo = { contains = "café" }
[[steps]]
name = "plain"
url = "BASE/latin1/caf%C3%A9"
extract = { word = { header = "x-echo" } }
expect.headers.x-echo = "café"
"#,
    )
    .args([
        "run",
        "w.toml",
        "-vv",
        "--var",
        &format!("dbPassword={secret}"),
    ])
    .args(["--report", "json=r.json", "--save-vars", "saved.toml"]);
    let run = case
        .run()
        .code(0)
        .stdout_has("< x-echo: «dbPassword»")
        .nowhere(secret);
    assert!(!case.read("r.json").contains("café+1"), "report");
    assert!(
        case.read("saved.toml").contains("word = \"café\""),
        "{}",
        run.stdout
    );
}

/// A failed expectation shows expected and actual values cut to a readable length; a long
/// secret in them (a JWT, say) is hidden whole before the cut, so no start of it shows.
#[test]
fn a_long_secret_in_a_cut_value_leaves_no_prefix() {
    let s = TestServer::start();
    let token = format!("eyJhbGciOiJSUzI1NiJ9.{}.sig", "PaYlOaD".repeat(60));
    let case = case_at(
        &s,
        r#"
name = "Long secret"
[[steps]]
name = "Echo it"
method = "POST"
url = "BASE/echo"
json = { note = "padding before the token", token = "<<refreshToken>>" }
expect.json."$.json.token" = { type = "number" }
expect.json."$.json" = { eq = "not this" }
expect.json."$.body" = { ne = "<<refreshToken>>", len = 1 }
"#,
    )
    .env("STEPRUN_VAR_refreshToken", &token)
    .args(["run", "w.toml"]);
    run_hiding(case, 1, &[&token[..24], "PaYlOaD"], "«refreshToken»");
}

/// `STEPRUN_LOG=steprun=debug` traces what the tool does (files loaded, requests sent,
/// responses received), with secrets hidden there too.
#[test]
fn the_debug_trace_shows_requests_without_secrets() {
    let s = TestServer::start();
    let case = case_at(
        &s,
        r#"
name = "Traced"
[[steps]]
name = "Echo"
url = "BASE/echo?key=<<apiSecret>>"
"#,
    )
    .env("STEPRUN_VAR_apiSecret", SECRET)
    .env("STEPRUN_LOG", "steprun=debug")
    .args(["run", "w.toml"]);
    let run = case.run().code(0);
    for needle in [
        "loaded",
        "workflow started",
        "sending",
        "received",
        "status=200",
    ] {
        assert!(run.stderr.contains(needle), "{needle}:\n{}", run.stderr);
    }
    assert!(run.stderr.contains("key=«apiSecret»"), "{}", run.stderr);
    assert!(!run.stderr.contains("s3cr3t"), "{}", run.stderr);
    assert!(
        !run.stderr.contains('\u{1b}'),
        "colours into a pipe:\n{}",
        run.stderr
    );
    // The HTTP stack's own events would print a Set-Cookie as it came.
    let login = "name = \"C\"\n[[steps]]\nname = \"Login\"\nurl = \"BASE/login\"\nexpect = { status = 302 }\n";
    let run = case_at(&s, login)
        .env("STEPRUN_LOG", "trace")
        .args(["run", "w.toml"])
        .run()
        .code(0);
    assert!(run.stderr.contains("received"), "{}", run.stderr);
    assert!(!run.stderr.contains("st-value"), "{}", run.stderr);
}

/// Runs `case` with `-vv` and every report, expecting exit `code`: none of `secrets` may
/// show on the console or in a report, and `placeholder` must show on the console.
fn run_hiding(case: Case, code: i32, secrets: &[&str], placeholder: &str) {
    let case = case.args([
        "-vv",
        "--report",
        "json=r.json",
        "--report",
        "junit=r.xml",
        "--report",
        "html=r.html",
    ]);
    let run = case.run().code(code);
    let outputs = [
        run.stdout.clone(),
        run.stderr.clone(),
        case.read("r.json"),
        case.read("r.xml"),
        case.read("r.html"),
    ];
    for text in outputs {
        for secret in secrets {
            assert!(!text.contains(secret), "{secret} shown:\n{text}");
        }
    }
    assert!(run.stdout.contains(placeholder), "{}", run.stdout);
}

/// A server may escape any character of a JSON string (`\u0073`); reporters decode JSON to
/// pretty-print it, so the secret is looked for in the decoded text.
#[test]
fn a_secret_in_a_json_body_with_escaped_characters_is_hidden() {
    let s = TestServer::start();
    let case = case_at(
        &s,
        r#"
name = "Escaped"
[[steps]]
name = "Escaped echo"
url = "BASE/raw"
query = { body = '{"k": "\u0073\u0033cr3t-P@ss\/word", "n": 1}' }
expect.json."$.n" = 2
"#,
    )
    .env("STEPRUN_VAR_apiSecret", SECRET)
    .args(["run", "w.toml"]);
    run_hiding(case, 1, &["3cr3t-P@ss"], "«apiSecret»");
}

/// A step that fails still hides the secrets it extracted (the failure shows the response
/// they came from), before or after a failed extraction, and when its expectations could not
/// be checked; a secret list is hidden element by element, so `<<tokens[0]>>` is hidden too.
#[test]
fn secrets_extracted_by_a_failing_step_or_as_a_list_are_hidden() {
    let s = TestServer::start();
    let case = case_at(
        &s,
        r#"
name = "Failing extractions"
[[steps]]
name = "List"
url = "BASE/secrets"
extract = { tokens = { jsonpath = "$.list", secret = true } }
[[steps]]
name = "Use one"
url = "BASE/echo/<<tokens[0]>>"
"#,
    )
    .args(["run", "w.toml"]);
    run_hiding(case, 0, &["alpha-first", "beta-second"], "/echo/«tokens»");
    // Each failing step alone: the body it shows is the one its secret came from.
    for (step, secret, hidden) in [
        (
            "expect = { status = 500 }\nextract = { myToken = \"$.tok\" }",
            "gamma-third",
            "«myToken»",
        ),
        (
            "extract = { myToken = \"$.other\", missing = \"$.nothing\" }",
            "delta-fourth",
            "«myToken»",
        ),
        (
            "extract = { missing = \"$.nothing\", myToken = \"$.other\" }",
            "delta-fourth",
            "«myToken»",
        ),
        // The expectations cannot even be checked (a template fails at run time).
        (
            "expect.json.\"$.tok\" = \"<<random_string(99999)>>\"\nextract = { myToken = \"$.tok\" }",
            "gamma-third",
            "«myToken»",
        ),
    ] {
        let workflow = format!(
            "name = \"Fails\"\n[[steps]]\nname = \"Fails\"\nurl = \"BASE/secrets\"\n{step}\n"
        );
        run_hiding(
            case_at(&s, &workflow).args(["run", "w.toml"]),
            1,
            &[secret],
            hidden,
        );
    }
}

/// A variable whose value is made from a secret is secret too (unless declared otherwise):
/// a Basic credential built by hand is hidden when sent and left out of `--save-vars`.
#[test]
fn a_variable_made_from_a_secret_is_secret() {
    let s = TestServer::start();
    let encoded = base64_of("bob:PWDbbbb2222");
    let case = case_at(
        &s,
        r#"
name = "Derived"
[vars]
myPassword = "PWDbbbb2222"
authz = "Basic <<('bob:' ~ myPassword) | base64>>"
shown = { value = "<<myPassword | length>> characters", secret = false }
[[steps]]
name = "Send it"
url = "BASE/echo"
headers = { X-Auth = "<<authz>>", X-Shown = "<<shown>>" }
"#,
    )
    .args(["run", "w.toml", "-vv", "--save-vars", "saved.toml"]);
    let run = case.run().code(0);
    let saved = case.read("saved.toml");
    for text in [&run.stdout, &run.stderr, &saved] {
        assert!(!text.contains(&encoded), "derived secret shown:\n{text}");
    }
    assert!(run.stdout.contains("x-auth: «authz»"), "{}", run.stdout);
    assert!(run.stdout.contains("11 characters"), "{}", run.stdout);
    assert!(saved.contains("authz"), "{saved}");
}

/// A vars file's declaration decides what a value extracted under its name is: `secret =
/// false` keeps a secret-looking name visible, as it does for the file's own value.
#[test]
fn a_declared_secrecy_applies_to_a_value_extracted_under_that_name() {
    let s = TestServer::start();
    let case = case_at(
        &s,
        r#"
name = "Declared"
[[steps]]
name = "Extract"
url = "BASE/secrets"
extract = { myToken = "$.tok", apiKey = "$.other" }
"#,
    )
    .file(
        "v.toml",
        "myToken = { value = \"placeholder\", secret = false }\napiKey = { value = \"x-placeholder\", secret = true }\n",
    )
    .args(["run", "w.toml", "--vars", "v.toml", "--save-vars", "saved.toml"]);
    case.run().code(0);
    let saved = case.read("saved.toml");
    assert!(
        saved.contains("myToken = \"gamma-third-secret\""),
        "{saved}"
    );
    assert!(!saved.contains("delta-fourth"), "{saved}");
}
