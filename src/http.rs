//! Sending requests: one cookie jar per workflow, redirects followed by hand (so cookies from
//! every hop are stored and a 3xx can be the step's answer), timeouts, and the bounded automatic
//! retry of 429 and 503 that honours `Retry-After`.

use std::sync::{Arc, Once, OnceLock};
use std::time::{Duration, Instant};

use reqwest::cookie::CookieStore as _;
use reqwest::header::{COOKIE, HeaderMap, HeaderValue, LOCATION, RETRY_AFTER, SET_COOKIE};
use reqwest::{Method, StatusCode, Url};
use reqwest_cookie_store::{CookieStore, CookieStoreMutex};

pub use error::HttpError;
use explain::classify;
pub use network::Network;

/// The `User-Agent` of every request (unless a step sets its own).
pub const USER_AGENT: &str = concat!("steprun/", env!("CARGO_PKG_VERSION"));

/// Re-sends after a 429 or 503, at most.
const MAX_THROTTLE_RETRIES: u32 = 3;
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// The largest response body read: past it the step fails and the connection is dropped,
/// so a server sending without end cannot exhaust memory.
pub const MAX_RESPONSE_BODY: usize = 64 * 1024 * 1024;
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);
/// The most allocated for a body before it arrives, whatever its `Content-Length` says.
const PREALLOCATED_BODY_MAX: u64 = 64 * 1024;
/// Headers a request gains after the step's: the client's `User-Agent` and `Accept`, and a
/// `Cookie` from the jar.
const ADDED_HEADERS: usize = 3;

/// A request ready to send; kept as data so it can be re-sent.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: PreparedBody,
}

#[derive(Debug, Clone, Default)]
pub enum PreparedBody {
    #[default]
    Empty,
    /// Shared, so re-sends and redirect hops do not copy it.
    Bytes(bytes::Bytes),
    /// A file's bytes as they are (`body = { file = "…" }`); `path` is where they were read,
    /// for the curl export (`--data-binary @path`).
    File {
        path: String,
        bytes: bytes::Bytes,
    },
    Multipart(Vec<Part>),
}

#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub data: PartData,
}

#[derive(Debug, Clone)]
pub enum PartData {
    Text(String),
    File {
        file_name: String,
        bytes: Vec<u8>,
        content_type: Option<String>,
    },
}

#[derive(Debug, Clone, Copy)]
pub struct SendOptions {
    pub timeout: Duration,
    pub follow_redirects: bool,
    pub max_redirects: u32,
    pub insecure: bool,
}

/// The response that counts for the step: the last hop, after redirects and throttling retries.
#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
    /// The final URL (after any redirects followed).
    pub url: Url,
    /// `Set-Cookie` values of every hop, in order.
    pub set_cookies: Vec<String>,
    /// Times the request was sent: 1, plus 429/503 re-sends (redirect hops not counted).
    pub sends: u32,
    pub duration: Duration,
}

/// The HTTP clients of a run, built on first use and shared by all its workflows, with their
/// connection pools. Plain `http://` requests get a client without root certificates, so a run
/// that never speaks TLS never pays for loading them. Cookies are not the clients': each
/// workflow's jar is applied per request by [`Http`].
#[derive(Clone, Default)]
pub struct Clients {
    network: Arc<Network>,
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

