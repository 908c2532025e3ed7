//! The export's HTTP client. steprun builds it rather than the exporter so that the
//! OpenTelemetry variables for TLS are honoured: `OTEL_EXPORTER_OTLP_CERTIFICATE` (a PEM
//! bundle trusted besides the system's roots, for a collector behind a private CA) and
//! `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE` with `OTEL_EXPORTER_OTLP_CLIENT_KEY` (an identity
//! for a collector that asks for mutual TLS). Each has a `_TRACES_` form that wins.

use std::time::Duration;

use reqwest::{Certificate, Identity};

/// The variable of `what` that is set (`OTEL_EXPORTER_OTLP_TRACES_{what}` first), and its
/// value.
fn setting(what: &str) -> Option<(String, String)> {
    [
        format!("OTEL_EXPORTER_OTLP_TRACES_{what}"),
        format!("OTEL_EXPORTER_OTLP_{what}"),
    ]
    .into_iter()
    .find_map(|name| super::var(&name).map(|value| (name, value)))
}

/// A file a variable names, or `NAME=PATH: cannot read it: <the OS's reason>`.
fn read((name, path): &(String, String)) -> Result<Vec<u8>, String> {
    std::fs::read(path.trim()).map_err(|e| format!("{name}={path}: cannot read it: {e}"))
}

/// The collector's certificate authorities, from `OTEL_EXPORTER_OTLP_CERTIFICATE`.
fn roots() -> Result<Vec<Certificate>, String> {
    let Some(set) = setting("CERTIFICATE") else {
        return Ok(Vec::new());
    };
    let (name, path) = &set;
    let certs =
        Certificate::from_pem_bundle(&read(&set)?).map_err(|e| format!("{name}={path}: {e}"))?;
    if certs.is_empty() {
        return Err(format!(
            "{name}={path}: no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)"
        ));
    }
    Ok(certs)
}

/// steprun's identity for mutual TLS, from the client certificate and key variables (the key
/// may be in the certificate's file).
fn identity() -> Result<Option<Identity>, String> {
    match (setting("CLIENT_CERTIFICATE"), setting("CLIENT_KEY")) {
        (None, None) => Ok(None),
        (None, Some((name, _))) => Err(format!(
            "{name} is set without OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE"
        )),
        (Some(cert), key) => {
            let mut pem = read(&cert)?;
            if let Some(key) = &key {
                pem.push(b'\n');
                pem.extend_from_slice(&read(key)?);
            }
            Identity::from_pem(&pem)
                .map(Some)
                .map_err(|e| format!("{}={}: {}", cert.0, cert.1, innermost(&e)))
        }
    }
}

/// The deepest cause of `e`: reqwest says only `builder error` itself, its cause says why.
fn innermost(e: &reqwest::Error) -> String {
    let mut why = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        why = c.to_string();
        cause = c.source();
    }
    why
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
