//! Shared test helpers: build workflows in a temp dir, run the real binary, start servers.
