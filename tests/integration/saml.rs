//! Reading SAML against the sandbox's identity provider (README, Reading SAML): a SAML application, a user,
//! the `AuthnRequest`, the sign-on flow and the resume, whose auto-post form carries the
//! `SAMLResponse` that `[steps.expect.saml]` and a `saml` extraction read.

use crate::engine_run::{at, case_at};
use crate::harness::Case;
use crate::server::TestServer;

const WORKER_TOKEN: &str = include_str!("../../workflows/common/worker-token.toml");

const SIGN_ON: &str = r#"
name = "SAML sign-on"
requires = ["apiPath", "authPath", "envID"]
[vars]
acsUrl = "https://sp.example/acs"
spEntityId = "urn:sp:<<run_id>>"
username = "saml-<<run_id>>"
userPassword = "2Federate!Saml-Read"
authnRequest = '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_req-<<run_id>>" Version="2.0" AssertionConsumerServiceURL="<<acsUrl>>"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><<spEntityId>></saml:Issuer></samlp:AuthnRequest>'
[defaults]
auth = { bearer = "<<accessToken>>" }
[[steps]]
use = "../common/worker-token.toml"
[[steps]]
name = "Create a SAML application"
method = "POST"
url = "<<apiPath>>/environments/<<envID>>/applications"
json = { name = "SAML <<run_id>>", enabled = true, type = "WEB_APP", protocol = "SAML", spEntityId = "<<spEntityId>>", acsUrls = ["<<acsUrl>>"], assertionDuration = 300 }
expect = { status = 201 }
extract = { appID = "$.id" }
cleanup = { name = "Delete the application", method = "DELETE", url = "<<apiPath>>/environments/<<envID>>/applications/<<appID>>" }
[[steps]]
name = "Create a population"
method = "POST"
url = "<<apiPath>>/environments/<<envID>>/populations"
json = { name = "SAML <<run_id>>" }
expect = { status = 201 }
extract = { popID = "$.id" }
cleanup = { name = "Delete the population", method = "DELETE", url = "<<apiPath>>/environments/<<envID>>/populations/<<popID>>" }
[[steps]]
name = "Create a user"
method = "POST"
url = "<<apiPath>>/environments/<<envID>>/users"
json = { username = "<<username>>", email = "<<username>>@example.com", population = { id = "<<popID>>" } }
expect = { status = 201 }
extract = { userID = "$.id" }
cleanup = { name = "Delete the user", method = "DELETE", url = "<<apiPath>>/environments/<<envID>>/users/<<userID>>" }
[[steps]]
name = "Set the user's password"
method = "PUT"
url = "<<apiPath>>/environments/<<envID>>/users/<<userID>>/password"
content_type = "application/vnd.pingidentity.password.set+json"
json = { value = "<<userPassword>>", forceChange = false }
[[steps]]
name = "Send the SAML request"
method = "POST"
url = "<<authPath>>/<<envID>>/saml20/idp/sso"
auth = "none"
form = { SAMLRequest = "<<authnRequest | base64>>", RelayState = "rs-<<run_id>>" }
expect = { status = 302 }
extract = { flowID = { header = "Location", query = "flowId" } }
[[steps]]
name = "Submit the user's credentials"
method = "POST"
url = "<<authPath>>/<<envID>>/flows/<<flowID>>"
auth = "none"
content_type = "application/vnd.pingidentity.usernamePassword.check+json"
json = { username = "<<username>>", password = "<<userPassword>>" }
expect = { status = 200, json = { "$.status" = "COMPLETED" } }
[[steps]]
name = "Resume: the SAML response"
url = "<<authPath>>/<<envID>>/saml20/resume"
auth = "none"
query = { flowId = "<<flowID>>" }
[steps.expect]
status = 200
[steps.expect.saml]
"$.nameId" = "<<username>>"
"$.audience" = "<<spEntityId>>"
"$.recipient" = "<<acsUrl>>"
"$.inResponseTo" = "_req-<<run_id>>"
"$.status" = "urn:oasis:names:tc:SAML:2.0:status:Success"
"$.signed" = false
"$.attributes.email[0]" = "<<username>>@example.com"
"$.notOnOrAfter" = { type = "string" }
[steps.extract]
samlNameId = { body = true, saml = "$.nameId" }
samlIssuer = { body = true, saml = "$.issuer" }
[steps.expect.vars]
samlNameId = "<<username>>"
samlIssuer = "<<authPath>>/<<envID>>"
"#;

#[test]
fn a_sandbox_sign_on_reads_as_saml() {
    let case = Case::new()
        .file("common/worker-token.toml", WORKER_TOKEN)
        .file("flows/saml.toml", SIGN_ON)
        .args([
            "run",
            "flows/saml.toml",
            "--sandbox",
            "--report",
            "json=r.json",
        ]);
    let run = case.run();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = case.read("r.json");
    for subject in [
        "saml $.nameId",
        "saml $.signed",
        "var samlNameId",
        "var samlIssuer",
    ] {
        assert!(
            report.contains(subject),
            "{subject} not reported:\n{report}"
        );
    }
}

#[test]
fn a_wrong_expectation_reports_the_actual_value() {
    let wrong = SIGN_ON.replace("\"$.signed\" = false", "\"$.signed\" = true");
    let run = Case::new()
        .file("common/worker-token.toml", WORKER_TOKEN)
        .file("flows/saml.toml", &wrong)
        .args(["run", "flows/saml.toml", "--sandbox"])
        .run()
        .code(1);
    assert!(run.stdout.contains("saml $.signed"), "{}", run.stdout);
}

/// The HTTP-Redirect binding: the Response deflated in `Location`'s `SAMLResponse`.
#[test]
fn a_redirect_binding_response_reads_from_location() {
    let s = TestServer::start();
    case_at(
        &s,
        r#"
name = "Redirect binding"
[[steps]]
name = "The IdP redirects to the ACS"
url = "BASE/saml-redirect"
expect.status = 302
expect.saml."$.nameId" = "redirected-user"
expect.saml."$.destination" = "https://sp.example/acs"
extract = { audience = { header = "Location", query = "SAMLResponse", saml = "$.audience" } }
expect.vars = { audience = "urn:sp:redirect" }
"#,
    )
    .args(["run", "w.toml"])
    .run()
    .code(0);
}

#[test]
fn what_is_not_saml_fails_the_step_with_the_reason() {
    let s = TestServer::start();
    case_at(
        &s,
        r#"
name = "Not SAML"
[[steps]]
name = "A page without a SAMLResponse"
url = "BASE/text"
expect.saml."$.nameId" = "x"
"#,
    )
    .args(["run", "w.toml"])
    .run()
    .code(1)
    .stdout_has("cannot check `expect.saml`: the value is not Base64");
    case_at(
        &s,
        r#"
name = "Not SAML"
[[steps]]
name = "Extract"
url = "BASE/text"
extract = { n = { body = true, saml = "$.nameId" } }
"#,
    )
    .args(["run", "w.toml"])
    .run()
    .code(1)
    .stdout_has("cannot extract `n`");
    // A bad JSONPath is refused before anything is sent.
    let run = Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/text\"\nexpect.saml.\"$.[\" = 1\n",
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(2);
    assert!(run.stderr.contains("invalid JSONPath"), "{}", run.stderr);
}
