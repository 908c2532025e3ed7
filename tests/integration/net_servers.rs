//! Small real servers for the connection flags: a TLS server with certificates made at test
//! time (optionally asking for a client certificate), a forward proxy that records what it is
//! asked, and a listener that accepts connections and never answers.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A certificate authority and what it signed, as PEM files a test hands to steprun.
pub struct Pki {
    pub ca_pem: String,
    ca_der: CertificateDer<'static>,
    server_der: CertificateDer<'static>,
    server_key: Vec<u8>,
    pub client_cert_pem: String,
    pub client_key_pem: String,
}

impl Pki {
    /// A CA, a server certificate for `localhost` and 127.0.0.1, a client certificate.
    pub fn new() -> Pki {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "steprun test CA");
        let ca =
            CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("key")).expect("CA");
        let server_key = KeyPair::generate().expect("key");
        let server = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .expect("params")
            .signed_by(&server_key, &*ca)
            .expect("server certificate");
        let client_key = KeyPair::generate().expect("key");
        let mut client_params = CertificateParams::new(Vec::<String>::new()).expect("params");
        client_params
            .distinguished_name
            .push(DnType::CommonName, "steprun test client");
        let client = client_params
            .signed_by(&client_key, &*ca)
            .expect("client certificate");
        Pki {
            ca_pem: ca.pem(),
            ca_der: ca.der().clone(),
            server_der: server.der().clone(),
            server_key: server_key.serialize_der(),
            client_cert_pem: client.pem(),
            client_key_pem: client_key.serialize_pem(),
        }
    }

    /// A TLS server with this CA's server certificate; with `client_auth`, it accepts only
    /// clients presenting a certificate this CA signed.
    pub fn server(&self, client_auth: bool) -> SocketAddr {
        let acceptor = tokio_rustls::TlsAcceptor::from(self.server_config(client_auth));
        serve(move |stream| {
            let acceptor = acceptor.clone();
            async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let Some(line) = request_line(&mut tls).await else {
                    return;
                };
                let client_cert = tls.get_ref().1.peer_certificates().is_some();
                let body =
                    serde_json::json!({ "tls": true, "line": line, "clientCert": client_cert });
                respond(&mut tls, &body).await;
            }
        })
    }

    /// The TLS settings of a server with this CA's certificate for `localhost` and 127.0.0.1;
    /// with `client_auth`, it accepts only clients presenting a certificate this CA signed.
    pub fn server_config(&self, client_auth: bool) -> Arc<rustls::ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .expect("protocol versions");
        let builder = if client_auth {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(self.ca_der.clone()).expect("CA root");
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .expect("client verifier");
            builder.with_client_cert_verifier(verifier)
        } else {
            builder.with_no_client_auth()
        };
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.server_key.clone()));
        let config = builder
            .with_single_cert(vec![self.server_der.clone()], key)
            .expect("server config");
        Arc::new(config)
    }
}

/// Writes the PKI's files into `dir`: ca.pem, client.pem, client.key, client-both.pem.
pub fn write_pem_files(pki: &Pki, dir: &Path) {
    let write = |name: &str, text: &str| {
        let mut f = std::fs::File::create(dir.join(name)).expect("create");
        f.write_all(text.as_bytes()).expect("write");
    };
    write("ca.pem", &pki.ca_pem);
    write("client.pem", &pki.client_cert_pem);
    write("client.key", &pki.client_key_pem);
    write(
        "client-both.pem",
        &format!("{}{}", pki.client_cert_pem, pki.client_key_pem),
    );
}

/// A forward proxy: `CONNECT host:port` is tunnelled; a plain `GET http://…` is answered by
/// the proxy itself (`{"via": "proxy", "line": …}`). Every request line is recorded.
pub struct Proxy {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    pub fn start() -> Proxy {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let addr = serve(move |mut stream| {
            let log = Arc::clone(&log);
            async move {
                let Some(line) = request_line(&mut stream).await else {
                    return;
                };
                log.lock().expect("lock").push(line.clone());
                if let Some(target) = line
                    .strip_prefix("CONNECT ")
                    .and_then(|rest| rest.split_whitespace().next())
                {
                    let Ok(mut upstream) = TcpStream::connect(target).await else {
                        return;
                    };
                    let established = b"HTTP/1.1 200 Connection Established\r\n\r\n";
                    if stream.write_all(established).await.is_ok() {
                        let _ = tokio::io::copy_bidirectional(&mut stream, &mut upstream).await;
                    }
                } else {
                    respond(
                        &mut stream,
                        &serde_json::json!({ "via": "proxy", "line": line }),
                    )
                    .await;
                }
            }
        });
        Proxy { addr, seen }
    }

    /// The request lines received so far.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().expect("lock").clone()
    }
}

/// A listener that accepts every connection and never sends a byte: a TLS handshake with it
/// never completes, so only a timeout ends the wait.
pub fn silent() -> SocketAddr {
    let held = Arc::new(Mutex::new(Vec::new()));
    serve(move |stream| {
        let held = Arc::clone(&held);
        async move {
            held.lock().expect("lock").push(stream);
        }
    })
}

/// Serves `handle` on a loopback port, on its own thread, for the rest of the test process.
fn serve<F, Fut>(handle: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    crate::server::serve_listener(move |listener| async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(handle(stream));
        }
    })
}

/// Reads a request's head and returns its first line.
async fn request_line<S: tokio::io::AsyncRead + Unpin>(stream: &mut S) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || head.len() > 64 * 1024 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    text.lines().next().map(str::to_owned)
}

async fn respond<S: tokio::io::AsyncWrite + Unpin>(stream: &mut S, body: &serde_json::Value) {
    let body = body.to_string();
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// A server whose every request waits for the `n`th to arrive (at most ten seconds), then
/// answers `{"met": true}`, or `{"met": false}` if they never all came: requests sent one after
/// another can never meet, requests sent side by side always do.
pub fn meeting(n: usize) -> SocketAddr {
    let (tx, _) = tokio::sync::watch::channel(0usize);
    let tx = Arc::new(tx);
    serve(move |mut stream| {
        let tx = Arc::clone(&tx);
        async move {
            if request_line(&mut stream).await.is_none() {
                return;
            }
            let mut rx = tx.subscribe();
            tx.send_modify(|count| *count += 1);
            let met = tokio::time::timeout(
                std::time::Duration::from_secs(10),
                rx.wait_for(|count| *count >= n),
            )
            .await
            .is_ok_and(|seen| seen.is_ok());
            respond(&mut stream, &serde_json::json!({ "met": met })).await;
        }
    })
}
