//! Span export over OTLP/HTTP (README, Telemetry): a real receiver decodes what a run sends,
//! its span tree and attributes agree with the run's own JSON report, no secret reaches it,
//! and a collector that is closed or silent costs one warning and a bounded wait, never the
//! run's exit code.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::collector::{Collector, Span};
use crate::engine_run::at;
use crate::harness::{Case, Run};
use crate::server::TestServer;

/// What steprun allows the export at exit (`telemetry::EXPORT_BOUND`).
const BOUND: Duration = Duration::from_secs(3);
/// Slack over the bound for starting a process on a loaded machine.
const SLACK: Duration = Duration::from_millis(2500);

fn workflow_file(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("workflows")
        .join(name)
        .display()
        .to_string()
}

fn exporting(case: Case, endpoint: &str) -> Case {
    case.env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
}

/// A case holding `w.toml`: the workflow "Echo", one GET of the test server's `/echo`.
fn echo_case(s: &TestServer) -> Case {
    Case::new().file(
        "w.toml",
        &at(
            s,
            "name = \"Echo\"\n[[steps]]\nname = \"echo\"\nurl = \"BASE/echo\"\n",
        ),
    )
}

fn children<'a>(spans: &'a [Span], parent: &Span) -> Vec<&'a Span> {
    spans.iter().filter(|s| s.parent == parent.id).collect()
}

#[test]
fn a_sandbox_run_exports_its_run_workflow_step_and_http_spans_as_its_report_tells_them() {
    let collector = Collector::start();
    let case = exporting(Case::new(), &collector.endpoint)
        .env("OTEL_SERVICE_NAME", "tenant-smoke")
        .env("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=ci")
        .env("OTEL_EXPORTER_OTLP_HEADERS", "x-collector-key=k-123")
        .args([
            "run",
            &workflow_file("sso/simple-login.toml"),
            "--sandbox",
            "--report",
            "json=r.json",
        ]);
    case.run().code(0);
    let report: Value = serde_json::from_str(&case.read("r.json")).expect("report");
    let spans = collector.spans();
    assert!(!spans.is_empty(), "no span received");
    assert_eq!(collector.header("x-collector-key")[0], "k-123");
    for span in &spans {
        assert_eq!(span.trace_id, spans[0].trace_id, "one trace per run");
        assert_eq!(span.resource["service.name"], "tenant-smoke");
        assert_eq!(span.resource["deployment.environment.name"], "ci");
    }

    let roots: Vec<&Span> = spans.iter().filter(|s| s.parent.is_empty()).collect();
    assert_eq!(roots.len(), 1, "{roots:#?}");
    let run = roots[0];
    assert_eq!(run.name, "steprun run");
    assert_eq!(run.attr("steprun.tenant"), Some("sandbox"));
    assert_eq!(run.attr("steprun.outcome"), Some("passed"));

    let workflows = children(&spans, run);
    let reported = report["workflows"].as_array().expect("workflows");
    assert_eq!(workflows.len(), reported.len());
    for (span, reported) in workflows.iter().zip(reported) {
        assert_eq!(span.attr("steprun.workflow"), reported["name"].as_str());
        assert_eq!(span.name, reported["name"].as_str().expect("name"));
        assert_eq!(span.attr("steprun.outcome"), Some("passed"));
        let steps = children(&spans, span);
        let reported_steps: Vec<&Value> = ["steps", "cleanups"]
            .iter()
            .flat_map(|key| reported[key].as_array().expect("steps and cleanups"))
            .collect();
        assert!(reported_steps.iter().any(|s| s["kind"] == "cleanup"));
        assert_eq!(
            steps.len(),
            reported_steps.len(),
            "one span per step and cleanup"
        );
        for step in reported_steps {
            let name = step["name"].as_str().expect("step name");
            let number = step["number"].to_string();
            let kind = step["kind"].as_str();
            let span = steps
                .iter()
                .find(|s| {
                    s.attr("steprun.step") == Some(name)
                        && s.attr("steprun.step.number") == Some(number.as_str())
                        && s.attr("steprun.step.kind") == kind
                })
                .unwrap_or_else(|| panic!("no span for step {number} {name}"));
            assert_eq!(span.attr("steprun.outcome"), step["outcome"].as_str());
            let http = children(&spans, span);
            assert_eq!(http.len(), 1, "one HTTP attempt for {name}: {http:#?}");
            let http = http[0];
            assert!(children(&spans, http).is_empty());
            let method = step["request"]["method"].as_str().expect("method");
            assert_eq!(http.name, method);
            assert_eq!(http.kind, 3, "a client span");
            assert_eq!(http.attr("http.request.method"), Some(method));
            assert_eq!(http.attr("url.full"), step["request"]["url"].as_str());
            assert_eq!(http.attr("server.address"), Some("127.0.0.1"));
            let url = url::Url::parse(http.attr("url.full").expect("url")).expect("a URL");
            assert_eq!(
                http.attr("server.port"),
                Some(url.port().expect("port").to_string().as_str())
            );
            assert_eq!(
                http.attr("http.response.status_code"),
                Some(step["response"]["status"].to_string().as_str())
            );
            assert_eq!(http.attr("steprun.attempt"), Some("1"));
            assert_eq!(http.attr("error.type"), None);
        }
    }
}

