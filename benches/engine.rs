//! Engine benchmark (run with `cargo bench --bench engine`): a 1,000-step workflow (POST, status
//! check, one JSONPath extraction per step) against a local keep-alive server, compared with a
//! plain reqwest loop sending the same requests; peak RSS at 1,000 and 10,000 steps; and
//! `steprun check` of the 1,000-step workflow.
//!
//! `--serve` (run the bench binary directly) keeps the server up for profiling by hand.
//!
//! Targets: steprun ≤ 1.3× the plain loop; peak RSS < 30 MB and flat from 1,000 to 10,000
//! steps; `check` < 50 ms.

use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::post;
use serde_json::{Value, json};

const REPEAT: usize = 5;

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--plain-loop") {
        // The same loop as a process of its own, started like steprun is (for context).
        let base = args.get(i + 1).expect("--plain-loop BASE");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(plain_loop(base, 1_000));
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let base = rt.block_on(start_server());
    let dir = tempfile::tempdir().expect("temp dir");
    let w1k = dir.path().join("w1k.toml");
    let w10k = dir.path().join("w10k.toml");
    std::fs::write(&w1k, workflow(&base, 1_000)).expect("write");
    std::fs::write(&w10k, workflow(&base, 10_000)).expect("write");
    if std::env::args().any(|a| a == "--serve") {
        // For profiling by hand: keep the server up and say where the workflows are.
        println!("serving {base}\n  {}\n  {}", w1k.display(), w10k.display());
        let _ = std::io::stdin().read_line(&mut String::new());
        return;
    }

    let plain = median(
        (0..REPEAT)
            .map(|_| rt.block_on(plain_loop(&base, 1_000)))
            .collect(),
    );
    let steprun_exe = env!("CARGO_BIN_EXE_steprun");
    let (steprun, rss_1k) = best_run(steprun_exe, &["run", w1k.to_str().unwrap_or_default()]);
    let (_, rss_10k) = best_run(steprun_exe, &["run", w10k.to_str().unwrap_or_default()]);
    let (check, _) = best_run(steprun_exe, &["check", w1k.to_str().unwrap_or_default()]);
    let own = std::env::current_exe().expect("bench executable");
    let (plain_process, _) = best_run(own.to_str().unwrap_or_default(), &["--plain-loop", &base]);

    println!("steprun engine benchmark (median of {REPEAT})");
    println!("  plain reqwest loop, 1,000 POSTs   {:>8.1} ms", ms(plain));
    println!(
        "  the same loop as its own process  {:>8.1} ms   (context: process start and a runtime of its own)",
        ms(plain_process)
    );
    println!(
        "  steprun run, 1,000 steps          {:>8.1} ms   ratio {:.2}× (target ≤ 1.30×)",
        ms(steprun),
        ms(steprun) / ms(plain)
    );
    println!(
        "  peak RSS, 1,000 steps             {:>8.1} MB   (target < 30 MB)",
        mb(rss_1k)
    );
    println!(
        "  peak RSS, 10,000 steps            {:>8.1} MB   (target: same as 1,000)",
        mb(rss_10k)
    );
    println!(
        "  steprun check, 1,000 steps        {:>8.1} ms   (target < 50 ms)",
        ms(check)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[allow(clippy::cast_precision_loss)]
fn mb(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn workflow(base: &str, steps: usize) -> String {
    let mut out = String::from("name = \"Bench\"\n");
    for i in 0..steps {
        let _ = write!(
            out,
            "\n[[steps]]\nname = \"Create {i}\"\nmethod = \"POST\"\nurl = \"{base}/items\"\njson = {{ name = \"item-{i}\", n = {i} }}\nexpect = {{ status = 201 }}\nextract = {{ itemID = \"$.id\" }}\n"
        );
    }
    out
}

async fn start_server() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let app = Router::new().route(
        "/items",
        post(|body: axum::Json<Value>| async move {
            let id = NEXT.fetch_add(1, Ordering::Relaxed);
            (
                axum::http::StatusCode::CREATED,
                axum::Json(json!({"id": format!("id-{id}"), "name": body.0["name"]})),
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// What steprun does per step, written by hand: POST JSON, check the status, extract `$.id`.
async fn plain_loop(base: &str, n: usize) -> Duration {
    let client = reqwest::Client::new();
    let started = Instant::now();
    for i in 0..n {
        let resp = client
            .post(format!("{base}/items"))
            .json(&json!({"name": format!("item-{i}"), "n": i}))
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status().as_u16(), 201);
        let body: Value = resp.json().await.expect("json");
        assert!(body.get("id").and_then(Value::as_str).is_some());
    }
    started.elapsed()
}

/// Runs `program` REPEAT times; median wall time and the largest peak RSS (KiB).
/// The child is reaped by `wait4` (which also reports its RSS), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn best_run(program: &str, args: &[&str]) -> (Duration, u64) {
    let mut times = Vec::new();
    let mut rss = 0;
    for _ in 0..REPEAT {
        let started = Instant::now();
        let child = Command::new(program)
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn steprun");
        let (code, max_rss) = wait_with_rusage(child.id());
        times.push(started.elapsed());
        assert_eq!(code, 0, "{program} {args:?} failed");
        rss = rss.max(max_rss);
    }
    (median(times), rss)
}

/// `wait4` gives the child's own peak RSS (KiB on Linux).
#[allow(unsafe_code, clippy::cast_possible_wrap, clippy::cast_sign_loss)]
fn wait_with_rusage(pid: u32) -> (i32, u64) {
    let mut status = 0;
    // SAFETY: plain libc call with valid pointers to locals.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid as i32, &raw mut status, 0, &raw mut usage) };
    assert_eq!(rc, pid as i32, "wait4");
    (libc::WEXITSTATUS(status), usage.ru_maxrss as u64)
}
