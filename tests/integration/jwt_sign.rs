//! `jwt_sign` in workflows (README, Templates): a `client_secret_jwt` token request the
//! sandbox verifies, the signed token hidden everywhere, and mistakes caught early or reported
//! as the step's failure.

use crate::engine_run::{at, case_at};
use crate::harness::Case;
use crate::server::TestServer;

const WORKER_TOKEN: &str = include_str!("../../workflows/common/worker-token.toml");

const CLIENT_SECRET_JWT: &str = r#"
name = "Client secret JWT"
requires = ["apiPath", "authPath", "envID"]
[defaults]
auth = { bearer = "<<accessToken>>" }
[[steps]]
use = "../common/worker-token.toml"
[[steps]]
name = "Create an application that authenticates with a signed JWT"
method = "POST"
url = "<<apiPath>>/environments/<<envID>>/applications"
json = { name = "JWT <<run_id>>", enabled = true, type = "WORKER", protocol = "OPENID_CONNECT", tokenEndpointAuthMethod = "CLIENT_SECRET_JWT" }
expect = { status = 201, json = { "$.tokenEndpointAuthMethod" = "CLIENT_SECRET_JWT" } }
extract = { appID = "$.id" }
cleanup = { name = "Delete the application", method = "DELETE", url = "<<apiPath>>/environments/<<envID>>/applications/<<appID>>" }
[[steps]]
name = "Read its secret"
url = "<<apiPath>>/environments/<<envID>>/applications/<<appID>>/secret"
extract = { appSecret = "$.secret" }
[[steps]]
name = "Get a token with a client assertion"
method = "POST"
url = "<<authPath>>/<<envID>>/as/token"
auth = "none"
[steps.form]
grant_type = "client_credentials"
client_assertion_type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
client_assertion = "<<jwt_sign({'iss': appID, 'sub': appID, 'aud': authPath ~ '/' ~ envID ~ '/as/token', 'iat': timestamp(), 'exp': timestamp() + 300, 'jti': uuid()}, key=appSecret, alg='HS256')>>"
[steps.expect]
status = 200
json = { "$.token_type" = "Bearer" }
[steps.extract]
appAccessToken = "$.access_token"
issuedTo = { jsonpath = "$.access_token", jwt = "$.client_id" }
[steps.expect.vars]
issuedTo = "<<appID>>"
"#;

fn outputs(case: &Case, run: &crate::harness::Run) -> Vec<String> {
    vec![
        run.stdout.clone(),
        run.stderr.clone(),
        case.read("r.json"),
        case.read("r.xml"),
        case.read("r.html"),
    ]
}

const REPORTS: [&str; 7] = [
    "-vv",
    "--report",
    "json=r.json",
    "--report",
    "junit=r.xml",
    "--report",
    "html=r.html",
];

#[test]
fn the_sandbox_accepts_a_client_secret_jwt_and_no_jwt_is_shown() {
    let case = Case::new()
        .file("common/worker-token.toml", WORKER_TOKEN)
        .file("flows/jwt.toml", CLIENT_SECRET_JWT)
        .args(["run", "flows/jwt.toml", "--sandbox"])
        .args(REPORTS);
    let run = case.run();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("«jwt_sign»"), "{}", run.stdout);
    for text in outputs(&case, &run) {
        assert!(!text.contains("eyJ"), "a JWT is shown:\n{text}");
    }
}

#[test]
fn a_signed_token_echoed_back_is_hidden_in_output_reports_and_saved_vars() {
    let s = TestServer::start();
    let case = case_at(
        &s,
        r#"
name = "Echo"
[vars]
signingKey = { value = "a-shared-secret-for-the-echo", secret = true }
[[steps]]
name = "Send a signed header and a signed form field"
method = "POST"
url = "BASE/echo"
query = { t = "<<jwt_sign({'sub': 'me', 'n': 3}, key=signingKey)>>" }
headers = { X-Assertion = "<<jwt_sign({'sub': 'me', 'n': 1}, key=signingKey, alg='HS384', kid='k1')>>" }
form = { assertion = "<<jwt_sign({'sub': 'me', 'n': 2}, key=signingKey, alg='HS512')>>" }
expect.json."$.headers['x-assertion']" = { matches = "^[\\w-]+\\.[\\w-]+\\.[\\w-]+$" }
extract = { echoed = "$.headers['x-assertion']", echoedBody = "$.body" }
"#,
    )
    .env("STEPRUN_LOG", "steprun=debug")
    .args(["run", "w.toml", "--save-vars", "saved.toml"])
    .args(REPORTS);
    let run = case.run().code(0);
    let mut texts = outputs(&case, &run);
    texts.push(case.read("saved.toml"));
    for text in texts {
        assert!(!text.contains("eyJ"), "a JWT is shown:\n{text}");
    }
    assert!(run.stdout.contains("«jwt_sign»"), "{}", run.stdout);
    // The debug trace's request line too.
    assert!(run.stderr.contains("t=«jwt_sign»"), "{}", run.stderr);
}

