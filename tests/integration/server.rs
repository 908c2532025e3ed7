//! A small, real HTTP server for engine tests: echo, redirects, cookies, throttling, polling.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post};
use base64::Engine as _;
use serde_json::{Value, json};

#[derive(Default)]
struct Shared {
    hits: AtomicUsize,
    counters: Mutex<HashMap<String, usize>>,
    deleted: Mutex<Vec<String>>,
}

/// A running test server; it stops when the test process ends.
pub struct TestServer {
    pub base: String,
    shared: Arc<Shared>,
}

impl TestServer {
    pub fn start() -> TestServer {
        let shared = Arc::new(Shared::default());
        let app = routes(Arc::clone(&shared));
        let addr = crate::server::serve(app);
        TestServer {
            base: format!("http://{addr}"),
            shared,
        }
    }

    /// Requests received so far (all endpoints).
    pub fn hits(&self) -> usize {
        self.shared.hits.load(Ordering::SeqCst)
    }

    pub fn deleted(&self) -> Vec<String> {
        self.shared.deleted.lock().expect("lock").clone()
    }
}

fn routes(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/echo", any(echo))
        .route("/echo/{*rest}", any(echo))
        .route("/digest", any(digest))
        .route("/saml-redirect", get(saml_redirect))
        .route("/latin1/{text}", get(latin1))
        .route("/items", post(create_item))
        .route("/items/{id}", delete(delete_item))
        .route("/status/{code}", any(status))
        .route("/raw", get(raw))
        .route(
            "/secrets",
            get(|| async {
                axum::Json(json!({
                    "list": ["alpha-first-secret", "beta-second-secret"],
                    "tok": "gamma-third-secret",
                    "other": "delta-fourth-secret",
                }))
            }),
        )
        .route("/redirect", get(redirect))
        .route(
            "/loop",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop")]) }),
        )
        .route("/login", get(login))
        .route("/env1/needs-st", get(needs_st))
        .route("/set-on-error", get(set_on_error))
        .route("/set-several", get(set_several))
        .route("/flaky/{key}", get(flaky))
        .route("/poll/{key}", post(poll))
        .route("/slow", get(slow))
        .route("/jwt", get(jwt))
        .route("/text", get(|| async { "hello code=xyz123&more" }))
        .route(
            "/noise.png",
            get(|| async { ([(header::CONTENT_TYPE, "image/png")], noise_png()) }),
        )
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            count,
        ))
        .with_state(shared)
}

async fn count(
    State(s): State<Arc<Shared>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    s.hits.fetch_add(1, Ordering::SeqCst);
    next.run(req).await
}

async fn echo(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
    let text = String::from_utf8_lossy(&body).into_owned();
    let headers: serde_json::Map<String, Value> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v.to_str().unwrap_or(""))))
        .collect();
    axum::Json(json!({
        "method": method.as_str(),
        "path": uri.path(),
        "query": uri.query().unwrap_or(""),
        "headers": headers,
        "body": text,
        "json": serde_json::from_str::<Value>(&text).unwrap_or(Value::Null),
        "count": 2,
        "items": [{"id": "a", "name": "one"}, {"id": "b", "name": "two"}],
    }))
}

/// A SAML Response sent back by the HTTP-Redirect binding: deflated, Base64, in the
/// `SAMLResponse` query parameter of `Location`.
async fn saml_redirect() -> Response {
    let xml = concat!(
        r#"<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" Destination="https://sp.example/acs">"#,
        r#"<saml2:Issuer>https://idp.example</saml2:Issuer><saml2:Assertion><saml2:Subject><saml2:NameID>redirected-user</saml2:NameID></saml2:Subject>"#,
        r#"<saml2:Conditions><saml2:AudienceRestriction><saml2:Audience>urn:sp:redirect</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>"#,
        r#"</saml2:Assertion></saml2p:Response>"#
    );
    let deflated = miniz_oxide::deflate::compress_to_vec(xml.as_bytes(), 6);
    let value = base64::engine::general_purpose::STANDARD.encode(deflated);
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("SAMLResponse", &value)
        .append_pair("RelayState", "rs")
        .finish();
    (
        StatusCode::FOUND,
        [(header::LOCATION, format!("https://sp.example/acs?{query}"))],
    )
        .into_response()
}

/// Serves `app` on a loopback port of its own, on a thread of its own, for the rest of the
/// test binary's life; returns once it listens.
pub fn serve(app: axum::Router) -> std::net::SocketAddr {
    serve_listener(|listener| async move {
        axum::serve(listener, app).await.expect("serve");
    })
}

/// Binds a loopback port and hands it to `run` on a thread (and current-thread runtime) of its
/// own, for the rest of the test binary's life; returns the address once it listens.
pub fn serve_listener<F, Fut>(run: F) -> std::net::SocketAddr
where
    F: FnOnce(tokio::net::TcpListener) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr"))
                .expect("send addr");
            run(listener).await;
        });
    });
    rx.recv().expect("server address")
}

/// The SHA-256 of `bytes` in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    use std::fmt::Write as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// A real PNG image (40 × 35 pixels of noise, 4,303 bytes): its signature, chunk names and
/// NUL bytes are what must never reach a terminal or a report.
pub fn noise_png() -> &'static [u8] {
    include_bytes!("../images/noise.png")
}

