//! A failed send in words a person can act on: which timeout ran out, whether the request went
//! out before the connection dropped (a reset after sending is not "cannot connect": the server
//! may have processed it), and for a TLS failure the flag that would help (`--cacert` for an
//! unknown issuer, `--cert` when the server wants a client certificate).

use std::time::Duration;

use reqwest::Url;

use super::HttpError;

/// What went wrong sending to `url`. `timeout` is the step's; `connect_timeout` is
/// `--connect-timeout`, when given.
pub(super) fn classify(
    e: &reqwest::Error,
    url: &Url,
    timeout: Duration,
    connect_timeout: Option<Duration>,
) -> HttpError {
    let origin = url.origin().ascii_serialization();
    if e.is_timeout() {
        return match connect_timeout {
            Some(limit) if e.is_connect() => HttpError::Connect {
                url: origin,
                reason: format!("no connection within {limit:?} (--connect-timeout)"),
            },
            _ => HttpError::Timeout(timeout),
        };
    }
    let mut reason = super::network::innermost(e);
    if let Some(hint) = tls_error(e).and_then(hint) {
        reason = format!("{reason} ({hint})");
    }
    if e.is_connect() {
        return HttpError::Connect {
            url: origin,
            reason,
        };
    }
    match dropped(e) {
        Some(how) => HttpError::Dropped {
            url: origin,
            what: format!("{how} the connection after the request was sent, before any answer"),
            reason,
        },
        None if e.is_request() => HttpError::Other(format!("sending to {origin} failed: {reason}")),
        None => HttpError::Other(reason),
    }
}

/// A failure while the body of an answer (status `status`, `received` bytes of body so far)
/// was coming.
pub(super) fn in_body(e: &reqwest::Error, url: &Url, status: u16, received: usize) -> HttpError {
    let origin = url.origin().ascii_serialization();
    let reason = super::network::innermost(e);
    match dropped(e) {
        Some(how) => HttpError::Dropped {
            url: origin,
            what: format!(
                "{how} the connection while the body was coming (status {status}, {received} bytes of body received)"
            ),
            reason,
        },
        None => HttpError::Other(format!(
            "reading the response body (status {status}, {received} bytes received) failed: {reason}"
        )),
    }
}

/// `reset` or `closed` when the connection ended under the exchange: an RST (reset, aborted,
/// broken pipe) or a close before the message was complete.
fn dropped(e: &reqwest::Error) -> Option<&'static str> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::{
                BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof,
            };
            match io.kind() {
                ConnectionReset | ConnectionAborted | BrokenPipe => return Some("reset"),
                UnexpectedEof => return Some("closed"),
                _ => {}
            }
        }
        if let Some(h) = err.downcast_ref::<hyper::Error>()
            && (h.is_incomplete_message() || h.is_body_write_aborted())
        {
            return Some("closed");
        }
        next = err.source();
    }
    None
}

/// The rustls error behind a failed send, if TLS failed. It comes up inside `io::Error`s
/// (reqwest wraps tokio-rustls' own), whose `source()` skips what they wrap, so each
/// `io::Error` is opened, as deep as they nest.
fn tls_error(e: &reqwest::Error) -> Option<&rustls::Error> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        next = match err
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(inner) => Some(inner),
            None => err.source(),
        };
    }
    None
}

fn hint(e: &rustls::Error) -> Option<&'static str> {
    use rustls::{AlertDescription, CertificateError, Error};
    match e {
        Error::InvalidCertificate(
            CertificateError::UnknownIssuer | CertificateError::BadSignature,
        ) => Some(
            "to trust a private CA, pass its certificate with --cacert FILE; --insecure skips verification",
        ),
        Error::InvalidCertificate(_) => {
            Some("--insecure skips verification, for a test server only")
        }
        Error::AlertReceived(
            AlertDescription::CertificateRequired
            | AlertDescription::BadCertificate
            | AlertDescription::UnknownCA
            | AlertDescription::HandshakeFailure,
        ) => Some("the server may want a client certificate: --cert FILE --key FILE"),
        _ => None,
    }
}
