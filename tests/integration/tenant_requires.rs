//! A workflow's `[requires]` roles and products against a vars file's `[tenant]`: `list`
//! shows them (those of `use`d files too), `check` and `run` warn of what the tenant lacks
//! before anything is sent, an unknown name is invalid input, the sandbox has everything.

use crate::engine_run::at;
use crate::harness::Case;
use crate::server::TestServer;

/// Needs Identity Data Admin and PingOne MFA itself, and through `b.toml` Environment Admin
/// and PingOne DaVinci.
const A: &str = r#"name = "Enrol a device"
requires = { roles = ["Identity Data Admin"], products = ["PingOne MFA"] }

[[steps]]
use = "b.toml"

[[steps]]
name = "a"
url = "BASE/echo/a"
"#;

const B: &str = r#"name = "Fragment"
fragment = true

[requires]
vars = ["who"]
roles = ["Environment Admin"]
products = ["PingOne DaVinci"]

[[steps]]
name = "b"
url = "BASE/echo/<<who>>"
"#;

fn case(s: &TestServer, vars: &str) -> Case {
    Case::new()
        .file("w/a.toml", &at(s, A))
        .file("w/b.toml", &at(s, B))
        .file("v.toml", vars)
}

#[test]
fn list_shows_roles_and_products_with_those_of_used_files() {
    let s = TestServer::start();
    case(&s, "")
        .args(["list", "w/a.toml"])
        .run()
        .code(0)
        .stdout_has("Enrol a device  (2 steps)\n    w/a.toml\n")
        .stdout_has("    roles: Environment Admin, Identity Data Admin\n")
        .stdout_has("    products: PingOne MFA, PingOne DaVinci\n");
}

#[test]
fn check_warns_of_each_product_and_role_the_tenant_lacks_and_passes() {
    let s = TestServer::start();
    let vars =
        "who = \"x\"\n[tenant]\nroles = [\"Environment Admin\"]\nproducts = [\"PingOne MFA\"]\n";
    let run = case(&s, vars)
        .args(["check", "w/a.toml", "--vars", "v.toml"])
        .run()
        .code(0)
        .stdout_has("ok: 1 workflow, 2 steps")
        .stderr_has("warning: w/a.toml needs the Identity Data Admin role, which v.toml's [tenant] does not list\n")
        .stderr_has("warning: w/a.toml needs PingOne DaVinci, which v.toml's [tenant] does not list\n")
        .nowhere("needs PingOne MFA")
        .nowhere("needs the Environment Admin role");
    assert_eq!(run.stderr.matches("warning:").count(), 2, "{}", run.stderr);
    assert_eq!(s.hits(), 0);
}

#[test]
fn run_warns_before_it_starts_and_runs_anyway() {
    let s = TestServer::start();
    let vars = "who = \"x\"\n[tenant]\nproducts = []\n";
    let run = case(&s, vars)
        .args(["run", "w/a.toml", "--vars", "v.toml"])
        .run()
        .code(0)
        .stderr_has("warning: w/a.toml needs PingOne MFA, which v.toml's [tenant] does not list")
        .stderr_has(
            "warning: w/a.toml needs PingOne DaVinci, which v.toml's [tenant] does not list",
        )
        // Roles are left out of [tenant]: unknown, so nothing is said of them.
        .nowhere("role, which");
    assert_eq!(s.hits(), 2, "both steps ran: {}", run.stdout);
}

#[test]
fn a_tenant_with_everything_or_no_tenant_gets_no_warning() {
    let s = TestServer::start();
    let everything = "who = \"x\"\n[tenant]\nroles = [\"Identity Data Admin\", \"Environment Admin\"]\nproducts = [\"PingOne DaVinci\", \"PingOne MFA\", \"PingOne Protect\"]\n";
    for vars in [everything, "who = \"x\"\n"] {
        case(&s, vars)
            .args(["check", "w/a.toml", "--vars", "v.toml"])
            .run()
            .code(0)
            .nowhere("warning");
    }
}

