//! `steprun run` against a real local server: requests, variables, extraction, expectations.

use crate::harness::{Case, Run};
use crate::server::TestServer;

/// Replaces `BASE` in a workflow text with the server's URL.
pub fn at(server: &TestServer, text: &str) -> String {
    text.replace("BASE", &server.base)
}

/// A fresh directory holding `workflow` as `w.toml`, with `BASE` at `server`.
pub fn case_at(server: &TestServer, workflow: &str) -> Case {
    Case::new().file("w.toml", &at(server, workflow))
}

/// `steprun run w.toml ARGS…` of `workflow` (with `BASE` at `server`), in a fresh directory.
pub fn run_at(server: &TestServer, workflow: &str, args: &[&str]) -> Run {
    case_at(server, workflow)
        .args(["run", "w.toml"])
        .args(args.iter().copied())
        .run()
}

#[test]
fn chained_steps_pass_and_extract() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                r#"
name = "Chain"
[vars]
who = "ada"

[[steps]]
name = "Create"
method = "POST"
url = "BASE/items"
json = { name = "<<who>>", n = 1 }
expect = { status = 201 }
extract = { itemID = "$.id", loc = { header = "Location" } }

[[steps]]
name = "Echo it"
method = "PUT"
url = "BASE/echo/<<itemID>>"
query = { q = "a b&c", n = 3 }
headers = { X-Item = "<<itemID>>" }
json = { id = "<<itemID>>", count = "<<2>>" }
[steps.expect]
status = 200
[steps.expect.json]
"$.path" = "/echo/item-1"
"$.query" = "q=a+b%26c&n=3"
"$.headers['x-item']" = "item-1"
"$.json.count" = 2
"$.json.id" = { eq = "item-1", type = "string", len = 6 }
"$.items[*].id" = ["a", "b"]
"$.items" = { len = 2 }
"$.missing" = { exists = false }
"#,
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(0)
        .stdout_has("Create")
        .stdout_has("itemID")
        .stdout_has("Echo it");
}

#[test]
fn failed_expectation_exits_1_and_skips_the_rest() {
    let s = TestServer::start();
    let run = Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                r#"
name = "Fails"
[[steps]]
name = "Wrong status"
url = "BASE/status/404"
expect = { status = 200, json = { "$.status" = 200 } }
[[steps]]
name = "Never sent"
url = "BASE/echo"
"#,
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(1)
        .stdout_has("404")
        .stdout_has("Never sent");
    // the expected and actual values are both shown
    assert!(run.stdout.contains("200"), "{}", run.stdout);
    assert_eq!(s.hits(), 1, "the second step must not be sent");
}

#[test]
fn without_status_any_2xx_passes_and_others_fail() {
    let s = TestServer::start();
    Case::new()
        .file(
            "ok.toml",
            &at(
                &s,
                "name = \"ok\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/status/204\"\n",
            ),
        )
        .file(
            "bad.toml",
            &at(
                &s,
                "name = \"bad\"\n[[steps]]\nname = \"b\"\nurl = \"BASE/status/500\"\n",
            ),
        )
        .args(["run", "ok.toml"])
        .run()
        .code(0);
    Case::new()
        .file(
            "bad.toml",
            &at(
                &s,
                "name = \"bad\"\n[[steps]]\nname = \"b\"\nurl = \"BASE/status/302\"\n",
            ),
        )
        .args(["run", "bad.toml"])
        .run()
        .code(1);
}

#[test]
fn variables_layer_in_precedence_order() {
    let s = TestServer::start();
    let case = Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                r#"
name = "Layers"
[vars]
a = "workflow"
b = "workflow"
c = "workflow"
d = "workflow"
[[steps]]
name = "Echo"
url = "BASE/echo"
query = { a = "<<a>>", b = "<<b>>", c = "<<c>>", d = "<<d>>" }
expect.json."$.query" = "a=workflow&b=file2&c=env&d=cli"
"#,
            ),
        )
        .file("v1.toml", "b = \"file1\"\nc = \"file1\"\nd = \"file1\"\n")
        .file("v2.toml", "b = \"file2\"\nc = \"file2\"\n")
        .env("STEPRUN_VAR_c", "env")
        .env("STEPRUN_VAR_d", "env")
        .args([
            "run", "w.toml", "--vars", "v1.toml", "--vars", "v2.toml", "--var", "d=cli",
        ]);
    case.run().code(0);
}

