//! The PingOne sandbox: a local, stateful simulator of the API the tutorials use (README, The sandbox).
//!
//! It shares nothing with the engine but HTTP: the engine never imports this module.
//! `start` binds a port, seeds the state (`seed`) and serves the management API (`mgmt`,
//! under `/v1`), the auth host (`auth`, under `/{envID}/...`) and the outbox
//! (`/sandbox/messages`) on the current tokio runtime.

mod auth;
mod faults;
mod mgmt;
mod seed;
mod simulated;
mod state;
mod store;

// The sandbox's whole public surface, flat: what the commands (`steprun sandbox`, `run
// --sandbox`) and the integration tests reach. Tests inspect or prepare the live state
// (`Sandbox::state`), sign JWTs and set up users directly; every module stays private.
pub use auth::jwt::{b64url, sign_hmac, sign_hs256};
pub use faults::{FaultSpec, Injected, parse as parse_faults};
pub use mgmt::directory::{actions_by_priority, create_user};
pub use mgmt::passwords::check_password;
pub use mgmt::secrets::put_application_secret;
pub use mgmt::totp::code_at as totp_code_at;
pub use seed::seed;
pub use state::{IssuedToken, SandboxState};

// For the workflow checker's test, which holds its list of roles to the sandbox's.
#[cfg(test)]
pub(crate) use mgmt::roles::builtin_names as builtin_role_names;

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use tokio::sync::oneshot;

use crate::secret::{MaybeSecret, Secret};

/// The variables a workflow needs to talk to a running sandbox (README, The sandbox).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxVars {
    pub target: String,
    pub api_path: String,
    pub auth_path: String,
    /// DaVinci's API host (PingOne's `orchestratePath`); the sandbox serves none of it yet.
    pub orchestrate_path: String,
    pub sandbox_path: String,
    pub org_id: String,
    pub admin_env_id: String,
    pub admin_app_id: String,
    /// Read with `expose`: printed and written on purpose only (`steprun sandbox`).
    pub admin_app_secret: Secret<String>,
    pub env_id: String,
}

/// The sandbox's variables, `(name, secret)`, in the order the README lists them: the one
/// definition of what `--sandbox` declares and what `--write-vars` writes.
pub const VARIABLES: [(&str, bool); 10] = [
    ("target", false),
    ("apiPath", false),
    ("authPath", false),
    ("orchestratePath", false),
    ("sandboxPath", false),
    ("orgID", false),
    ("adminEnvID", false),
    ("adminAppID", false),
    ("adminAppSecret", true),
    ("envID", false),
];

impl SandboxVars {
    /// The variables of a sandbox serving `state` at the state's base URL.
    pub fn of(state: &SandboxState) -> SandboxVars {
        let base_url = &state.base_url;
        SandboxVars {
            target: "sandbox".to_owned(),
            api_path: format!("{base_url}/v1"),
            auth_path: base_url.clone(),
            orchestrate_path: format!("{base_url}/orchestrate/v1"),
            sandbox_path: format!("{base_url}/sandbox"),
            org_id: state.org_id.clone(),
            admin_env_id: state.admin_env_id.clone(),
            admin_app_id: state.admin_app_id.clone(),
            admin_app_secret: state.admin_app_secret.clone(),
            env_id: state.env_id.clone(),
        }
    }

    /// `(name, value)` in the order of [`VARIABLES`], a secret one held as a [`Secret`].
    pub fn entries(&self) -> Vec<(&'static str, MaybeSecret<String>)> {
        let plain = |value: &String| MaybeSecret::Plain(value.clone());
        // One value per entry of `VARIABLES`, in its order: the array lengths must agree.
        let values: [MaybeSecret<String>; VARIABLES.len()] = [
            plain(&self.target),
            plain(&self.api_path),
            plain(&self.auth_path),
            plain(&self.orchestrate_path),
            plain(&self.sandbox_path),
            plain(&self.org_id),
            plain(&self.admin_env_id),
            plain(&self.admin_app_id),
            MaybeSecret::Secret(self.admin_app_secret.clone()),
            plain(&self.env_id),
        ];
        VARIABLES
            .iter()
            .zip(values)
            .map(|(&(name, _), value)| (name, value))
            .collect()
    }

