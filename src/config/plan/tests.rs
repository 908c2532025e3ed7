//! Building plans from command lines, with workflow files in a scratch directory: nothing is
//! sent, so no server is needed.

use std::collections::BTreeSet;
use std::path::Path;

use clap::Parser as _;

use super::{PlanEntry, PlanError, RunPlan};
use crate::cli::{Cli, Command};

fn workflow(name: &str, extract: Option<&str>, reads: Option<&str>) -> String {
    let query = reads.map(|r| format!("?v=<<{r}>>")).unwrap_or_default();
    let extract = extract
        .map(|e| format!("extract = {{ {e} = \"$.x\" }}\n"))
        .unwrap_or_default();
    format!(
        "name = \"{name}\"\n\n[[steps]]\nname = \"Get\"\nurl = \"http://127.0.0.1:9/{name}{query}\"\n{extract}"
    )
}

/// A directory of independent workflows `w0.toml`…, plus `vars/e0.toml`… for a matrix.
fn scratch(workflows: usize, entries: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("flows")).unwrap();
    std::fs::create_dir_all(dir.path().join("vars")).unwrap();
    for i in 0..workflows {
        let text = workflow(&format!("w{i}"), None, None);
        std::fs::write(dir.path().join(format!("flows/w{i}.toml")), text).unwrap();
    }
    for i in 0..entries {
        let text = format!("entry = \"{i}\"\n");
        std::fs::write(dir.path().join(format!("vars/e{i}.toml")), text).unwrap();
    }
    dir
}

fn plan(args: &[&str]) -> Result<RunPlan, PlanError> {
    let cli = Cli::try_parse_from(["steprun", "run"].iter().chain(args)).expect("parses");
    match cli.command {
        Command::Run(args) => RunPlan::from_run_args(&args),
        _ => unreachable!("a run"),
    }
}

fn usage(args: &[&str]) -> String {
    match plan(args) {
        Err(PlanError::Usage(text)) => text,
        Err(PlanError::Invalid(d)) => panic!("{args:?}: invalid, not usage: {d:?}"),
        Ok(_) => panic!("{args:?}: planned"),
    }
}

fn s(path: &Path) -> String {
    path.display().to_string()
}

/// Each unit as `label|file name,file name`.
fn units(plan: &RunPlan) -> Vec<String> {
    plan.units
        .iter()
        .map(|u| {
            let files: Vec<String> = u
                .workflows
                .iter()
                .map(|w| {
                    w.source
                        .path()
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .into()
                })
                .collect();
            let label = plan.entries[u.entry].label().unwrap_or_default();
            format!("{label}|{}", files.join(","))
        })
        .collect()
}

#[test]
fn bad_partitions_are_usage_errors_before_any_file_is_read() {
    // The paths do not exist: the flag is refused first, and said alone.
    for (value, says) in [
        ("0/3", "expected count:I/N or hash:I/N"),
        ("count:0/3", "the shard I must be from 1 to 3"),
        ("count:4/3", "the shard I must be from 1 to 3"),
        ("x:1/2", "unknown scheme `x`"),
        ("count:1/0", "N must be at least 1"),
    ] {
        let text = usage(&["missing.toml", "--partition", value]);
        assert!(
            text.starts_with(&format!("--partition `{value}`: ")),
            "{text}"
        );
        assert!(text.contains(says), "{value}: {text}");
    }
    let text = usage(&[
        "missing.toml",
        "--partition",
        "hash:1/2",
        "--save-vars",
        "v.toml",
    ]);
    assert!(text.contains("--save-vars with --partition"), "{text}");
}

#[test]
fn without_partition_units_are_entries_or_files_side_by_side() {
    let dir = scratch(3, 2);
    let flows = s(&dir.path().join("flows"));
    let matrix = s(&dir.path().join("vars/*.toml"));
    let one = plan(&[&flows]).unwrap();
    assert_eq!(units(&one), ["|w0.toml,w1.toml,w2.toml"]);
    assert!(!one.units_apart());
    let apart = plan(&[&flows, "--jobs", "2"]).unwrap();
    assert_eq!(units(&apart), ["|w0.toml", "|w1.toml", "|w2.toml"]);
    assert!(apart.units_apart());
    let m = plan(&[&flows, "--matrix", &matrix, "--jobs", "2"]).unwrap();
    assert_eq!(
        units(&m),
        ["e0|w0.toml,w1.toml,w2.toml", "e1|w0.toml,w1.toml,w2.toml"]
    );
    assert!(m.matrix && !m.units_apart());
}