#[test]
fn vars_file_env_entries_and_nested_references() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            "name = \"Nested\"\n[[steps]]\nname = \"Echo\"\nurl = \"<<apiPath>>/echo\"\nheaders = { X-Key = \"<<key>>\" }\nexpect.json.\"$.headers['x-key']\" = \"from-env\"\nexpect.json.\"$.path\" = \"/echo\"\n",
        )
        .file(
            "v.toml",
            &format!("host = \"{}\"\napiPath = \"<<host>>\"\nkey = {{ env = \"MY_KEY\", value = \"fallback\" }}\n", s.base),
        )
        .env("MY_KEY", "from-env")
        .args(["run", "w.toml", "--vars", "v.toml"])
        .run()
        .code(0);
}

#[test]
fn missing_env_var_without_fallback_is_invalid_input() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo?k=<<key>>\"\n",
            ),
        )
        .file("v.toml", "key = { env = \"STEPRUN_TEST_SURELY_UNSET\" }\n")
        .args(["run", "w.toml", "--vars", "v.toml"])
        .run()
        .code(2)
        .stderr_has("STEPRUN_TEST_SURELY_UNSET");
    assert_eq!(s.hits(), 0);
}

#[test]
fn extracted_values_are_visible_to_later_workflows() {
    let s = TestServer::start();
    Case::new()
        .file("a.toml", &at(&s, "name = \"A\"\n[[steps]]\nname = \"Create\"\nmethod = \"POST\"\nurl = \"BASE/items\"\njson = {}\nextract = { itemID = \"$.id\" }\n"))
        .file("b.toml", &at(&s, "name = \"B\"\n[[steps]]\nname = \"Use\"\nurl = \"BASE/echo/<<itemID>>\"\nexpect.json.\"$.path\" = \"/echo/item-1\"\n"))
        .args(["run", "a.toml", "b.toml"])
        .run()
        .code(0);
}

#[test]
fn form_raw_and_content_type_bodies() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                r#"
name = "Bodies"
[vars]
pw = 'a"b&c'
[[steps]]
name = "Form"
method = "POST"
url = "BASE/echo"
form = { grant_type = "client_credentials", scope = "a b", pw = "<<pw>>" }
[steps.expect.json]
"$.body" = "grant_type=client_credentials&scope=a+b&pw=a%22b%26c"
"$.headers['content-type']" = "application/x-www-form-urlencoded"
[[steps]]
name = "Custom media type"
method = "POST"
url = "BASE/echo"
content_type = "application/vnd.pingidentity.usernamePassword.check+json"
json = { username = "u", password = "<<pw>>" }
[steps.expect.json]
"$.headers['content-type']" = "application/vnd.pingidentity.usernamePassword.check+json"
"$.json.password" = 'a"b&c'
[[steps]]
name = "Raw"
method = "POST"
url = "BASE/echo"
body = "{{ not a template }} <<pw>>"
expect.json."$.body" = '{{ not a template }} a"b&c'
"#,
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(0);
}

#[test]
fn when_skips_and_defaults_apply() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                r#"
name = "When"
[vars]
target = "real"
[defaults]
headers = { X-Default = "yes" }
auth = { bearer = "tok-123" }
[[steps]]
name = "Sandbox only"
when = "target == 'sandbox'"
url = "BASE/status/500"
[[steps]]
name = "Always"
url = "BASE/echo"
[steps.expect.json]
"$.headers['x-default']" = "yes"
"$.headers.authorization" = "Bearer tok-123"
[[steps]]
name = "No auth"
auth = "none"
url = "BASE/echo"
expect.json."$.headers.authorization" = { exists = false }
"#,
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(0)
        .stdout_has("skipped");
}