#[test]
fn a_retried_step_has_one_http_span_per_attempt_numbered_and_failures_carry_error_type() {
    let s = TestServer::start();
    let collector = Collector::start();
    let workflow = at(
        &s,
        r#"
name = "Polling"
[[steps]]
name = "Poll"
method = "POST"
url = "BASE/poll/telemetry?after=3"
retry = { attempts = 5, interval = "10ms" }
[[steps]]
name = "Missing"
url = "BASE/status/404"
"#,
    );
    let case = exporting(Case::new().file("w.toml", &workflow), &collector.endpoint)
        .args(["run", "w.toml"]);
    case.run().code(1);
    let spans = collector.spans();
    let step = |name: &str| {
        spans
            .iter()
            .find(|s| s.attr("steprun.step") == Some(name))
            .unwrap_or_else(|| panic!("no span for {name}"))
    };
    let poll = step("Poll");
    assert_eq!(poll.attr("steprun.outcome"), Some("passed"));
    let mut attempts: Vec<&str> = children(&spans, poll)
        .iter()
        .map(|s| s.attr("steprun.attempt").expect("attempt"))
        .collect();
    attempts.sort_unstable();
    assert_eq!(attempts, ["1", "2", "3"]);
    let missing = step("Missing");
    assert_eq!(missing.attr("steprun.outcome"), Some("failed"));
    assert_eq!(missing.status, 2, "a failed step is an error span");
    let http = children(&spans, missing);
    assert_eq!(http.len(), 1);
    assert_eq!(http[0].attr("http.response.status_code"), Some("404"));
    assert_eq!(http[0].attr("error.type"), Some("404"));
    let run = spans
        .iter()
        .find(|s| s.parent.is_empty())
        .expect("run span");
    assert_eq!(run.attr("steprun.outcome"), Some("failed"));
}

#[test]
fn teach_exports_its_run_as_a_teach_span() {
    let s = TestServer::start();
    let collector = Collector::start();
    let workflow = at(
        &s,
        "name = \"Taught\"\n[[steps]]\nname = \"echo\"\nurl = \"BASE/echo\"\n",
    );
    exporting(Case::new().file("w.toml", &workflow), &collector.endpoint)
        .args(["teach", "w.toml", "--yes"])
        .run()
        .code(0);
    let spans = collector.spans();
    let run = spans
        .iter()
        .find(|s| s.parent.is_empty())
        .expect("run span");
    assert_eq!(run.name, "steprun teach");
    assert_eq!(run.attr("steprun.command"), Some("teach"));
    let workflow = children(&spans, run);
    assert_eq!(workflow.len(), 1);
    assert_eq!(workflow[0].attr("steprun.workflow"), Some("Taught"));
    let step = children(&spans, workflow[0]);
    assert_eq!(step.len(), 1);
    assert_eq!(children(&spans, step[0]).len(), 1, "its HTTP attempt");
}

