//! The export's HTTP client. steprun builds it rather than the exporter so that the
//! OpenTelemetry variables for TLS are honoured: `OTEL_EXPORTER_OTLP_CERTIFICATE` (a PEM
//! bundle trusted besides the system's roots, for a collector behind a private CA) and
//! `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE` with `OTEL_EXPORTER_OTLP_CLIENT_KEY` (an identity
//! for a collector that asks for mutual TLS). Each has a `_TRACES_` form that wins. The files
//! are read and checked as `--cacert`, `--cert` and `--key` are for the steps.

use std::path::Path;
use std::time::Duration;

use reqwest::{Certificate, Identity};

use crate::http::network::{self, Named, innermost};

/// The variable of `what` that is set (`OTEL_EXPORTER_OTLP_TRACES_{what}` first), and the
/// path it names.
fn setting(what: &str) -> Option<(String, String)> {
    [
        format!("OTEL_EXPORTER_OTLP_TRACES_{what}"),
        format!("OTEL_EXPORTER_OTLP_{what}"),
    ]
    .into_iter()
    .find_map(|name| super::var(&name).map(|value| (name, value.trim().to_owned())))
}

fn named((name, path): &(String, String)) -> Named<'_> {
    Named {
        name,
        path: Path::new(path),
    }
}

/// The collector's certificate authorities, from `OTEL_EXPORTER_OTLP_CERTIFICATE`.
fn roots() -> Result<Vec<Certificate>, String> {
    setting("CERTIFICATE").map_or(Ok(Vec::new()), |set| network::roots(named(&set)))
}

/// steprun's identity for mutual TLS, from the client certificate and key variables (the key
/// may be in the certificate's file).
fn identity() -> Result<Option<Identity>, String> {
    match (setting("CLIENT_CERTIFICATE"), setting("CLIENT_KEY")) {
        (None, None) => Ok(None),
        (None, Some((name, _))) => Err(format!(
            "{name} is set without OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE"
        )),
        (Some(cert), key) => network::identity(
            named(&cert),
            key.as_ref().map(named),
            "set OTEL_EXPORTER_OTLP_CLIENT_KEY to the key's file",
        )
        .map(Some),
    }
}

/// The client the exporter sends with: one request waits at most `timeout`.
pub fn build(timeout: Duration) -> Result<reqwest::blocking::Client, String> {
    let roots = roots()?;
    let identity = identity()?;
    // A blocking client runs a runtime of its own, which cannot be made inside another one:
    // it is built on a thread of its own, as the exporter builds its default one.
    std::thread::spawn(move || {
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .tls_certs_merge(roots);
        if let Some(identity) = identity {
            builder = builder.identity(identity);
        }
        builder
            .build()
            .map_err(|e| format!("cannot build the export client: {}", innermost(&e)))
    })
    .join()
    .map_err(|_| "cannot build the export client".to_owned())?
}
