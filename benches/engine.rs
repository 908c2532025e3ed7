//! Engine benchmark (run with `cargo bench --bench engine`): a 1,000-step workflow (POST, status
//! check, one JSONPath extraction per step) against a local keep-alive server, compared with a
//! plain reqwest loop sending the same requests; peak RSS at 1,000 and 10,000 steps; and
//! `steprun check` of the 1,000-step workflow.
//!
//! Server, plain loop and steprun are three processes, and steprun is timed as a user runs it
//! (start, load, check, run, exit); so is the plain loop, which also reports its loop alone.
//! Each process's wall time and CPU time (user + system, from `wait4`) are taken in the same
//! rounds, which alternate plain loop and steprun so drift of the host moves both sides alike.
//! Where each process runs matters more than anything else for wall time: on a small virtual
//! machine a wake-up on another core can cost more than a whole request. So the comparison is
//! made in three placements:
//!
//! - as run: server and clients wherever the OS puts them, as a user would measure it;
//! - the server pinned to the first core and the clients on a core of their own, as against a
//!   server on another machine;
//! - the clients on the server's core. Nothing overlaps there, so wall time is mostly the sum
//!   of both processes' CPU; it carries no wall-time target.
//!
//! `--serve` (run the bench binary directly) keeps a pinned server up for profiling by hand.
//!
//! Targets (W1000): steprun's wall time ≤ 1.2× the plain loop's (both placements
//! but the shared core) and its CPU time ≤ 1.3× (every placement); peak RSS < 30 MB, and at
//! 10,000 steps ≤ 1.1× that at 1,000; `check` < 50 ms. Each is printed met or MISSED.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::post;
use serde_json::{Value, json};