    fn get(&self, url: &Url, insecure: bool) -> Result<&reqwest::Client, HttpError> {
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

/// A workflow's HTTP side: the run's clients and the workflow's own cookie jar.
pub struct Http {
    jar: Arc<CookieStoreMutex>,
    clients: Clients,
    /// The step's timeout, on one timer for all the workflow's requests.
    timer: deadline::Timer,
}

impl Http {
    pub fn new(clients: Clients) -> Http {
        Http {
            jar: Arc::new(CookieStoreMutex::new(CookieStore::new())),
            clients,
            timer: deadline::Timer::default(),
        }
    }

    pub fn jar(&self) -> &Arc<CookieStoreMutex> {
        &self.jar
    }

    /// The `Cookie` header the jar would send to `url` (what `-vv` shows before sending).
    pub fn cookie_header(&self, url: &Url) -> Option<String> {
        self.jar
            .cookies(url)
            .and_then(|v| v.to_str().ok().map(str::to_owned))
    }

    /// The value of the most specific cookie named `name` in the jar, any domain or path.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let store = self.jar.lock().ok()?;
        store
            .iter_unexpired()
            .filter(|c| c.name() == name)
            .max_by_key(|c| c.path().map_or(0, str::len))
            .map(|c| c.value().to_owned())
    }

    /// Sends `req` (again after a 429 or 503, as `Retry-After` says) and writes the response
    /// that counts into `into`, which is `None` after an error. Written in place: a response is
    /// large, and each future it came back through would copy it on its way.
    pub async fn send(
        &self,
        req: &Prepared,
        opts: SendOptions,
        into: &mut Option<Response>,
    ) -> Result<(), HttpError> {
        let started = Instant::now();
        let mut sends = 0;
        let mut throttled = 0;
        loop {
            let response = match self.send_following(req, opts, &mut sends, into).await {
                Ok(response) => response,
                Err(e) => {
                    *into = None;
                    if sends > 1 {
                        return Err(HttpError::AfterThrottling {
                            sends,
                            last: Box::new(e),
                        });
                    }
                    return Err(e);
                }
            };
            let status = response.status;
            if (status == StatusCode::TOO_MANY_REQUESTS
                || status == StatusCode::SERVICE_UNAVAILABLE)
                && throttled < MAX_THROTTLE_RETRIES
            {
                throttled += 1;
                let delay = retry_after(&response.headers);
                tracing::debug!(
                    status = status.as_u16(),
                    retry = throttled,
                    delay_ms = delay.as_millis(),
                    "throttled: sending again after Retry-After"
                );
                tokio::time::sleep(delay).await;
                continue;
            }
            response.sends = sends;
            response.duration = started.elapsed();
            return Ok(());
        }
    }

    /// One send of `req`, its redirects followed; the last hop's response is written into
    /// `into`.
    async fn send_following<'r>(
        &self,
        req: &Prepared,
        opts: SendOptions,
        sends: &mut u32,
        into: &'r mut Option<Response>,
    ) -> Result<&'r mut Response, HttpError> {
        // The hop after a redirect: the first hop sends `req` as it is, and only a redirect
        // makes a new request.
        let mut redirected: Option<Prepared> = None;
        let mut set_cookies = Vec::new();
        let mut hops = 0;
        *sends += 1;
        // The step's timeout runs from each hop's send to the end of its body: one deadline for
        // both, new for each hop, on the workflow's one timer (see `deadline`).
        let mut deadline = self.timer.start(opts.timeout);
        loop {
            let current = redirected.as_ref().unwrap_or(req);
            let client = self.clients.get(&current.url, opts.insecure)?;
            let mut response = send_once(
                client,
                current,
                (&self.jar, &mut set_cookies),
                (&mut deadline, opts.timeout),
                self.clients.network.connect_timeout,
            )
            .await?;
            let status = response.status();
            if opts.follow_redirects
                && status.is_redirection()
                && let Some(location) = response.headers().get(LOCATION).cloned()
            {
                if hops >= opts.max_redirects {
                    return Err(HttpError::TooManyRedirects(opts.max_redirects));
                }
                hops += 1;
                // Not the Location itself: it can carry a code or tokens.
                tracing::debug!(status = status.as_u16(), hop = hops, "following a redirect");
                let next = redirect(current, status, &location)?;
                redirected = Some(next);
                deadline.restart(opts.timeout);
                continue;
            }
            let url = response.url().clone();
            let headers = std::mem::take(response.headers_mut());
            let body = read_body(response, &url, (&mut deadline, opts.timeout)).await?;
            return Ok(into.insert(Response {
                status,
                headers,
                body,
                url,
                set_cookies,
                sends: 0,
                duration: Duration::ZERO,
            }));
        }
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

/// One request, with the jar's cookies for its URL unless the step set `Cookie` itself; the
/// response's `Set-Cookie`s go into the jar, whatever its status, and their texts onto
/// `set_cookies`. No answer by `deadline` (the step's `timeout` from this hop's start) is
/// [`HttpError::Timeout`].
async fn send_once(
    client: &reqwest::Client,
    req: &Prepared,
    (jar, set_cookies): (&CookieStoreMutex, &mut Vec<String>),
    (deadline, timeout): (&mut deadline::Deadline<'_>, Duration),
    connect_timeout: Option<Duration>,
) -> Result<reqwest::Response, HttpError> {
    // The step's headers, with room for what is added to them on the way (the client's
    // `User-Agent` and `Accept`, a `Cookie`): a clone is sized to what it holds, and each of
    // those would grow it again.
    let mut headers = HeaderMap::with_capacity(req.headers.len() + ADDED_HEADERS);
    for (name, value) in &req.headers {
        headers.append(name, value.clone());
    }
    // A jar with no cookie at all (most API workflows) is not searched for the URL.
    if !headers.contains_key(COOKIE)
        && holds_cookies(jar)
        && let Some(cookies) = jar.cookies(&req.url)
    {
        headers.insert(COOKIE, cookies);
    }
    let builder = client.request(req.method.clone(), req.url.clone());
    let request = match &req.body {
        // The form sets its own `Content-Type` (with the boundary) after the step's headers.
        PreparedBody::Multipart(parts) => builder
            .headers(headers)
            .multipart(multipart_form(parts)?)
            .build(),
        body => {
            let builder = match body {
                PreparedBody::Bytes(b) | PreparedBody::File { bytes: b, .. } => {
                    builder.body(b.clone())
                }
                _ => builder,
            };
            // The request has no headers yet: the step's are moved in whole rather than
            // merged one by one.
            builder.build().map(|mut request| {
                *request.headers_mut() = headers;
                request
            })
        }
    };
    let send = match request {
        Ok(request) => client.execute(request),
        Err(e) => return Err(classify(&e, &req.url, timeout, connect_timeout)),
    };
    let response = tokio::select! {
        biased;
        sent = send => sent.map_err(|e| classify(&e, &req.url, timeout, connect_timeout))?,
        () = deadline.passed() => return Err(HttpError::Timeout(timeout)),
    };
    // Looked up once for both.
    let values = response.headers().get_all(SET_COOKIE);
    let mut set = values.iter().peekable();
    if set.peek().is_some() {
        set_cookies.extend(
            values
                .iter()
                .filter_map(|v| v.to_str().ok().map(str::to_owned)),
        );
        jar.set_cookies(&mut set, &req.url);
    }
    Ok(response)
}

/// Whether `jar` holds any cookie, expired or not (a poisoned one counts as holding some,
/// so that it is asked as before).
fn holds_cookies(jar: &CookieStoreMutex) -> bool {
    jar.lock()
        .map_or(true, |store| store.iter_any().next().is_some())
}

/// The body, whole, by the step's deadline (`timeout` after its hop was sent); a body that
/// stops coming, or a connection that drops while it comes, is named with what had arrived.
async fn read_body(
    mut response: reqwest::Response,
    url: &Url,
    (deadline, timeout): (&mut deadline::Deadline<'_>, Duration),
) -> Result<bytes::Bytes, HttpError> {
    let status = response.status().as_u16();
    let content_length = response.content_length();
    let too_large = || HttpError::BodyTooLarge {
        status,
        limit: MAX_RESPONSE_BODY,
    };
    if content_length.is_some_and(|n| n > MAX_RESPONSE_BODY as u64) {
        return Err(too_large());
    }
    // Sized from the announced length (up to a bound a server cannot make us allocate past):
    // one allocation for the usual body rather than growing into it. Each chunk is copied out
    // at once, so none holds the connection's read buffer.
    let announced = content_length.map_or(0, |n| n.min(PREALLOCATED_BODY_MAX));
    let mut body = bytes::BytesMut::with_capacity(usize::try_from(announced).unwrap_or(0));
    loop {
        let next = tokio::select! {
            biased;
            next = response.chunk() => Ok(next),
            () = deadline.passed() => Err(()),
        };
        match next {
            Ok(Ok(Some(chunk))) if body.len() + chunk.len() > MAX_RESPONSE_BODY => {
                return Err(too_large());
            }
            Ok(Ok(Some(chunk))) => body.extend_from_slice(&chunk),
            Ok(Ok(None)) => return Ok(body.freeze()),
            Ok(Err(e)) if !e.is_timeout() => {
                return Err(explain::in_body(&e, url, status, body.len()));
            }
            Ok(Err(_)) | Err(()) => {
                return Err(HttpError::BodyStalled {
                    status,
                    received: body.len(),
                    expected: content_length
                        .map_or_else(|| "an unknown number of".to_owned(), |n| n.to_string()),
                    after: timeout,
                });
            }
        }
    }
}

fn multipart_form(parts: &[Part]) -> Result<reqwest::multipart::Form, HttpError> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        form = match &part.data {
            PartData::Text(t) => form.text(part.name.clone(), t.clone()),
            PartData::File {
                file_name,
                bytes,
                content_type,
            } => {
                let mut p =
                    reqwest::multipart::Part::bytes(bytes.clone()).file_name(file_name.clone());
                if let Some(ct) = content_type {
                    p = p.mime_str(ct).map_err(|e| {
                        HttpError::Other(format!("invalid content type `{ct}`: {e}"))
                    })?;
                }
                form.part(part.name.clone(), p)
            }
        };
    }
    Ok(form)
}

/// `name` as an HTTP header name, or why it cannot be one. The static check and the renderer
/// both ask here, so a name `check` lets through is one the request can carry.
pub fn header_name(name: &str) -> Result<reqwest::header::HeaderName, String> {
    reqwest::header::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("invalid header name `{name}`"))
}

