//! The engine under every fault the sandbox injects (README, The sandbox: Faults): a GET step
//! and a POST step each meet each fault; the failure says what happened on the wire, retries
//! are bounded, a request that may have been processed is sent again only by a step's `retry`,
//! every send counts as an attempt, timeouts end stalls, cleanups still run in reverse order
//! and the report is still written.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{Case, Run};

/// Two groups made (each with its cleanup), then the step under test, `target`.
fn workflow(target: &str) -> String {
    format!(
        r#"name = "Under a fault"

[[steps]]
name = "Get a token"
method = "POST"
url = "<<authPath>>/<<adminEnvID>>/as/token"
auth = {{ basic = {{ username = "<<adminAppID>>", password = "<<adminAppSecret>>" }} }}
form = {{ grant_type = "client_credentials" }}
extract = {{ accessToken = "$.access_token" }}

[[steps]]
name = "Create group A"
method = "POST"
url = "<<apiPath>>/environments/<<envID>>/groups"
headers = {{ Authorization = "Bearer <<accessToken>>" }}
json = {{ name = "faults-a-<<run_id>>" }}
extract = {{ groupA = "$.id" }}
cleanup = {{ name = "Delete group A", method = "DELETE", url = "<<apiPath>>/environments/<<envID>>/groups/<<groupA>>", headers = {{ Authorization = "Bearer <<accessToken>>" }} }}

[[steps]]
name = "Create group B"
method = "POST"
url = "<<apiPath>>/environments/<<envID>>/groups"
headers = {{ Authorization = "Bearer <<accessToken>>" }}
json = {{ name = "faults-b-<<run_id>>" }}
extract = {{ groupB = "$.id" }}
cleanup = {{ name = "Delete group B", method = "DELETE", url = "<<apiPath>>/environments/<<envID>>/groups/<<groupB>>", headers = {{ Authorization = "Bearer <<accessToken>>" }} }}

{target}"#
    )
}

/// The GET under test: the outbox, read as JSON.
fn get_step(extra: &str) -> String {
    format!(
        r#"[[steps]]
name = "Read the outbox"
method = "GET"
url = "<<sandboxPath>>/messages"
timeout = "1s"
extract = {{ count = "$.count" }}
{extra}
"#
    )
}

/// The POST under test: a population, whose id is read from the answer.
fn post_step(extra: &str) -> String {
    format!(
        r#"[[steps]]
name = "Create a population"
method = "POST"
url = "<<apiPath>>/environments/<<envID>>/populations"
headers = {{ Authorization = "Bearer <<accessToken>>" }}
json = {{ name = "faults-<<run_id>>" }}
timeout = "1s"
extract = {{ popID = "$.id" }}
{extra}
"#
    )
}

const GET_ROUTE: &str = "GET:/sandbox/messages";
const POST_ROUTE: &str = "POST:/v1/environments/*/populations";

/// Runs `target` in [`workflow`] with `--sandbox-faults SPEC`, a JSON report and the fault log.
fn under(target: &str, spec: &str, extra_args: &[&str]) -> (Run, Value, Duration) {
    let case = Case::new()
        .file("w.toml", &workflow(target))
        .env("STEPRUN_LOG", "steprun::sandbox::faults=info")
        .args(["run", "w.toml", "--sandbox", "--sandbox-faults", spec])
        .args(["--report", "json=report.json"])
        .args(extra_args.iter().copied());
    let started = Instant::now();
    let run = case.run();
    let elapsed = started.elapsed();
    let report: Value = serde_json::from_str(&case.read("report.json")).expect("a JSON report");
    (run, report, elapsed)
}

/// The step under test (the fourth) in the report.
fn target(report: &Value) -> &Value {
    &report["workflows"][0]["steps"][3]
}

/// Faults injected, as the sandbox logged them.
fn injected(run: &Run) -> usize {
    run.stderr.matches("sandbox fault injected").count()
}

/// The cleanups ran, both, B before A, and passed.
#[track_caller]
fn cleaned_up(report: &Value) {
    let cleanups = report["workflows"][0]["cleanups"]
        .as_array()
        .expect("cleanups in the report");
    let names: Vec<&str> = cleanups.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["Delete group B", "Delete group A"], "{cleanups:#?}");
    for c in cleanups {
        assert_eq!(c["outcome"], "passed", "{c:#}");
    }
}

/// Each fault, what the failure must say, and how many times the request goes out without
/// `retry` (429 and 503 are re-sent 3 times by steprun itself).
const FAULTS: [(&str, &str, u64); 8] = [
    (
        "reset-before",
        "reset the connection after the request was sent, before any answer",
        1,
    ),
    (
        "reset-after",
        "reset the connection after the request was sent, before any answer",
        1,
    ),
    (
        "truncate",
        "the response body is JSON truncated at byte ",
        1,
    ),
    (
        "invalid-json",
        "the response body is invalid JSON at line 1 column ",
        1,
    ),
    ("stall-body", "the response body stalled: status 20", 1),
    ("stall", "no response within 1s (the step's timeout)", 1),
    ("429:retry-after=0s", "status: expected 2xx / actual 429", 4),
    ("503:retry-after=0s", "status: expected 2xx / actual 503", 4),
];