/// Alternating rounds of (plain loop, steprun) per placement.
const ROUNDS: usize = 11;
/// The W1000 targets: steprun's wall time and CPU time at most these multiples of the
/// plain loop's, measured in the same rounds; peak RSS at 10,000 steps at most this multiple
/// of that at 1,000.
const WALL_TARGET: f64 = 1.2;
const CPU_TARGET: f64 = 1.3;
const RSS_TARGET: f64 = 1.1;

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--plain-loop") {
        // The loop as a process of its own; prints the loop's own time (µs).
        let base = args.get(i + 1).expect("--plain-loop BASE");
        let rt = current_thread();
        println!("{}", rt.block_on(plain_loop(base, 1_000)).as_micros());
        return;
    }
    if args.iter().any(|a| a == "--server") {
        // The server process: prints its URL, serves until stdin closes.
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let base = rt.block_on(start_server());
        println!("{base}");
        let _ = std::io::stdin().read_line(&mut String::new());
        return;
    }

    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let own = std::env::current_exe().expect("bench executable");
    let own = own.to_str().unwrap_or_default().to_owned();
    let mut server = Command::new(&own)
        .arg("--server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .pinned(Some(&[0]))
        .spawn()
        .expect("start the server");
    let base = server_url(&mut server);
    let mut free_server = Command::new(&own)
        .arg("--server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the unpinned server");
    let free_base = server_url(&mut free_server);

    let dir = tempfile::tempdir().expect("temp dir");
    let path = |name: &str, base: &str, steps: usize| {
        let path = dir.path().join(name);
        std::fs::write(&path, workflow(base, steps)).expect("write");
        path.to_str().unwrap_or_default().to_owned()
    };
    let w1k = path("w1k.toml", &base, 1_000);
    let w10k = path("w10k.toml", &base, 10_000);
    let w1k_free = path("w1k-free.toml", &free_base, 1_000);
    if args.iter().any(|a| a == "--serve") {
        // For profiling by hand: keep the server up and say where the workflows are.
        println!("serving {base}\n  {w1k}\n  {w10k}");
        let _ = std::io::stdin().read_line(&mut String::new());
        return;
    }

    let steprun_exe = env!("CARGO_BIN_EXE_steprun");
    let mut placements = vec![Placement {
        label: "as run: server and clients where the OS puts them",
        base: &free_base,
        workflow: &w1k_free,
        cpus: None,
        wall_target: true,
    }];
    let own_cores: Vec<usize> = (1..cores).collect();
    if cores >= 2 {
        placements.push(Placement {
            label: "server on the first core, clients on a core of their own",
            base: &base,
            workflow: &w1k,
            cpus: Some(&own_cores),
            wall_target: true,
        });
    }
    placements.push(Placement {
        label: "clients on the server's core (nothing overlaps: no wall target)",
        base: &base,
        workflow: &w1k,
        cpus: Some(&[0]),
        wall_target: false,
    });

    println!(
        "steprun engine benchmark ({ROUNDS} alternating rounds per placement; medians; \
         CPU = user + system time of the whole process)"
    );
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    let mut rss_1k = 0;
    for p in &placements {
        let mut rounds = Vec::new();
        for _ in 0..ROUNDS {
            let plain = timed(
                Command::new(&own)
                    .args(["--plain-loop", p.base])
                    .stdout(Stdio::piped())
                    .pinned(p.cpus),
            );
            let steprun = timed(steprun_cmd(steprun_exe, "run", p.workflow).pinned(p.cpus));
            rss_1k = rss_1k.max(steprun.rss);
            let loop_alone = Duration::from_micros(plain.stdout.trim().parse().unwrap_or(0));
            rounds.push(Round {
                plain,
                loop_alone,
                steprun,
            });
        }
        let side = |pick: fn(&Round) -> Duration| median(rounds.iter().map(pick));
        // Ratios are taken round by round (the two sides of a round ran side by side, under
        // the same load from the host), then their median.
        let ratio = |pick: fn(&Timed) -> Duration| {
            median_f64(
                rounds
                    .iter()
                    .map(|r| ms(pick(&r.steprun)) / ms(pick(&r.plain))),
            )
        };
        let wall_ratio = ratio(|t| t.wall);
        let cpu_ratio = ratio(|t| t.cpu);
        let judged = |ratio: f64, target: f64, applies: bool| {
            if applies {
                format!("  (target ≤ {target:.1}×: {})", verdict(ratio <= target))
            } else {
                String::new()
            }
        };
        println!("  {}", p.label);
        println!(
            "    plain reqwest loop, 1,000 POSTs   wall {:>7.1} ms  CPU {:>6.1} ms  (the loop alone {:.1} ms wall)",
            ms(side(|r| r.plain.wall)),
            ms(side(|r| r.plain.cpu)),
            ms(side(|r| r.loop_alone)),
        );
        println!(
            "    steprun run, 1,000 steps          wall {:>7.1} ms  CPU {:>6.1} ms",
            ms(side(|r| r.steprun.wall)),
            ms(side(|r| r.steprun.cpu)),
        );
        println!(
            "    steprun / loop                    wall {wall_ratio:>6.2}×{}",
            judged(wall_ratio, WALL_TARGET, p.wall_target)
        );
        println!(
            "                                      CPU  {cpu_ratio:>6.2}×{}",
            judged(cpu_ratio, CPU_TARGET, true)
        );
    }

    let rss_10k = (0..3)
        .map(|_| timed(&mut steprun_cmd(steprun_exe, "run", &w10k)).rss)
        .max()
        .unwrap_or_default();
    let check =
        median((0..ROUNDS).map(|_| timed(&mut steprun_cmd(steprun_exe, "check", &w1k)).wall));
    println!(
        "  peak RSS, 1,000 steps             {:>7.1} MB  (target < 30 MB: {})",
        mb(rss_1k),
        verdict(mb(rss_1k) < 30.0)
    );
    let rss_ratio = mb(rss_10k) / mb(rss_1k);
    println!(
        "  peak RSS, 10,000 steps            {:>7.1} MB  {rss_ratio:.3}× of 1,000 steps  (target ≤ {RSS_TARGET:.1}×: {})",
        mb(rss_10k),
        verdict(rss_ratio <= RSS_TARGET && mb(rss_10k) < 30.0)
    );
    println!(
        "  steprun check, 1,000 steps        {:>7.1} ms  (target < 50 ms: {})",
        ms(check),
        verdict(ms(check) < 50.0)
    );
    for mut server in [server, free_server] {
        drop(server.stdin.take());
        let _ = server.wait();
    }
}