/// `value` as the value of header `name`, or why it cannot be one (a line break, a control
/// character).
pub fn header_value(name: &str, value: &str) -> Result<HeaderValue, String> {
    HeaderValue::from_str(value)
        .map_err(|_| format!("header `{name}` has a value that is not valid in HTTP"))
}

/// A header value as text: UTF-8 when it is, else ISO-8859-1, HTTP's historical charset (RFC
/// 9110 §5.5), so no byte is lost (a secret echoed by a server that writes Latin-1 is still
/// recognised and hidden).
pub fn header_text(value: &HeaderValue) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(value.as_bytes()) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => value.as_bytes().iter().map(|&b| char::from(b)).collect(),
    }
}

/// The next hop: 303 (and 301/302 after a POST) becomes a body-less GET, as browsers and curl do;
/// 307/308 repeat the request.
fn redirect(
    current: &Prepared,
    status: StatusCode,
    location: &HeaderValue,
) -> Result<Prepared, HttpError> {
    let text = location
        .to_str()
        .map_err(|_| HttpError::BadLocation("(not text)".into()))?;
    let url = current
        .url
        .join(text)
        .map_err(|_| HttpError::BadLocation(text.to_owned()))?;
    let keep = matches!(status.as_u16(), 307 | 308)
        || ((status.as_u16() == 301 || status.as_u16() == 302) && current.method == Method::GET);
    let mut next = current.clone();
    next.url = url;
    if !keep {
        next.method = Method::GET;
        next.body = PreparedBody::Empty;
        next.headers.remove(reqwest::header::CONTENT_TYPE);
        next.headers.remove(reqwest::header::CONTENT_LENGTH);
    }
    if next.url.origin() != current.url.origin() {
        next.headers.remove(reqwest::header::AUTHORIZATION);
    }
    Ok(next)
}

/// `Retry-After` in seconds or as an HTTP date, capped; one second when absent or unreadable.
pub fn retry_after(headers: &HeaderMap) -> Duration {
    let Some(value) = headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()) else {
        return DEFAULT_RETRY_AFTER;
    };
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Duration::from_secs(secs).min(MAX_RETRY_AFTER);
    }
    match jiff::fmt::rfc2822::parse(value) {
        Ok(date) => {
            let wait = date.timestamp().duration_since(jiff::Timestamp::now());
            Duration::try_from(wait)
                .unwrap_or(Duration::ZERO)
                .min(MAX_RETRY_AFTER)
        }
        Err(_) => DEFAULT_RETRY_AFTER,
    }
}

mod deadline;
mod error;
mod explain;
pub mod network;
#[cfg(test)]
mod tests;
