//! Exported span attributes have the types OpenTelemetry's semantic conventions give them:
//! `http.response.status_code`, `server.port` and `http.request.resend_count` are integers, so
//! a backend can compare them (`status_code >= 500`); steprun's own counters are integers too.

use crate::collector::Collector;
use crate::engine_run::at;
use crate::harness::Case;
use crate::server::TestServer;

#[test]
fn numeric_attributes_are_exported_as_integers() {
    let s = TestServer::start();
    let collector = Collector::start();
    let workflow = at(
        &s,
        r#"
name = "Throttled"
[[steps]]
name = "Echo"
url = "BASE/echo"
[[steps]]
name = "Throttled once"
url = "BASE/flaky/types?fail=1"
"#,
    );
    Case::new()
        .file("w.toml", &workflow)
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.endpoint)
        .args(["run", "w.toml"])
        .run()
        .code(0);
    let spans = collector.spans();
    let port: i64 = s
        .base
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    let http: Vec<_> = spans.iter().filter(|s| s.kind == 3).collect();
    assert_eq!(http.len(), 2, "{spans:#?}");
    for span in &http {
        assert_eq!(
            span.int("http.response.status_code"),
            Some(200),
            "{span:#?}"
        );
        assert_eq!(span.int("server.port"), Some(port), "{span:#?}");
        assert_eq!(span.int("steprun.attempt"), Some(1), "{span:#?}");
    }
    let throttled = http
        .iter()
        .find(|s| s.attr("url.full").is_some_and(|u| u.contains("/flaky/")))
        .expect("the throttled request's span");
    assert_eq!(throttled.int("http.request.resend_count"), Some(1));
    let mut numbers: Vec<i64> = (spans.iter())
        .filter_map(|s| s.int("steprun.step.number"))
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, [1, 2]);
}
