//! OpenTelemetry span export (README, Telemetry): with `OTEL_EXPORTER_OTLP_ENDPOINT` (or
//! `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) set, each run's spans go to an OTLP/HTTP collector.
//! Without either variable nothing here is built: the engine's spans have no subscriber and
//! cost a disabled callsite each.
//!
//! A collector that is down or silent never fails or slows a run: spans are queued and sent
//! by the SDK's background thread, and at exit the queue gets [`EXPORT_BOUND`] to drain,
//! after which one warning says what was lost.

mod client;
pub mod spans;
mod watched;

use std::sync::Arc;
use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig as _, WithHttpConfig as _};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::registry::LookupSpan;

use watched::{Failure, Watched};

/// The target of every span steprun exports; nothing else (the sandbox, the HTTP stack, the
/// tool's own debug events) reaches the collector.
pub const TARGET: &str = "steprun::telemetry";

/// How long the spans still queued at exit may take to reach the collector (and how long one
/// export request may wait for an answer).
pub const EXPORT_BOUND: Duration = Duration::from_secs(3);

const ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
const TRACES_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
const PROTOCOL: &str = "OTEL_EXPORTER_OTLP_PROTOCOL";
const TRACES_PROTOCOL: &str = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";

/// The exporting side of a run, kept by the binary until the run is over.
pub struct Telemetry {
    provider: SdkTracerProvider,
    failure: Arc<Failure>,
    endpoint: String,
}

/// A non-empty environment variable.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Whether span export is asked for: an OTLP endpoint is set (and the SDK is not disabled).
pub fn wanted() -> bool {
    (var(ENDPOINT).is_some() || var(TRACES_ENDPOINT).is_some())
        && !var("OTEL_SDK_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The layer that turns steprun's spans into exported OpenTelemetry spans, and the handle that
/// ends the export; `None` (after a warning when the setup is unusable) when none is asked for.
pub fn layer<S>() -> Option<(Box<dyn Layer<S> + Send + Sync>, Telemetry)>
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a> + Send + Sync,
{
    if !wanted() {
        return None;
    }
    if let Some(protocol) = unsupported(var(TRACES_PROTOCOL).or_else(|| var(PROTOCOL))) {
        warn(&format!(
            "OTLP protocol `{protocol}` is not supported (steprun exports over http/protobuf only); no spans are exported"
        ));
        return None;
    }
    let endpoint = var(TRACES_ENDPOINT)
        .or_else(|| var(ENDPOINT).map(|e| format!("{}/v1/traces", e.trim_end_matches('/'))))
        .unwrap_or_default();
    let exporter = exporter()
        .map_err(|e| warn(&format!("cannot export spans to {}: {e}", shown(&endpoint))))
        .ok()?;
    let failure = Arc::new(Failure::default());
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(Watched::new(exporter, Arc::clone(&failure)))
        .with_resource(resource())
        .build();
    let tracer = provider.tracer("steprun");
    // Only the attributes the spans set: no source locations, threads or busy/idle times.
    let layer = tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_location(false)
        .with_threads(false)
        .with_target(false)
        .with_level(false)
        .with_tracked_inactivity(false)
        .with_filter(filter_fn(|meta| meta.target() == TARGET));
    Some((
        Box::new(layer),
        Telemetry {
            provider,
            failure,
            endpoint,
        },
    ))
}

/// The OTLP/HTTP exporter (it reads the endpoint and headers from the environment itself),
/// with steprun's own client (the TLS variables) and the timeout.
fn exporter() -> Result<opentelemetry_otlp::SpanExporter, String> {
    // The export client speaks TLS through the same process-wide provider as the steps.
    crate::http::install_crypto_provider();
    let client = client::build(export_timeout())?;
    opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_http_client(client)
        .with_protocol(Protocol::HttpBinary)
        .with_timeout(export_timeout())
        .build()
        .map_err(|e| e.to_string())
}

impl Telemetry {
    /// Sends what is still queued, for at most [`EXPORT_BOUND`]; one warning if any span
    /// could not be delivered during the run or now. The run's outcome is not touched.
    pub fn finish(self) {
        let started = std::time::Instant::now();
        let ended = self.provider.shutdown_with_timeout(EXPORT_BOUND);
        // The provider folds a processor's timeout into a generic error: the clock tells.
        let reason = self.failure.take().or_else(|| match ended {
            Ok(()) => None,
            Err(_) if started.elapsed() >= EXPORT_BOUND => {
                Some(format!("no answer within {} s", EXPORT_BOUND.as_secs()))
            }
            Err(e) => Some(e.to_string()),
        });
        if let Some(reason) = reason {
            warn(&format!(
                "spans not exported to {}: {reason}",
                shown(&self.endpoint)
            ));
        }
        // Not dropped: a provider whose export thread is still waiting on a silent collector
        // would be joined here; the process ends next and takes the thread with it.
        std::mem::forget(self.provider);
    }
}

/// The protocol asked for, when it is not `http/protobuf` (gRPC needs tonic and protoc,
/// `http/json` is not built in).
fn unsupported(protocol: Option<String>) -> Option<String> {
    protocol
        .map(|p| p.trim().to_owned())
        .filter(|p| p != "http/protobuf")
}

/// The export request's timeout: `OTEL_EXPORTER_OTLP_TIMEOUT` (milliseconds) when shorter
/// than the bound at exit, else the bound. `0` is no timeout of its own, as several SDKs read
/// it, so the bound: not a timeout that fails every export at once.
fn export_timeout() -> Duration {
    var("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT")
        .or_else(|| var("OTEL_EXPORTER_OTLP_TIMEOUT"))
        .and_then(|ms| ms.trim().parse().ok())
        .filter(|&ms: &u64| ms > 0)
        .map_or(EXPORT_BOUND, Duration::from_millis)
        .min(EXPORT_BOUND)
}

/// `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` as the SDK reads them; the service is
/// `steprun` unless either names it.
fn resource() -> Resource {
    let named = var("OTEL_SERVICE_NAME").is_some()
        || var("OTEL_RESOURCE_ATTRIBUTES").is_some_and(|attributes| {
            attributes.split(',').any(|kv| {
                kv.split('=')
                    .next()
                    .is_some_and(|k| k.trim() == "service.name")
            })
        });
    let builder = Resource::builder();
    if named {
        builder.build()
    } else {
        builder.with_service_name("steprun").build()
    }
}

/// The endpoint as a warning shows it: without user info or query, which may hold a key.
fn shown(endpoint: &str) -> String {
    match url::Url::parse(endpoint) {
        Ok(mut url) => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.set_query(None);
            url.to_string()
        }
        Err(_) => "the OTLP endpoint".to_owned(),
    }
}

fn warn(message: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "warning: telemetry: {message}");
}

#[cfg(test)]
mod tests {
    use super::{shown, unsupported};

    #[test]
    fn only_http_protobuf_is_supported() {
        assert_eq!(unsupported(None), None);
        assert_eq!(unsupported(Some(" http/protobuf ".into())), None);
        assert_eq!(unsupported(Some("grpc".into())).as_deref(), Some("grpc"));
        assert_eq!(
            unsupported(Some("http/json".into())).as_deref(),
            Some("http/json")
        );
    }

    #[test]
    fn a_warning_shows_the_endpoint_without_credentials() {
        assert_eq!(
            shown("https://user:key@collector.example:4318/v1/traces?api_key=k"),
            "https://collector.example:4318/v1/traces"
        );
        assert_eq!(shown("not a url"), "the OTLP endpoint");
    }
}