#[test]
fn use_inlines_steps_and_vars() {
    let s = TestServer::start();
    Case::new()
        .file(
            "common/create.toml",
            &at(&s, "name = \"Create item\"\nfragment = true\n[vars]\nitemName = \"from-fragment\"\n[[steps]]\nname = \"Create\"\nmethod = \"POST\"\nurl = \"BASE/items\"\njson = { name = \"<<itemName>>\" }\nexpect.status = 201\nextract = { itemID = \"$.id\", itemName2 = \"$.name\" }\n"),
        )
        .file(
            "flows/main.toml",
            &at(&s, "name = \"Main\"\n[vars]\nitemName = \"overridden\"\n[[steps]]\nuse = \"../common/create.toml\"\n[[steps]]\nname = \"Check\"\nurl = \"BASE/echo/<<itemID>>/<<itemName2>>\"\nexpect.json.\"$.path\" = \"/echo/item-1/overridden\"\n"),
        )
        .args(["run", "."])
        .run()
        .code(0)
        .stdout_has("Main")
        .stdout_has("1 workflow");
}

#[test]
fn cleanups_run_in_reverse_even_after_a_failure() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                r#"
name = "Cleanups"
[[steps]]
name = "First"
method = "POST"
url = "BASE/items"
json = {}
extract = { a = "$.id" }
cleanup = { method = "DELETE", url = "BASE/items/<<a>>", expect = { status = 204 } }
[[steps]]
name = "Second"
method = "POST"
url = "BASE/items"
json = {}
extract = { b = "$.id" }
cleanup = { method = "DELETE", url = "BASE/items/<<b>>" }
[[steps]]
name = "Boom"
url = "BASE/status/500"
"#,
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(1);
    assert_eq!(s.deleted(), vec!["item-2".to_owned(), "item-1".to_owned()]);
}

#[test]
fn keep_skips_cleanups() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(&s, "name = \"K\"\n[[steps]]\nname = \"Create\"\nmethod = \"POST\"\nurl = \"BASE/items\"\njson = {}\nextract = { a = \"$.id\" }\ncleanup = { method = \"DELETE\", url = \"BASE/items/<<a>>\" }\n"),
        )
        .args(["run", "w.toml", "--keep"])
        .run()
        .code(0);
    assert!(s.deleted().is_empty());
}

#[test]
fn fail_fast_stops_after_the_first_failed_workflow() {
    let s = TestServer::start();
    Case::new()
        .file(
            "a.toml",
            &at(
                &s,
                "name = \"A\"\n[[steps]]\nname = \"fail\"\nurl = \"BASE/status/500\"\n",
            ),
        )
        .file(
            "b.toml",
            &at(
                &s,
                "name = \"B\"\n[[steps]]\nname = \"ok\"\nurl = \"BASE/echo\"\n",
            ),
        )
        .args(["run", "a.toml", "b.toml", "--fail-fast"])
        .run()
        .code(1);
    assert_eq!(s.hits(), 1);
}

#[test]
fn tags_select_workflows() {
    let s = TestServer::start();
    Case::new()
        .file("a.toml", &at(&s, "name = \"A\"\ntags = [\"smoke\"]\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\n"))
        .file("b.toml", &at(&s, "name = \"B\"\ntags = [\"slow\"]\n[[steps]]\nname = \"b\"\nurl = \"BASE/status/500\"\n"))
        .args(["run", ".", "--tag", "smoke"])
        .run()
        .code(0);
    assert_eq!(s.hits(), 1);
}

