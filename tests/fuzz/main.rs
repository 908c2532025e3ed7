//! The fuzzer on stable Rust: every reader of hostile input (workflow files, vars files,
//! templates, JSONPath, Postman collections) is fed mutations of its seed corpus for a time
//! budget, and must answer each input with `Ok` or an error, never a panic, an abort or a
//! hang. `cargo test` runs it for a few seconds a target; the README (Development) says how to
//! run it longer and how to reproduce a crash.
//!
//! Environment: `STEPRUN_FUZZ_SECONDS` (per target, default 3), `STEPRUN_FUZZ_SEED` (the
//! generator's seed, default from the clock; printed), `STEPRUN_FUZZ_REPRO` (a file: run that
//! one input and print the result). Arguments name the targets to run (default: all).

mod mutate;
mod seeds;

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mutate::Rng;

type Target = fn(&[u8]) -> Result<String, String>;

const TOML_TOKENS: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    ",",
    ".",
    "\"",
    "'",
    "'''",
    "\"\"\"",
    "\n",
    "#",
    "\\",
    "\\u",
    "\\U0010ffff",
    "[[steps]]\n",
    "[steps.expect]\n",
    "[      json]\n",
    "[      expect.json]\n",
    "\r\n",
    "_1",
    "\\\n",
    "[vars]\n",
    "[defaults]\n",
    "[tenant]\n",
    "name = \"x\"\n",
    "use = \"",
    "method = \"GET\"\n",
    "url = \"http://h/\"\n",
    "a = [",
    "a = {",
    "x.y.z = 1\n",
    "when = \"",
    "retry = { attempts = ",
    "delay = \"",
    "timeout = \"",
    "body = { file = \"",
    "extract = { a = \"$.",
    "status = ",
    "\u{feff}",
    "\r\n",
    "\t",
    " = true\n",
    "<<",
    ">>",
    "<%",
    "%>",
    // The edges of the quick step reader (workflow::quick_toml): deep and implicit sub-tables,
    // runs of quotes, escapes TOML 1.1 added, signed and grouped integers, quoted and empty
    // keys, the toml crate's private datetime key.
    ".a",
    "[      json.a]\n",
    "[      json.a.b]\n",
    "[      cleanup.expect]\n",
    "[      \"cleanup\".expect]\n",
    "\"\"\"\"",
    "''''",
    "\\e",
    "\\x41",
    "\\u00e9",
    "\\\"",
    "\\  \n  ",
    "-0",
    "+1",
    "1_000",
    "\"\" = 1\n",
    "\"\\u0061\" = ",
    "\"$__toml_private_datetime\" = \"1979-05-27\"\n",
    "json = { a = 1, b = [1, 'x', [true], {}] }\n",
    "auth = ",
    "true",
    "# c\n",
];

const TEMPLATE_TOKENS: &[&str] = &[
    "<<",
    ">>",
    "<%",
    "%>",
    "<#",
    "#>",
    "<%-",
    "-%>",
    "<% for x in items %>",
    "<% endfor %>",
    "<% if ",
    "<% endif %>",
    "<% set a = ",
    "<% macro m() %>",
    "<% endmacro %>",
    "<% raw %>",
    "<% endraw %>",
    "|",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ".",
    ",",
    "'",
    "\"",
    "~",
    "*",
    "**",
    "+",
    "range(",
    "name",
    "count",
    "items",
    "user",
    "client_secret",
    "run_id",
    "| tojson",
    "| base64",
    "| urlencode",
    "| indent(",
    "| pkce_s256",
    "| jwt_payload",
    "random_string(",
    "random_int(",
    "jwt_sign(",
    "env(",
    "uuid()",
    "loop.",
    "self.",
    "caller()",
    " * 1000000",
    "'x' * ",
    " is defined",
    " and ",
    " not ",
    "\n",
];

const JSONPATH_TOKENS: &[&str] = &[
    "$",
    ".",
    "..",
    "*",
    "[",
    "]",
    "[*]",
    "[?",
    "@",
    "@.",
    "==",
    "!=",
    "<",
    ">=",
    "&&",
    "||",
    "!",
    "(",
    ")",
    "'",
    "\"",
    ":",
    "::",
    "-1",
    "0",
    "length(",
    "count(",
    "match(",
    "search(",
    "value(",
    "[-9223372036854775808:]",
    "[::-1]",
    "\n",
    "{",
    "}",
    "\"a\":",
    "[[[[",
];

