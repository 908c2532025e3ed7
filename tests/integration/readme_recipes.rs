//! The README's CI and Kubernetes recipes work as written: their YAML parses, the steprun
//! commands in them run (the shard numbers filled in as GitHub Actions' matrix and a
//! Kubernetes Indexed Job fill them), and what they need is in them (a volume claim they
//! mount, a command for an image without an entrypoint, the merged report kept when the merge
//! exits 1 because a tenant failed).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize as _;
use serde_yaml_ng::Value;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("read README.md")
}

/// The text of every fenced block in `lang`.
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let fence = format!("```{lang}\n");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&fence) {
        let body = &rest[start + fence.len()..];
        let end = body.find("```").expect("closed fence");
        out.push(body[..end].to_owned());
        rest = &body[end..];
    }
    out
}

/// Every YAML document of the README's recipes.
fn documents() -> Vec<Value> {
    blocks(&readme(), "yaml")
        .iter()
        .flat_map(|b| {
            serde_yaml_ng::Deserializer::from_str(b)
                .map(|d| Value::deserialize(d).unwrap_or_else(|e| panic!("{e}:\n{b}")))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// Every mapping inside `v` (itself included), depth first.
fn mappings(v: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    match v {
        Value::Mapping(m) => {
            out.push(v);
            for child in m.values() {
                out.extend(mappings(child));
            }
        }
        Value::Sequence(s) => {
            for child in s {
                out.extend(mappings(child));
            }
        }
        _ => {}
    }
    out
}

#[test]
fn a_merge_job_keeps_its_report_when_the_merge_exits_1() {
    let workflows: Vec<Value> = documents()
        .into_iter()
        .filter(|d| d.get("jobs").is_some())
        .collect();
    assert!(workflows.len() >= 2, "the two GitHub Actions recipes");
    for workflow in &workflows {
        let jobs = workflow["jobs"].as_mapping().expect("jobs");
        for (name, job) in jobs {
            let steps = job["steps"].as_sequence().expect("steps");
            let Some(merge) = steps
                .iter()
                .position(|s| str_of(s, "run").is_some_and(|r| r.contains("report merge")))
            else {
                continue;
            };
            for later in &steps[merge + 1..] {
                if str_of(later, "uses").is_some_and(|u| u.contains("upload-artifact")) {
                    assert_eq!(
                        str_of(later, "if"),
                        Some("always()"),
                        "job {name:?}: the merged report must be uploaded when a tenant failed"
                    );
                }
            }
        }
    }
}

#[test]
fn every_volume_claim_a_recipe_mounts_is_defined_in_the_readme() {
    let docs = documents();
    let defined: Vec<&str> = docs
        .iter()
        .filter(|d| str_of(d, "kind") == Some("PersistentVolumeClaim"))
        .filter_map(|d| str_of(&d["metadata"], "name"))
        .collect();
    let mut claimed: Vec<String> = docs
        .iter()
        .flat_map(mappings)
        .filter_map(|m| str_of(m, "claimName").map(str::to_owned))
        .collect();
    // The merge pod's `--overrides` JSON mounts one too.
    let text = readme();
    for (at, needle) in text.match_indices("\"claimName\":\"") {
        let rest = &text[at + needle.len()..];
        claimed.push(rest[..rest.find('"').expect("end")].to_owned());
    }
    assert!(!claimed.is_empty());
    for claim in claimed {
        assert!(
            defined.contains(&claim.as_str()),
            "claim {claim} is mounted but never defined"
        );
    }
}

/// The README's image (its Dockerfile) has no ENTRYPOINT, so a container that runs steprun
/// must say so in its `command`.
#[test]
fn every_container_names_the_program_it_runs() {
    let dockerfile = blocks(&readme(), "sh").concat();
    assert!(dockerfile.contains("DOCKERFILE") && !dockerfile.contains("ENTRYPOINT"));
    let containers: Vec<Value> = documents()
        .iter()
        .flat_map(mappings)
        .filter(|m| m.get("image").is_some() && m.get("name").is_some())
        .cloned()
        .collect();
    assert!(containers.len() >= 2, "{containers:?}");
    for c in containers {
        let command = c["command"]
            .as_sequence()
            .unwrap_or_else(|| panic!("no command: {c:?}"));
        let first = command[0].as_str().expect("command");
        assert!(first == "steprun" || first == "sh", "{c:?}");
    }
}

/// A directory holding `steprun`, to put first on `PATH` as the image's `/usr/local/bin` is.
fn bin_dir(scratch: &Path) -> PathBuf {
    let dir = scratch.join("bin");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_steprun"), dir.join("steprun")).expect("link");
    dir
}

fn sh(command: &str, dir: &Path, bin: &Path, env: &[(&str, String)]) -> std::process::Output {
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .current_dir(dir)
        .env("PATH", path);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run sh")
}

/// The Indexed Job's command in each pod (`JOB_COMPLETION_INDEX` 0 to N-1), then the merge
/// pod's, with the image's `/workflows` and the claim's `/reports` as local folders.
#[test]
fn the_indexed_job_recipe_runs_as_written() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let bin = bin_dir(scratch.path());
    let workflows = Path::new(env!("CARGO_MANIFEST_DIR")).join("workflows");
    let reports = scratch.path().join("reports");
    std::fs::create_dir_all(&reports).expect("mkdir");
    let local = |c: &str| {
        c.replace(" /workflows ", &format!(" {} ", workflows.display()))
            .replace("/reports/", &format!("{}/", reports.display()))
    };
    let docs = documents();
    let job = docs
        .iter()
        .find(|d| str_of(&d["spec"], "completionMode") == Some("Indexed"))
        .expect("the Indexed Job");
    let completions = job["spec"]["completions"].as_u64().expect("completions");
    let container = &job["spec"]["template"]["spec"]["containers"][0];
    let command: Vec<&str> = (container["command"].as_sequence().expect("command").iter())
        .map(|v| v.as_str().expect("text"))
        .collect();
    assert_eq!(command[..2], ["sh", "-c"]);
    for index in 0..completions {
        let out = sh(
            &local(command[2]),
            scratch.path(),
            &bin,
            &[("JOB_COMPLETION_INDEX", index.to_string())],
        );
        assert!(
            out.status.success(),
            "pod {index}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = readme();
    let overrides = text
        .split("--overrides='")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("the merge pod's overrides");
    let overrides: serde_json::Value = serde_json::from_str(overrides).expect("JSON");
    let merge = overrides["spec"]["containers"][0]["command"][2]
        .as_str()
        .expect("merge command");
    let out = sh(&local(merge), scratch.path(), &bin, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("merged {completions} reports")),
        "{stderr}"
    );
    assert!(reports.join("workflows.xml").exists());
}

/// The smoke `CronJob`'s command in each of its pods (`JOB_COMPLETION_INDEX` 0 to N-1), the
/// image's `/workflows` and the `ConfigMap`'s tenants as local folders, one tenant file being a
/// sandbox's: each pod runs its share, and the shares add up to every unit once.
#[test]
fn the_smoke_cron_job_recipe_runs_as_written() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let bin = bin_dir(scratch.path());
    let sandbox = crate::smoke_suite::Sandbox::start(crate::harness::Case::new());
    let tenants = scratch.path().join("tenants");
    std::fs::create_dir_all(&tenants).expect("mkdir");
    std::fs::copy(&sandbox.vars, tenants.join("sandbox.toml")).expect("copy the vars");
    let workflows = Path::new(env!("CARGO_MANIFEST_DIR")).join("workflows");
    let docs = documents();
    let cron = docs
        .iter()
        .find(|d| str_of(d, "kind") == Some("CronJob"))
        .expect("the CronJob");
    let job = &cron["spec"]["jobTemplate"]["spec"];
    assert_eq!(str_of(job, "completionMode"), Some("Indexed"));
    let completions = job["completions"].as_u64().expect("completions");
    let command = job["template"]["spec"]["containers"][0]["command"][2]
        .as_str()
        .expect("sh -c COMMAND");
    let command = command
        .replace(" /workflows/", &format!(" {}/", workflows.display()))
        .replace("/smoke/tenants/", &format!("{}/", tenants.display()));
    let mut taken = 0;
    for index in 0..completions {
        let out = sh(
            &command,
            scratch.path(),
            &bin,
            &[("JOB_COMPLETION_INDEX", index.to_string())],
        );
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "pod {index}: {stderr}");
        let said = format!("partition count:{}/{completions}: ", index + 1);
        let share = stderr
            .split(&said)
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("pod {index}: {stderr}"));
        taken += share;
    }
    sandbox.stop();
    // One tenant × the suite's three workflows.
    assert_eq!(taken, 3);
}