#[test]
fn every_fault_fails_a_get_and_a_post_with_what_happened_and_cleans_up() {
    for (route, step) in [(GET_ROUTE, get_step("")), (POST_ROUTE, post_step(""))] {
        for (fault, words, sends) in FAULTS {
            let spec = format!("{fault}@{route}");
            let (run, report, elapsed) = under(&step, &spec, &[]);
            let run = run.code(1).stdout_has(words);
            assert!(
                !run.stdout.contains("cannot connect"),
                "{spec}: the server was reached\n{}",
                run.stdout
            );
            let step = target(&report);
            assert_eq!(step["outcome"], "failed", "{spec}: {step:#}");
            assert_eq!(step["attempts"], sends, "{spec}: every send is an attempt");
            assert_eq!(
                injected(&run) as u64,
                sends,
                "{spec}: sent {sends} times, no more\n{}",
                run.stderr
            );
            // A stall ends at the step's timeout (1 s), not the sandbox's ten minutes.
            assert!(
                elapsed < Duration::from_secs(20),
                "{spec}: took {elapsed:?}"
            );
            cleaned_up(&report);
            assert!(
                !run.stdout.contains("eyJ"),
                "{spec}: a token shows\n{}",
                run.stdout
            );
        }
    }
}

#[test]
fn a_request_that_may_have_been_processed_is_sent_again_only_with_retry() {
    let retry = r#"retry = { attempts = 3, interval = "10ms" }"#;
    for fault in ["reset-before", "reset-after", "stall", "stall-body"] {
        // Reading is safe to repeat: the second send gets the answer.
        let spec = format!("{fault}:times=1@{GET_ROUTE}");
        let (run, report, _) = under(&get_step(retry), &spec, &[]);
        run.code(0);
        assert_eq!(target(&report)["attempts"], 2, "{spec}: {report:#}");
        cleaned_up(&report);
        // Creating is not: after `reset-after` and the stalls the first send was processed,
        // and the re-sends `retry` asked for meet its population (the reason steprun never
        // re-sends such a request by itself). `reset-before` was not processed.
        let spec = format!("{fault}:times=1@{POST_ROUTE}");
        let (run, report, _) = under(&post_step(retry), &spec, &[]);
        if fault == "reset-before" {
            run.code(0);
            assert_eq!(target(&report)["attempts"], 2, "{spec}: {report:#}");
        } else {
            run.code(1).stdout_has("UNIQUENESS_VIOLATION");
            assert_eq!(target(&report)["attempts"], 3, "{spec}: {report:#}");
        }
        cleaned_up(&report);
    }
}

#[test]
fn throttling_is_resent_after_retry_after_and_bounded() {
    // Two 429s with `Retry-After: 1`, then the answer: three sends, a second's wait before each
    // re-send.
    let spec = format!("429:retry-after=1s,times=2@{POST_ROUTE}");
    let (run, report, elapsed) = under(&post_step(""), &spec, &[]);
    run.code(0).stdout_has("(3 attempts)");
    assert_eq!(target(&report)["attempts"], 3);
    assert!(elapsed >= Duration::from_secs(2), "took {elapsed:?}");
    // Throttled for good: 1 send and 3 re-sends, then the 503 is the step's answer.
    let spec = format!("503:retry-after=1s@{GET_ROUTE}");
    let (run, report, elapsed) = under(&get_step(""), &spec, &[]);
    run.code(1).stdout_has("(4 attempts)");
    assert_eq!(target(&report)["attempts"], 4);
    assert!(
        (Duration::from_secs(3)..Duration::from_secs(20)).contains(&elapsed),
        "took {elapsed:?}"
    );
    cleaned_up(&report);
}

#[test]
fn a_throttled_request_that_then_fails_counts_every_send() {
    let spec = format!("503:retry-after=0s,times=1@{GET_ROUTE};reset-after@{GET_ROUTE}");
    let (run, report, _) = under(&get_step(""), &spec, &[]);
    run.code(1)
        .stdout_has("reset the connection")
        .stdout_has("(send 2; the earlier ones were answered 429 or 503)");
    assert_eq!(target(&report)["attempts"], 2);
}

#[test]
fn a_connect_timeout_does_not_end_a_stall_and_the_step_timeout_does() {
    let (run, report, elapsed) = under(
        &get_step(""),
        &format!("stall@{GET_ROUTE}"),
        &["--connect-timeout", "200ms"],
    );
    run.code(1)
        .stdout_has("no response within 1s (the step's timeout)");
    assert!(!run_said(&report, "--connect-timeout"), "{report:#}");
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
}

fn run_said(report: &Value, words: &str) -> bool {
    target(report)["message"]
        .as_str()
        .is_some_and(|m| m.contains(words))
}

