//! A failed send in words a person can act on: which timeout ran out, and for a TLS failure the
//! flag that would help (`--cacert` for an unknown issuer, `--cert` when the server wants a
//! client certificate).

use std::error::Error as _;
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
    let mut reason = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        reason = s.to_string();
        source = s.source();
    }
    if let Some(hint) = tls_error(e).and_then(hint) {
        reason = format!("{reason} ({hint})");
    }
    if e.is_connect() || e.is_request() {
        HttpError::Connect {
            url: origin,
            reason,
        }
    } else {
        HttpError::Other(reason)
    }
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