#[test]
fn a_matrix_entry_names_its_tenant_on_its_workflow_span() {
    let s = TestServer::start();
    let collector = Collector::start();
    let case = echo_case(&s)
        .file("envs/eu.toml", "region = \"eu\"\n")
        .file("envs/us.toml", "region = \"us\"\n");
    exporting(case, &collector.endpoint)
        .args(["run", "w.toml", "--matrix", "envs/*.toml"])
        .run()
        .code(0);
    let spans = collector.spans();
    let mut tenants: Vec<&str> = spans
        .iter()
        .filter(|s| s.attr("steprun.workflow") == Some("Echo"))
        .map(|s| s.attr("steprun.tenant").expect("tenant"))
        .collect();
    tenants.sort_unstable();
    assert_eq!(tenants, ["eu", "us"]);
}

/// Under `--partition`, the run's span names its shard, so the shards of one CI run can be
/// told apart in the tracing backend; without it, the attribute is absent.
#[test]
fn a_shards_run_span_names_its_shard() {
    let s = TestServer::start();
    let collector = Collector::start();
    let case = || {
        echo_case(&s)
            .file("envs/eu.toml", "region = \"eu\"\n")
            .file("envs/us.toml", "region = \"us\"\n")
    };
    for partition in ["count:2/2", "hash:1/3"] {
        exporting(case(), &collector.endpoint)
            .args([
                "run",
                "w.toml",
                "--matrix",
                "envs/*.toml",
                "--partition",
                partition,
            ])
            .run()
            .code(0);
    }
    exporting(case(), &collector.endpoint)
        .args(["run", "w.toml"])
        .run()
        .code(0);
    let spans = collector.spans();
    let shards: Vec<Option<&str>> = spans
        .iter()
        .filter(|s| s.attr("steprun.command") == Some("run"))
        .map(|s| s.attr("steprun.partition"))
        .collect();
    assert_eq!(shards.len(), 3, "{shards:?}");
    for expected in [Some("count:2/2"), Some("hash:1/3"), None] {
        assert!(shards.contains(&expected), "{expected:?} in {shards:?}");
    }
}

/// `OTEL_EXPORTER_OTLP_TIMEOUT=0` is no timeout of its own (the bound at exit holds), not a
/// timeout that fails every export: the spans arrive and nothing is said.
#[test]
fn a_timeout_of_zero_is_no_timeout_of_its_own() {
    let s = TestServer::start();
    let collector = Collector::start();
    let (run, _) = timed_failing_run(
        &s,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.endpoint),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "0"),
        ],
    );
    assert_eq!(run.code, 1);
    assert_eq!(telemetry_warnings(&run), 0, "{}", run.stderr);
    assert!(!collector.spans().is_empty());
}

/// Without `--matrix`, the run is about the tenant its (last) vars file names.
#[test]
fn a_run_names_its_tenant_after_its_vars_file() {
    let s = TestServer::start();
    let collector = Collector::start();
    let case = echo_case(&s).file("tenants/acme-prod.toml", "region = \"eu\"\n");
    exporting(case, &collector.endpoint)
        .args(["run", "w.toml", "--vars", "tenants/acme-prod.toml"])
        .run()
        .code(0);
    let spans = collector.spans();
    let run = spans
        .iter()
        .find(|s| s.attr("steprun.command") == Some("run"))
        .expect("a run span");
    assert_eq!(run.attr("steprun.tenant"), Some("acme-prod"));
}

