//! Faults on demand (README, The sandbox: Faults): a layer in front of the sandbox's router that
//! delays, throttles, resets, truncates, corrupts or stalls the requests a SPEC names, so the
//! engine's behaviour under a bad network can be tried offline and repeated (`random` is seeded).
//!
//! Resets need the connection itself, which no middleware has: [`serve`] accepts connections
//! itself and hands each request a [`serve::Conn`] that can drop its connection with a TCP RST.

mod respond;
mod serve;
mod spec;

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use rand::rngs::StdRng;
use rand::{RngExt as _, SeedableRng as _};

pub use serve::serve;
pub use spec::{FaultSpec, Kind, parse};

/// One fault injected, for the log a test or a person reads afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Injected {
    /// The request's number since the sandbox started (1 is the first).
    pub request: u64,
    pub method: String,
    pub path: String,
    pub kind: Kind,
}

/// A SPEC in force: its rules, how often each has applied, the seeded generator of `random`,
/// and the log of what was injected.
#[derive(Debug)]
pub struct Faults {
    spec: FaultSpec,
    applied: Vec<AtomicU32>,
    requests: AtomicU64,
    rng: Mutex<Option<StdRng>>,
    log: Mutex<Vec<Injected>>,
}

/// What to do to one request: a delay, then at most one fault.
#[derive(Debug, Default)]
struct Decision {
    latency: Duration,
    fault: Option<Kind>,
}

impl Faults {
    pub fn new(spec: FaultSpec) -> Faults {
        Faults {
            applied: spec.rules.iter().map(|_| AtomicU32::new(0)).collect(),
            requests: AtomicU64::new(0),
            rng: Mutex::new(spec.random.as_ref().map(|r| StdRng::seed_from_u64(r.seed))),
            log: Mutex::new(Vec::new()),
            spec,
        }
    }

    /// Every fault injected so far, in order.
    pub fn log(&self) -> Vec<Injected> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Rules first, in the SPEC's order: every matching latency adds up, the first other
    /// fault wins. Then `random`, which draws for every request (so the draws, and with them
    /// the run, depend only on the seed and the order of the requests).
    fn decide(&self, method: &Method, path: &str) -> Decision {
        let request = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        let mut decision = Decision::default();
        let mut injected = Vec::new();
        for (rule, applied) in self.spec.rules.iter().zip(&self.applied) {
            let is_latency = matches!(rule.kind, Kind::Latency(_));
            if !is_latency && decision.fault.is_some() {
                continue;
            }
            if !rule.route.as_ref().is_none_or(|r| r.matches(method, path)) {
                continue;
            }
            if let Some(times) = rule.times
                && applied.fetch_add(1, Ordering::Relaxed) >= times
            {
                continue;
            }
            apply(&mut decision, rule.kind);
            injected.push(rule.kind);
        }
        if let Some(random) = &self.spec.random
            && let Ok(mut rng) = self.rng.lock()
            && let Some(rng) = rng.as_mut()
        {
            let roll: f64 = rng.random();
            let pick = rng.random_range(0..random.kinds.len().max(1));
            if roll < random.rate
                && let Some(&kind) = random.kinds.get(pick)
                && (matches!(kind, Kind::Latency(_)) || decision.fault.is_none())
            {
                apply(&mut decision, kind);
                injected.push(kind);
            }
        }
        for kind in injected {
            tracing::info!(request, %method, path, fault = %kind, "sandbox fault injected");
            if let Ok(mut log) = self.log.lock() {
                log.push(Injected {
                    request,
                    method: method.to_string(),
                    path: path.to_owned(),
                    kind,
                });
            }
        }
        decision
    }
}

fn apply(decision: &mut Decision, kind: Kind) {
    match kind {
        Kind::Latency(d) => decision.latency += d,
        other => decision.fault = Some(other),
    }
}

/// `router` with the faults of `faults` in front of every route.
pub fn layer(router: Router, faults: Arc<Faults>) -> Router {
    router.layer(axum::middleware::from_fn_with_state(faults, inject))
}

async fn inject(State(faults): State<Arc<Faults>>, request: Request, next: Next) -> Response {
    let decision = faults.decide(request.method(), request.uri().path());
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    let Some(fault) = decision.fault else {
        return next.run(request).await;
    };
    let conn = request.extensions().get::<serve::Conn>().cloned();
    match fault {
        Kind::Latency(_) => next.run(request).await,
        Kind::Throttle {
            status,
            retry_after,
        } => respond::throttled(status, retry_after),
        Kind::ResetBefore => respond::reset(conn).await,
        Kind::ResetAfter => {
            drop(next.run(request).await);
            respond::reset(conn).await
        }
        Kind::Truncate => respond::truncated(next.run(request).await).await,
        Kind::InvalidJson => respond::invalid_json(next.run(request).await).await,
        Kind::StallBody => respond::stalled_body(next.run(request).await).await,
        Kind::Stall => {
            drop(next.run(request).await);
            respond::stall().await
        }
    }
}
