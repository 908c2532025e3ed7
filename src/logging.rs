//! Diagnostics of the tool itself (not the run's output): `tracing`, off unless `STEPRUN_LOG` is set.

/// Installs a stderr subscriber filtered by `STEPRUN_LOG` (e.g. `STEPRUN_LOG=steprun=debug`).
pub fn init() {
    let Ok(filter) = std::env::var("STEPRUN_LOG") else {
        return;
    };
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .try_init();
}
