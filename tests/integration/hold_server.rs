//! A server that holds requests open: `/hold/NAME` is answered never, and tells the test it
//! has arrived, so a test can send a signal while a step or a cleanup is in flight, knowing it
//! is (no guess at timing). Every request is logged in order.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::routing::{any, post};
use serde_json::json;

#[derive(Clone)]
struct Shared {
    log: Arc<Mutex<Vec<String>>>,
    held: Sender<String>,
}

pub struct HoldServer {
    pub base: String,
    log: Arc<Mutex<Vec<String>>>,
    held: Receiver<String>,
}

impl HoldServer {
    pub fn start() -> HoldServer {
        let (held_tx, held) = channel();
        let log = Arc::new(Mutex::new(Vec::new()));
        let shared = Shared {
            log: Arc::clone(&log),
            held: held_tx,
        };
        let app = Router::new()
            .route("/items/{name}", post(create).delete(delete))
            .route("/hold/{name}", any(hold))
            .with_state(shared);
        let addr = crate::server::serve(app);
        HoldServer {
            base: format!("http://{addr}"),
            log,
            held,
        }
    }

    /// Blocks until a request to `/hold/NAME` has arrived, and returns NAME.
    pub fn held(&self) -> String {
        self.held
            .recv_timeout(Duration::from_mins(1))
            .expect("a request to /hold/… within a minute")
    }

    /// Every request so far, as `METHOD /path`, in the order they arrived.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("lock").clone()
    }

    /// `text` with `BASE` replaced by this server's address.
    pub fn at(&self, text: &str) -> String {
        text.replace("BASE", &self.base)
    }
}

fn record(shared: &Shared, method: &Method, path: &str) {
    shared
        .log
        .lock()
        .expect("lock")
        .push(format!("{method} {path}"));
}

async fn create(State(s): State<Shared>, Path(name): Path<String>) -> (StatusCode, String) {
    record(&s, &Method::POST, &format!("/items/{name}"));
    (StatusCode::CREATED, json!({ "id": name }).to_string())
}

async fn delete(State(s): State<Shared>, Path(name): Path<String>) -> StatusCode {
    record(&s, &Method::DELETE, &format!("/items/{name}"));
    StatusCode::NO_CONTENT
}

async fn hold(State(s): State<Shared>, method: Method, Path(name): Path<String>) -> StatusCode {
    record(&s, &method, &format!("/hold/{name}"));
    let _ = s.held.send(name);
    std::future::pending::<()>().await;
    StatusCode::OK
}