const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "null",
    "true",
    "1e999",
    "\"item\": [",
    "\"request\": {",
    "\"url\": ",
    "\"raw\": \"",
    "\"header\": [",
    "\"body\": {",
    "\"mode\": \"raw\"",
    "\"event\": [",
    "\"script\": {\"exec\": [\"",
    "pm.environment.set(",
    "pm.response.json()",
    "{{",
    "}}",
    "\"variable\": [",
    "\"key\": \"",
    "\"value\": \"",
    "\"auth\": {",
    "\"type\": \"bearer\"",
    "\"name\": \"",
    "\n",
];

fn ok<T: std::fmt::Debug>(r: Result<T, String>) -> Result<String, String> {
    r.map(|v| format!("{v:?}"))
}

fn targets() -> Vec<(&'static str, Target, &'static [&'static str])> {
    vec![
        (
            "workflow",
            |b| ok(steprun::fuzzing::load_workflow(b)),
            TOML_TOKENS,
        ),
        ("vars", |b| ok(steprun::fuzzing::read_vars(b)), TOML_TOKENS),
        ("step", |b| ok(steprun::fuzzing::read_step(b)), TOML_TOKENS),
        (
            "template",
            |b| ok(steprun::fuzzing::render_template(b)),
            TEMPLATE_TOKENS,
        ),
        (
            "jsonpath",
            |b| ok(steprun::fuzzing::jsonpath(b)),
            JSONPATH_TOKENS,
        ),
        (
            "postman",
            |b| ok(steprun::fuzzing::import_postman(b)),
            JSON_TOKENS,
        ),
    ]
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn crash_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    target.join("fuzz")
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Saves a failing input; returns where.
fn save(target: &str, kind: &str, input: &[u8]) -> PathBuf {
    let dir = crash_dir().join("crashes");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{target}-{kind}-{:016x}", fnv(input)));
    let _ = std::fs::write(&path, input);
    path
}

/// The last panic's message, kept by the hook instead of printed.
static PANIC: Mutex<Option<String>> = Mutex::new(None);

/// An error's shape, for telling new behaviour from old: its first line without numbers or
/// quoted text.
fn shape(message: &str) -> String {
    let line = message.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut out = String::new();
    let mut quoted = false;
    for c in line.chars().take(120) {
        match c {
            '`' | '"' => quoted = !quoted,
            _ if quoted || c.is_ascii_digit() => {}
            _ => out.push(c),
        }
    }
    out
}

struct Stats {
    execs: u64,
    oks: u64,
    errors: u64,
    crashes: Vec<PathBuf>,
    slowest: Duration,
    corpus: usize,
}

/// Runs one target for `budget`; the watchdog aborts if one input takes longer than `hang`.
fn fuzz(
    name: &str,
    target: Target,
    tokens: &[&str],
    rng: &mut Rng,
    budget: Duration,
    current: &Arc<Mutex<Vec<u8>>>,
    started: &AtomicU64,
) -> Stats {
    let mut corpus = seeds::seeds(name);
    let mut shapes = HashSet::new();
    let mut stats = Stats {
        execs: 0,
        oks: 0,
        errors: 0,
        crashes: Vec::new(),
        slowest: Duration::ZERO,
        corpus: 0,
    };
    let clock = Instant::now();
    let mut i = 0;
    while clock.elapsed() < budget {
        // The seeds as they are first, then mutations of the corpus.
        let input = if i < corpus.len() {
            corpus[i].clone()
        } else {
            let base = rng.below(corpus.len());
            mutate::mutate(rng, &corpus[base], &corpus, tokens)
        };
        i += 1;
        if let Ok(mut c) = current.lock() {
            c.clone_from(&input);
        }
        let t = Instant::now();
        started.store(epoch_ms(), Ordering::SeqCst);
        let result = catch_unwind(AssertUnwindSafe(|| target(&input)));
        started.store(0, Ordering::SeqCst);
        if t.elapsed() > stats.slowest {
            stats.slowest = t.elapsed();
            // Kept for a look at what is slow (a slow input is a hang in the making).
            let dir = crash_dir();
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(dir.join(format!("slowest-{name}")), &input);
        }
        stats.execs += 1;
        let key = match result {
            Ok(Ok(_)) => {
                stats.oks += 1;
                "ok".to_owned()
            }
            // An error must say something: an empty one is a finding like a panic.
            Ok(Err(e)) if !e.trim().is_empty() => {
                stats.errors += 1;
                shape(&e)
            }
            Ok(Err(_)) => {
                let path = save(name, "empty-error", &input);
                eprintln!(
                    "fuzz {name}: EMPTY ERROR, input saved to {}",
                    path.display()
                );
                stats.crashes.push(path);
                continue;
            }
            Err(_) => {
                let message = PANIC
                    .lock()
                    .ok()
                    .and_then(|mut p| p.take())
                    .unwrap_or_default();
                let path = save(name, "panic", &input);
                eprintln!(
                    "fuzz {name}: PANIC, input saved to {}\n{message}",
                    path.display()
                );
                stats.crashes.push(path);
                continue;
            }
        };
        // Inputs that give an answer of a shape not seen yet join the corpus.
        if shapes.insert(key) && corpus.len() < 4096 {
            corpus.push(input);
        }
    }
    stats.corpus = corpus.len();
    stats
}

fn epoch_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Aborts the process, saving the input, when one input runs past `hang`.
fn watchdog(
    name: Arc<Mutex<String>>,
    current: Arc<Mutex<Vec<u8>>>,
    started: Arc<AtomicU64>,
    hang: Duration,
) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(200));
            let at = started.load(Ordering::SeqCst);
            if at != 0
                && epoch_ms().saturating_sub(at)
                    > u64::try_from(hang.as_millis()).unwrap_or(u64::MAX)
            {
                let target = name.lock().map(|n| n.clone()).unwrap_or_default();
                let input = current.lock().map(|c| c.clone()).unwrap_or_default();
                let path = save(&target, "hang", &input);
                eprintln!(
                    "fuzz {target}: HANG, one input ran longer than {hang:?}; saved to {}",
                    path.display()
                );
                std::process::exit(1);
            }
        }
    });
}

