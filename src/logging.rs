//! Diagnostics of the tool itself (not the run's output): `tracing`, off unless `STEPRUN_LOG` is set.

/// Targets whose events can carry cookie or header values.
const QUIET: &str = "cookie_store=warn,reqwest_cookie_store=warn,reqwest=warn,hyper=warn,\
                     hyper_util=warn,h2=warn,rustls=warn";

/// Installs a stderr subscriber filtered by `STEPRUN_LOG` (e.g. `STEPRUN_LOG=steprun=debug`).
pub fn init() {
    let Ok(filter) = std::env::var("STEPRUN_LOG") else {
        return;
    };
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    // The HTTP libraries' own debug and trace events print cookies and headers as they are
    // (`cookie_store` logs every Set-Cookie), where the run's redactor cannot reach: they are
    // held to warnings whatever the filter says (SPEC §5).
    let filter = format!("{filter},{QUIET}");
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .try_init();
}