#[test]
fn latency_delays_but_does_not_fail_and_a_short_timeout_ends_it() {
    let (run, _, elapsed) = under(&get_step(""), &format!("latency=300ms@{GET_ROUTE}"), &[]);
    run.code(0);
    assert!(elapsed >= Duration::from_millis(300), "took {elapsed:?}");
    let (run, _, _) = under(&get_step(""), &format!("latency=2s@{GET_ROUTE}"), &[]);
    run.code(1).stdout_has("no response within 1s");
}

#[test]
fn a_broken_token_answer_keeps_its_token_hidden() {
    for fault in ["truncate", "invalid-json"] {
        let spec = format!("{fault}@POST:/*/as/token");
        let (run, _, _) = under(&get_step(""), &spec, &["-vv"]);
        run.code(1)
            .stdout_has("cannot extract `accessToken`: the response body is")
            .nowhere("eyJ");
    }
}

#[test]
fn a_bad_spec_is_a_usage_error_and_nothing_is_sent() {
    Case::new()
        .file("w.toml", &workflow(&get_step("")))
        .args([
            "run",
            "w.toml",
            "--sandbox",
            "--sandbox-faults",
            "stall@get:/x",
        ])
        .run()
        .code(2)
        .stderr_has("--sandbox-faults: `stall@get:/x`: `get` is not a method");
    Case::new()
        .args(["sandbox", "--faults", "random:rate=0.5"])
        .run()
        .code(2)
        .stderr_has("--faults: `random:rate=0.5`: random needs a seed");
}

/// A sandbox with `spec` in force, in this process.
async fn sandbox_with(spec: &str) -> steprun::sandbox::Sandbox {
    let spec = steprun::sandbox::parse_faults(spec).expect("a valid SPEC");
    steprun::sandbox::start_with_faults("127.0.0.1:0".parse().expect("addr"), Some(spec))
        .await
        .expect("the sandbox starts")
}

/// What a plain TCP client reads after sending `GET path`: the bytes, or the error's kind.
async fn raw_get(addr: std::net::SocketAddr, path: &str) -> Result<Vec<u8>, std::io::ErrorKind> {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.kind())?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| e.kind())?;
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut out)).await;
    match read {
        Ok(Ok(_)) => Ok(out),
        Ok(Err(e)) => Err(e.kind()),
        Err(_) => Err(std::io::ErrorKind::TimedOut),
    }
}

#[tokio::test]
async fn resets_are_tcp_resets_and_truncation_keeps_its_framing() {
    let sandbox = sandbox_with(
        "reset-before@/sandbox/a;reset-after@/sandbox/b;truncate@/sandbox/messages;stall@/sandbox/s",
    )
    .await;
    let addr = sandbox.addr();
    for path in ["/sandbox/a", "/sandbox/b"] {
        assert_eq!(
            raw_get(addr, path).await,
            Err(std::io::ErrorKind::ConnectionReset),
            "{path}"
        );
    }
    // Half of `{"count":0,"messages":[]}`, with a Content-Length of its own.
    let answer = String::from_utf8(raw_get(addr, "/sandbox/messages").await.unwrap()).unwrap();
    assert!(answer.contains("content-length: 12\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\n{\"count\":0,\""), "{answer}");
    assert_eq!(
        raw_get(addr, "/sandbox/s").await,
        Err(std::io::ErrorKind::TimedOut)
    );
    let kinds: Vec<String> = sandbox
        .faults_injected()
        .iter()
        .map(|i| i.kind.name().to_owned())
        .collect();
    assert_eq!(kinds, ["reset-before", "reset-after", "truncate", "stall"]);
    // A stalled connection does not hold up the stop.
    tokio::time::timeout(Duration::from_secs(5), sandbox.shutdown())
        .await
        .expect("the sandbox stops at once");
}

#[tokio::test]
async fn random_faults_repeat_with_their_seed() {
    let mut logs = Vec::new();
    for seed in [7, 7, 8] {
        let spec = format!("random:rate=0.3,seed={seed},faults=429+503+truncate+invalid-json");
        let sandbox = sandbox_with(&spec).await;
        for n in 0..60 {
            let _ = raw_get(sandbox.addr(), &format!("/sandbox/messages?n={n}")).await;
        }
        let log: Vec<(u64, String)> = sandbox
            .faults_injected()
            .iter()
            .map(|i| (i.request, i.kind.name().to_owned()))
            .collect();
        sandbox.shutdown().await;
        logs.push(log);
    }
    assert_eq!(logs[0], logs[1], "one seed, one sequence of faults");
    assert_ne!(logs[0], logs[2], "another seed, another sequence");
    // About 30% of 60, and never a fault outside the list.
    assert!((8..=30).contains(&logs[0].len()), "{:?}", logs[0]);
    for (_, kind) in logs.iter().flatten() {
        assert!(
            ["429", "503", "truncate", "invalid-json"].contains(&kind.as_str()),
            "{kind}"
        );
    }
}