#[test]
fn shards_are_disjoint_and_cover_every_unit_for_many_n() {
    let dir = scratch(7, 3);
    let flows = s(&dir.path().join("flows"));
    let matrix = s(&dir.path().join("vars/*.toml"));
    for with_matrix in [false, true] {
        let mut args = vec![flows.as_str()];
        if with_matrix {
            args.extend(["--matrix", &matrix]);
        }
        let expected: BTreeSet<String> = if with_matrix {
            (0..3)
                .flat_map(|e| (0..7).map(move |w| format!("e{e}|w{w}.toml")))
                .collect()
        } else {
            (0..7).map(|w| format!("|w{w}.toml")).collect()
        };
        for scheme in ["count", "hash"] {
            for total in 1..=10 {
                let mut seen = BTreeSet::new();
                for index in 1..=total {
                    let value = format!("{scheme}:{index}/{total}");
                    let mut with = args.clone();
                    with.extend(["--partition", &value]);
                    let p = plan(&with).unwrap();
                    assert_eq!(p.partition.unwrap().1, expected.len());
                    for unit in units(&p) {
                        assert!(seen.insert(unit.clone()), "{value}: {unit} twice");
                    }
                }
                assert_eq!(seen, expected, "{scheme} over {total}");
            }
        }
    }
}

#[test]
fn a_workflow_reading_what_another_extracts_stays_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("a.toml", workflow("a", Some("seen"), None)),
        ("b.toml", workflow("b", None, Some("seen"))),
        ("c.toml", workflow("c", None, None)),
        // Reads `seen` but extracts it first itself: no tie.
        ("d.toml", {
            let mut text = workflow("d", Some("seen"), None);
            text.push_str("\n[[steps]]\nname = \"Again\"\nurl = \"http://127.0.0.1:9/<<seen>>\"\n");
            text
        }),
        ("e.toml", workflow("e", None, None)),
        // Sets `seen` in its `[vars]`, but an extracted value wins over those: tied to the
        // latest workflow before it that extracts it.
        (
            "f.toml",
            workflow("f", None, Some("seen")).replace("\n\n", "\n\n[vars]\nseen = \"x\"\n\n"),
        ),
    ];
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let path = s(dir.path());
    let mut all = Vec::new();
    for index in 1..=4 {
        let value = format!("count:{index}/4");
        let p = plan(&[&path, "--partition", &value]).unwrap();
        assert_eq!(
            p.partition.unwrap().1,
            4,
            "a with b and d with f: four units"
        );
        all.extend(units(&p));
    }
    all.sort();
    assert_eq!(
        all,
        ["|a.toml,b.toml", "|c.toml", "|d.toml,f.toml", "|e.toml"],
        "each shard runs whole units"
    );
}

#[test]
fn each_matrix_entry_has_its_own_run_id() {
    let dir = scratch(1, 10);
    let flows = s(&dir.path().join("flows"));
    let matrix = s(&dir.path().join("vars/*.toml"));
    let p = plan(&[&flows, "--matrix", &matrix]).unwrap();
    let ids: BTreeSet<String> = p.entries.iter().map(PlanEntry::run_id).collect();
    assert_eq!(ids.len(), 10, "{ids:?}");
    for id in ids {
        assert!(
            id.len() == 8 && id.chars().all(|c| c.is_ascii_hexdigit()),
            "{id}"
        );
    }
    let one = plan(&[&flows]).unwrap();
    assert_eq!(one.entries.len(), 1);
    assert_eq!(one.entries[0].run_id().len(), 8);
}

#[test]
fn files_that_are_not_there_are_invalid_input() {
    match plan(&["no/such/dir", "--partition", "count:1/2"]) {
        Err(PlanError::Invalid(d)) => {
            assert!(
                d[0].message
                    .contains("no such file or directory: no/such/dir")
            );
        }
        other => panic!("{:?}", other.err()),
    }
}
