//! The workflow library: every file in `workflows/` runs green against the sandbox, so the
//! library cannot rot; and the sandbox command serves a run from another process.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::harness::Case;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every tutorial passes; and with every header and body shown, no token the sandbox issued
/// (a JWT: `eyJ…` header, a dot, `eyJ…` claims) appears in the console, a report or an
/// exported span, because each tutorial keeps the tokens it receives in secret variables.
/// The shape is matched whole: `-vv` shows tens of kilobytes of base64 (signed SAML
/// responses, certificates), where a bare `eyJ` turns up by chance.
#[test]
fn every_library_workflow_passes_against_the_sandbox() {
    let workflows = repo().join("workflows");
    let collector = crate::collector::Collector::start();
    let case = Case::new()
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.endpoint)
        .args([
            "run",
            workflows.to_str().expect("utf-8 path"),
            "--sandbox",
            "-vv",
            "--report",
            "json=r.json",
            "--report",
            "html=r.html",
        ]);
    let run = case.run();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("0 failed"), "{}", run.stdout);
    let spans = collector.raw_text();
    assert!(spans.contains("steprun.step"), "no span exported");
    let jwt = regex::Regex::new(r"eyJ[A-Za-z0-9_-]*\.eyJ").expect("pattern");
    for text in [
        &run.stdout,
        &run.stderr,
        &case.read("r.json"),
        &case.read("r.html"),
        &spans,
    ] {
        if let Some(found) = jwt.find(text) {
            let shown: String = text[found.start()..].chars().take(80).collect();
            panic!("a token is shown: {shown}");
        }
    }
}

#[test]
fn the_library_checks_clean() {
    let workflows = repo().join("workflows");
    Case::new()
        .args([
            "check",
            workflows.to_str().expect("utf-8 path"),
            "--sandbox",
        ])
        .run()
        .code(0);
}

#[test]
fn the_library_checks_clean_for_a_real_tenant() {
    let workflows = repo().join("workflows");
    let vars = repo().join("vars/pingone.example.toml");
    Case::new()
        .args([
            "check",
            workflows.to_str().expect("utf-8 path"),
            "--vars",
            vars.to_str().expect("utf-8 path"),
        ])
        .env("PINGONE_ADMIN_APP_SECRET", "not-used-by-check")
        .run()
        .code(0);
}

#[test]
fn sandbox_command_serves_another_process() {
    let case = Case::new();
    let vars = case.path("sandbox.toml");
    let server = case
        .args([
            "sandbox",
            "--listen",
            "127.0.0.1:0",
            "--write-vars",
            vars.to_str().expect("utf-8 path"),
        ])
        .spawn();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !vars.exists() {
        assert!(
            Instant::now() < deadline,
            "the sandbox never wrote its vars file"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // What the file declares secret (`{ value = …, secret = true }`) is what `--sandbox`
    // declares (`sandbox::VARIABLES`), name by name and in order.
    let text = std::fs::read_to_string(&vars).expect("a readable vars file");
    let table: toml::Table = text.parse().expect("the vars file is TOML");
    let secrecy: Vec<(&str, bool)> = table
        .iter()
        .map(|(name, value)| {
            let secret = value
                .get("secret")
                .and_then(toml::Value::as_bool)
                .unwrap_or(false);
            (name.as_str(), secret)
        })
        .collect();
    let mut expected = steprun::sandbox::VARIABLES.to_vec();
    let mut got = secrecy.clone();
    expected.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, expected);
    let token = repo().join("workflows/common/worker-token.toml");
    let run = Case::new()
        .args([
            "run",
            token.to_str().expect("utf-8 path"),
            "--vars",
            vars.to_str().expect("utf-8 path"),
        ])
        .run();
    server.interrupt();
    let served = server.wait();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        served.stdout.contains("adminAppSecret"),
        "{}",
        served.stdout
    );
}