/// What arrived, byte for byte: its length, SHA-256 and Content-Type, for bodies that are
/// not text (`echo` would show them lossily).
async fn digest(headers: HeaderMap, body: Bytes) -> impl IntoResponse {
    let hex = sha256_hex(&body);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    axum::Json(json!({"length": body.len(), "sha256": hex, "contentType": content_type}))
}

/// `text` sent back in an `x-echo` header as ISO-8859-1 bytes (`é` is the byte 0xE9), as some
/// servers write non-ASCII header values.
async fn latin1(Path(text): Path<String>) -> Response {
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    let mut response = StatusCode::OK.into_response();
    if let Ok(value) = header::HeaderValue::from_bytes(&bytes) {
        response.headers_mut().insert("x-echo", value);
    }
    response
}

async fn create_item(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
    let n = {
        let mut c = s.counters.lock().expect("lock");
        let e = c.entry("items".into()).or_default();
        *e += 1;
        *e
    };
    let name = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("name").cloned());
    let id = format!("item-{n}");
    (
        StatusCode::CREATED,
        [(header::LOCATION, format!("/items/{id}"))],
        axum::Json(json!({"id": id, "name": name})),
    )
        .into_response()
}

async fn delete_item(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> StatusCode {
    s.deleted.lock().expect("lock").push(id);
    StatusCode::NO_CONTENT
}

async fn status(Path(code): Path<u16>) -> Response {
    let code = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
    (code, axum::Json(json!({"status": code.as_u16()}))).into_response()
}

/// The `body` query parameter sent back as it is, as `application/json` with status 200.
async fn raw(Query(q): Query<HashMap<String, String>>) -> Response {
    let body = q.get("body").cloned().unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn redirect(Query(q): Query<HashMap<String, String>>) -> Response {
    let to = q.get("to").cloned().unwrap_or_else(|| "/echo".into());
    let code = q.get("code").and_then(|c| c.parse().ok()).unwrap_or(302);
    let code = StatusCode::from_u16(code).unwrap_or(StatusCode::FOUND);
    (
        code,
        [
            (header::LOCATION, to),
            (header::SET_COOKIE, "hop=1; Path=/".to_owned()),
        ],
    )
        .into_response()
}

async fn login() -> Response {
    (
        StatusCode::FOUND,
        [
            (
                header::LOCATION,
                "/callback?code=abc%2B1&state=xyz#id_token=tok.en&token_type=Bearer",
            ),
            (header::SET_COOKIE, "ST=st-value; Path=/env1; HttpOnly"),
        ],
    )
        .into_response()
}

async fn needs_st(headers: HeaderMap) -> StatusCode {
    let cookies = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if cookies.split("; ").any(|c| c == "ST=st-value") {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    }
}

async fn set_on_error() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::SET_COOKIE, "err=1; Path=/")],
        "no",
    )
        .into_response()
}

/// Cookies of two paths, set in an order that is neither by name nor by path.
async fn set_several() -> Response {
    (
        axum::response::AppendHeaders([
            (header::SET_COOKIE, "zeta=1; Path=/"),
            (header::SET_COOKIE, "alpha=2; Path=/"),
            (header::SET_COOKIE, "deep=3; Path=/echo/in"),
            (header::SET_COOKIE, "mid=4; Path=/"),
            (header::SET_COOKIE, "beta=5; Path=/echo/in"),
        ]),
        "set",
    )
        .into_response()
}

fn bump(s: &Shared, key: &str) -> usize {
    let mut c = s.counters.lock().expect("lock");
    let e = c.entry(key.to_owned()).or_default();
    *e += 1;
    *e
}

async fn flaky(
    State(s): State<Arc<Shared>>,
    Path(key): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let fail: usize = q.get("fail").and_then(|f| f.parse().ok()).unwrap_or(1);
    let status: u16 = q.get("status").and_then(|f| f.parse().ok()).unwrap_or(429);
    let n = bump(&s, &key);
    if n <= fail {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::TOO_MANY_REQUESTS);
        return (code, [(header::RETRY_AFTER, "0")], "slow down").into_response();
    }
    axum::Json(json!({"attempt": n})).into_response()
}

async fn poll(
    State(s): State<Arc<Shared>>,
    Path(key): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let after: usize = q.get("after").and_then(|f| f.parse().ok()).unwrap_or(2);
    let n = bump(&s, &key);
    if n < after {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "authorization_pending"})),
        )
            .into_response();
    }
    axum::Json(json!({"access_token": "polled-token-value", "attempt": n})).into_response()
}

async fn slow(Query(q): Query<HashMap<String, String>>) -> &'static str {
    let ms: u64 = q.get("ms").and_then(|f| f.parse().ok()).unwrap_or(2000);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    "late"
}

async fn jwt() -> axum::Json<Value> {
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let token = format!(
        "{}.{}.sig",
        b64(&json!({"alg": "none"})),
        b64(&json!({"sub": "user-1", "scope": "openid profile", "exp": 1_900_000_000}))
    );
    axum::Json(json!({"access_token": token}))
}