/// Like `secrets::secrets_are_redacted_in_console_reports_saved_vars_and_spans`, with
/// an extracted token too: no form of either is in any span.
#[test]
fn secrets_never_reach_an_exported_span() {
    const SECRET: &str = "s3cr3t-P@ss/word";
    let s = TestServer::start();
    let collector = Collector::start();
    let workflow = at(
        &s,
        r#"
name = "Secrets"
[[steps]]
name = "Basic auth"
url = "BASE/echo/<<appSecret>>"
auth = { basic = { username = "app", password = "<<appSecret>>" } }
query = { s = "<<appSecret>>" }
[[steps]]
name = "Token"
method = "POST"
url = "BASE/poll/x?after=1"
extract = { accessToken = "$.access_token" }
[[steps]]
name = "Use token"
url = "BASE/echo?t=<<accessToken>>"
auth = { bearer = "<<accessToken>>" }
"#,
    );
    let case = Case::new().file("w.toml", &workflow).file(
        "v.toml",
        &format!("appSecret = {{ value = \"{SECRET}\", secret = true }}\n"),
    );
    // `--show-secrets` is refused while spans are exported, as it is for a report.
    let run = exporting(case, &collector.endpoint)
        .args(["run", "w.toml", "--vars", "v.toml", "--show-secrets"])
        .run()
        .code(0);
    assert!(
        run.stderr.contains("--show-secrets ignored"),
        "{}",
        run.stderr
    );
    let raw = collector.raw_text();
    assert!(!raw.is_empty());
    for leaked in [
        SECRET,
        "s3cr3t-P%40ss%2Fword",
        "s3cr3t-P%40ss/word",
        &base64_of(&format!("app:{SECRET}")),
        "polled-token-value",
    ] {
        assert!(!raw.contains(leaked), "{leaked} leaked into the spans");
    }
    let urls: Vec<String> = collector
        .spans()
        .iter()
        .filter_map(|s| s.attr("url.full").map(str::to_owned))
        .collect();
    assert!(urls.iter().any(|u| u.contains("«appSecret»")), "{urls:?}");
    assert!(urls.iter().any(|u| u.contains("«accessToken»")), "{urls:?}");
}

