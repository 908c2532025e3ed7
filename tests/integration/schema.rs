//! `steprun schema` prints a JSON Schema that agrees with the loader: what `check` accepts
//! validates, and the mistakes `check` rejects do not.

use crate::harness::Case;

/// Every form of the README's Workflow format in one workflow (it `use`s `other.toml` and uploads `a.txt`).
const EVERY_FORM: &str = r#"
name = "All forms"
description = "Markdown"
tags = ["a"]
requires = ["apiPath"]
fragment = false
[vars]
plain = "x"
count = 2
list = [1, 2]
fromEnv = { env = "STEPRUN_SCHEMA_TEST_UNSET", value = "fallback", secret = false }
[defaults]
auth = { bearer = "<<t>>" }
headers = { Accept = "application/json" }
timeout = "30s"
follow_redirects = false
expect = { duration = { lt = "2s" } }
[[steps]]
use = "other.toml"
name = "Inline"
when = "true"
[[steps]]
name = "Everything"
doc = "Doc"
method = "POST"
url = "<<apiPath>>/x"
query = { a = "1", n = 2 }
headers = { X-Y = "z" }
auth = { basic = { username = "u", password = "p" } }
json = { any = ["thing", 1] }
content_type = "application/vnd.x+json"
follow_redirects = true
max_redirects = 3
timeout = "1.5s"
delay = "500ms"
retry = { attempts = 3, interval = "1s" }
insecure = true
prompt = { otp = "Code?" }
cleanup = { method = "DELETE", url = "<<apiPath>>/x/<<id>>", auth = "none" }
[steps.expect]
status = [200, 201]
body = { contains = "x" }
duration = { lt = "800ms", gte = "1ms" }
[steps.expect.json]
"$.status" = "COMPLETED"
"$.list" = { len = 1 }
"$.id" = { exists = true }
"$.n" = { gt = 0, lte = "<<max>>" }
"$.t" = { type = "string", in = ["a", "b"] }
"$.obj" = { eq = { a = 1 } }
"$.lit" = { a = 1 }
"$.user" = { id = "u1", type = "USER" }
"$.none" = {}
[steps.expect.headers]
Location = { contains = "flowId=" }
[steps.extract]
id = "$.id"
token = { jsonpath = "$.access_token", secret = true }
flow = { header = "Location", query = "flowId" }
idt = { header = "Location", fragment = "id_token" }
st = { cookie = "ST", optional = true }
code = { body = true, regex = "code=([^&]+)" }
sub = { jsonpath = "$.t", jwt = "$.sub" }
where = { url = true }
s = { status = true }
nid = { header = "Location", query = "SAMLResponse", saml = "$.nameId" }
aud = { body = true, saml = "$.audience", optional = true }
[steps.expect.saml]
"$.nameId" = "<<plain>>"
"$.signed" = false
"$.audiences" = { len = 1 }
[steps.expect.vars]
id = { exists = true }
plain = "x"
nid = { ne = "<<id>>" }
[[steps]]
name = "Upload"
url = "http://h/u"
expect = { status = "<<code>>" }
multipart = { field = "v", file = { file = "a.txt", content_type = "text/plain" } }
[[steps]]
name = "Raw file and a signed JWT"
method = "PUT"
url = "http://h/f"
body = { file = "a.txt" }
content_type = "text/plain"
headers = { X-Assertion = "<<jwt_sign({'sub': plain, 'iat': timestamp()}, key=t, alg='HS256', kid='k1')>>" }
"#;

const OTHER: &str = "name = \"Other\"\nfragment = true\n[requires]\nvars = [\"apiPath\"]\nroles = [\"Environment Admin\"]\nproducts = [\"PingOne MFA\"]\n[[steps]]\nname = \"o\"\nurl = \"http://h/o\"\n";

/// A valid workflow with one step, to add a mistake to.
const STEP: &str = "name = \"w\"\n[[steps]]\nname = \"s\"\nurl = \"http://h\"\n";

fn schema() -> (serde_json::Value, jsonschema::Validator) {
    let run = Case::new().args(["schema"]).run().code(0);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    (schema, validator)
}

fn is_valid(validator: &jsonschema::Validator, toml_text: &str) -> bool {
    let value: toml::Value = toml::from_str(toml_text).expect("sample TOML parses");
    validator.is_valid(&serde_json::to_value(value).expect("TOML as JSON"))
}

#[test]
fn schema_is_pretty_json_schema_2020_12() {
    let (schema, _) = schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["title"], "steprun workflow");
    assert_eq!(schema["additionalProperties"], false);
    let step = &schema["$defs"]["Step"];
    assert_eq!(step["additionalProperties"], false);
    assert!(step["properties"]["doc"]["description"].is_string());
}

#[test]
fn every_form_the_loader_accepts_validates() {
    let (_, validator) = schema();
    assert!(is_valid(&validator, EVERY_FORM));
    assert!(is_valid(&validator, OTHER));
    let vars = ["apiPath=http://h", "t=x", "max=3", "code=200"];
    let mut args = vec!["check", "w.toml"];
    for var in &vars {
        args.extend(["--var", var]);
    }
    Case::new()
        .file("w.toml", EVERY_FORM)
        .file("other.toml", OTHER)
        .file("a.txt", "text")
        .args(args)
        .run()
        .code(0);
}

