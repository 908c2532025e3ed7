//! Unit tests of the script patterns.

use serde_json::json;

use super::*;
use crate::import::js::Segment;

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

fn body(path: &[&str]) -> Origin {
    Origin::Body(
        path.iter()
            .map(|p| match p.parse() {
                Ok(i) => Segment::Index(i),
                Err(_) => Segment::Key((*p).to_owned()),
            })
            .collect(),
    )
}

#[test]
fn environment_sets_from_the_json_body_become_extractions() {
    let out = read(
        &lines(
            r#"var jsonData = pm.response.json();
pm.environment.set("popID", jsonData.id);
pm.collectionVariables.set('first', jsonData._embedded.users[0]["user-id"]);
pm.globals.set("tok", pm.response.json().access_token);
pm.variables.set("uid", jsonData.data?.user?.["id"]);
pm.environment.set("openidID", jsonData._embedded.resources.find(r => r.name === 'openid').id);
var legacy = JSON.parse(responseBody);
postman.setEnvironmentVariable("appID", legacy.id);"#,
        ),
        Kind::Test,
    );
    assert!(out.unconverted.is_empty(), "{:?}", out.unconverted);
    assert_eq!(
        out.extract,
        [
            ("popID".to_owned(), body(&["id"])),
            (
                "first".to_owned(),
                body(&["_embedded", "users", "0", "user-id"])
            ),
            ("tok".to_owned(), body(&["access_token"])),
            ("uid".to_owned(), body(&["data", "user", "id"])),
            (
                "openidID".to_owned(),
                Origin::Body(vec![
                    Segment::Key("_embedded".into()),
                    Segment::Key("resources".into()),
                    Segment::Find("name".into(), json!("openid")),
                    Segment::Key("id".into()),
                ])
            ),
            ("appID".to_owned(), body(&["id"])),
        ]
    );
    assert_eq!(
        js::jsonpath(&[
            Segment::Key("_embedded".into()),
            Segment::Index(0),
            Segment::Key("user-id".into())
        ]),
        "$._embedded[0]['user-id']"
    );
    assert_eq!(
        js::jsonpath(&[
            Segment::Key("resources".into()),
            Segment::Find("name".into(), json!("openid")),
            Segment::Key("id".into())
        ]),
        "$.resources[?@.name == 'openid'].id"
    );
}