/// `--skip-tag` leaves out what a person must answer (CI runs the rest unattended), and wins
/// over `--tag`; `list` takes it too.
#[test]
fn skip_tags_leave_workflows_out() {
    let s = TestServer::start();
    let case = Case::new()
        .file("a.toml", &at(&s, "name = \"A\"\ntags = [\"smoke\"]\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\n"))
        .file("b.toml", &at(&s, "name = \"B\"\ntags = [\"smoke\", \"interactive\"]\n[[steps]]\nname = \"b\"\nurl = \"BASE/status/500\"\n"))
        .file("c.toml", &at(&s, "name = \"C\"\n[[steps]]\nname = \"c\"\nurl = \"BASE/echo\"\n"));
    let case = case.args(["run", ".", "--skip-tag", "interactive"]);
    case.run().code(0).stdout_has("2 passed");
    assert_eq!(s.hits(), 2);
    Case::new()
        .file("a.toml", "name = \"A\"\ntags = [\"smoke\", \"interactive\"]\n[[steps]]\nname = \"a\"\nurl = \"http://127.0.0.1:9/\"\n")
        .args(["run", ".", "--tag", "smoke", "--skip-tag", "interactive"])
        .run()
        .code(2)
        .stderr_has("no workflow in . has the tag smoke and lacks the tag interactive");
    Case::new()
        .file("a.toml", "name = \"Kept\"\n[[steps]]\nname = \"a\"\nurl = \"http://127.0.0.1:9/\"\n")
        .file("b.toml", "name = \"Left out\"\ntags = [\"interactive\"]\n[[steps]]\nname = \"b\"\nurl = \"http://127.0.0.1:9/\"\n")
        .args(["list", ".", "--skip-tag", "interactive"])
        .run()
        .code(0)
        .stdout_has("Kept")
        .nowhere("Left out");
}

#[test]
fn matrix_runs_each_vars_file() {
    let s = TestServer::start();
    let run = Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                "name = \"M\"\n[[steps]]\nname = \"hit\"\nurl = \"BASE/echo/<<region>>\"\n",
            ),
        )
        .file("envs/eu.toml", "region = \"eu\"\n")
        .file("envs/us.toml", "region = \"us\"\n")
        .args(["run", "w.toml", "--matrix", "envs/*.toml", "--jobs", "2"])
        .run()
        .code(0);
    assert!(
        run.stdout.contains("eu") && run.stdout.contains("us"),
        "{}",
        run.stdout
    );
    assert_eq!(s.hits(), 2);
}

#[test]
fn an_extraction_declared_secret_false_stays_visible() {
    let s = TestServer::start();
    let case = case_at(
        &s,
        r#"
name = "x"
[[steps]]
name = "read"
url = "BASE/echo/visible-path"
extract = { tokenType = { jsonpath = "$.path", secret = false }, typeToken = { header = "content-type" } }
[[steps]]
name = "use"
url = "BASE/echo/<<tokenType>>"
"#,
    )
        .args(["run", "w.toml", "-v", "--save-vars", "saved.toml"]);
    let run = case.run().code(0);
    assert!(
        run.stdout.contains("GET /echo//echo/visible-path"),
        "{}",
        run.stdout
    );
    let saved = case.read("saved.toml");
    assert!(
        saved.contains("tokenType = \"/echo/visible-path\""),
        "{saved}"
    );
    // Without the flag the name decides: `typeToken` is a secret.
    assert!(!saved.contains("typeToken ="), "{saved}");
    assert!(saved.contains("typeToken"), "named as not saved: {saved}");
}

#[test]
fn a_table_mixing_predicate_names_with_other_keys_is_a_literal() {
    let s = TestServer::start();
    let workflow = |expected: &str| {
        format!(
            "name = \"x\"\n[[steps]]\nname = \"a\"\nmethod = \"POST\"\nurl = \"BASE/echo\"\njson = {{ id = \"u1\", type = \"USER\" }}\nexpect.json.\"$.json\" = {expected}\n"
        )
    };
    run_at(&s, &workflow("{ id = \"u1\", type = \"USER\" }"), &[]).code(0);
    run_at(&s, &workflow("{ id = \"u2\", type = \"USER\" }"), &[])
        .code(1)
        .stdout_has("$.json: expected (-) / actual (+)")
        .stdout_has("-   \"id\": \"u2\",\n")
        .stdout_has("+   \"id\": \"u1\",\n");
}