#[test]
fn the_sandbox_has_everything() {
    let s = TestServer::start();
    case(&s, "who = \"x\"\n[tenant]\nroles = []\nproducts = []\n")
        .args(["check", "w/a.toml", "--vars", "v.toml", "--sandbox"])
        .run()
        .code(0)
        .nowhere("warning");
}

#[test]
fn an_unknown_role_in_tenant_is_invalid_input_at_its_place() {
    let s = TestServer::start();
    let vars = "who = \"x\"\n\n[tenant]\nroles = [\"Environment Admin\", \"Identity Data Admn\"]\n";
    for command in ["check", "run"] {
        case(&s, vars)
            .args([command, "w/a.toml", "--vars", "v.toml"])
            .run()
            .code(2)
            .stderr_has("error: unknown admin role `Identity Data Admn`")
            .stderr_has("v.toml:4:31")
            .stderr_has("did you mean `Identity Data Admin`?")
            .stderr_has("nothing was sent");
    }
    assert_eq!(s.hits(), 0);
}

#[test]
fn an_unknown_key_in_tenant_is_invalid_input() {
    let s = TestServer::start();
    case(&s, "who = \"x\"\n[tenant]\nproduct = [\"PingOne MFA\"]\n")
        .args(["check", "w/a.toml", "--vars", "v.toml"])
        .run()
        .code(2)
        .stderr_has("unknown field `product`")
        .stderr_has("v.toml:3:1");
}

#[test]
fn an_unknown_product_in_a_workflow_is_invalid_input_at_its_place() {
    let s = TestServer::start();
    let workflow = "name = \"x\"\n\n[requires]\nproducts = [\"PingOne Risk\"]\n\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo/a\"\n";
    Case::new()
        .file("w.toml", &at(&s, workflow))
        .args(["run", "w.toml"])
        .run()
        .code(2)
        .stderr_has("error: unknown product `PingOne Risk`")
        .stderr_has("w.toml:4:13")
        .stderr_has("did you mean `PingOne Protect`?");
    assert_eq!(s.hits(), 0);
}

#[test]
fn the_library_names_only_known_roles_and_every_workflow_needs_a_role() {
    // Loading validates every name; each tutorial's worker app needs at least one role. (The
    // smoke suite's discovery check reads only public endpoints, with no worker app: the
    // smoke suite's own test checks its roles.)
    let run = Case::new()
        .args(["list", concat!(env!("CARGO_MANIFEST_DIR"), "/workflows")])
        .args(["--skip-tag", "smoke"])
        .run()
        .code(0);
    let workflows = run.stdout.matches("  (").count();
    let with_roles = run.stdout.matches("\n    roles: ").count();
    assert!(workflows >= 53, "{}", run.stdout);
    assert_eq!(with_roles, workflows, "{}", run.stdout);
}

#[test]
fn each_matrix_entry_is_compared_with_its_own_tenant() {
    let s = TestServer::start();
    let lacking = "who = \"x\"\n[tenant]\nproducts = [\"PingOne DaVinci\"]\n";
    let everything = "who = \"y\"\n[tenant]\nproducts = [\"PingOne DaVinci\", \"PingOne MFA\"]\n";
    let run = case(&s, "")
        .file("envs/lacking.toml", lacking)
        .file("envs/everything.toml", everything)
        .args(["run", "w/a.toml", "--matrix", "envs/*.toml"])
        .run()
        .code(0)
        .stderr_has(
            "warning: w/a.toml needs PingOne MFA, which envs/lacking.toml's [tenant] does not list",
        );
    assert_eq!(run.stderr.matches("warning:").count(), 1, "{}", run.stderr);
    assert_eq!(s.hits(), 4);
}

#[test]
fn tenant_is_not_a_variable_name_in_a_vars_file() {
    let s = TestServer::start();
    case(&s, "who = \"x\"\ntenant = \"eu\"\n")
        .args(["check", "w/a.toml", "--vars", "v.toml"])
        .run()
        .code(2)
        .stderr_has("`tenant` in a vars file is the `[tenant]` table, not a variable")
        .stderr_has("v.toml:2:1");
}
