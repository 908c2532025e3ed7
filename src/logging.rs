//! Diagnostics of the tool itself (not the run's output): `tracing`, off unless `STEPRUN_LOG` is set;
//! and the span export (`crate::telemetry`), off unless an OTLP endpoint is set.

use tracing_subscriber::Layer;
use tracing_subscriber::filter::{EnvFilter, FilterExt, filter_fn};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Crates whose debug and trace events print cookies and headers as they are
/// (`cookie_store` logs every Set-Cookie), where the run's redactor cannot reach them.
const QUIET: [&str; 7] = [
    "cookie_store",
    "reqwest_cookie_store",
    "reqwest",
    "hyper",
    "hyper_util",
    "h2",
    "rustls",
];

/// Whether an event of `target` at `level` may be shown: anything but the [`QUIET`] crates'
/// events below warnings (README, Secrets), whatever the filter asks for.
fn allowed(target: &str, level: tracing::Level) -> bool {
    level <= tracing::Level::WARN
        || !QUIET.iter().any(|quiet| {
            target
                .strip_prefix(quiet)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
        })
}

/// Installs a stderr subscriber filtered by `STEPRUN_LOG` (e.g. `STEPRUN_LOG=steprun=debug`),
/// and the span export when it is asked for; the binary ends the export with
/// [`Telemetry::finish`](crate::telemetry::Telemetry::finish) once the run is over.
pub fn init() -> Option<crate::telemetry::Telemetry> {
    let filter = std::env::var("STEPRUN_LOG").ok();
    let export = crate::telemetry::layer();
    if filter.is_none() && export.is_none() {
        // A subscriber that wants nothing. Without any, `tracing` (whose `log` feature the
        // HTTP stack turns on) still computes every span's fields for a `log` logger there is
        // none of: the redacted URL and host of each request's span, on every step.
        let _ = tracing::subscriber::set_global_default(tracing::subscriber::NoSubscriber::new());
        return None;
    }
    let (export, telemetry) = export.unzip();
    let log = filter.map(|filter| {
        let ansi = crate::report::style::color_enabled(
            crate::report::style::ColorChoice::Auto,
            std::io::IsTerminal::is_terminal(&std::io::stderr()),
        );
        // The exported spans are the collector's, not the log's.
        let quiet = filter_fn(|meta| {
            allowed(meta.target(), *meta.level()) && meta.target() != crate::telemetry::TARGET
        });
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(ansi)
            .with_filter(EnvFilter::new(filter).and(quiet))
    });
    let _ = tracing_subscriber::registry()
        .with(export)
        .with(log)
        .try_init();
    telemetry
}

#[cfg(test)]
mod tests {
    use tracing::Level;

    use super::allowed;

    #[test]
    fn the_http_stack_stays_at_warnings() {
        assert!(!allowed("cookie_store::cookie_store", Level::DEBUG));
        assert!(!allowed("hyper", Level::TRACE));
        assert!(allowed("hyper::proto", Level::WARN));
        assert!(allowed("hyperlocal", Level::DEBUG));
        assert!(allowed("steprun::engine", Level::TRACE));
    }
}
