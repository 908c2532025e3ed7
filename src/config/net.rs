//! The connection flags of `run` and `teach` (`--cacert`, `--cert`/`--key`, `--proxy`,
//! `--connect-timeout`, `--insecure`) turned into the run's [`Network`].

use crate::cli::NetArgs;
use crate::diagnostic::Diagnostic;
use crate::http::network::Named;
use crate::http::{Network, network};

/// The connection flags, their files read and checked: each problem is an error naming the
/// flag and the file, and the run sends nothing.
pub fn network_config(args: &NetArgs) -> Result<Network, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut net = Network {
        insecure: args.insecure,
        ..Network::default()
    };
    if let Some(path) = &args.cacert {
        match network::roots(Named::flag("--cacert", path)) {
            Ok(roots) => net.roots = roots,
            Err(e) => errors.push(Diagnostic::new(e)),
        }
    }
    if let Some(cert) = &args.cert {
        let key = args.key.as_deref().map(|k| Named::flag("--key", k));
        match network::identity(
            Named::flag("--cert", cert),
            key,
            "give the key with --key FILE",
        ) {
            Ok(identity) => net.identity = Some(identity),
            Err(e) => errors.push(Diagnostic::new(e)),
        }
    }
    if let Some(url) = &args.proxy {
        match network::proxy(url) {
            Ok(proxy) => net.proxy = Some(proxy),
            Err(e) => errors.push(Diagnostic::new(e)),
        }
    }
    if let Some(text) = &args.connect_timeout {
        match network::connect_timeout(text) {
            Ok(d) => net.connect_timeout = Some(d),
            Err(e) => errors.push(Diagnostic::new(e)),
        }
    }
    if errors.is_empty() {
        Ok(net)
    } else {
        Err(errors)
    }
}
