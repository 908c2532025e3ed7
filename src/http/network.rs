//! How a run's requests reach servers, as the command line sets it (`--cacert`, `--cert`/`--key`,
//! `--proxy`, `--connect-timeout`, `--insecure`): the files read and checked before anything is
//! sent, so a bad one is invalid input naming the file, never a failed step.

use std::path::Path;
use std::time::Duration;

use reqwest::{Certificate, Identity, NoProxy, Proxy};

/// Settings shared by every client of a run. The default is steprun's own: the system's roots,
/// no client certificate, the proxy of `HTTP(S)_PROXY`/`NO_PROXY` if any, no connect timeout
/// but the step's.
#[derive(Clone, Default)]
pub struct Network {
    /// Trusted besides the system's roots.
    pub roots: Vec<Certificate>,
    pub identity: Option<Identity>,
    /// Replaces the environment's proxy; `NO_PROXY` still applies.
    pub proxy: Option<Proxy>,
    pub connect_timeout: Option<Duration>,
    /// No request verifies certificates, as if every step said `insecure = true`.
    pub insecure: bool,
}

impl std::fmt::Debug for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the identity's key, nor a proxy URL's password.
        f.debug_struct("Network")
            .field("roots", &self.roots.len())
            .field("identity", &self.identity.is_some())
            .field("proxy", &self.proxy.is_some())
            .field("connect_timeout", &self.connect_timeout)
            .field("insecure", &self.insecure)
            .finish()
    }
}

/// A TLS file as messages name it: by its flag (`--cacert FILE`) or by the environment
/// variable that names it (`OTEL_EXPORTER_OTLP_CERTIFICATE=FILE`).
#[derive(Clone, Copy)]
pub struct Named<'a> {
    pub name: &'a str,
    pub path: &'a Path,
}

impl Named<'_> {
    /// A flag's file: `--cacert FILE`.
    pub fn flag<'a>(name: &'a str, path: &'a Path) -> Named<'a> {
        Named { name, path }
    }
}

impl std::fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.name.starts_with("--") {
            write!(f, "{} {}", self.name, self.path.display())
        } else {
            write!(f, "{}={}", self.name, self.path.display())
        }
    }
}

/// A file's bytes, or `FLAG FILE: cannot read it: <the OS's reason>`.
fn read(file: Named<'_>) -> Result<Vec<u8>, String> {
    std::fs::read(file.path).map_err(|e| format!("{file}: cannot read it: {e}"))
}

/// `--cacert FILE`: every certificate in a PEM file (a bundle is several).
pub fn roots(file: Named<'_>) -> Result<Vec<Certificate>, String> {
    let bytes = read(file)?;
    let certs =
        Certificate::from_pem_bundle(&bytes).map_err(|e| format!("{file}: {}", innermost(&e)))?;
    if certs.is_empty() {
        return Err(format!(
            "{file}: no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)"
        ));
    }
    // Parsed into a root store now, so a damaged certificate is found before the run.
    super::install_crypto_provider();
    reqwest::Client::builder()
        .tls_certs_only(certs.clone())
        .build()
        .map_err(|e| format!("{file}: {}", innermost(&e)))?;
    Ok(certs)
}

/// `--cert FILE [--key FILE]`: a client identity. Without `--key`, the key must be in the
/// certificate's file (as curl allows); `no_key` says how to give it.
pub fn identity(cert: Named<'_>, key: Option<Named<'_>>, no_key: &str) -> Result<Identity, String> {
    let mut pem = read(cert)?;
    if !contains(&pem, b"-----BEGIN CERTIFICATE-----") {
        return Err(format!(
            "{cert}: no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)"
        ));
    }
    match key {
        Some(key) => {
            let key_pem = read(key)?;
            if !contains(&key_pem, b"PRIVATE KEY-----") {
                return Err(format!(
                    "{key}: no private key in it (expected PEM: -----BEGIN PRIVATE KEY-----)"
                ));
            }
            pem.push(b'\n');
            pem.extend_from_slice(&key_pem);
        }
        None if !contains(&pem, b"PRIVATE KEY-----") => {
            return Err(format!("{cert}: no private key in it: {no_key}"));
        }
        None => {}
    }
    let files = match key {
        Some(key) => format!("{cert} {key}"),
        None => cert.to_string(),
    };
    let identity = Identity::from_pem(&pem).map_err(|e| format!("{files}: {}", innermost(&e)))?;
    // rustls checks that the key is usable (and matches the certificate) when a client is
    // built: do it now, without loading any root.
    super::install_crypto_provider();
    reqwest::Client::builder()
        .tls_certs_only([])
        .identity(identity.clone())
        .build()
        .map_err(|e| format!("{files}: {}", innermost(&e)))?;
    Ok(identity)
}

