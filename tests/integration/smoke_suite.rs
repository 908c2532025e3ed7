//! The smoke suite (`workflows/smoke/`): every file is tagged `smoke` and named as part of the
//! suite, every workflow limits response times, and its set-up creates its application and
//! user once: run twice against one sandbox, the second run finds everything and creates
//! nothing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::harness::{Case, Run};

fn smoke_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("workflows/smoke")
}

fn text(path: &Path) -> String {
    path.to_str().expect("utf-8 path").to_owned()
}

#[test]
fn every_smoke_file_is_tagged_named_and_timed() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(smoke_dir())
        .expect("read workflows/smoke")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "{files:?}");
    for path in files {
        let doc: toml::Table = std::fs::read_to_string(&path)
            .expect("read workflow")
            .parse()
            .expect("workflow is TOML");
        let tags = doc["tags"].as_array().expect("tags");
        assert!(
            tags.iter().any(|t| t.as_str() == Some("smoke")),
            "{}",
            path.display()
        );
        let name = doc["name"].as_str().expect("name");
        assert!(
            name.starts_with("Smoke test: "),
            "{}: {name}",
            path.display()
        );
        let steps = doc["steps"].as_array().expect("steps");
        // A file that signs in as the worker app names the admin roles that app needs.
        let uses_worker = steps.iter().any(|s| {
            s.get("use")
                .and_then(toml::Value::as_str)
                .is_some_and(|u| u.ends_with("worker-token.toml") || u == "setup.toml")
        });
        let roles = doc
            .get("requires")
            .and_then(|r| r.get("roles"))
            .and_then(toml::Value::as_array)
            .map_or(0, Vec::len);
        assert!(
            !uses_worker || roles > 0,
            "{}: needs roles in [requires]",
            path.display()
        );
        let timed = steps
            .iter()
            .any(|s| s.get("expect").and_then(|e| e.get("duration")).is_some());
        let by_default = doc
            .get("defaults")
            .and_then(|d| d.get("expect"))
            .and_then(|e| e.get("duration"))
            .is_some();
        assert!(
            timed || by_default,
            "{}: no response time limit",
            path.display()
        );
    }
}

#[test]
fn the_suite_selected_by_its_tag_passes_against_the_sandbox() {
    Case::new()
        .args(["run".to_owned(), text(&smoke_dir())])
        .args(["--sandbox", "--tag", "smoke"])
        .run()
        .code(0)
        .stdout_has("3 workflows: 3 passed");
}

/// Off the sandbox, the default password is made from the run id, whose eight random hex
/// characters sometimes hold one thrice in a row, which PingOne's default password policy
/// refuses (`target=pingone` makes the sandbox stand in for a tenant).
#[test]
fn the_default_password_passes_the_policy_whatever_the_run_id() {
    Case::new()
        .args(["run".to_owned(), text(&smoke_dir())])
        .args([
            "--sandbox",
            "--var",
            "run_id=aaa11bbb",
            "--var",
            "target=pingone",
        ])
        .run()
        .code(0)
        .stdout_has("3 workflows: 3 passed");
}

/// A sandbox in another process, so that two runs share its state; stopped by `stop`.
pub(crate) struct Sandbox {
    running: crate::harness::Running,
    pub(crate) vars: PathBuf,
}

impl Sandbox {
    pub(crate) fn start(case: Case) -> Sandbox {
        Sandbox::start_with(case, &[])
    }

    /// A sandbox started with more arguments (`--faults SPEC`).
    pub(crate) fn start_with(case: Case, more: &[&str]) -> Sandbox {
        let vars = case.path("sandbox.toml");
        let running = case
            .args(["sandbox", "--listen", "127.0.0.1:0", "--write-vars"])
            .args([text(&vars)])
            .args(more.iter().copied())
            .spawn();
        // The sandbox writes its vars file once it is listening.
        let deadline = Instant::now() + Duration::from_secs(20);
        while !vars.exists() {
            assert!(
                Instant::now() < deadline,
                "the sandbox never wrote its vars"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        Sandbox { running, vars }
    }

    /// Runs `path` against the sandbox with the smoke user's password kept the same from run
    /// to run, as a tenant's scheduled runs keep it.
    fn run(&self, case: Case, path: &str) -> Run {
        case.env("PINGONE_SMOKE_USER_PASSWORD", "2Federate!Kept-Between-Runs")
            .args([
                "run".to_owned(),
                path.to_owned(),
                "--vars".to_owned(),
                text(&self.vars),
                "-v".to_owned(),
            ])
            .run()
    }

    /// Runs `path` against the sandbox as the README says to, with no password given.
    fn run_as_is(&self, case: Case, path: &str) -> Run {
        case.args(["run".to_owned(), path.to_owned(), "--vars".to_owned()])
            .args([text(&self.vars)])
            .run()
    }

    pub(crate) fn stop(self) {
        self.running.interrupt();
        self.running.wait();
    }
}

/// The step lines of a run, as `(mark, name)`: `✓`, `✗` or `-`.
fn step_marks(run: &Run) -> Vec<(char, String)> {
    run.stdout
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let mark = l.chars().next()?;
            let rest = l[mark.len_utf8()..].trim_start();
            let (number, rest) = rest.split_once(' ')?;
            number.parse::<usize>().ok()?;
            let name = rest.split("  ").next()?.trim().to_owned();
            matches!(mark, '✓' | '✗' | '-').then_some((mark, name))
        })
        .collect()
}

