//! Connection flags (`--cacert`, `--cert`/`--key`, `--insecure`, `--proxy`,
//! `--connect-timeout`), a workflow on standard input, `--jobs` without a matrix, and the
//! generated completions and manual page, against real local servers.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::harness::Case;
use crate::net_servers::{Pki, Proxy, meeting, silent, write_pem_files};
use crate::server::TestServer;

/// A workflow of one GET to `url`, expecting `check` (a JSONPath = value line) of its JSON.
fn get(url: &str, check: &str) -> String {
    format!(
        "name = \"Reach\"\n\n[[steps]]\nname = \"Get\"\nurl = \"{url}\"\ntimeout = \"20s\"\n\
         [steps.expect.json]\n{check}\n"
    )
}

fn tls_case(pki: &Pki, addr: SocketAddr) -> Case {
    let case = Case::new().file(
        "w.toml",
        &get(&format!("https://{addr}/secure"), "\"$.tls\" = true"),
    );
    write_pem_files(pki, &case.path(""));
    case
}

#[test]
fn a_private_ca_is_trusted_with_cacert_and_skipped_with_insecure() {
    let pki = Pki::new();
    let addr = pki.server(false);
    tls_case(&pki, addr)
        .args(["run", "w.toml"])
        .run()
        .code(1)
        .stdout_has("UnknownIssuer")
        .stdout_has("pass its certificate with --cacert FILE");
    tls_case(&pki, addr)
        .args(["run", "w.toml", "--cacert", "ca.pem"])
        .run()
        .code(0)
        .stdout_has("1 passed");
    tls_case(&pki, addr)
        .args(["run", "w.toml", "--insecure"])
        .run()
        .code(0)
        .stderr_has("warning: --insecure: no request verifies TLS certificates");
    // `teach` takes the same flags.
    tls_case(&pki, addr)
        .args(["teach", "-y", "w.toml", "--cacert", "ca.pem"])
        .run()
        .code(0);
}

#[test]
fn a_server_asking_for_a_client_certificate_accepts_cert_and_key() {
    let pki = Pki::new();
    let addr = pki.server(true);
    let wants_cert = |args: &[&str]| {
        let case = Case::new().file(
            "w.toml",
            &get(&format!("https://{addr}/mtls"), "\"$.clientCert\" = true"),
        );
        write_pem_files(&pki, &case.path(""));
        case.args(["run", "w.toml", "--cacert", "ca.pem"])
            .args(args.iter().copied())
            .run()
    };
    wants_cert(&[])
        .code(1)
        .stdout_has("the server may want a client certificate: --cert FILE --key FILE");
    wants_cert(&["--cert", "client.pem", "--key", "client.key"]).code(0);
    // The key may share the certificate's file, as curl allows.
    wants_cert(&["--cert", "client-both.pem"]).code(0);
}

#[test]
fn bad_connection_flags_are_usage_errors_and_nothing_is_sent() {
    let server = TestServer::start();
    let pki = Pki::new();
    let case = || {
        let case = Case::new().file(
            "w.toml",
            &get(&format!("{}/echo", server.base), "\"$.method\" = \"GET\""),
        );
        write_pem_files(&pki, &case.path(""));
        case.file("junk.pem", "not a certificate\n")
    };
    case()
        .args(["run", "w.toml", "--cacert", "missing.pem"])
        .run()
        .code(2)
        .stderr_has("--cacert missing.pem: cannot read it: No such file or directory")
        .stderr_has("nothing was sent");
    case()
        .args(["run", "w.toml", "--cacert", "junk.pem"])
        .run()
        .code(2)
        .stderr_has("--cacert junk.pem: no certificate in it");
    case()
        .args(["run", "w.toml", "--cert", "client.pem"])
        .run()
        .code(2)
        .stderr_has("--cert client.pem: no private key in it: give the key with --key FILE");
    case()
        .args(["run", "w.toml", "--cert", "client.pem", "--key", "ca.pem"])
        .run()
        .code(2)
        .stderr_has("--key ca.pem: no private key in it");
    case()
        .args(["run", "w.toml", "--key", "client.key"])
        .run()
        .code(2)
        .stderr_has("--cert");
    case()
        .args(["run", "w.toml", "--proxy", "socks5://127.0.0.1:1080"])
        .run()
        .code(2)
        .stderr_has("--proxy: the scheme `socks5` is not supported");
    case()
        .args(["run", "w.toml", "--connect-timeout", "5"])
        .run()
        .code(2)
        .stderr_has("--connect-timeout `5`: expected a duration such as 500ms, 5s or 1m");
    assert_eq!(server.hits(), 0, "a request was sent");
    // The same flags, well given, run.
    case()
        .args([
            "run",
            "w.toml",
            "--cacert",
            "ca.pem",
            "--connect-timeout",
            "5s",
        ])
        .run()
        .code(0);
    assert_eq!(server.hits(), 1);
}