/// `--proxy URL`: every request, http and https, goes through it, except to the hosts
/// `NO_PROXY` names. `host:port` alone is an http proxy, as in curl.
pub fn proxy(url: &str) -> Result<Proxy, String> {
    let url = if url.contains("://") {
        url.to_owned()
    } else {
        format!("http://{url}")
    };
    // Not the URL itself in messages: it may carry a password.
    let parsed = reqwest::Url::parse(&url).map_err(|e| format!("--proxy: not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "--proxy: the scheme `{}` is not supported (http:// or https://)",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("--proxy: the URL has no host".to_owned());
    }
    let proxy = Proxy::all(parsed).map_err(|e| format!("--proxy: {}", innermost(&e)))?;
    Ok(proxy.no_proxy(NoProxy::from_env()))
}

/// `--connect-timeout`: a duration as step `timeout`s are written (`500ms`, `5s`, `1m`).
pub fn connect_timeout(text: &str) -> Result<Duration, String> {
    match crate::workflow::convert::parse_duration(text) {
        Some(d) if !d.is_zero() => Ok(d),
        Some(_) => Err(format!(
            "--connect-timeout `{text}`: must be longer than zero"
        )),
        None => Err(format!(
            "--connect-timeout `{text}`: expected a duration such as 500ms, 5s or 1m"
        )),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The most specific reason in an error's chain (reqwest's own text is `builder error`).
pub(crate) fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut reason = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        reason = s.to_string();
        source = s.source();
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_read_as_step_timeouts_are() {
        assert_eq!(connect_timeout("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(connect_timeout("250ms"), Ok(Duration::from_millis(250)));
        assert!(connect_timeout("5").unwrap_err().contains("such as 500ms"));
        assert!(
            connect_timeout("0s")
                .unwrap_err()
                .contains("longer than zero")
        );
    }

    #[test]
    fn a_proxy_is_http_or_https_and_its_url_is_never_repeated() {
        assert!(proxy("http://127.0.0.1:3128").is_ok());
        assert!(proxy("127.0.0.1:3128").is_ok());
        assert!(proxy("https://proxy.example:443").is_ok());
        let e = proxy("socks5://user:hunter2@127.0.0.1:1080").unwrap_err();
        assert!(e.contains("`socks5` is not supported"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
        let e = proxy("http://user:hunter2@bad host").unwrap_err();
        assert!(e.starts_with("--proxy: not a URL"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
    }

    #[test]
    fn a_missing_file_is_named_with_the_os_reason() {
        let e = roots(Named::flag("--cacert", Path::new("no/such/ca.pem"))).unwrap_err();
        assert!(
            e.starts_with("--cacert no/such/ca.pem: cannot read it: "),
            "{e}"
        );
        assert!(e.contains("No such file or directory"), "{e}");
        let cert = Named::flag("--cert", Path::new("no/such/cert.pem"));
        let e = identity(cert, None, "give the key with --key FILE").unwrap_err();
        assert!(
            e.starts_with("--cert no/such/cert.pem: cannot read it: "),
            "{e}"
        );
    }

    #[test]
    fn a_file_without_pem_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let e = roots(Named::flag("--cacert", &path)).unwrap_err();
        assert!(e.contains("no certificate in it"), "{e}");
        let e = identity(Named::flag("--cert", &path), None, "").unwrap_err();
        assert!(e.contains("no certificate in it"), "{e}");
    }
}
