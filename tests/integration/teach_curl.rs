//! `teach`'s `c`: the curl command it prints runs as printed, once the shell variables its
//! first line names are set, against a live sandbox; and it never holds a secret.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::Value;
use steprun::sandbox::{self, Sandbox};

use crate::curl_reading;

/// Longest wait for one line of `teach`'s output.
const LINE_WAIT: Duration = Duration::from_mins(1);

/// `teach` of a library workflow against `vars`, answered line by line.
struct Teach {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
}

impl Teach {
    fn start(workflow: &str, vars: &std::path::Path) -> Teach {
        let workflow = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(workflow);
        let mut child = Command::new(env!("CARGO_BIN_EXE_steprun"))
            .arg("teach")
            .arg(&workflow)
            .arg("--vars")
            .arg(vars)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .env("NO_COLOR", "1")
            .env_remove("STEPRUN_LOG")
            .spawn()
            .expect("run steprun");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Teach {
            child,
            stdin,
            lines,
        }
    }

    fn answer(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").expect("answer teach");
        self.stdin.flush().expect("flush");
    }

    /// The curl export `c` prints: from its first line (the variables' or `curl`'s own) to
    /// `--max-time`, its last option.
    fn curl(&mut self) -> String {
        self.answer("c");
        let mut script = Vec::new();
        loop {
            let line = self
                .lines
                .recv_timeout(LINE_WAIT)
                .expect("teach printed the curl command");
            if script.is_empty()
                && !line.starts_with("# set these first")
                && !line.starts_with("curl ")
            {
                continue;
            }
            let last = line.trim_start().starts_with("--max-time");
            script.push(line);
            if last {
                return script.join("\n");
            }
        }
    }
}

/// Runs `script` with bash, the variables set in its environment only; its standard output
/// as JSON.
fn run_with_bash(script: &str, vars: &[(&str, &str)]) -> Value {
    let mut cmd = Command::new("bash");
    cmd.arg("-c").arg(format!("{script} --silent --show-error"));
    for (name, value) in vars {
        cmd.env(name, value);
    }
    let out = cmd.output().expect("run bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the export did not run:\n{script}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{script}"))
}

/// Runs the export with bash and curl as a person would; where curl is not installed, as
/// read by `curl_reading` and sent with reqwest instead. The JSON body of the response.
fn run_export(runtime: &tokio::runtime::Runtime, script: &str, vars: &[(&str, &str)]) -> Value {
    if curl_is_installed() {
        run_with_bash(script, vars)
    } else {
        read_and_send(runtime, script, vars)
    }
}

/// The export read as a shell reads it and sent with reqwest; the JSON body of the response.
fn read_and_send(runtime: &tokio::runtime::Runtime, script: &str, vars: &[(&str, &str)]) -> Value {
    let known: HashMap<&str, &str> = vars.iter().copied().collect();
    let words = curl_reading::words(script, &known);
    let (status, body) = runtime.block_on(curl_reading::send(&words));
    assert!(status < 300, "{status} {body}\n{script}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn curl_is_installed() -> bool {
    Command::new("curl")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn the_curl_export_runs_with_its_secrets_as_shell_variables() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sandbox: Sandbox = runtime
        .block_on(sandbox::start("127.0.0.1:0".parse().expect("address")))
        .expect("start the sandbox");
    let vars = sandbox.vars().clone();
    let dir = tempfile::tempdir().expect("temp dir");
    let vars_file = dir.path().join("sandbox.toml");
    std::fs::write(&vars_file, vars.to_toml()).expect("write vars");

    let mut teach = Teach::start("workflows/sso/simple-login.toml", &vars_file);
    // Step 1: the worker token, Basic credentials and a form.
    let token_curl = teach.curl();
    assert!(
        token_curl.starts_with("# set these first: adminAppID adminAppSecret\ncurl "),
        "{token_curl}"
    );
    assert!(
        token_curl.contains("  -u \"$adminAppID:$adminAppSecret\" \\"),
        "{token_curl}"
    );
    assert!(
        token_curl.contains("  --data-urlencode grant_type=client_credentials \\"),
        "{token_curl}"
    );
    for leak in [vars.admin_app_secret.expose().as_str(), "«", "Basic "] {
        assert!(!token_curl.contains(leak), "{leak:?} in\n{token_curl}");
    }
    let token = run_export(
        &runtime,
        &token_curl,
        &[
            ("adminAppID", &vars.admin_app_id),
            ("adminAppSecret", vars.admin_app_secret.expose()),
        ],
    );
    assert_eq!(token["token_type"], "Bearer", "{token}");
    // Read word by word as a shell would (the way the export runs without curl), too.
    let credentials = [
        ("adminAppID", vars.admin_app_id.as_str()),
        ("adminAppSecret", vars.admin_app_secret.expose().as_str()),
    ];
    let read = read_and_send(&runtime, &token_curl, &credentials);
    assert_eq!(read["token_type"], "Bearer", "{read}");
    let access_token = token["access_token"].as_str().expect("an access token");

    // Step 2, once step 1 is sent: a bearer token and a JSON body.
    teach.answer("");
    let app_curl = teach.curl();
    assert!(
        app_curl.starts_with("# set these first: accessToken\ncurl "),
        "{app_curl}"
    );
    assert!(
        app_curl.contains("  -H \"authorization: Bearer $accessToken\" \\"),
        "{app_curl}"
    );
    assert!(!app_curl.contains('«'), "{app_curl}");
    let app = run_export(&runtime, &app_curl, &[("accessToken", access_token)]);
    assert_eq!(app["type"], "WEB_APP", "{app}");
    assert!(app["id"].as_str().is_some_and(|id| !id.is_empty()), "{app}");

    teach.answer("q");
    drop(teach.stdin);
    let status = teach.child.wait().expect("teach ends");
    assert_eq!(status.code(), Some(130));
    runtime.block_on(sandbox.shutdown());
}
