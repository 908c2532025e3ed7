//! Sandbox benchmark (run with `cargo bench --bench sandbox`): starts the release binary's
//! `steprun sandbox` on a loopback port, then drives it from this process with a keep-alive
//! client and a fixed number of requests in flight: `client_credentials` token requests, bearer
//! GETs on users, populations and an application, and a mix of both. Each round runs the three
//! loads and then samples the sandbox's resident memory; the first round only warms up (the
//! allocator reaches its working size), the others are measured.
//!
//! The GETs rotate over the users list (20 users, about 49 KB), the populations list and one
//! application; the mix sends one token request in four. The sandbox reuses a
//! `client_credentials` token within its second (one RS256 signature per second per client),
//! so the token load measures client authentication and that reuse, not signing.
//!
//! Targets: at least 5,000 requests/s for every load in every round (the load generator shares
//! the machine's cores with the sandbox), and flat memory: no growth trend over the measured
//! rounds (the later half of them peaks no higher than the earlier half, within a small margin).

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Requests in flight at any moment.
const CONCURRENCY: usize = 48;
/// Measured rounds, after one unmeasured warm-up round of the same loads.
const ROUNDS: usize = 6;
/// Requests per load per round; a load also stops after `LOAD_TIME_LIMIT`.
const REQUESTS: usize = 20_000;
/// Requests per GET endpoint in the breakdown after the rounds.
const BREAKDOWN_REQUESTS: usize = 5_000;
const LOAD_TIME_LIMIT: Duration = Duration::from_secs(30);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Users created so the users list has something to page through.
const USERS: usize = 20;
const TARGET_RPS: f64 = 5_000.0;
/// Flat memory: the last round may exceed the post-warm-up RSS by at most this fraction, or
/// by `FLAT_SLACK_KIB`, whichever is larger (allocator arenas settle in steps).
const FLAT_FRACTION: f64 = 0.10;
const FLAT_SLACK_KIB: u64 = 2 * 1024;

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().expect("temp dir");
    let vars_file = dir.path().join("sandbox-vars.toml");
    let sandbox = Sandbox::start(&vars_file);
    let vars = read_vars(&vars_file);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(CONCURRENCY)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("client");
    let target = Arc::new(rt.block_on(prepare(&client, &vars)));

    println!(
        "steprun sandbox benchmark: loopback, {CONCURRENCY} requests in flight, keep-alive; the \
         load generator runs on the same cores"
    );
    println!(
        "  sandbox RSS at start                 {:>8.1} MB",
        mb(sandbox.rss_kib())
    );
    let warm = rt.block_on(round(&client, &target));
    let rss_warm = sandbox.rss_kib();
    println!("  warm-up round: {}   {}", warm.line, sandbox.memory());

    let mut slowest = f64::INFINITY;
    let mut failures = warm.failures;
    let mut rss_rounds = Vec::new();
    for n in 1..=ROUNDS {
        let measured = rt.block_on(round(&client, &target));
        slowest = slowest.min(measured.slowest);
        failures += measured.failures;
        let rss = sandbox.rss_kib();
        rss_rounds.push(rss);
        println!(
            "  round {n}:       {}   {}",
            measured.line,
            sandbox.memory()
        );
    }
    failures += rt.block_on(breakdown(&client, &target));
    report(
        slowest,
        failures,
        rss_warm,
        &rss_rounds,
        sandbox.peak_rss_kib(),
    );
    drop(sandbox);
}

/// Each GET alone, to show where the time goes; returns the failures.
async fn breakdown(client: &reqwest::Client, target: &Arc<Target>) -> usize {
    let mut failures = 0;
    for (index, url) in target.gets.iter().enumerate() {
        let outcome = drive(client, target, Load::One(index), BREAKDOWN_REQUESTS).await;
        failures += outcome.failures;
        let path = url.split("/v1").nth(1).unwrap_or(url);
        println!(
            "  GET {path:<80} {:>6.0} req/s (breakdown, not a target)",
            outcome.rate()
        );
    }
    failures
}

/// What one round (tokens, then GETs, then the mix) measured.
struct Round {
    line: String,
    slowest: f64,
    failures: usize,
}

async fn round(client: &reqwest::Client, target: &Arc<Target>) -> Round {
    let mut out = Round {
        line: String::new(),
        slowest: f64::INFINITY,
        failures: 0,
    };
    for load in [Load::Tokens, Load::Gets, Load::Mix] {
        let outcome = drive(client, target, load, REQUESTS).await;
        out.slowest = out.slowest.min(outcome.rate());
        out.failures += outcome.failures;
        let _ = write!(
            out.line,
            "  {} {:>6.0} req/s ({:.2} s)",
            load.name(),
            outcome.rate(),
            outcome.elapsed.as_secs_f64()
        );
        if outcome.done < REQUESTS {
            let _ = write!(out.line, " [stopped at {} requests]", outcome.done);
        }
    }
    out
}

