//! A real OTLP/HTTP receiver for the telemetry tests: `POST /v1/traces` with a protobuf
//! `ExportTraceServiceRequest`, decoded with the protocol's own types and kept for checking.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{KeyValue, any_value};
use prost::Message as _;

/// One received span, with its resource's attributes.
#[derive(Debug, Clone)]
pub struct Span {
    pub trace_id: Vec<u8>,
    pub id: Vec<u8>,
    pub parent: Vec<u8>,
    pub name: String,
    /// `SpanKind` as the protocol numbers it (3 is CLIENT).
    pub kind: i32,
    /// Status code as the protocol numbers it (2 is ERROR).
    pub status: i32,
    pub attributes: HashMap<String, String>,
    /// The attributes sent as integers (`IntValue`), as the conventions type some of them.
    pub ints: HashMap<String, i64>,
    pub resource: HashMap<String, String>,
}

impl Span {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }

    /// An attribute's value if it was sent as an integer, not as text.
    pub fn int(&self, key: &str) -> Option<i64> {
        self.ints.get(key).copied()
    }
}

#[derive(Default)]
struct Received {
    spans: Vec<Span>,
    /// Every request body as it came, and its headers, for the leak checks.
    bodies: Vec<Vec<u8>>,
    headers: Vec<HeaderMap>,
}

/// A running collector; it stops when the test process ends.
pub struct Collector {
    pub endpoint: String,
    received: Arc<Mutex<Received>>,
}

impl Collector {
    pub fn start() -> Collector {
        let received = Arc::new(Mutex::new(Received::default()));
        let app = Router::new()
            .route("/v1/traces", post(traces))
            .with_state(Arc::clone(&received));
        let addr = crate::server::serve(app);
        Collector {
            endpoint: format!("http://{addr}"),
            received,
        }
    }

    /// The same collector behind TLS (`https://localhost:PORT`) with `pki`'s server
    /// certificate; with `client_auth`, only clients with a certificate `pki` signed get in.
    pub fn start_tls(pki: &crate::net_servers::Pki, client_auth: bool) -> Collector {
        let received = Arc::new(Mutex::new(Received::default()));
        let app = Router::new()
            .route("/v1/traces", post(traces))
            .with_state(Arc::clone(&received));
        let acceptor = tokio_rustls::TlsAcceptor::from(pki.server_config(client_auth));
        let addr = crate::server::serve_listener(move |listener| async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (acceptor, app) = (acceptor.clone(), app.clone());
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(
                            hyper_util::rt::TokioIo::new(tls),
                            hyper_util::service::TowerToHyperService::new(app),
                        )
                        .await;
                });
            }
        });
        Collector {
            endpoint: format!("https://localhost:{}", addr.port()),
            received,
        }
    }

    pub fn spans(&self) -> Vec<Span> {
        self.received.lock().expect("lock").spans.clone()
    }

    /// Every body received, as text (protobuf carries strings as UTF-8 bytes).
    pub fn raw_text(&self) -> String {
        let received = self.received.lock().expect("lock");
        received
            .bodies
            .iter()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The values of header `name` on every export request.
    pub fn header(&self, name: &str) -> Vec<String> {
        let received = self.received.lock().expect("lock");
        received
            .headers
            .iter()
            .filter_map(|h| h.get(name)?.to_str().ok().map(str::to_owned))
            .collect()
    }
}

async fn traces(
    State(received): State<Arc<Mutex<Received>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let Ok(request) = ExportTraceServiceRequest::decode(body.clone()) else {
        return StatusCode::BAD_REQUEST;
    };
    let mut received = received.lock().expect("lock");
    for resource_spans in request.resource_spans {
        let resource = resource_spans
            .resource
            .map(|r| attributes(&r.attributes))
            .unwrap_or_default();
        for scope in resource_spans.scope_spans {
            for span in scope.spans {
                received.spans.push(Span {
                    trace_id: span.trace_id,
                    id: span.span_id,
                    parent: span.parent_span_id,
                    name: span.name,
                    kind: span.kind,
                    status: span.status.map_or(0, |s| s.code),
                    attributes: attributes(&span.attributes),
                    ints: ints(&span.attributes),
                    resource: resource.clone(),
                });
            }
        }
    }
    received.bodies.push(body.to_vec());
    received.headers.push(headers);
    StatusCode::OK
}

/// Attributes as text: strings as they are, numbers and booleans written out.
fn attributes(kvs: &[KeyValue]) -> HashMap<String, String> {
    kvs.iter()
        .map(|kv| {
            let value = match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
                Some(any_value::Value::StringValue(s)) => s.clone(),
                Some(any_value::Value::IntValue(i)) => i.to_string(),
                Some(any_value::Value::BoolValue(b)) => b.to_string(),
                Some(any_value::Value::DoubleValue(d)) => d.to_string(),
                other => format!("{other:?}"),
            };
            (kv.key.clone(), value)
        })
        .collect()
}

/// The integer attributes.
fn ints(kvs: &[KeyValue]) -> HashMap<String, i64> {
    kvs.iter()
        .filter_map(|kv| match kv.value.as_ref()?.value.as_ref()? {
            any_value::Value::IntValue(i) => Some((kv.key.clone(), *i)),
            _ => None,
        })
        .collect()
}