#[test]
fn proxy_carries_http_and_tunnels_https_and_no_proxy_bypasses_it() {
    let proxy = Proxy::start();
    let proxy_url = format!("http://{}", proxy.addr);
    // Nothing listens on port 9 (discard): only the proxy can answer.
    Case::new()
        .file(
            "w.toml",
            &get("http://127.0.0.1:9/through", "\"$.via\" = \"proxy\""),
        )
        .args(["run", "w.toml", "--proxy", &proxy_url])
        .run()
        .code(0);
    assert!(
        proxy
            .seen()
            .contains(&"GET http://127.0.0.1:9/through HTTP/1.1".to_owned()),
        "{:?}",
        proxy.seen()
    );
    // HTTPS goes through a CONNECT tunnel, end to end with the server.
    let pki = Pki::new();
    let addr = pki.server(false);
    tls_case(&pki, addr)
        .args(["run", "w.toml", "--cacert", "ca.pem", "--proxy", &proxy_url])
        .run()
        .code(0);
    assert!(
        proxy
            .seen()
            .iter()
            .any(|l| l.starts_with(&format!("CONNECT {addr} "))),
        "{:?}",
        proxy.seen()
    );
    // The environment's proxy applies without the flag, as in curl.
    Case::new()
        .file(
            "w.toml",
            &get("http://127.0.0.1:9/env", "\"$.via\" = \"proxy\""),
        )
        .env("HTTP_PROXY", &proxy_url)
        .args(["run", "w.toml"])
        .run()
        .code(0);
    assert!(proxy.seen().iter().any(|l| l.contains("/env ")));
    // NO_PROXY names hosts reached directly, with the flag too.
    let server = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &get(&format!("{}/echo", server.base), "\"$.method\" = \"GET\""),
        )
        .env("NO_PROXY", "127.0.0.1")
        .args(["run", "w.toml", "--proxy", &proxy_url])
        .run()
        .code(0);
    assert_eq!(server.hits(), 1);
    assert!(!proxy.seen().iter().any(|l| l.contains("/echo")));
}

#[test]
fn connect_timeout_ends_a_handshake_that_never_completes() {
    // The listener accepts and never answers: TCP connects, TLS waits forever. The connect
    // timeout covers both; the step's own timeout (20 s) is far off.
    let addr = silent();
    let started = Instant::now();
    Case::new()
        .file("w.toml", &get(&format!("https://{addr}/"), "\"$.x\" = 1"))
        .args(["run", "w.toml", "--connect-timeout", "300ms"])
        .run()
        .code(1)
        .stdout_has("no connection within 300ms (--connect-timeout)");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}: the step's timeout ended it, not --connect-timeout",
        started.elapsed()
    );
}

#[test]
fn a_workflow_is_read_from_standard_input() {
    let server = TestServer::start();
    let workflow = get(&format!("{}/echo", server.base), "\"$.method\" = \"GET\"");
    Case::new()
        .stdin(&workflow)
        .args(["run", "-"])
        .run()
        .code(0)
        .stdout_has("1 passed");
    assert_eq!(server.hits(), 1);
    Case::new()
        .stdin(&workflow)
        .args(["check", "-"])
        .run()
        .code(0)
        .stdout_has("ok: 1 workflow, 1 step");
    Case::new()
        .stdin("name = \"Broken\"\n[[steps]]\nnme = \"x\"\n")
        .args(["check", "-"])
        .run()
        .code(2)
        .stderr_has("<stdin>:3:1");
    Case::new()
        .stdin(&workflow)
        .args(["run", "-", "-"])
        .run()
        .code(2)
        .stderr_has("standard input (`-`) holds one workflow");
}