const CREATING: [&str; 7] = [
    "Create the smoke-test application",
    "Create the smoke-test sign-on policy",
    "Create the LOGIN action",
    "Assign the policy to the application",
    "Create the smoke-test user",
    "Set the smoke-test user's password",
    "Read the application's secret",
];

#[test]
fn the_set_up_creates_its_fixtures_once() {
    let sandbox = Sandbox::start(Case::new());
    let setup = smoke_dir().join("setup.toml");
    let first = sandbox.run(Case::new(), &text(&setup));
    let second = sandbox.run(Case::new(), &text(&setup));
    // Counted through the management API: one of each, whatever the runs said.
    let count = sandbox.run(
        Case::new().file("count.toml", &counting_workflow()),
        "count.toml",
    );
    let signed_on = sandbox.run(Case::new(), &text(&smoke_dir().join("sign-on.toml")));
    sandbox.stop();
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    assert_eq!(second.code, 0, "{}\n{}", second.stdout, second.stderr);
    let (first, second) = (step_marks(&first), step_marks(&second));
    for name in CREATING {
        assert!(first.contains(&('✓', name.to_owned())), "{name}: {first:?}");
    }
    // The second run reads the secret again and creates nothing.
    for name in &CREATING[..6] {
        assert!(
            second.contains(&('-', (*name).to_owned())),
            "{name}: {second:?}"
        );
    }
    assert!(second.iter().all(|(mark, _)| *mark != '✗'), "{second:?}");
    assert_eq!(count.code, 0, "{}\n{}", count.stdout, count.stderr);
    // And the sign-on that uses the set-up signs on as the user the first run made.
    assert_eq!(
        signed_on.code, 0,
        "{}\n{}",
        signed_on.stdout, signed_on.stderr
    );
}

/// A workflow that fails unless there is exactly one smoke application, policy (with one
/// LOGIN action and one assignment) and user: a JSONPath selecting one node gives its value,
/// several give a list, so `type = "string"` holds for exactly one.
fn counting_workflow() -> String {
    let token = smoke_dir().join("../common/worker-token.toml");
    format!(
        r#"name = "Count the smoke fixtures"
[defaults]
auth = {{ bearer = "<<accessToken>>" }}
[[steps]]
use = "{token}"
[[steps]]
name = "One application"
url = "<<apiPath>>/environments/<<envID>>/applications"
expect.json = {{ "$._embedded.applications[?@.name == 'steprun smoke test'].id" = {{ type = "string" }} }}
extract = {{ appID = "$._embedded.applications[?@.name == 'steprun smoke test'].id" }}
[[steps]]
name = "One policy"
url = "<<apiPath>>/environments/<<envID>>/signOnPolicies"
expect.json = {{ "$._embedded.signOnPolicies[?@.name == 'steprun_smoke_login'].id" = {{ type = "string" }} }}
extract = {{ policyID = "$._embedded.signOnPolicies[?@.name == 'steprun_smoke_login'].id" }}
[[steps]]
name = "One action"
url = "<<apiPath>>/environments/<<envID>>/signOnPolicies/<<policyID>>/actions"
expect.json = {{ "$._embedded.actions" = {{ len = 1 }} }}
[[steps]]
name = "One assignment"
url = "<<apiPath>>/environments/<<envID>>/applications/<<appID>>/signOnPolicyAssignments"
expect.json = {{ "$._embedded.signOnPolicyAssignments" = {{ len = 1 }} }}
[[steps]]
name = "One user"
url = "<<apiPath>>/environments/<<envID>>/users"
query = {{ filter = 'username eq "steprun-smoke"' }}
expect.json = {{ "$._embedded.users" = {{ len = 1 }} }}
"#,
        token = token.display()
    )
}