/// Where the clients of one comparison run, against which server.
struct Placement<'a> {
    label: &'static str,
    base: &'a str,
    workflow: &'a str,
    /// `None`: wherever the OS puts them.
    cpus: Option<&'a [usize]>,
    /// Whether the wall-time target applies (the CPU-time target applies everywhere).
    wall_target: bool,
}

/// One alternating round: the plain loop's process, then steprun's.
struct Round {
    plain: Timed,
    /// The plain loop's own timing of its loop (start-up and exit left out).
    loop_alone: Duration,
    steprun: Timed,
}

fn steprun_cmd(exe: &str, command: &str, workflow: &str) -> Command {
    let mut c = Command::new(exe);
    c.args([command, workflow]).stdout(Stdio::null());
    c
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// The URL the server process prints first.
fn server_url(server: &mut Child) -> String {
    let stdout = server.stdout.take().expect("server stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("server URL");
    line.trim().to_owned()
}

trait Pinned {
    /// Runs the child on `cpus` only (`None`: wherever the OS puts it).
    fn pinned(&mut self, cpus: Option<&[usize]>) -> &mut Self;
}

impl Pinned for Command {
    #[allow(unsafe_code)]
    fn pinned(&mut self, cpus: Option<&[usize]>) -> &mut Self {
        let Some(cpus) = cpus else { return self };
        let cpus = cpus.to_vec();
        // SAFETY: runs in the child between fork and exec; sched_setaffinity is
        // async-signal-safe and only reads the set built here.
        unsafe {
            self.pre_exec(move || {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                for &cpu in &cpus {
                    libc::CPU_SET(cpu, &mut set);
                }
                if libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &raw const set) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            })
        }
    }
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

/// One run of a child: wall time, CPU time (user + system, all its threads), peak RSS (KiB)
/// and what it printed.
struct Timed {
    wall: Duration,
    cpu: Duration,
    rss: u64,
    stdout: String,
}

/// Runs `command` once (its stdout is read if piped, else it goes nowhere unless the command
/// says so: steprun's console is written to /dev/null). The child is reaped by `wait4` (which also reports its RSS), not by
/// `Child::wait`.
#[allow(clippy::zombie_processes)]
fn timed(command: &mut Command) -> Timed {
    let started = Instant::now();
    let mut child = command
        .env("NO_COLOR", "1")
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut stdout = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = std::io::Read::read_to_string(&mut BufReader::new(out), &mut stdout);
    }
    let (code, cpu, rss) = wait_with_rusage(child.id());
    let wall = started.elapsed();
    assert_eq!(code, 0, "{command:?} failed");
    Timed {
        wall,
        cpu,
        rss,
        stdout,
    }
}

/// `wait4` gives the child's own CPU time (user + system) and peak RSS (KiB on Linux).
#[allow(unsafe_code, clippy::cast_possible_wrap, clippy::cast_sign_loss)]
fn wait_with_rusage(pid: u32) -> (i32, Duration, u64) {
    let mut status = 0;
    // SAFETY: plain libc call with valid pointers to locals.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid as i32, &raw mut status, 0, &raw mut usage) };
    assert_eq!(rc, pid as i32, "wait4");
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    (
        libc::WEXITSTATUS(status),
        time(usage.ru_utime) + time(usage.ru_stime),
        usage.ru_maxrss as u64,
    )
}
