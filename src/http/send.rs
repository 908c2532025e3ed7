//! A workflow's HTTP side ([`Http`]): its cookie jar, and the send of a step's request, again
//! after a 429 or 503 as `Retry-After` says, and along its redirects hop by hop.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::LOCATION;
use reqwest::{StatusCode, Url};
use reqwest_cookie_store::{CookieStore, CookieStoreMutex};

use super::body::read_body;
use super::clients::Clients;
use super::hop::send_once;
use super::message::{Prepared, Response, SendOptions};
use super::redirect::redirect;
use super::throttle::{MAX_THROTTLE_RETRIES, retry_after};
use super::{HttpError, deadline};

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

    /// The `Cookie` header the jar would send to `url` (what `-vv` shows before sending).
    pub fn cookie_header(&self, url: &Url) -> Option<String> {
        super::hop::cookie_header(&self.jar, url).and_then(|v| v.to_str().ok().map(str::to_owned))
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
