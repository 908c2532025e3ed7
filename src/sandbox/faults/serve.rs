//! The accept loop of a sandbox with faults: each connection is served by hyper directly, so a
//! request can ask for its own connection to be reset. A reset is a TCP RST (`SO_LINGER` 0, then
//! close), which a client sees as "connection reset by peer", unlike a clean close (FIN).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::service::Service as _;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinSet;

/// A request's connection, as the fault layer sees it (a request extension).
#[derive(Debug, Clone)]
pub struct Conn {
    reset: Arc<Notify>,
}

impl Conn {
    /// Asks the connection's task to reset it; the answer being prepared is dropped.
    pub fn reset(&self) {
        self.reset.notify_one();
    }
}

/// Serves `router` on `listener` until `shutdown` fires; then every connection still open
/// (stalled ones too) is dropped, so stopping never waits on a fault.
pub async fn serve(listener: TcpListener, router: Router, shutdown: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut shutdown => break,
        };
        while connections.try_join_next().is_some() {}
        match accepted {
            Ok((stream, _)) => {
                connections.spawn(connection(stream, router.clone()));
            }
            // Out of file descriptors and the like: the next accept may work.
            Err(e) => tracing::warn!("sandbox accept failed: {e}"),
        }
    }
    connections.shutdown().await;
}

async fn connection(stream: TcpStream, router: Router) {
    // Answers go out as soon as written: the only delays are the faults' own.
    let _ = stream.set_nodelay(true);
    // A second descriptor of the same socket, kept here to set SO_LINGER when a reset is asked
    // for: hyper owns the first one.
    let twin = match stream.into_std().and_then(|s| Ok((s.try_clone()?, s))) {
        Ok((twin, std)) => match TcpStream::from_std(std) {
            Ok(stream) => (twin, stream),
            Err(e) => return tracing::warn!("sandbox connection lost: {e}"),
        },
        Err(e) => return tracing::warn!("sandbox connection lost: {e}"),
    };
    let (twin, stream) = twin;
    let conn = Conn {
        reset: Arc::new(Notify::new()),
    };
    let reset = Arc::clone(&conn.reset);
    let router = TowerToHyperService::new(router);
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(conn.clone());
        router.call(request)
    });
    let served =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        result = served => {
            if let Err(e) = result {
                tracing::debug!("sandbox connection ended: {e}");
            }
        }
        () = reset.notified() => {
            // Linger 0 makes the close that follows (both descriptors dropped) an RST.
            if let Err(e) = socket2::SockRef::from(&twin).set_linger(Some(Duration::ZERO)) {
                tracing::warn!("sandbox fault: cannot reset the connection: {e}");
            }
        }
    }
}