#[test]
fn jobs_without_a_matrix_runs_the_named_workflows_side_by_side() {
    let addr = meeting(2);
    let meet = |name: &str| {
        format!(
            "name = \"{name}\"\n\n[[steps]]\nname = \"Meet\"\nurl = \"http://{addr}/meet\"\n\
             [steps.expect.json]\n\"$.met\" = true\n"
        )
    };
    Case::new()
        .file("a.toml", &meet("A"))
        .file("b.toml", &meet("B"))
        .args(["run", "a.toml", "b.toml", "--jobs", "2"])
        .run()
        .code(0)
        .stdout_has("2 workflows: 2 passed");
}

#[test]
fn jobs_without_a_matrix_gives_each_workflow_its_own_variables() {
    let server = TestServer::start();
    let first = format!(
        "name = \"First\"\n\n[[steps]]\nname = \"Read\"\nurl = \"{}/echo\"\n\
         extract = {{ seen = \"$.method\" }}\n",
        server.base
    );
    let second = format!(
        "name = \"Second\"\n\n[[steps]]\nname = \"Use\"\nurl = \"{}/echo?m=<<seen>>\"\n",
        server.base
    );
    let case = || Case::new().file("1.toml", &first).file("2.toml", &second);
    case().args(["run", "1.toml", "2.toml"]).run().code(0);
    case()
        .args(["run", "1.toml", "2.toml", "--jobs", "2"])
        .run()
        .code(2)
        .stderr_has("`seen`");
    case()
        .args(["run", "1.toml", "--jobs", "2", "--save-vars", "v.toml"])
        .run()
        .code(2)
        .stderr_has("--save-vars with --jobs but no --matrix");
}

#[test]
fn completions_are_a_valid_bash_script_and_man_is_roff() {
    let run = Case::new().args(["completions", "bash"]).run().code(0);
    assert!(run.stdout.contains("_steprun()"), "{}", run.stdout);
    assert!(run.stdout.contains("--cacert"), "{}", run.stdout);
    let case = Case::new().file("steprun.bash", &run.stdout);
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(case.path("steprun.bash"))
        .output()
        .expect("run bash -n");
    assert!(
        syntax.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    Case::new().args(["completions", "tcsh"]).run().code(2);
    let man = Case::new().args(["man"]).run().code(0);
    assert!(
        man.stdout.starts_with(".TH"),
        "{}",
        &man.stdout[..200.min(man.stdout.len())]
    );
    for needle in [
        ".SS \"steprun run\"",
        ".SS \"steprun import postman\"",
        "\\-\\-cacert",
    ] {
        assert!(
            man.stdout.contains(needle),
            "lacks {needle}:\n{}",
            man.stdout
        );
    }
}

/// Each command's help opens with its own description, whichever way it is asked for: the
/// options are defined only for the command being run, and a group of options flattened into
/// it must not lend it its description.
#[test]
fn each_command_s_help_opens_with_its_own_description() {
    for (command, about) in [
        ("run", "Run workflow files or directories"),
        ("teach", "Run one workflow interactively"),
        ("check", "Validate workflows without sending anything"),
        ("sandbox", "Serve the PingOne sandbox"),
        ("report merge", "Merge the JSON reports of shards"),
        ("import postman", "Convert a Postman collection"),
    ] {
        let command: Vec<&str> = command.split(' ').collect();
        for args in [
            [&command[..], &["--help"]].concat(),
            [&["help"], &command[..]].concat(),
        ] {
            let run = Case::new().args(args.clone()).run().code(0);
            assert!(run.stdout.starts_with(about), "{args:?}:\n{}", run.stdout);
            assert!(run.stdout.contains("--"), "{args:?}:\n{}", run.stdout);
        }
    }
    // Options are still checked where they are defined.
    Case::new()
        .args(["run", "--cacert"])
        .run()
        .code(2)
        .stderr_has("--cacert <FILE>");
}