fn report(slowest: f64, failures: usize, rss_warm: u64, rss_rounds: &[u64], peak: u64) {
    let met = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "  target ≥ 5,000 req/s   slowest load in any round {slowest:>8.0} req/s   {}",
        met(slowest >= TARGET_RPS && failures == 0)
    );
    if failures > 0 {
        println!("  {failures} requests failed (wrong status or transport error)");
    }
    // Flat: no growth trend. The allocator settles in steps of a few MB over the first rounds,
    // so the later half of the rounds may not peak above the earlier half by more than the
    // margin; memory that grew with the requests served would.
    let (early, late) = rss_rounds.split_at(rss_rounds.len() / 2);
    let early_peak = early.iter().copied().max().unwrap_or_default();
    let late_peak = late.iter().copied().max().unwrap_or_default();
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let allowed = FLAT_SLACK_KIB.max((early_peak as f64 * FLAT_FRACTION) as u64);
    let rounds: Vec<String> = rss_rounds
        .iter()
        .map(|r| format!("{:.1}", mb(*r)))
        .collect();
    println!(
        "  flat memory            RSS after warm-up {:.1} MB, after rounds {} MB (peak {:.1} MB)",
        mb(rss_warm),
        rounds.join(" / "),
        mb(peak),
    );
    println!(
        "                         later rounds peak {:.1} MB vs earlier {:.1} MB (allowed growth {:.1} MB)   {}",
        mb(late_peak),
        mb(early_peak),
        mb(allowed),
        met(early_peak > 0 && late_peak <= early_peak + allowed)
    );
}