/// The titles of PingOne's workflow-library tutorials, spelled as PingOne spells them: the
/// getting-started pages, the workflow library's table of use cases, and the pages on native
/// apps, `PingFederate` worker apps and the MFA SDK flows.
const TUTORIALS: [&str; 54] = [
    "Create your test environment",
    "Simple SSO",
    "Passwordless MFA SSO",
    "Configure an Application with an Authorization Code Grant",
    "Configure an Application with a Refresh Token Grant",
    "Configure a Single-Page Application with PKCE and an AuthCode Grant",
    "Configure a Single-Page Application with an Implicit Grant",
    "Configure a Non-Interactive Worker Application",
    "Configure an Interactive Worker Application",
    "Create and Update Notification Content",
    "Test a SAML Application Connection",
    "Test an OIDC Application Connection",
    "Configure a Simple Login",
    "Use LOGIN and MFA Actions to Authenticate Users",
    "Add a User through a Registration Flow",
    "Configure a PKCE Authorization Workflow",
    "Configure a Progressive Profiling Sign-On Action",
    "Configure Device Authorization Grant Flow",
    "Use LOGIN and AGREEMENT Actions to Authenticate Users",
    "Get a Token for Custom Resource Access",
    "Add a Custom Claim to an Access Token",
    "Configure CLIENT_SECRET_JWT as the token auth method",
    "SAML Sign-On",
    "Test an OAuth Connection using Identifier First Authentication",
    "Sign-on using an External Identity Provider",
    "Configure a PingOne App to Use a DaVinci Flow Policy",
    "Configure a DaVinci Non-redirect Flow",
    "Create an LDAP Gateway",
    "Create a Group and Add a User",
    "Create a Workday Propagation Connection",
    "Configure Facebook as an Identity Provider",
    "Configure a SAML Identity Provider",
    "Download an Integration Binary",
    "Audit for Agreement Consents",
    "Assign an MFA Sign-On Policy to a Web Application",
    "Configure a Passwordless Sign-On Policy",
    "Configure an MFA-Only Flow Using a Login Hint Token",
    "Create an MFA Transaction Approval using SMS",
    "Use an Email MFA Action to Authenticate Users",
    "Configure an MFA Sign-On Policy with an Authenticator App",
    "Create a Password Policy",
    "Show PingOne Authorize App Permissions in Token",
    "Create and Assign App Roles",
    "Create a Risk Policy Set",
    "Create a Risk Evaluation",
    "Assign a Role to a User",
    "Add User Image",
    "Find and Terminate a User Session",
    "Sign-Off User Session",
    "Creating a native app using the API",
    "Create Application (OIDC Protocol - PingFederate Worker App)",
    "Implement automatic pairing of native app as MFA authenticator app",
    "Implement automatic device authorization",
    "Implement an authentication code flow",
];

/// Workflows in the library that are not one of PingOne's tutorials: smaller pieces of the
/// getting-started pages, kept for people who want only that part.
const EXTRAS: [&str; 2] = [
    "Create a population and a user",
    "Create a worker application and get its token",
];

/// Every workflow file below `dir` that is not a fragment, with its `name`. The smoke suite
/// (`workflows/smoke/`) is not a tutorial: `smoke_suite` holds its tests.
fn library_names(dir: &std::path::Path, out: &mut Vec<(PathBuf, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read workflows/")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path == repo().join("workflows/smoke") {
            continue;
        }
        if path.is_dir() {
            library_names(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).expect("read workflow");
            let doc: toml::Table = toml::from_str(&text).expect("workflow is TOML");
            if doc.get("fragment").and_then(toml::Value::as_bool) == Some(true) {
                continue;
            }
            let name = doc["name"].as_str().expect("name is a string").to_owned();
            out.push((path, name));
        }
    }
}

/// People find a tutorial by the title PingOne gives it: each library workflow outside the
/// smoke suite is named after one tutorial, spelled as PingOne spells it, no tutorial
/// appears twice, and all 54 are there.
#[test]
fn every_library_workflow_is_named_after_one_tutorial() {
    let mut found = Vec::new();
    library_names(&repo().join("workflows"), &mut found);
    let mut seen = std::collections::BTreeMap::new();
    for (path, name) in &found {
        assert!(
            TUTORIALS.contains(&name.as_str()) || EXTRAS.contains(&name.as_str()),
            "{}: {name:?} is not the title of a PingOne tutorial",
            path.display()
        );
        if let Some(other) = seen.insert(name.clone(), path.clone()) {
            panic!(
                "{name:?} is the name of both {} and {}",
                other.display(),
                path.display()
            );
        }
    }
    let tutorials = found
        .iter()
        .filter(|(_, n)| TUTORIALS.contains(&n.as_str()))
        .count();
    assert_eq!(tutorials, TUTORIALS.len(), "tutorials in the library");
}