#[test]
fn location_header_idioms_become_header_query_extractions() {
    let out = read(
        &lines(
            r#"var location = pm.response.headers.get("Location");
var flowId = location.split("flowId=")[1];
pm.environment.set("flowID", flowId);
pm.environment.set("code", pm.response.headers.get("Location").match(/code=([^&]*)/)[1]);
pm.environment.set("loc", postman.getResponseHeader("Location"));
pm.environment.set("rid", location.split("?rid=")[1].split("&")[0]);
pm.environment.set("tok", location.match(/#access_token=([^&]+)/)[1]);"#,
        ),
        Kind::Test,
    );
    assert!(out.unconverted.is_empty(), "{:?}", out.unconverted);
    let header = |query: Option<&str>, regex: Option<&str>| Origin::Header {
        name: "Location".into(),
        query: query.map(Into::into),
        regex: regex.map(Into::into),
    };
    assert_eq!(
        out.extract[0],
        ("flowID".into(), header(Some("flowId"), None))
    );
    assert_eq!(out.extract[1], ("code".into(), header(Some("code"), None)));
    assert_eq!(out.extract[2], ("loc".into(), header(None, None)));
    assert_eq!(out.extract[3], ("rid".into(), header(Some("rid"), None)));
    assert_eq!(
        out.extract[4],
        ("tok".into(), header(None, Some("#access_token=([^&]+)")))
    );
}

#[test]
fn status_and_body_checks_become_expectations() {
    let out = read(
        &lines(
            r#"pm.test("Status code is 201", function () {
    pm.response.to.have.status(201);
});
var jsonData = pm.response.json();
pm.test("completed", () => { pm.expect(jsonData.status).to.eql("COMPLETED"); });
pm.expect(jsonData).to.have.property('access_token');
pm.expect(jsonData.count).to.equal(2);
pm.expect(jsonData.name).to.include("pop");
pm.expect(pm.response.json().id).to.eql(pm.environment.get("popID"));"#,
        ),
        Kind::Test,
    );
    assert!(out.unconverted.is_empty(), "{:?}", out.unconverted);
    assert_eq!(out.status, Some(vec![201]));
    assert_eq!(
        out.expect_json,
        [
            ("$.status".to_owned(), Check::Eq(json!("COMPLETED"))),
            (
                "$.access_token".to_owned(),
                Check::Predicate("exists", json!(true))
            ),
            ("$.count".to_owned(), Check::Eq(json!(2))),
            (
                "$.name".to_owned(),
                Check::Predicate("contains", json!("pop"))
            ),
            ("$.id".to_owned(), Check::Eq(json!("{{popID}}"))),
        ]
    );
    let out = read(
        &lines("pm.expect(pm.response.code).to.be.oneOf([200, 201]);"),
        Kind::Test,
    );
    assert_eq!(out.status, Some(vec![200, 201]));
    let out = read(
        &lines("pm.expect(pm.response.code).to.eql(204)"),
        Kind::Test,
    );
    assert_eq!(out.status, Some(vec![204]));
    let out = read(
        &lines(r#"pm.test("Created", () => pm.response.to.have.status(201));"#),
        Kind::Test,
    );
    assert!(out.unconverted.is_empty(), "{:?}", out.unconverted);
    assert_eq!(out.status, Some(vec![201]));
}

#[test]
fn other_lines_are_kept_and_unconverted_sets_named() {
    let out = read(
        &lines(
            r#"// keep me
var jsonData = pm.response.json();
console.log(jsonData);
pm.environment.set("n", jsonData.items.length());
if (jsonData.id) { pm.environment.set("x", jsonData.id); }"#,
        ),
        Kind::Test,
    );
    assert_eq!(
        out.unconverted,
        [
            "// keep me",
            "var jsonData = pm.response.json();",
            "console.log(jsonData);",
            "pm.environment.set(\"n\", jsonData.items.length());",
        ]
    );
    assert_eq!(out.unresolved_sets, ["n"]);
    assert_eq!(out.extract, [("x".to_owned(), body(&["id"]))]);
    assert_eq!(out.optional, ["x"]);
}

#[test]
fn pre_request_scripts_convert_only_literal_sets() {
    let out = read(
        &lines(
            r#"pm.environment.set("redirectUri", "https://example.com/cb");
pm.environment.set("copy", pm.environment.get("other"));
pm.environment.set("stamp", Date.now());"#,
        ),
        Kind::PreRequest,
    );
    assert_eq!(
        out.literals,
        [
            ("redirectUri".to_owned(), json!("https://example.com/cb")),
            ("copy".to_owned(), json!("{{other}}")),
        ]
    );
    assert_eq!(out.unconverted.len(), 1);
    assert_eq!(out.unresolved_sets, ["stamp"]);
}

#[test]
fn statements_split_outside_strings_and_regexes() {
    let (s, comment) = js::statements(r#"a("x;{y}"); b(/a;b/g) // c"#);
    assert_eq!(s, [r#"a("x;{y}")"#, "b(/a;b/g)"]);
    assert!(!comment);
    let (s, comment) = js::statements("  // only a comment");
    assert!(s.is_empty() && comment);
}

#[test]
fn every_unconverted_line_is_kept_in_order_with_its_braces_and_declarations() {
    // The PKCE collection's test script: only the wrappers and converted lines go.
    let out = read(
        &lines(
            r#"const codeVerifier = pm.environment.get("code_verifier");
const codeChallenge = pm.environment.get("code_challenge");
var unused = pm.environment.get("other");
if (codeVerifier && codeChallenge) {
    pm.test("PKCE codes generated", function () {
        pm.expect(codeVerifier).to.be.a("string");
    });
} else {
    console.log("missing");
}
pm.test("Status code is 200", function () {
    pm.response.to.have.status(200);
});"#,
        ),
        Kind::Test,
    );
    assert_eq!(
        out.unconverted,
        [
            "const codeVerifier = pm.environment.get(\"code_verifier\");",
            "const codeChallenge = pm.environment.get(\"code_challenge\");",
            "var unused = pm.environment.get(\"other\");",
            "if (codeVerifier && codeChallenge) {",
            "    pm.test(\"PKCE codes generated\", function () {",
            "        pm.expect(codeVerifier).to.be.a(\"string\");",
            "    });",
            "} else {",
            "    console.log(\"missing\");",
            "}",
        ]
    );
    assert_eq!(out.status, Some(vec![200]));
}

#[test]
fn guarded_sets_are_optional_extractions_in_both_forms() {
    let out = read(
        &lines(
            r#"var jsonData = pm.response.json();
if (jsonData.access_token) pm.environment.set("access_token", jsonData.access_token);
if (jsonData.id_token) {
    pm.environment.set("id_token", jsonData.id_token);
}
if (jsonData.refresh_token) {
    pm.environment.set("refresh_token", jsonData.refresh_token);
    console.log("refreshed");
}"#,
        ),
        Kind::Test,
    );
    assert_eq!(
        out.extract,
        [
            ("access_token".to_owned(), body(&["access_token"])),
            ("id_token".to_owned(), body(&["id_token"])),
            ("refresh_token".to_owned(), body(&["refresh_token"])),
        ]
    );
    assert_eq!(out.optional, ["access_token", "id_token", "refresh_token"]);
    // A guard around a kept line is kept with it.
    assert_eq!(
        out.unconverted,
        [
            "var jsonData = pm.response.json();",
            "if (jsonData.refresh_token) {",
            "    console.log(\"refreshed\");",
            "}",
        ]
    );
}

#[test]
fn a_length_is_a_len_check_and_never_a_jsonpath_member() {
    let out = read(
        &lines(
            r#"var jsonData = pm.response.json();
pm.environment.set("n", jsonData._embedded.populations.length);
pm.expect(jsonData._embedded.populations.length).to.eql(1);
pm.expect(jsonData.items.length).to.equal(3);
pm.expect(jsonData.name.length).to.be.above(2);
pm.expect(jsonData["length"]).to.eql(4);"#,
        ),
        Kind::Test,
    );
    assert!(out.extract.is_empty(), "{:?}", out.extract);
    assert_eq!(out.unresolved_sets, ["n"]);
    assert_eq!(
        out.expect_json,
        [
            (
                "$._embedded.populations".to_owned(),
                Check::Predicate("len", json!(1))
            ),
            ("$.items".to_owned(), Check::Predicate("len", json!(3))),
            ("$.length".to_owned(), Check::Eq(json!(4))),
        ]
    );
    assert_eq!(
        out.unconverted,
        [
            "var jsonData = pm.response.json();",
            "pm.environment.set(\"n\", jsonData._embedded.populations.length);",
            "pm.expect(jsonData.name.length).to.be.above(2);",
        ]
    );
}

#[test]
fn a_set_under_a_compound_guard_on_the_body_is_optional() {
    // As PingOne's collections look a user up: the list may be empty, or absent.
    let out = read(
        &lines(
            r#"var d = pm.response.json();
if (d._embedded && d._embedded.users.length > 0) {
    pm.environment.set("userID", d._embedded.users[0].id);
}
if (d.count !== undefined || (d.size >= 1)) pm.environment.set("size", d.size);"#,
        ),
        Kind::Test,
    );
    assert_eq!(
        out.extract,
        [
            (
                "userID".to_owned(),
                body(&["_embedded", "users", "0", "id"])
            ),
            ("size".to_owned(), body(&["size"])),
        ]
    );
    assert_eq!(out.optional, ["userID", "size"]);
    assert!(out.unconverted.is_empty(), "{:?}", out.unconverted);
}

#[test]
fn a_set_under_any_other_condition_is_optional_and_the_condition_kept() {
    let out = read(
        &lines(
            r#"var d = pm.response.json();
if (pm.response.code === 201) {
    pm.environment.set("appID", d.id);
} else {
    pm.environment.set("fallbackID", d.items[0].id);
}
pm.environment.set("always", d.name);"#,
        ),
        Kind::Test,
    );
    assert_eq!(out.optional, ["appID", "fallbackID"]);
    assert_eq!(
        out.unconverted,
        ["if (pm.response.code === 201) {", "} else {", "}"]
    );
}

#[test]
fn conditions_split_at_top_level_operators_only() {
    assert_eq!(
        crate::import::conditions::split_top_level("a && (b || c) || d['x&&y']", &["&&", "||"]),
        ["a ", " (b || c) ", " d['x&&y']"]
    );
}
