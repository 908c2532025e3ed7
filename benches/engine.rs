//! Engine benchmark (run with `cargo bench --bench engine`): a 1,000-step workflow (POST, status
//! check, one JSONPath extraction per step) against a local keep-alive server, compared with a
//! plain reqwest loop sending the same requests; peak RSS at 1,000 and 10,000 steps; and
//! `steprun check` of the 1,000-step workflow.
//!
//! steprun is timed as what a user runs, a process (start, load, check, run, exit). The plain
//! loop is timed two ways, and both ratios are printed: inside this process (only the loop,
//! with the server warm in the same address space) and as a process of its own, started and
//! timed exactly as steprun is. Rounds interleave the three, so host drift cancels out.
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

/// Interleaved rounds of (plain loop in process, plain loop as a process, steprun).
const ROUNDS: usize = 11;

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

    // Interleaved rounds, so a host that speeds up or slows down during the bench (loopback
    // times here vary severalfold over minutes) moves both sides of each ratio alike.
    let steprun_exe = env!("CARGO_BIN_EXE_steprun");
    let own = std::env::current_exe().expect("bench executable");
    let own = own.to_str().unwrap_or_default();
    let w1k_arg = w1k.to_str().unwrap_or_default();
    let mut rounds = Vec::new();
    let mut rss_1k = 0;
    for _ in 0..ROUNDS {
        let in_process = rt.block_on(plain_loop(&base, 1_000));
        let (own_process, _) = timed_run(own, &["--plain-loop", &base]);
        let (steprun, rss) = timed_run(steprun_exe, &["run", w1k_arg]);
        rss_1k = rss_1k.max(rss);
        rounds.push(Round {
            in_process,
            own_process,
            steprun,
        });
    }
    let rss_10k = (0..3)
        .map(|_| timed_run(steprun_exe, &["run", w10k.to_str().unwrap_or_default()]).1)
        .max()
        .unwrap_or_default();
    let check = median((0..ROUNDS).map(|_| timed_run(steprun_exe, &["check", w1k_arg]).0));

    let plain = median(rounds.iter().map(|r| r.in_process));
    let plain_process = median(rounds.iter().map(|r| r.own_process));
    let steprun = median(rounds.iter().map(|r| r.steprun));
    let ratio = median_f64(rounds.iter().map(|r| ms(r.steprun) / ms(r.in_process)));
    let ratio_process = median_f64(rounds.iter().map(|r| ms(r.steprun) / ms(r.own_process)));
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!("steprun engine benchmark ({ROUNDS} interleaved rounds; medians)");
    println!(
        "  plain reqwest loop, 1,000 POSTs, in this process  {:>7.1} ms",
        ms(plain)
    );
    println!(
        "  plain reqwest loop, 1,000 POSTs, own process      {:>7.1} ms",
        ms(plain_process)
    );
    println!(
        "  steprun run, 1,000 steps                          {:>7.1} ms",
        ms(steprun)
    );
    println!(
        "    ratio to the loop in this process   {ratio:.2}×  (target ≤ 1.30×: {})",
        verdict(ratio <= 1.3)
    );
    println!(
        "    ratio to the loop as its own process {ratio_process:.2}×  (target ≤ 1.30×: {})",
        verdict(ratio_process <= 1.3)
    );
    println!(
        "  peak RSS, 1,000 steps                             {:>7.1} MB  (target < 30 MB: {})",
        mb(rss_1k),
        verdict(mb(rss_1k) < 30.0)
    );
    // "The same" allows for the file text, which a longer file has more of.
    let flat = mb(rss_10k) <= mb(rss_1k) + 3.0;
    println!(
        "  peak RSS, 10,000 steps                            {:>7.1} MB  (target: as at 1,000: {})",
        mb(rss_10k),
        verdict(flat && mb(rss_10k) < 30.0)
    );
    println!(
        "  steprun check, 1,000 steps                        {:>7.1} ms  (target < 50 ms: {})",
        ms(check),
        verdict(ms(check) < 50.0)
    );
}

struct Round {
    in_process: Duration,
    own_process: Duration,
    steprun: Duration,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[allow(clippy::cast_precision_loss)]
fn mb(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn median(times: impl Iterator<Item = Duration>) -> Duration {
    let mut v: Vec<Duration> = times.collect();
    v.sort();
    v[v.len() / 2]
}

fn median_f64(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
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
///
/// The client is set up as steprun's is for `http://` URLs (no redirects followed, no root
/// certificates loaded), so neither side pays for something the other skips.
async fn plain_loop(base: &str, n: usize) -> Duration {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .tls_certs_only([])
        .build()
        .expect("client");
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

/// Runs `program` once: wall time and peak RSS (KiB). The child is reaped by `wait4` (which
/// also reports its RSS), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn timed_run(program: &str, args: &[&str]) -> (Duration, u64) {
    let started = Instant::now();
    let child = Command::new(program)
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let (code, max_rss) = wait_with_rusage(child.id());
    let elapsed = started.elapsed();
    assert_eq!(code, 0, "{program} {args:?} failed");
    (elapsed, max_rss)
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
