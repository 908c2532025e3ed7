//! `--partition` on `run` and `list`, and a `run_id` per matrix entry, with the real binary
//! against a local server and the sandbox.

use std::path::PathBuf;

use crate::harness::Case;
use crate::server::TestServer;

/// A workflow of one GET to the echo server, naming itself in the path.
fn echo(base: &str, name: &str) -> String {
    format!("name = \"{name}\"\n\n[[steps]]\nname = \"Get\"\nurl = \"{base}/echo/{name}\"\n")
}

/// Four independent workflows, `a.toml` … `d.toml`, in `flows/`.
fn four(base: &str) -> Case {
    ["a", "b", "c", "d"].iter().fold(Case::new(), |case, n| {
        case.file(&format!("flows/{n}.toml"), &echo(base, &n.to_uppercase()))
    })
}

/// The workflows a run's console names as passed, in order.
fn passed(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("✓ "))
        .filter_map(|l| l.split(':').next())
        .filter(|name| !name.ends_with(" workflow") && !name.ends_with(" workflows"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn count_shards_deal_the_sorted_files_round_robin_and_together_run_each_once() {
    let server = TestServer::start();
    let case = || four(&server.base);
    let mut all = Vec::new();
    for (index, expected) in [(1, ["A", "C"]), (2, ["B", "D"])] {
        let value = format!("count:{index}/2");
        let run = case()
            .args(["run", "flows", "--partition", value.as_str()])
            .run()
            .code(0)
            .stderr_has(&format!("partition {value}: 2 of 4 units"));
        assert_eq!(passed(&run.stdout), expected, "{}", run.stdout);
        all.extend(passed(&run.stdout));
    }
    all.sort();
    assert_eq!(all, ["A", "B", "C", "D"]);
    // `list` shows a shard's workflows the same way, and says its share as `run` does.
    let listed = case()
        .args(["list", "flows", "--partition", "count:2/2"])
        .run();
    let listed = listed
        .code(0)
        .stdout_has("2 workflows")
        .stderr_has("partition count:2/2: 2 of 4 units");
    assert!(listed.stdout.contains("flows/b.toml") && listed.stdout.contains("flows/d.toml"));
    assert!(!listed.stdout.contains("flows/a.toml"), "{}", listed.stdout);
}

#[test]
fn hash_shards_run_each_unit_once_and_an_empty_shard_passes() {
    let server = TestServer::start();
    let case = || four(&server.base);
    for total in [1, 3, 7] {
        let mut all = Vec::new();
        for index in 1..=total {
            let value = format!("hash:{index}/{total}");
            let run = case()
                .args(["run", "flows", "--partition", value.as_str()])
                .run()
                .code(0);
            all.extend(passed(&run.stdout));
        }
        all.sort();
        assert_eq!(all, ["A", "B", "C", "D"], "over {total} shards");
    }
}

#[test]
fn a_workflow_using_another_ones_extraction_runs_in_its_shard() {
    let server = TestServer::start();
    let base = &server.base;
    let case = || {
        Case::new()
            .file(
                "flows/a.toml",
                &format!(
                    "name = \"A\"\n\n[[steps]]\nname = \"Read\"\nurl = \"{base}/echo\"\n\
                 extract = {{ seen = \"$.method\" }}\n"
                ),
            )
            .file(
                "flows/b.toml",
                &format!(
                    "name = \"B\"\n\n[[steps]]\nname = \"Use\"\nurl = \"{base}/echo?m=<<seen>>\"\n\
                 [steps.expect.json]\n\"$.query\" = \"m=GET\"\n"
                ),
            )
            .file("flows/c.toml", &echo(base, "C"))
    };
    let one = case()
        .args(["run", "flows", "--partition", "count:1/2"])
        .run();
    let one = one.code(0).stderr_has("partition count:1/2: 1 of 2 units");
    assert_eq!(passed(&one.stdout), ["A", "B"], "{}", one.stdout);
    let two = case()
        .args(["run", "flows", "--partition", "count:2/2"])
        .run();
    assert_eq!(passed(&two.code(0).stdout), ["C"]);
    case()
        .args(["list", "flows", "--partition", "count:1/2"])
        .run()
        .code(0)
        .stdout_has("flows/a.toml\n    runs in one unit with: flows/b.toml\n")
        .stdout_has("flows/b.toml\n    runs in one unit with: flows/a.toml\n")
        .stdout_has("2 workflows");
}

#[test]
fn bad_partition_values_are_usage_errors() {
    for (value, says) in [
        ("0/3", "--partition `0/3`: expected count:I/N or hash:I/N"),
        ("4/3", "--partition `4/3`: expected count:I/N or hash:I/N"),
        ("count:0/3", "the shard I must be from 1 to 3"),
        ("count:4/3", "the shard I must be from 1 to 3"),
        ("x:1/2", "--partition `x:1/2`: unknown scheme `x`"),
        (
            "count:1/0",
            "--partition `count:1/0`: the number of shards N must be at least 1",
        ),
    ] {
        for command in ["run", "list"] {
            Case::new()
                .args([command, "flows", "--partition", value])
                .run()
                .code(2)
                .stderr_has(says);
        }
    }
}

/// Matrix entries sharing one environment name what they create with their own `run_id`:
/// ten runs of the same tutorial against one sandbox do not collide on unique names.
#[test]
fn ten_matrix_entries_against_one_sandbox_each_create_their_own_names() {
    let workflow =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("workflows/sso/simple-login.toml");
    let case = (1..=10).fold(Case::new(), |case, i| {
        case.file(&format!("m/e{i:02}.toml"), &format!("entry = {i}\n"))
    });
    case.args([
        "run",
        &workflow.display().to_string(),
        "--sandbox",
        "--matrix",
        "m/*.toml",
        "--jobs",
        "4",
    ])
    .run()
    .code(0)
    .stdout_has("10 workflows: 10 passed, 0 failed");
}

/// A vars file may still set `run_id`: its value wins over the entry's own.
#[test]
fn a_matrix_vars_file_may_set_run_id() {
    let server = TestServer::start();
    let workflow = format!(
        "name = \"Id\"\n\n[[steps]]\nname = \"Get\"\nurl = \"{}/echo?id=<<run_id>>\"\n\
         [steps.expect.json]\n\"$.query\" = \"id=<<expected>>\"\n",
        server.base
    );
    Case::new()
        .file("w.toml", &workflow)
        .file(
            "m/a.toml",
            "run_id = \"aaaa1111\"\nexpected = \"aaaa1111\"\n",
        )
        .file(
            "m/b.toml",
            "run_id = \"bbbb2222\"\nexpected = \"bbbb2222\"\n",
        )
        .args(["run", "w.toml", "--matrix", "m/*.toml"])
        .run()
        .code(0)
        .stdout_has("2 workflows: 2 passed");
}

/// `list --matrix GLOB --partition` names the (vars file × workflow) units a `run` with the
/// same flags runs, as `Name [label]`: shards disjoint, together covering every unit.
#[test]
fn list_with_a_matrix_shows_the_units_run_takes() {
    let server = TestServer::start();
    let case = || {
        four(&server.base)
            .file("envs/x.toml", "")
            .file("envs/y.toml", "")
    };
    for scheme in ["count", "hash"] {
        let mut all = Vec::new();
        for index in 1..=3 {
            let value = format!("{scheme}:{index}/3");
            let flags = ["flows", "--matrix", "envs/*.toml", "--partition", &value];
            let run = case().args(["run"]).args(flags).run().code(0);
            let listed = case().args(["list"]).args(flags).run().code(0);
            // Each workflow has one step, said as one.
            assert!(!listed.stdout.contains("(1 steps)"), "{}", listed.stdout);
            let mut names: Vec<String> = (listed.stdout.lines())
                .filter(|l| !l.starts_with(' ') && l.contains("  ("))
                .map(|l| l.split("  (").next().unwrap_or_default().to_owned())
                .collect();
            let mut ran = passed(&run.stdout);
            names.sort();
            ran.sort();
            assert_eq!(names, ran, "{value}: {}", listed.stdout);
            all.extend(ran);
        }
        all.sort();
        let mut every: Vec<String> = ["x", "y"]
            .iter()
            .flat_map(|l| ["A", "B", "C", "D"].map(|w| format!("{w} [{l}]")))
            .collect();
        every.sort();
        assert_eq!(all, every, "{scheme}");
    }
}

/// A matrix entry is named by its vars file's stem in reports, `--save-vars` files, spans
/// and partition keys, so two files with one stem are refused before anything is sent.
#[test]
fn two_vars_files_with_one_label_are_refused() {
    let server = TestServer::start();
    let case = || {
        four(&server.base)
            .file("envs/eu/acme.toml", "")
            .file("envs/us/acme.toml", "")
    };
    for command in ["run", "list"] {
        case()
            .args([command, "flows", "--matrix", "envs/*/*.toml"])
            .run()
            .code(2)
            .stderr_has("envs/eu/acme.toml and envs/us/acme.toml would both be labelled `acme`");
    }
    assert_eq!(server.hits(), 0);
}

/// A read the static check words another way still ties: a name close to one the workflow
/// extracts itself (the check suggests that one) and a name only `expect.vars` checks.
#[test]
fn a_read_the_check_words_as_a_suggestion_or_in_expect_vars_still_ties() {
    let server = TestServer::start();
    let base = &server.base;
    let case = || {
        Case::new()
            .file(
                "flows/a.toml",
                &format!(
                    "name = \"A\"\n\n[[steps]]\nname = \"Read\"\nurl = \"{base}/echo\"\n\
                 extract = {{ seenIDs = \"$.method\" }}\n"
                ),
            )
            .file(
                "flows/b.toml",
                &format!(
                    "name = \"B\"\n\n[[steps]]\nname = \"Own\"\nurl = \"{base}/echo\"\n\
                 extract = {{ seenID = \"$.method\" }}\n\n[[steps]]\nname = \"Use\"\n\
                 url = \"{base}/echo?m=<<seenIDs>>\"\n"
                ),
            )
            .file(
                "flows/c.toml",
                &format!(
                    "name = \"C\"\n\n[[steps]]\nname = \"Check\"\nurl = \"{base}/echo\"\n\
                 expect.vars = {{ seenIDs = \"GET\" }}\n"
                ),
            )
            .file("flows/d.toml", &echo(base, "D"))
    };
    let one = case()
        .args(["run", "flows", "--partition", "count:1/2"])
        .run();
    let one = one.code(0).stderr_has("partition count:1/2: 1 of 2 units");
    assert_eq!(passed(&one.stdout), ["A", "B", "C"], "{}", one.stdout);
    let two = case()
        .args(["run", "flows", "--partition", "count:2/2"])
        .run();
    assert_eq!(passed(&two.code(0).stdout), ["D"]);
    case()
        .args(["list", "flows", "--partition", "count:1/2"])
        .run()
        .code(0)
        .stdout_has("flows/b.toml\n    runs in one unit with: flows/a.toml, flows/c.toml\n")
        .stdout_has("flows/c.toml\n    runs in one unit with: flows/a.toml, flows/b.toml\n");
}

/// A file named twice (a directory and a file in it, or overlapping directories) runs twice,
/// as without `--partition`, but is one unit (its two runs one after the other): both runs are
/// in one shard, so the shards stay disjoint and their reports merge. Also when one copy is
/// tied to another workflow and the other copy is not.
#[test]
fn a_file_named_twice_runs_twice_in_one_shard() {
    let server = TestServer::start();
    let case = four(&server.base);
    for (index, expected) in [(1, vec!["A", "A", "C"]), (2, vec!["B", "D"])] {
        let value = format!("count:{index}/2");
        let report = format!("json=s{index}.json");
        let run = case.run_with(&[
            "run",
            "flows",
            "flows/a.toml",
            "--partition",
            &value,
            "--report",
            &report,
        ]);
        assert_eq!(passed(&run.code(0).stdout), expected, "{value}");
    }
    case.run_with(&[
        "report",
        "merge",
        "s1.json",
        "s2.json",
        "--report",
        "json=all.json",
    ])
    .code(0)
    .stderr_has("merged 2 reports: 5 workflows, 0 failed");

    // `r.toml` reads `x`, which `e.toml` extracts: named before and after it, its second copy
    // is tied to `e.toml` and its first is not.
    let base = &server.base;
    let tied = Case::new()
        .file(
            "r.toml",
            &format!(
                "name = \"R\"\n[vars]\nx = \"d\"\n[[steps]]\nname = \"Get\"\nurl = \"{base}/echo/<<x>>\"\n"
            ),
        )
        .file(
            "e.toml",
            &format!(
                "name = \"E\"\n[[steps]]\nname = \"Get\"\nurl = \"{base}/echo/e\"\nextract = {{ x = \"$.method\" }}\n"
            ),
        );
    let mut ran = Vec::new();
    for index in 1..=2 {
        let value = format!("count:{index}/2");
        let report = format!("json=t{index}.json");
        let run = tied
            .run_with(&[
                "run",
                "r.toml",
                "e.toml",
                "r.toml",
                "--partition",
                &value,
                "--report",
                &report,
            ])
            .code(0);
        ran.extend(passed(&run.stdout));
    }
    ran.sort_unstable();
    assert_eq!(ran, ["E", "R", "R"]);
    tied.run_with(&[
        "report",
        "merge",
        "t1.json",
        "t2.json",
        "--report",
        "json=tied.json",
    ])
    .code(0);
}