#[allow(clippy::cast_precision_loss)]
fn mb(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The sandbox child process; killed and reaped when dropped, so a failed assertion does not
/// leave it serving.
struct Sandbox {
    child: Child,
}

impl Sandbox {
    /// Starts `steprun sandbox` on a free loopback port and waits (bounded) for its vars file.
    fn start(vars_file: &Path) -> Self {
        // `STEPRUN_BIN` runs another build (a copy to profile while the tree is rebuilt).
        let bin =
            std::env::var_os("STEPRUN_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_steprun").into());
        let child = Command::new(bin)
            .args(["sandbox", "--listen", "127.0.0.1:0", "--write-vars"])
            .arg(vars_file)
            .env("NO_COLOR", "1")
            .env_remove("STEPRUN_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn steprun sandbox");
        let mut sandbox = Self { child };
        for _ in 0..400 {
            if vars_file.exists() {
                return sandbox;
            }
            if let Ok(Some(status)) = sandbox.child.try_wait() {
                panic!("steprun sandbox exited early: {status}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("steprun sandbox did not write its vars file within 10 s");
    }

    /// Current resident set size in KiB (`VmRSS`), 0 where `/proc` is unavailable.
    fn rss_kib(&self) -> u64 {
        self.status_kib("VmRSS:")
    }

    /// `RSS x MB (anon y, file z)`: heap and stacks apart from the mapped binary.
    fn memory(&self) -> String {
        format!(
            "RSS {:>5.1} MB (anon {:.1}, file {:.1})",
            mb(self.rss_kib()),
            mb(self.status_kib("RssAnon:")),
            mb(self.status_kib("RssFile:"))
        )
    }

    /// Peak resident set size in KiB (`VmHWM`).
    fn peak_rss_kib(&self) -> u64 {
        self.status_kib("VmHWM:")
    }

    fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_default()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The variables the sandbox wrote (`--write-vars`).
struct Vars {
    api_path: String,
    auth_path: String,
    admin_env_id: String,
    admin_app_id: String,
    admin_app_secret: String,
    env_id: String,
}

fn read_vars(path: &Path) -> Vars {
    let text = std::fs::read_to_string(path).expect("read vars file");
    let table: toml::Table = text.parse().expect("vars file is TOML");
    let get = |name: &str| {
        let value = &table[name];
        value
            .as_str()
            .or_else(|| value.get("value").and_then(toml::Value::as_str))
            .unwrap_or_else(|| panic!("vars file lacks {name}"))
            .to_owned()
    };
    let vars = Vars {
        api_path: get("apiPath"),
        auth_path: get("authPath"),
        admin_env_id: get("adminEnvID"),
        admin_app_id: get("adminAppID"),
        admin_app_secret: get("adminAppSecret"),
        env_id: get("envID"),
    };
    for url in [&vars.api_path, &vars.auth_path] {
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "the sandbox must listen on loopback, not {url}"
        );
    }
    vars
}

/// What the loads send: the token request's parts and the GET URLs with their bearer token.
struct Target {
    token_url: String,
    client_id: String,
    client_secret: String,
    bearer: String,
    gets: Vec<String>,
}

/// Fetches an admin token and creates what the GETs read: users and an application.
async fn prepare(client: &reqwest::Client, vars: &Vars) -> Target {
    let mut target = Target {
        token_url: format!("{}/{}/as/token", vars.auth_path, vars.admin_env_id),
        client_id: vars.admin_app_id.clone(),
        client_secret: vars.admin_app_secret.clone(),
        bearer: String::new(),
        gets: Vec::new(),
    };
    let resp = token_request(client, &target).send().await.expect("token");
    assert_eq!(resp.status().as_u16(), 200, "admin token");
    let body: Value = resp.json().await.expect("token JSON");
    target.bearer = body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned();
    let env = format!("{}/environments/{}", vars.api_path, vars.env_id);
    for i in 0..USERS {
        let user =
            json!({"username": format!("bench{i}"), "email": format!("bench{i}@example.com")});
        create(client, &target.bearer, &format!("{env}/users"), &user).await;
    }
    let app = json!({
        "name": "Bench worker", "type": "WORKER", "protocol": "OPENID_CONNECT", "enabled": true,
        "grantTypes": ["CLIENT_CREDENTIALS"], "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
    });
    let app_id = create(client, &target.bearer, &format!("{env}/applications"), &app).await;
    target.gets = vec![
        format!("{env}/users"),
        format!("{env}/populations"),
        format!("{env}/applications/{app_id}"),
    ];
    target
}

/// POSTs `body` and returns the new resource's id.
async fn create(client: &reqwest::Client, bearer: &str, url: &str, body: &Value) -> String {
    let resp = client
        .post(url)
        .bearer_auth(bearer)
        .json(body)
        .send()
        .await
        .expect("create");
    assert_eq!(resp.status().as_u16(), 201, "POST {url}");
    let doc: Value = resp.json().await.expect("created JSON");
    doc["id"].as_str().expect("id").to_owned()
}

fn token_request(client: &reqwest::Client, target: &Target) -> reqwest::RequestBuilder {
    client
        .post(&target.token_url)
        .basic_auth(&target.client_id, Some(&target.client_secret))
        .form(&[("grant_type", "client_credentials")])
}

#[derive(Debug, Clone, Copy)]
enum Load {
    Tokens,
    Gets,
    /// One token request in four, the rest GETs.
    Mix,
    /// Only the GET at this index of `Target::gets`.
    One(usize),
}

impl Load {
    fn name(self) -> &'static str {
        match self {
            Self::Tokens => "tokens",
            Self::Gets => "GETs",
            Self::Mix => "mix",
            Self::One(_) => "GET",
        }
    }

    fn is_token(self, i: usize) -> bool {
        match self {
            Self::Tokens => true,
            Self::Gets | Self::One(_) => false,
            Self::Mix => i.is_multiple_of(4),
        }
    }

    /// Index of the GET the `i`-th request sends.
    fn get_index(self, i: usize, gets: usize) -> usize {
        match self {
            Self::One(index) => index,
            _ => i % gets,
        }
    }
}

struct Outcome {
    done: usize,
    failures: usize,
    elapsed: Duration,
}

impl Outcome {
    #[allow(clippy::cast_precision_loss)]
    fn rate(&self) -> f64 {
        self.done as f64 / self.elapsed.as_secs_f64()
    }
}

/// Sends up to `total` requests of `load` with `CONCURRENCY` in flight, for at most
/// `LOAD_TIME_LIMIT`.
async fn drive(
    client: &reqwest::Client,
    target: &Arc<Target>,
    load: Load,
    total: usize,
) -> Outcome {
    let next = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (client, target) = (client.clone(), Arc::clone(target));
            let (next, failures) = (Arc::clone(&next), Arc::clone(&failures));
            tokio::spawn(async move {
                let mut done = 0;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total || started.elapsed() > LOAD_TIME_LIMIT {
                        break done;
                    }
                    if !send(&client, &target, load, i).await {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                    done += 1;
                }
            })
        })
        .collect();
    let mut done = 0;
    for worker in workers {
        done += worker.await.expect("worker");
    }
    Outcome {
        done,
        failures: failures.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
    }
}

/// One request, its body read to the end (so the connection is reused); whether it got 200.
async fn send(client: &reqwest::Client, target: &Target, load: Load, i: usize) -> bool {
    let request = if load.is_token(i) {
        token_request(client, target)
    } else {
        client
            .get(&target.gets[load.get_index(i, target.gets.len())])
            .bearer_auth(&target.bearer)
    };
    match request.send().await {
        Ok(resp) => {
            let ok = resp.status().as_u16() == 200;
            resp.bytes().await.is_ok() && ok
        }
        Err(_) => false,
    }
}
