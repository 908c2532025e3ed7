//! `steprun import postman` on collections shaped like PingOne's own: alternative ways to one
//! token in sibling folders, a user lookup guarded the way real scripts guard it, and requests
//! with no test at all.

use serde_json::Value;

use crate::harness::Case;

/// PingOne's Postman collections keep alternatives side by side (one folder per way to get a
/// worker token, each setting the same variable), guard a lookup with a compound condition,
/// and leave most requests without a test.
const COLLECTION: &str = r#"{
  "info": { "name": "PingOne Admin", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
  "item": [
    {
      "name": "Get a Worker Application Access Token",
      "item": [
        {
          "name": "Client secret JWT",
          "item": [{
            "name": "Token (CLIENT_SECRET_JWT)",
            "event": [
              { "listen": "prerequest", "script": { "exec": [
                "pm.environment.set(\"clientAssertion\", signClientAssertion());"
              ] } },
              { "listen": "test", "script": { "exec": [
                "pm.test(\"Status code is 200\", function () {",
                "    pm.response.to.have.status(200);",
                "});",
                "var jsonData = pm.response.json();",
                "pm.environment.set(\"workerToken\", jsonData.access_token);"
              ] } }
            ],
            "request": {
              "method": "POST",
              "body": { "mode": "urlencoded", "urlencoded": [
                { "key": "grant_type", "value": "client_credentials" },
                { "key": "client_id", "value": "{{adminAppID}}" },
                { "key": "client_assertion_type", "value": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" },
                { "key": "client_assertion", "value": "{{clientAssertion}}" }
              ] },
              "url": { "raw": "{{authPath}}/{{adminEnvID}}/as/token" }
            }
          }]
        },
        {
          "name": "Client secret basic",
          "item": [{
            "name": "Token (CLIENT_SECRET_BASIC)",
            "event": [{ "listen": "test", "script": { "exec": [
              "pm.test(\"Status code is 200\", function () {",
              "    pm.response.to.have.status(200);",
              "});",
              "var jsonData = pm.response.json();",
              "pm.environment.set(\"workerToken\", jsonData.access_token);"
            ] } }],
            "request": {
              "auth": { "type": "basic", "basic": [
                { "key": "username", "value": "{{adminAppID}}" },
                { "key": "password", "value": "{{adminAppSecret}}" }
              ] },
              "method": "POST",
              "body": { "mode": "urlencoded", "urlencoded": [{ "key": "grant_type", "value": "client_credentials" }] },
              "url": { "raw": "{{authPath}}/{{adminEnvID}}/as/token" }
            }
          }]
        },
        {
          "name": "Client secret post",
          "item": [{
            "name": "Token (CLIENT_SECRET_POST)",
            "event": [{ "listen": "test", "script": { "exec": [
              "var jsonData = pm.response.json();",
              "pm.environment.set(\"workerToken\", jsonData.access_token);"
            ] } }],
            "request": {
              "method": "POST",
              "body": { "mode": "urlencoded", "urlencoded": [
                { "key": "grant_type", "value": "client_credentials" },
                { "key": "client_id", "value": "{{adminAppID}}" },
                { "key": "client_secret", "value": "{{adminAppSecret}}" }
              ] },
              "url": { "raw": "{{authPath}}/{{adminEnvID}}/as/token" }
            }
          }]
        }
      ]
    },
    {
      "name": "Find a user",
      "auth": { "type": "bearer", "bearer": [{ "key": "token", "value": "{{workerToken}}" }] },
      "item": [
        {
          "name": "READ Users by username",
          "event": [{ "listen": "test", "script": { "exec": [
            "var d = pm.response.json();",
            "if (d._embedded && d._embedded.users.length > 0) {",
            "    pm.environment.set(\"userID\", d._embedded.users[0].id);",
            "}"
          ] } }],
          "request": {
            "method": "GET",
            "url": { "raw": "{{apiPath}}/environments/{{envID}}/users?filter=username eq \"nobody-here\"" }
          }
        },
        {
          "name": "READ Populations",
          "request": { "method": "GET", "url": { "raw": "{{apiPath}}/environments/{{envID}}/populations" } }
        }
      ]
    },
    {
      "name": "Users, step by step",
      "auth": { "type": "bearer", "bearer": [{ "key": "token", "value": "{{workerToken}}" }] },
      "item": [
        { "name": "Step 1", "item": [{
          "name": "READ Populations again",
          "event": [{ "listen": "test", "script": { "exec": [
            "pm.environment.set(\"popID\", pm.response.json()._embedded.populations[0].id);"
          ] } }],
          "request": { "method": "GET", "url": { "raw": "{{apiPath}}/environments/{{envID}}/populations" } }
        }] },
        { "name": "Step 2", "item": [{
          "name": "READ the population",
          "event": [{ "listen": "test", "script": { "exec": [
            "pm.response.to.have.status(200);"
          ] } }],
          "request": { "method": "GET", "url": { "raw": "{{apiPath}}/environments/{{envID}}/populations/{{popID}}" } }
        }] }
      ]
    }
  ]
}"#;

fn imported() -> Case {
    let case = Case::new()
        .file("c.json", COLLECTION)
        .args(["import", "postman", "c.json", "--out", "out"]);
    case.run()
        .code(0)
        .stdout_has("5 workflows, 7 steps")
        .stdout_has("out/01-get-a-worker-application-access-token-client-secret-jwt.toml")
        .stdout_has("out/02-get-a-worker-application-access-token-client-secret-basic.toml")
        .stdout_has("out/03-get-a-worker-application-access-token-client-secret-post.toml")
        .stdout_has("out/04-find-a-user.toml")
        .stdout_has("out/05-users-step-by-step.toml");
    case
}

#[test]
fn sibling_folders_of_alternatives_become_separate_files() {
    let case = imported();
    let basic = case.read("out/02-get-a-worker-application-access-token-client-secret-basic.toml");
    assert!(
        basic.contains(
            "name = \"PingOne Admin — Get a Worker Application Access Token / Client secret basic\""
        ),
        "{basic}"
    );
    // Folders of one flow (each step sets what the next reads) stay one file.
    let steps = case.read("out/05-users-step-by-step.toml");
    assert!(steps.contains("READ Populations again") && steps.contains("READ the population"));
    // One failing alternative (a client assertion the server refuses) skips none of the
    // others, and the folder after them runs with the token a passing one extracted.
    let dir = case.path("out");
    let dir = dir.to_str().expect("utf-8 path");
    let run = Case::new()
        .args([
            "run",
            dir,
            "--sandbox",
            "--var",
            "clientAssertion=not.a.jwt",
        ])
        .args(["--report", "json=report.json"]);
    let out = run.run().code(1);
    let report: Value = serde_json::from_str(&run.read("report.json")).expect("json report");
    let outcomes: Vec<(String, String)> = report["workflows"]
        .as_array()
        .expect("workflows")
        .iter()
        .map(|w| {
            let name = w["name"].as_str().unwrap_or_default();
            let short = name.rsplit(['/', '—']).next().unwrap_or(name).trim();
            (
                short.to_owned(),
                w["outcome"].as_str().unwrap_or("none").to_owned(),
            )
        })
        .collect();
    assert_eq!(outcomes.len(), 5, "{outcomes:?}\n{}", out.stdout);
    assert_eq!(outcomes[0], ("Client secret JWT".into(), "failed".into()));
    assert_eq!(outcomes[1], ("Client secret basic".into(), "passed".into()));
    assert_ne!(outcomes[2].1, "skipped", "{outcomes:?}");
    assert_eq!(
        outcomes[3],
        ("Find a user".into(), "passed".into()),
        "{}",
        out.stdout
    );
    assert_eq!(outcomes[4].1, "passed", "{}", out.stdout);
}

#[test]
fn a_set_under_a_compound_guard_is_an_optional_extraction() {
    let case = imported();
    let lookup = case.read("out/04-find-a-user.toml");
    assert!(
        lookup.contains("userID = { jsonpath = \"$._embedded.users[0].id\", optional = true }"),
        "{lookup}"
    );
    // The guard is the extraction's `optional`: no line of the script is left over.
    assert!(!lookup.contains("if (d._embedded"), "{lookup}");
}

#[test]
fn a_request_without_a_test_gets_no_invented_status_only_a_note() {
    let case = imported();
    let lookup = case.read("out/04-find-a-user.toml");
    assert!(!lookup.contains("[steps.expect]"), "{lookup}");
    assert!(
        lookup.contains(
            "# No request here checks its status in Postman. There any status passes; here a step"
        ),
        "{lookup}"
    );
    // Where some requests check their status, the note names the others.
    let steps = case.read("out/05-users-step-by-step.toml");
    assert!(
        steps.contains("# These requests check no status in Postman: `READ Populations again`."),
        "{steps}"
    );
    assert!(steps.contains("status = 200"), "{steps}");
    let basic = case.read("out/02-get-a-worker-application-access-token-client-secret-basic.toml");
    assert!(!basic.contains("check no status"), "{basic}");
}