fn main() {
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let chosen: Vec<_> = targets()
        .into_iter()
        .filter(|(n, _, _)| wanted.is_empty() || wanted.iter().any(|w| w == n))
        .collect();
    if let Some(file) = std::env::var_os("STEPRUN_FUZZ_REPRO") {
        let input = std::fs::read(&file).expect("STEPRUN_FUZZ_REPRO names a readable file");
        for (name, target, _) in &chosen {
            println!("{name}: {:?}", target(&input));
        }
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(ToString::to_string).unwrap_or_default();
        if let Ok(mut p) = PANIC.lock() {
            *p = Some(format!("panicked at {at}: {info}"));
        }
    }));
    let seconds = env_u64("STEPRUN_FUZZ_SECONDS").unwrap_or(3);
    let seed = env_u64("STEPRUN_FUZZ_SEED").unwrap_or_else(epoch_ms);
    let hang = Duration::from_secs(env_u64("STEPRUN_FUZZ_HANG_SECONDS").unwrap_or(30));
    println!(
        "fuzz: {seconds} s a target, seed {seed} (STEPRUN_FUZZ_SEED={seed} repeats the inputs)"
    );
    let current = Arc::new(Mutex::new(Vec::new()));
    let started = Arc::new(AtomicU64::new(0));
    let running = Arc::new(Mutex::new(String::new()));
    watchdog(
        Arc::clone(&running),
        Arc::clone(&current),
        Arc::clone(&started),
        hang,
    );
    let mut crashes = Vec::new();
    let mut rng = Rng::new(seed);
    for (name, target, tokens) in chosen {
        if let Ok(mut r) = running.lock() {
            name.clone_into(&mut r);
        }
        let s = fuzz(
            name,
            target,
            tokens,
            &mut rng,
            Duration::from_secs(seconds),
            &current,
            &started,
        );
        println!(
            "fuzz {name:9} {:>9} execs  {:>7} ok  {:>9} errors  {} crashes  corpus {}  slowest input {:?}",
            s.execs,
            s.oks,
            s.errors,
            s.crashes.len(),
            s.corpus,
            s.slowest
        );
        crashes.extend(s.crashes);
    }
    if !crashes.is_empty() {
        eprintln!(
            "fuzz: {} crashing inputs; reproduce one with STEPRUN_FUZZ_REPRO=FILE cargo test --test fuzz -- TARGET",
            crashes.len()
        );
        std::process::exit(1);
    }
}