    /// A vars file (TOML) in steprun's format; secrets as `{ value = "...", secret = true }`,
    /// their values written on purpose (the file is for another process to run with).
    pub fn to_toml(&self) -> String {
        let mut out = String::from("# Variables of a running steprun sandbox.\n");
        let quoted = |text: &String| toml::Value::String(text.clone()).to_string();
        for (name, value) in self.entries() {
            let _ = match value {
                MaybeSecret::Plain(text) => writeln!(out, "{name} = {}", quoted(&text)),
                MaybeSecret::Secret(secret) => {
                    let quoted = quoted(secret.expose());
                    writeln!(out, "{name} = {{ value = {quoted}, secret = true }}")
                }
            };
        }
        out
    }
}

/// A running sandbox; `shutdown` stops it (dropping it leaves it serving until the runtime ends).
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    vars: SandboxVars,
    state: Arc<SandboxState>,
    shutdown: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
    faults: Option<Arc<faults::Faults>>,
}

impl Sandbox {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    pub fn vars(&self) -> &SandboxVars {
        &self.vars
    }
    /// The live state (tests inspect or prepare it directly).
    #[doc(hidden)]
    pub fn state(&self) -> &Arc<SandboxState> {
        &self.state
    }
    /// The faults injected so far (empty without `--faults`).
    pub fn faults_injected(&self) -> Vec<Injected> {
        self.faults.as_ref().map(|f| f.log()).unwrap_or_default()
    }
    /// Stops serving and waits for the server task to end.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(());
        let _ = self.task.await;
    }
}

/// The whole HTTP surface of one sandbox.
pub fn app(state: Arc<SandboxState>) -> Router {
    Router::new()
        .nest("/v1", mgmt::router(&state))
        .merge(mgmt::outbox::routes())
        .merge(mgmt::workday::routes())
        .merge(mgmt::images::public_routes())
        .merge(mgmt::integrations::public_routes())
        .merge(auth::router())
        .merge(simulated::routes())
        .fallback(|| async { mgmt::error::ApiError::not_found() })
        .with_state(state)
}

/// Binds `listen` (e.g. `127.0.0.1:0`), seeds the state, and serves on the current tokio
/// runtime in a spawned task.
pub async fn start(listen: SocketAddr) -> std::io::Result<Sandbox> {
    start_with_faults(listen, None).await
}

/// [`start`], with the faults of `spec` injected in front of every route (README, The
/// sandbox: Faults).
pub async fn start_with_faults(
    listen: SocketAddr,
    spec: Option<FaultSpec>,
) -> std::io::Result<Sandbox> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}");
    let state = Arc::new(seed::seed(base_url));
    let vars = SandboxVars::of(&state);
    let (tx, rx) = oneshot::channel::<()>();
    let router = app(Arc::clone(&state));
    let faults = spec.map(|spec| Arc::new(faults::Faults::new(spec)));
    let task = if let Some(f) = &faults {
        let router = faults::layer(router, Arc::clone(f));
        tokio::spawn(faults::serve(listener, router, rx))
    } else {
        tokio::spawn(async move {
            let serve = axum::serve(listener, router).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = serve.await {
                tracing::error!("sandbox server failed: {e}");
            }
        })
    };
    Ok(Sandbox {
        addr,
        vars,
        state,
        shutdown: tx,
        task,
        faults,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vars_file_round_trips_and_marks_the_secret() {
        let vars = SandboxVars {
            target: "sandbox".into(),
            api_path: "http://127.0.0.1:1/v1".into(),
            auth_path: "http://127.0.0.1:1".into(),
            orchestrate_path: "http://127.0.0.1:1/orchestrate/v1".into(),
            sandbox_path: "http://127.0.0.1:1/sandbox".into(),
            org_id: "o".into(),
            admin_env_id: "a".into(),
            admin_app_id: "w".into(),
            admin_app_secret: "s\"~.".into(),
            env_id: "e".into(),
        };
        let secrecy: Vec<_> = vars
            .entries()
            .into_iter()
            .map(|(n, v)| (n, v.is_secret()))
            .collect();
        assert_eq!(secrecy, VARIABLES, "each value is held as VARIABLES says");
        assert!(
            !format!("{vars:?}").contains("s\"~."),
            "Debug masks the secret"
        );
        let names: Vec<_> = vars.entries().into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "target",
                "apiPath",
                "authPath",
                "orchestratePath",
                "sandboxPath",
                "orgID",
                "adminEnvID",
                "adminAppID",
                "adminAppSecret",
                "envID"
            ]
        );
        let parsed: toml::Table = vars.to_toml().parse().unwrap();
        assert_eq!(parsed["apiPath"].as_str(), Some("http://127.0.0.1:1/v1"));
        assert_eq!(parsed["adminAppSecret"]["value"].as_str(), Some("s\"~."));
        assert_eq!(parsed["adminAppSecret"]["secret"].as_bool(), Some(true));
    }
}