fn base64_of(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// A failing run against a test server, timed, with `env` added.
fn timed_failing_run(s: &TestServer, env: &[(&str, &str)]) -> (Run, Duration) {
    let workflow = at(
        s,
        "name = \"Fails\"\n[[steps]]\nname = \"missing\"\nurl = \"BASE/status/404\"\n",
    );
    let mut case = Case::new()
        .file("w.toml", &workflow)
        .args(["run", "w.toml"]);
    for (k, v) in env {
        case = case.env(k, v);
    }
    let started = Instant::now();
    let run = case.run();
    (run, started.elapsed())
}

/// Output with its durations blanked: two runs of one workflow differ only there.
fn timeless(text: &str) -> String {
    regex::Regex::new(r"\d+ ms")
        .expect("regex")
        .replace_all(text, "_ ms")
        .into_owned()
}

fn telemetry_warnings(run: &Run) -> usize {
    run.stderr.matches("warning: telemetry").count()
}

#[test]
fn a_closed_collector_port_costs_one_warning_and_not_the_exit_code() {
    let s = TestServer::start();
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr")
    };
    let (without, plain) = timed_failing_run(&s, &[]);
    let endpoint = format!("http://{closed}");
    let (with, elapsed) = timed_failing_run(&s, &[("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint)]);
    assert_eq!(with.code, without.code);
    assert_eq!(with.code, 1);
    assert_eq!(timeless(&with.stdout), timeless(&without.stdout));
    assert_eq!(telemetry_warnings(&with), 1, "{}", with.stderr);
    assert!(with.stderr.contains(&endpoint), "{}", with.stderr);
    assert!(elapsed < plain + BOUND + SLACK, "{elapsed:?}");
}

#[test]
fn a_collector_that_never_answers_delays_the_exit_by_the_bound_at_most() {
    let s = TestServer::start();
    let silent = crate::net_servers::silent();
    let (without, plain) = timed_failing_run(&s, &[]);
    let endpoint = format!("http://{silent}");
    let (with, elapsed) = timed_failing_run(&s, &[("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint)]);
    assert_eq!(with.code, without.code);
    assert_eq!(timeless(&with.stdout), timeless(&without.stdout));
    assert_eq!(telemetry_warnings(&with), 1, "{}", with.stderr);
    assert!(elapsed < plain + BOUND + SLACK, "{elapsed:?}");
}

#[test]
fn grpc_is_refused_with_a_warning_and_nothing_is_sent() {
    let s = TestServer::start();
    let collector = Collector::start();
    let (run, _) = timed_failing_run(
        &s,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("warning: telemetry: OTLP protocol `grpc` is not supported"),
        "{}",
        run.stderr
    );
    assert!(collector.spans().is_empty());
}

#[test]
fn without_an_endpoint_nothing_is_exported_or_said() {
    let s = TestServer::start();
    let (run, _) = timed_failing_run(&s, &[("OTEL_SERVICE_NAME", "x")]);
    assert_eq!(run.code, 1);
    assert_eq!(telemetry_warnings(&run), 0, "{}", run.stderr);
}

/// A collector behind a private CA is reached with `OTEL_EXPORTER_OTLP_CERTIFICATE`, one that
/// asks for a client certificate with `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE` and `_CLIENT_KEY`
/// (or their `_TRACES_` forms, the key in the certificate's file); without them the handshake
/// fails: one warning, no span. A file that cannot be read is a warning naming its variable,
/// and never the run's exit code.
#[test]
fn a_collector_behind_a_private_ca_or_mutual_tls_is_reached_with_the_otlp_tls_variables() {
    let s = TestServer::start();
    let pki = crate::net_servers::Pki::new();
    let dir = tempfile::tempdir().expect("temp dir");
    crate::net_servers::write_pem_files(&pki, dir.path());
    let file = |name: &str| dir.path().join(name).display().to_string();
    let (ca, cert, key, both) = (
        file("ca.pem"),
        file("client.pem"),
        file("client.key"),
        file("client-both.pem"),
    );
    let exported = |collector: &Collector, env: &[(&str, &str)]| {
        let mut env = env.to_vec();
        env.push(("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.endpoint));
        let before = collector.spans().len();
        let (run, _) = timed_failing_run(&s, &env);
        assert_eq!(run.code, 1, "{}", run.stderr);
        (run, collector.spans().len() - before)
    };

    let private = Collector::start_tls(&pki, false);
    let (run, spans) = exported(&private, &[]);
    assert_eq!((telemetry_warnings(&run), spans), (1, 0), "{}", run.stderr);
    let (run, spans) = exported(&private, &[("OTEL_EXPORTER_OTLP_CERTIFICATE", &ca)]);
    assert_eq!(telemetry_warnings(&run), 0, "{}", run.stderr);
    assert!(spans > 0);

    let mutual = Collector::start_tls(&pki, true);
    let (run, spans) = exported(&mutual, &[("OTEL_EXPORTER_OTLP_CERTIFICATE", &ca)]);
    assert_eq!((telemetry_warnings(&run), spans), (1, 0), "{}", run.stderr);
    for identity in [
        vec![
            ("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", cert.as_str()),
            ("OTEL_EXPORTER_OTLP_CLIENT_KEY", key.as_str()),
        ],
        vec![(
            "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE",
            both.as_str(),
        )],
    ] {
        let mut env = vec![("OTEL_EXPORTER_OTLP_CERTIFICATE", ca.as_str())];
        env.extend(identity);
        let (run, spans) = exported(&mutual, &env);
        assert_eq!(telemetry_warnings(&run), 0, "{env:?}: {}", run.stderr);
        assert!(spans > 0, "{env:?}");
    }

    let missing = file("nowhere.pem");
    let (run, spans) = exported(&private, &[("OTEL_EXPORTER_OTLP_CERTIFICATE", &missing)]);
    assert_eq!((telemetry_warnings(&run), spans), (1, 0), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "OTEL_EXPORTER_OTLP_CERTIFICATE={missing}: cannot read it"
        )),
        "{}",
        run.stderr
    );
    // A certificate without its key: the reason, not reqwest's bare `builder error`.
    let (run, spans) = exported(
        &private,
        &[("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", cert.as_str())],
    );
    assert_eq!((telemetry_warnings(&run), spans), (1, 0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE={cert}: "))
            && !run.stderr.contains("builder error"),
        "{}",
        run.stderr
    );
    let (run, _) = exported(&private, &[("OTEL_EXPORTER_OTLP_CLIENT_KEY", &key)]);
    assert!(
        run.stderr.contains(
            "OTEL_EXPORTER_OTLP_CLIENT_KEY is set without OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE"
        ),
        "{}",
        run.stderr
    );
}