#[test]
fn mistakes_are_rejected_by_the_schema_and_the_loader() {
    let (_, validator) = schema();
    let mistakes = [
        (
            "unknown top-level key",
            "name = \"w\"\ntitle = \"x\"\n".to_owned(),
        ),
        ("missing name", "description = \"x\"\n".to_owned()),
        (
            "unknown admin role",
            "name = \"w\"\n[requires]\nroles = [\"Environment Admn\"]\n".to_owned(),
        ),
        (
            "unknown product",
            "name = \"w\"\n[requires]\nproducts = [\"PingOne Risk\"]\n".to_owned(),
        ),
        (
            "unknown requires key",
            "name = \"w\"\n[requires]\nrole = [\"Environment Admin\"]\n".to_owned(),
        ),
        ("unknown step key", format!("{STEP}urll = \"x\"\n")),
        (
            "step without url",
            "name = \"w\"\n[[steps]]\nname = \"s\"\n".to_owned(),
        ),
        (
            "use with a request key",
            "name = \"w\"\n[[steps]]\nuse = \"o.toml\"\nurl = \"x\"\n".to_owned(),
        ),
        ("two bodies", format!("{STEP}json = {{}}\nbody = \"x\"\n")),
        (
            "body file with another key",
            format!("{STEP}body = {{ file = \"a\", type = \"x\" }}\n"),
        ),
        ("body as a number", format!("{STEP}body = 3\n")),
        (
            "saml modifier not a string",
            format!("{STEP}extract = {{ a = {{ body = true, saml = true }} }}\n"),
        ),
        (
            "unknown key under expect.saml's parent",
            format!("{STEP}expect = {{ samll = {{ \"$.a\" = 1 }} }}\n"),
        ),
        ("bad auth", format!("{STEP}auth = {{ token = \"x\" }}\n")),
        ("auth string", format!("{STEP}auth = \"basic\"\n")),
        ("bad duration", format!("{STEP}timeout = \"30\"\n")),
        ("bad status", format!("{STEP}expect = {{ status = 99 }}\n")),
        (
            "bad duration limit",
            format!("{STEP}expect.duration = {{ lt = \"fast\" }}\n"),
        ),
        (
            "unknown duration predicate",
            format!("{STEP}expect.duration = {{ eq = \"1s\" }}\n"),
        ),
        (
            "a default expectation other than duration",
            "name = \"w\"\n[defaults.expect]\nstatus = 200\n".to_owned(),
        ),
        (
            "unknown expect key",
            format!("{STEP}expect = {{ code = 200 }}\n"),
        ),
        (
            "a header table that is not all predicates",
            format!("{STEP}expect.headers.Location = {{ contains = \"x\", foo = 2 }}\n"),
        ),
        (
            "bad predicate argument",
            format!("{STEP}expect.json.\"$.a\" = {{ exists = \"yes\" }}\n"),
        ),
        (
            "two extraction sources",
            format!("{STEP}extract = {{ a = {{ header = \"L\", cookie = \"C\" }} }}\n"),
        ),
        (
            "no extraction source",
            format!("{STEP}extract = {{ a = {{ regex = \"x\" }} }}\n"),
        ),
        (
            "query and fragment",
            format!(
                "{STEP}extract = {{ a = {{ header = \"L\", query = \"q\", fragment = \"f\" }} }}\n"
            ),
        ),
        (
            "status = false",
            format!("{STEP}extract = {{ a = {{ status = false }} }}\n"),
        ),
        (
            "bad variable name",
            format!("{STEP}extract = {{ \"a-b\" = \"$.x\" }}\n"),
        ),
        (
            "unknown var table key",
            "name = \"w\"\n[vars]\na = { default = 1 }\n".to_owned(),
        ),
        (
            "var table without value",
            "name = \"w\"\n[vars]\na = { secret = true }\n".to_owned(),
        ),
        (
            "cleanup with extract",
            format!("{STEP}cleanup = {{ url = \"x\", extract = {{ a = \"$.a\" }} }}\n"),
        ),
        (
            "cleanup with prompt",
            format!("{STEP}cleanup = {{ url = \"x\", prompt = {{ a = \"?\" }} }}\n"),
        ),
        (
            "retry without attempts",
            format!("{STEP}retry = {{ interval = \"1s\" }}\n"),
        ),
        (
            "retry of zero",
            format!("{STEP}retry = {{ attempts = 0 }}\n"),
        ),
        (
            "unknown defaults key",
            "name = \"w\"\n[defaults]\nmethod = \"GET\"\n".to_owned(),
        ),
    ];
    for (what, text) in mistakes {
        assert!(
            !is_valid(&validator, &text),
            "schema accepts {what}:\n{text}"
        );
        let run = Case::new()
            .file("w.toml", &text)
            .file("o.toml", OTHER)
            .args(["check", "w.toml"])
            .run();
        assert_eq!(run.code, 2, "check accepts {what}:\n{text}\n{}", run.stderr);
    }
}
