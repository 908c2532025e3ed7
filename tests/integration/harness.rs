//! Shared test helpers: write workflows into a temp dir, run the real binary, check its output.

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// A scratch directory with files, and the command line to run in it.
pub struct Case {
    dir: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
    /// Standard input for `run`; none means `/dev/null`.
    input: Option<String>,
}

/// What the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Case {
    pub fn new() -> Case {
        Case {
            dir: tempfile::tempdir().expect("temp dir"),
            args: Vec::new(),
            env: Vec::new(),
            input: None,
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file (creating parent directories).
    pub fn file(self, name: &str, content: &str) -> Case {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, content).expect("write file");
        self
    }

    /// Writes a file of any bytes (an image, a key).
    pub fn file_bytes(self, name: &str, content: &[u8]) -> Case {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, content).expect("write file");
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Case
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Case {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Pipes `text` to the binary's standard input (closed after it, so it then sees EOF).
    pub fn stdin(mut self, text: &str) -> Case {
        self.input = Some(text.to_owned());
        self
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
    }

    /// Runs `steprun ARGS` in the case's directory, with no terminal and no color.
    pub fn run(&self) -> Run {
        self.run_with(&self.args)
    }

    /// Runs `steprun` with these arguments instead of the case's own (several commands in
    /// one directory).
    pub fn run_with<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_steprun"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .stdin(if self.input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("NO_COLOR", "1")
            // A width exported by the shell would cut the lines tests compare.
            .env_remove("COLUMNS")
            .env_remove("STEPRUN_LOG")
            // A collector the developer's shell points at is not the test's.
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
            .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        for (k, _) in std::env::vars() {
            if k.starts_with("STEPRUN_VAR_") {
                cmd.env_remove(k);
            }
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("run steprun");
        if let (Some(text), Some(mut pipe)) = (self.input.clone(), child.stdin.take()) {
            // A thread, so a binary that stops reading early cannot block the test.
            std::thread::spawn(move || {
                use std::io::Write as _;
                let _ = pipe.write_all(text.as_bytes());
            });
        }
        let out = child.wait_with_output().expect("wait for steprun");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub fn code(self, expected: i32) -> Run {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(self, needle: &str) -> Run {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(self, needle: &str) -> Run {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn nowhere(self, needle: &str) -> Run {
        assert!(
            !self.stdout.contains(needle) && !self.stderr.contains(needle),
            "output contains {needle:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// A `steprun` process still running.
pub struct Running {
    child: std::process::Child,
    /// Keeps the case's directory alive while the process runs.
    case: Case,
}

impl Case {
    /// Starts `steprun ARGS` without waiting for it.
    pub fn spawn(self) -> Running {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_steprun"));
        cmd.args(&self.args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("NO_COLOR", "1")
            // A width exported by the shell would cut the lines tests compare.
            .env_remove("COLUMNS");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        Running {
            child: cmd.spawn().expect("spawn steprun"),
            case: self,
        }
    }
}

impl Running {
    /// Sends SIGINT, as Ctrl-C does.
    #[allow(unsafe_code)]
    pub fn interrupt(&self) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("pid");
        // SAFETY: sending a signal to our own child process.
        let rc = unsafe { libc::kill(pid, libc::SIGINT) };
        assert_eq!(rc, 0, "kill");
    }

    /// Sends `signal` (`libc::SIGTERM`, `libc::SIGKILL`, …).
    #[allow(unsafe_code)]
    pub fn signal(&self, signal: libc::c_int) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("pid");
        // SAFETY: sending a signal to our own child process.
        let rc = unsafe { libc::kill(pid, signal) };
        assert_eq!(rc, 0, "kill");
    }

    /// Reads standard output up to the first line containing `needle` (blocking until the
    /// process prints it), and returns the lines read.
    pub fn stdout_until(&mut self, needle: &str) -> String {
        use std::io::Read as _;
        let out = self.child.stdout.as_mut().expect("stdout piped");
        let mut read = Vec::new();
        let mut byte = [0u8; 1];
        loop {
            let n = out.read(&mut byte).expect("read stdout");
            assert!(
                n > 0,
                "stdout ended before {needle:?}:\n{}",
                String::from_utf8_lossy(&read)
            );
            read.push(byte[0]);
            if byte[0] == b'\n'
                && String::from_utf8_lossy(&read)
                    .lines()
                    .any(|l| l.contains(needle))
            {
                return String::from_utf8_lossy(&read).into_owned();
            }
        }
    }

    pub fn wait(self) -> Run {
        self.wait_keeping().0
    }

    /// Waits, and hands back the case, whose directory then still holds what the run wrote.
    pub fn wait_keeping(self) -> (Run, Case) {
        let out = self.child.wait_with_output().expect("wait");
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        (run, self.case)
    }
}