#[test]
fn an_unknown_literal_algorithm_is_refused_before_anything_is_sent() {
    let s = TestServer::start();
    let run = Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\nheaders = { A = \"<<jwt_sign({'a': 1}, key='k-k-k', alg='HS257')>>\" }\n",
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(2);
    assert!(
        run.stderr.contains("jwt_sign: unknown algorithm `HS257`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("w.toml:5:"), "{}", run.stderr);
    let run = Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\nheaders = { A = \"<<jwt_sign({'a': 1}, key_file='keys/missing.pem', alg='RS256')>>\" }\n",
            ),
        )
        .args(["check", "w.toml"])
        .run()
        .code(2);
    assert!(
        run.stderr
            .contains("jwt_sign: cannot read keys/missing.pem: no such file"),
        "{}",
        run.stderr
    );
    assert_eq!(s.hits(), 0);
}

#[test]
fn a_key_file_beside_the_workflow_signs_rs256() {
    let s = TestServer::start();
    case_at(
        &s,
        r#"
name = "Private key JWT"
[[steps]]
name = "Sign with a key file"
method = "POST"
url = "BASE/echo"
form = { client_assertion = "<<jwt_sign({'iss': 'app', 'sub': 'app'}, key_file='keys/app.pem', alg='RS256', kid='k1')>>" }
expect.json."$.body" = { matches = "^client_assertion=eyJ" }
"#,
    )
    .file("keys/app.pem", include_str!("../keys/rsa.pem"))
    .args(["run", "w.toml", "-vv"])
    .run()
    .code(0)
    .stdout_has("client_assertion=«jwt_sign»");
}

#[test]
fn a_key_the_algorithm_cannot_use_fails_the_step() {
    let s = TestServer::start();
    case_at(
        &s,
        r#"
name = "Bad key"
[[steps]]
name = "RS256 with a shared secret"
url = "BASE/echo"
headers = { A = "<<jwt_sign({'a': 1}, key='not a pem key', alg='RS256')>>" }
"#,
    )
    .args(["run", "w.toml"])
    .run()
    .code(1)
    .stdout_has("RS256 needs a PEM RSA private key");
    assert_eq!(s.hits(), 0);
}

/// `private_key_jwt`: the application registers the public half of the test key (`jwks`, a
/// JWK Set as text, as PingOne takes it) and the assertion is signed with RS256 from a
/// `key_file` beside the workflow.
#[test]
fn the_sandbox_accepts_a_private_key_jwt_signed_from_a_key_file() {
    let jwks = include_str!("../keys/rsa.jwks.json")
        .trim()
        .replace('"', "\\\"");
    let workflow = CLIENT_SECRET_JWT
        .replace("CLIENT_SECRET_JWT", "PRIVATE_KEY_JWT")
        .replace(
            "tokenEndpointAuthMethod = \"PRIVATE_KEY_JWT\" }",
            &format!("tokenEndpointAuthMethod = \"PRIVATE_KEY_JWT\", jwks = \"{jwks}\" }}"),
        )
        .replace(
            "key=appSecret, alg='HS256'",
            "key_file='keys/app.pem', alg='RS256', kid='test-rsa'",
        );
    let case = Case::new()
        .file("common/worker-token.toml", WORKER_TOKEN)
        .file("flows/jwt.toml", &workflow)
        .file("flows/keys/app.pem", include_str!("../keys/rsa.pem"))
        .args(["run", "flows/jwt.toml", "--sandbox"])
        .args(REPORTS);
    let run = case.run();
    assert_eq!(run.code, 0, "{workflow}\n{}\n{}", run.stdout, run.stderr);
    for text in outputs(&case, &run) {
        assert!(!text.contains("eyJ"), "a JWT is shown:\n{text}");
    }
}
