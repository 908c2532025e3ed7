//! The run's HTTP clients, one for each kind of TLS a request may need, built on first use
//! and shared by every workflow with their connection pools.

use std::sync::{Arc, Once, OnceLock};

use reqwest::Url;

use super::network::Network;
use super::{HttpError, USER_AGENT};

/// The HTTP clients of a run, built on first use and shared by all its workflows, with their
/// connection pools. Plain `http://` requests get a client without root certificates, so a run
/// that never speaks TLS never pays for loading them. Cookies are not the clients': each
/// workflow's jar is applied per request by [`Http`](super::Http).
#[derive(Clone, Default)]
pub struct Clients {
    pub(super) network: Arc<Network>,
    plain: Arc<OnceLock<reqwest::Client>>,
    verified: Arc<OnceLock<reqwest::Client>>,
    insecure: Arc<OnceLock<reqwest::Client>>,
}

#[derive(Clone, Copy)]
enum Tls {
    /// Only for `http://` URLs: no certificate could be verified.
    None,
    Verified,
    Insecure,
}

impl Clients {
    /// Clients that connect as `network` says (the command line's TLS, proxy and timeout).
    pub fn with_network(network: Network) -> Clients {
        Clients {
            network: Arc::new(network),
            ..Clients::default()
        }
    }

    pub(super) fn get(&self, url: &Url, insecure: bool) -> Result<&reqwest::Client, HttpError> {
        let (slot, tls) = if url.scheme() == "http" {
            (&self.plain, Tls::None)
        } else if insecure || self.network.insecure {
            (&self.insecure, Tls::Insecure)
        } else {
            (&self.verified, Tls::Verified)
        };
        if let Some(c) = slot.get() {
            return Ok(c);
        }
        let c = build_client(tls, &self.network)?;
        Ok(slot.get_or_init(|| c))
    }
}

fn build_client(tls: Tls, network: &Network) -> Result<reqwest::Client, HttpError> {
    install_crypto_provider();
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT);
    if let Some(proxy) = &network.proxy {
        builder = builder.proxy(proxy.clone());
    }
    if let Some(timeout) = network.connect_timeout {
        builder = builder.connect_timeout(timeout);
    }
    if let (Some(identity), Tls::Verified | Tls::Insecure) = (&network.identity, tls) {
        builder = builder.identity(identity.clone());
    }
    match tls {
        Tls::None => builder.tls_certs_only([]),
        Tls::Verified => builder.tls_certs_merge(network.roots.iter().cloned()),
        Tls::Insecure => builder.tls_danger_accept_invalid_certs(true),
    }
    .build()
    .map_err(|e| HttpError::Other(format!("cannot build the HTTP client: {e}")))
}

/// rustls needs a process-wide crypto provider; ring is the pure-Rust-friendly one we ship.
pub(crate) fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Another part of the process may have installed one already; either is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