/// The README's recipe: one vars file per tenant, `--matrix` and `--tag smoke`. Against one
/// sandbox the second entry finds the fixtures the first made, and signs on all the same.
#[test]
fn the_suite_runs_once_per_tenant_file() {
    let tenant = "smokeUserPassword = { env = \"SMOKE_TEST_PASSWORD\", secret = true }\n";
    let case = Case::new()
        .file("tenants/a.toml", tenant)
        .file("tenants/b.toml", tenant)
        .env("SMOKE_TEST_PASSWORD", "2Federate!One-For-Both")
        .args(["run".to_owned(), text(&smoke_dir())])
        .args(["--sandbox", "--tag", "smoke", "--matrix", "tenants/*.toml"])
        .args(["--report", "junit=smoke.xml"]);
    let run = case.run().code(0).stdout_has("6 workflows: 6 passed");
    let junit = case.read("smoke.xml");
    for label in ["[a]", "[b]"] {
        assert!(
            junit.contains(&format!(
                "Smoke test: sign on, introspect the token, read userinfo {label}"
            )),
            "{junit}"
        );
    }
    assert!(
        !run.stdout.contains("2Federate!One-For-Both"),
        "{}",
        run.stdout
    );
}

/// Without a password given, the suite still passes run after run against one long-lived
/// sandbox (`steprun sandbox --write-vars`): the second run finds the user the first made, so
/// it must sign on with the password the first run set.
#[test]
fn the_suite_passes_twice_against_one_sandbox_without_a_password() {
    let sandbox = Sandbox::start(Case::new());
    let first = sandbox.run_as_is(Case::new(), &text(&smoke_dir()));
    let second = sandbox.run_as_is(Case::new(), &text(&smoke_dir()));
    sandbox.stop();
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    assert_eq!(second.code, 0, "{}\n{}", second.stdout, second.stderr);
    let second = step_marks(&second);
    assert!(
        second.contains(&('-', "Create the smoke-test user".to_owned())),
        "{second:?}"
    );
}

/// A sign-on that fails after the session started (here userinfo answers too slowly, the
/// suite's reason to exist) still signs the session off: a tenant failing the suite every 15
/// minutes must not be left a session more by each run.
#[test]
fn a_sign_on_that_fails_part_way_leaves_no_session_open() {
    // A slow userinfo (after the sign-on); a slow credentials check, which starts the session
    // and still fails its own limit; and a flow that cannot be read, before any session.
    for (faults, failed) in [
        (
            "latency=900ms@GET:/*/as/userinfo",
            "Read the user's claims from userinfo",
        ),
        (
            "latency=1700ms@POST:/*/flows/*",
            "Submit the user's credentials",
        ),
        ("503:retry-after=none@GET:/*/flows/*", "Get the flow"),
    ] {
        let sandbox = Sandbox::start_with(Case::new(), &["--faults", faults]);
        let signed_on = sandbox.run(Case::new(), &text(&smoke_dir().join("sign-on.toml")));
        let sessions = sandbox.run(
            Case::new().file("sessions.toml", &sessions_workflow()),
            "sessions.toml",
        );
        sandbox.stop();
        assert_eq!(
            signed_on.code, 1,
            "{faults}: {}\n{}",
            signed_on.stdout, signed_on.stderr
        );
        let marks = step_marks(&signed_on);
        assert!(
            marks.contains(&('✗', failed.to_owned())),
            "{faults}: {marks:?}"
        );
        // A cleanup that ran and passed is marked ↺ (one that failed, ✗).
        assert!(
            signed_on
                .stdout
                .lines()
                .any(|l| l.trim_start().starts_with('↺')
                    && l.contains("Sign off the session the run left open")),
            "{faults}: {}",
            signed_on.stdout
        );
        assert_eq!(
            sessions.code, 0,
            "{faults}: {}\n{}",
            sessions.stdout, sessions.stderr
        );
    }
}

/// A workflow that fails unless the smoke user has no session.
fn sessions_workflow() -> String {
    let token = smoke_dir().join("../common/worker-token.toml");
    format!(
        r#"name = "The smoke user's sessions"
[defaults]
auth = {{ bearer = "<<accessToken>>" }}
[[steps]]
use = "{token}"
[[steps]]
name = "The smoke user"
url = "<<apiPath>>/environments/<<envID>>/users"
query = {{ filter = 'username eq "steprun-smoke"' }}
extract = {{ userID = "$._embedded.users[0].id" }}
[[steps]]
name = "No session"
url = "<<apiPath>>/environments/<<envID>>/users/<<userID>>/sessions"
expect.json = {{ "$._embedded.sessions" = {{ len = 0 }} }}
"#,
        token = token.display()
    )
}
